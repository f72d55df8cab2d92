from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from research.models import User
from study.restore import RestoreError, project_restore_file


class Command(BaseCommand):
    help = (
        "Restore one project from a project export file (JSON) into this server. All or "
        "nothing; a project that is still here is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the export file (Export the project as JSON)")
        parser.add_argument(
            "--owner", help="e-mail of a user of this server who becomes the project's owner"
        )

    def handle(self, *args, file: str, owner: str | None = None, **options):
        user = None
        if owner:
            user = User.objects.filter(email__iexact=owner.strip()).first()
            if user is None:
                raise CommandError(f"No user with the e-mail {owner} on this server.")
        try:
            content = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        try:
            project = project_restore_file(content=content, owner=user)
        except RestoreError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored “{project.title}” ({project.code}).")
