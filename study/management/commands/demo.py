import logging
from contextlib import contextmanager

from django.core.management.base import BaseCommand

from study.demo import DEMO_PASSWORD, DEMO_PEOPLE, demo_load, demo_project, demo_remove


@contextmanager
def _quiet():
    """The demo's jobs run in-process: without this, each one logs its claim and its Celery
    task ("Job N was already claimed…", "No hostname was supplied"), burying the logins.
    Errors still show."""
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


class Command(BaseCommand):
    help = "Load, remove or reload the demo project (load does nothing if it exists)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "remove", "reload"])
        parser.add_argument(
            "--url", default="", help="the address the server will answer on (`make run` passes it)"
        )

    def handle(self, *args, action: str, url: str, **options):
        with _quiet():
            if action in {"remove", "reload"}:
                removed = demo_remove()
                self.stdout.write("Demo project removed." if removed else "No demo project found.")
            if action in {"load", "reload"}:
                created = demo_load()
                self.stdout.write(
                    "Demo project loaded." if created else "Demo project already present."
                )
        if action in {"load", "reload"} and demo_project() is not None:
            self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
            for email, name, role in DEMO_PEOPLE:
                self.stdout.write(f"  {email:<24} {name:<14} {role.label}")
            if url:
                self.stdout.write(f"\nOpen {url} and log in.\n")
