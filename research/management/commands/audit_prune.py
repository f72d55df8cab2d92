"""`manage.py audit_prune [--days N]`: delete audit-trail entries past the retention period.

The only deleter of audit entries (the daily beat task calls the same service).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from research.audit import audit_prune


class Command(BaseCommand):
    help = "Delete audit-trail entries older than CONCORD_AUDIT_RETENTION_DAYS (or --days)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.AUDIT_RETENTION_DAYS,
            help="Keep this many days (default: CONCORD_AUDIT_RETENTION_DAYS).",
        )

    def handle(self, *args, days: int, **options) -> None:
        deleted = audit_prune(before=timezone.now() - timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} audit entries older than {days} days.")
