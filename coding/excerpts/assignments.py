"""Assignments: which coder is asked to code which document, and when they are done."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coding.models import Assignment, AssignmentStatus, Document, Excerpt
from research.access import project_coder_users
from research.models import Project


@transaction.atomic
def assignments_set(*, project: Project, pairs: set[tuple[int, int]]) -> tuple[int, int]:
    """Make the project's assignments exactly `pairs` of (document id, coder id).

    Returns (added, removed). Removing an assignment keeps the coder's excerpts.
    """
    documents = set(Document.objects.filter(project=project).values_list("pk", flat=True))
    coders = set(project_coder_users(project).values_list("pk", flat=True))
    if any(doc not in documents or user not in coders for doc, user in pairs):
        raise ValidationError(_("Assign this project's documents to its coders only."))
    existing = {
        (doc, user): pk
        for doc, user, pk in Assignment.objects.filter(document__project=project).values_list(
            "document_id", "coder_id", "pk"
        )
    }
    stale = [pk for pair, pk in existing.items() if pair not in pairs]
    Assignment.objects.filter(pk__in=stale).delete()
    new = [Assignment(document_id=d, coder_id=u) for d, u in pairs if (d, u) not in existing]
    Assignment.objects.bulk_create(new)
    return len(new), len(stale)


@transaction.atomic
def assignment_mark_done(*, assignment: Assignment, done: bool = True) -> Assignment:
    if done:
        assignment.status = AssignmentStatus.DONE
        assignment.done_at = timezone.now()
    else:
        has_work = Excerpt.objects.filter(
            document_id=assignment.document_id, coder_id=assignment.coder_id
        ).exists()
        assignment.status = AssignmentStatus.IN_PROGRESS if has_work else AssignmentStatus.ASSIGNED
        assignment.done_at = None
    assignment.save(update_fields=["status", "done_at"])
    return assignment
