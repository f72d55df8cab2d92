"""Reads for projects, members and jobs."""

from __future__ import annotations

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from research.models import Job, Membership, Project, User


def project_rows(*, user: User, archived: bool) -> list[tuple[Project, str | None]]:
    """The user's projects by title, each with the user's role and a member count."""
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
    return [(project, roles.get(project.pk)) for project in projects]


def project_members(*, project: Project) -> QuerySet[Membership]:
    return project.memberships.select_related("user").order_by("role", "user__email")


def project_jobs(*, project: Project, limit: int) -> QuerySet[Job]:
    return project.jobs.select_related("requested_by")[:limit]


def jobs_with_requester() -> QuerySet[Job]:
    return Job.objects.select_related("requested_by")
