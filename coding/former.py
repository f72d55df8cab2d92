"""A removed member's codings: handed over to their pseudonym, or deleted.

`study.members.member_remove` calls one of these in the transaction that removes the member
(research records the former member and its pseudonymous account; coding owns the excerpts).
A removed coder never becomes a NULL coder: NULL means consensus.

Lock order as everywhere in coding: excerpt rows first (locked here in primary-key order),
then their codings (deleted by the cascade).
"""

from __future__ import annotations

from django.db import transaction

from coding.models import Assignment, Excerpt, ExcerptChange
from research.models import Project, User


def _excerpts(project: Project, user: User):
    return Excerpt.objects.filter(document__project=project, coder=user)


@transaction.atomic
def codings_hand_over(*, project: Project, user: User, placeholder: User) -> int:
    """Attribute the member's excerpts (and their change history) to the pseudonym; their
    assignments go (a former member codes nothing more). The number of excerpts moved."""
    ids = list(
        _excerpts(project, user).select_for_update().order_by("pk").values_list("pk", flat=True)
    )
    moved = Excerpt.objects.filter(pk__in=ids).update(coder=placeholder)
    ExcerptChange.objects.filter(project=project, user=user).update(user=placeholder)
    Assignment.objects.filter(document__project=project, coder=user).delete()
    return moved


@transaction.atomic
def codings_delete(*, project: Project, user: User) -> int:
    """Delete the member's excerpts with their codings and history; the number deleted.

    Agreement runs that read them keep their stored results; their pages say that some of
    their coders' codings were deleted later (`research.selectors.former_coders_of_run`).
    """
    rows = list(
        _excerpts(project, user).select_for_update().order_by("pk").values_list("pk", "code")
    )
    ExcerptChange.objects.filter(
        project=project, excerpt_code__in=[code for _pk, code in rows]
    ).delete()
    ExcerptChange.objects.filter(project=project, user=user).update(user=None)
    Excerpt.objects.filter(pk__in=[pk for pk, _code in rows]).delete()
    Assignment.objects.filter(document__project=project, coder=user).delete()
    return len(rows)
