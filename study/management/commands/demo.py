from django.core.management.base import BaseCommand

from study.demo import DEMO_PASSWORD, DEMO_PEOPLE, demo_load, demo_project, demo_remove


class Command(BaseCommand):
    help = "Load, remove or reload the demo project (load does nothing if it exists)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "remove", "reload"])

    def handle(self, *args, action: str, **options):
        if action in {"remove", "reload"}:
            removed = demo_remove()
            self.stdout.write("Demo project removed." if removed else "No demo project found.")
        if action in {"load", "reload"}:
            created = demo_load()
            self.stdout.write(
                "Demo project loaded." if created else "Demo project already present."
            )
            if demo_project() is not None:
                self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
                for email, name, role in DEMO_PEOPLE:
                    self.stdout.write(f"  {email:<24} {name:<14} {role.label}")
                self.stdout.write("\nOpen http://127.0.0.1:8000/ and log in.\n")
