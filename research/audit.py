"""The audit trail: who signed in, read, exported, deleted, unblinded or changed members.

`audit_record` is the one writer: a single INSERT with ids and a short JSON detail, no reads,
so a request that is audited pays one statement (bench/audit_cost.py measures it; the figures
are in docs/performance.md).
Services call it where they do the thing (views stay thin; reading and downloading a
document and the exports have no service, so their views call it); the reads are in
`research.selectors`, for the owners' "Audit trail" page and its CSV.

Rows are never changed or deleted by the application; `audit_prune` (the management command
and the periodic task) deletes rows older than CONCORD_AUDIT_RETENTION_DAYS and is the only
deleter. On PostgreSQL a trigger refuses any other UPDATE or DELETE (migration 0005).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from research.models import AuditAction, AuditEntry, Membership, Project

__all__ = ["AuditAction", "audit_prune", "audit_record", "audit_sign_in"]

# The PostgreSQL setting the guard trigger checks; only audit_prune sets it (SET LOCAL).
PRUNE_SETTING = "concord.audit_prune"


@contextmanager
def _written_quickly() -> Iterator[None]:
    """A sign-in's rows (one per project) outside any transaction: committed without waiting
    for the WAL flush, like `_insert_without_flush` but for a multi-row INSERT (a sign-in is
    rare, so the transaction's extra round trips do not matter)."""
    if connection.in_atomic_block or connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _pk(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return getattr(value, "pk", None)


def audit_record(
    *,
    project: Project | int | None,
    actor: Any,
    action: AuditAction | str,
    target: str = "",
    target_id: object = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry. `actor` is a user (an anonymous one counts as nobody) or None."""
    entry = AuditEntry(
        project_id=_pk(project),
        actor_id=_pk(actor) if getattr(actor, "is_authenticated", actor is not None) else None,
        action=action,
        target=str(target)[:300],
        target_id=str(target_id or "")[:64],
        detail=detail or {},
        at=timezone.now(),
    )
    if connection.in_atomic_block or connection.vendor != "postgresql":
        entry.save(force_insert=True)  # commits with the change it records
    else:
        _insert_without_flush(entry)
    return entry


# One statement, so one round trip: the INSERT selects from set_config(), which turns off the
# wait for the WAL flush for this statement's own (implicit) transaction only.
_QUICK_INSERT = """
INSERT INTO research_auditentry (project_id, actor_id, action, target, target_id, detail, at)
SELECT %s, %s, %s, %s, %s, %s::jsonb, %s
FROM (SELECT set_config('synchronous_commit', 'off', true)) AS without_flush
RETURNING id
"""


def _insert_without_flush(entry: AuditEntry) -> None:
    """A read request's entry (a document view, a download, an export) outside any
    transaction: committed without waiting for the WAL to reach the disk, so the trail costs
    the request one INSERT round trip, not a disk sync. A server crash may lose the last
    fraction of a second of such entries; it never corrupts the trail."""
    with connection.cursor() as cursor:
        cursor.execute(
            _QUICK_INSERT,
            [
                entry.project_id,
                entry.actor_id,
                entry.action,
                entry.target,
                entry.target_id,
                json.dumps(entry.detail, cls=DjangoJSONEncoder),
                entry.at,
            ],
        )
        entry.pk = cursor.fetchone()[0]
    entry._state.adding = False


def audit_sign_in(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver: one entry per project the user is a member of.

    A sign-in is recorded against each of the member's projects (not as a site-level entry),
    so every owner of a project sees its members' sign-ins on that project's trail and nobody
    sees sign-ins to projects they do not own. One read (the memberships) and one INSERT.
    """
    project_ids = list(Membership.objects.filter(user=user).values_list("project_id", flat=True))
    if not project_ids:
        return
    method = getattr(getattr(request, "resolver_match", None), "url_name", "") or ""
    detail = {"via": method} if method else {}
    now = timezone.now()
    with _written_quickly():
        AuditEntry.objects.bulk_create(
            AuditEntry(
                project_id=pk, actor_id=user.pk, action=AuditAction.SIGN_IN, detail=detail, at=now
            )
            for pk in project_ids
        )


def retention_cutoff():
    return timezone.now() - timedelta(days=settings.AUDIT_RETENTION_DAYS)


@transaction.atomic
def audit_prune(*, before=None) -> int:
    """Delete entries older than the retention period (or `before`); the number deleted."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [PRUNE_SETTING])
    deleted, _ = AuditEntry.objects.filter(at__lt=before or retention_cutoff()).delete()
    return deleted


def audit_record_each(
    *,
    project: Project | int | None,
    actor: Any,
    action: AuditAction | str,
    targets: list[tuple[str, object, dict]],
) -> None:
    """One entry per target (label, id, detail) in one INSERT: a bulk action on several
    objects (deleting documents) reads as one line per object on the trail."""
    actor_id = _pk(actor) if getattr(actor, "is_authenticated", actor is not None) else None
    now = timezone.now()
    AuditEntry.objects.bulk_create(
        AuditEntry(
            project_id=_pk(project),
            actor_id=actor_id,
            action=action,
            target=str(label)[:300],
            target_id=str(target_id or "")[:64],
            detail=detail,
            at=now,
        )
        for label, target_id, detail in targets
    )


# What the trail page calls each export (`export` below): the CSV of the trail keeps the key.
EXPORT_NAMES = {
    "codebook": _("the codebook"),
    "excerpts": _("excerpts"),
    "agreement run": _("an agreement run"),
    "consensus": _("the consensus"),
    "decision-log": _("the reconciliation's decision log"),
    "matrix": _("a matrix"),
    "cases": _("the cases"),
    "project": _("the project"),
    "audit trail": _("the audit trail"),
}


def audit_target_label(entry: AuditEntry) -> tuple[str, bool]:
    """What an entry names, for the trail page, and whether that is the interface's words (an
    export's name) rather than the project's (a document's title, a person's name)."""
    if entry.action == AuditAction.EXPORT and entry.target in EXPORT_NAMES:
        return str(EXPORT_NAMES[entry.target]), True
    return entry.target, False


def audit_export(
    *, project: Project | int, actor: Any, export: str, fmt: str, **detail: object
) -> AuditEntry:
    """An export left the server: which one (`export`, e.g. "excerpts"), in which format, and
    what it held (filters, counts) as far as the caller knows without reading more."""
    return audit_record(
        project=project,
        actor=actor,
        action=AuditAction.EXPORT,
        target=export,
        detail={"format": fmt, **detail},
    )
