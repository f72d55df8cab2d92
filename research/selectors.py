"""Reads for projects, members, jobs and the audit trail."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import translation

from research.models import (
    AuditAction,
    AuditEntry,
    FormerMember,
    Job,
    Membership,
    Project,
    Role,
    User,
)


def project_rows(*, user: User, archived: bool) -> list[tuple[Project, str]]:
    """The user's projects by title, each with the user's role (its name, in the reader's
    language) and a member count."""
    # The count is a subquery: counted over the join that `for_user` filters on, it would
    # count only the user's own membership ("1 member" on every project).
    members = (
        Membership.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    projects = (
        Project.objects.for_user(user)
        .filter(archived_at__isnull=not archived)
        .annotate(member_count=Coalesce(Subquery(members), 0))
        .order_by("title")
    )
    roles = dict(Membership.objects.filter(user=user).values_list("project_id", "role"))
    names = dict(Role.choices)
    return [(project, str(names.get(roles.get(project.pk, ""), ""))) for project in projects]


def project_members(*, project: Project) -> QuerySet[Membership]:
    return project.memberships.select_related("user").order_by("role", "user__email")


def project_jobs(*, project: Project, limit: int) -> QuerySet[Job]:
    return project.jobs.select_related("requested_by")[:limit]


def jobs_with_requester() -> QuerySet[Job]:
    return Job.objects.select_related("requested_by")


# --- the audit trail and former members ------------------------------------------------------


def former_names(*, project: Project | int) -> dict[int, str]:
    """Removed members' account ids → their pseudonym in the project (one query)."""
    rows = FormerMember.objects.filter(project=project).select_related("placeholder")
    return {row.user_id: row.placeholder.name for row in rows}


def former_coders_with_deleted_codings(*, project: Project | int, user_ids) -> int:
    """How many of these accounts were removed from the project with their codings deleted
    (an agreement run's page says so: its stored results used codings that are gone)."""
    return FormerMember.objects.filter(
        project=project, user_id__in=list(user_ids), codings_deleted=True
    ).count()


@dataclass(frozen=True)
class AuditFilter:
    actor: int | None = None
    action: str = ""
    since: date | None = None
    until: date | None = None


def audit_entries(*, project: Project, filters: AuditFilter) -> QuerySet[AuditEntry]:
    """The project's trail, newest first, filtered; the actor comes in the same query."""
    entries = AuditEntry.objects.filter(project=project).select_related("actor")
    if filters.actor is not None:
        entries = entries.filter(actor_id=filters.actor)
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.since:
        entries = entries.filter(at__date__gte=filters.since)
    if filters.until:
        entries = entries.filter(at__date__lte=filters.until)
    return entries.order_by("-at", "-pk")


def audit_actor_name(entry: AuditEntry, former: dict[int, str]) -> str:
    """Who did it: a removed member's pseudonym (never their old name), else the account's
    name; nobody for entries without an actor."""
    if entry.actor_id is None:
        return "—"
    if entry.actor_id in former:
        return former[entry.actor_id]
    return entry.actor.name if entry.actor else f"#{entry.actor_id}"


def audit_csv_rows(*, project: Project, filters: AuditFilter) -> Iterator[list[str]]:
    """The trail as CSV rows (header first), streamed: two queries whatever its length."""
    former = former_names(project=project)
    # A machine format: actions by their English names whatever the reader's language.
    with translation.override("en"):
        labels = {value: str(label) for value, label in AuditAction.choices}
    yield ["when", "who", "action", "what", "id", "detail"]
    for entry in audit_entries(project=project, filters=filters).iterator(chunk_size=2000):
        yield [
            entry.at.isoformat(),
            audit_actor_name(entry, former),
            str(labels.get(entry.action, entry.action)),
            entry.target,
            entry.target_id,
            json.dumps(entry.detail, ensure_ascii=False, sort_keys=True),
        ]
