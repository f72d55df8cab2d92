"""The project page's "at a glance": documents, each coder's progress, cases, agreement runs and
reconciliation. It spans documents, codings and cases, so it lives in `study`.

What a member sees follows the blind rule: a coder in a blind project sees only their own
progress; leads, owners (and everyone once unblinded) see every coder's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from cases.models import Case
from coding.models import (
    AgreementRun,
    Assignment,
    AssignmentStatus,
    Document,
    DocumentStatus,
    Excerpt,
)
from coding.reconcile.selectors import reconciled_documents
from research.access import project_coders, sees_all_codings
from research.models import Membership


def project_overview(*, membership: Membership) -> dict[str, Any]:
    """Counts for the project page (six queries, whatever the project's size)."""
    project = membership.project
    documents = Document.objects.filter(project=project).aggregate(
        total=Count("pk"), ready=Count("pk", filter=Q(status=DocumentStatus.READY))
    )
    coders = project_coders(project).select_related("user").order_by("user__email")
    if not sees_all_codings(membership):
        coders = coders.filter(user=membership.user)
    coded = dict(
        Excerpt.objects.filter(document__project=project, coder__isnull=False)
        .values("coder")
        .annotate(n=Count("document", distinct=True))
        .values_list("coder", "n")
    )
    assigned: dict[int, tuple[int, int]] = {
        coder: (total, done)
        for coder, total, done in Assignment.objects.filter(document__project=project)
        .values("coder")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(status=AssignmentStatus.DONE)))
        .values_list("coder", "total", "done")
    }
    return {
        "documents": documents["total"],
        "ready": documents["ready"],
        "coders": [
            {
                "name": m.user.name,
                "coded": coded.get(m.user_id, 0),
                "assigned": assigned.get(m.user_id, (0, 0))[0],
                "done": assigned.get(m.user_id, (0, 0))[1],
            }
            for m in coders
        ],
        "cases": Case.objects.filter(project=project).count(),
        "runs": AgreementRun.objects.filter(project=project, finished_at__isnull=False).count(),
        "reconciled": reconciled_documents(project_id=project.pk).count(),
    }
