"""A removed member's codings: handed over to their pseudonym, or deleted; and the rest of
coding's records that name them, handed over.

`study.members.member_remove` calls one of these in the transaction that removes the member
(research records the former member and its pseudonymous account; coding owns the excerpts).
A removed coder never becomes a NULL coder: NULL means consensus.

Lock order as everywhere in coding: reconciliation candidates (`records_hand_over`, called
first), then excerpt rows (locked here in primary-key order), then their codings (deleted by
the cascade).
"""

from __future__ import annotations

from django.db import transaction

from coding.models import (
    Assignment,
    Candidate,
    CandidateComment,
    Decision,
    Excerpt,
    ExcerptChange,
    Reconciliation,
)
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


def records_hand_over(*, project: Project, user: User, placeholder: User) -> int:
    """What else of coding names the member in the project, now named by the pseudonym:
    reconciliation comments, decisions (made and undone) and the rounds they opened. Kept
    whether their codings stay or go: the discussion happened. The number of rows changed."""
    rounds = Reconciliation.objects.filter(project=project)
    candidates = Candidate.objects.filter(item__reconciliation__project=project)
    decisions = Decision.objects.filter(candidate__in=candidates)
    # The rounds they were reconciled in, and the coder ids that candidates' sources and
    # decisions keep (whose version was kept, whom the result follows), name the pseudonym.
    for reconciliation in rounds.filter(coders=user):
        reconciliation.coders.remove(user)
        reconciliation.coders.add(placeholder)
    swap = {user.pk: placeholder.pk}
    moved = []
    # Candidates first, in primary-key order: a decision locks its candidate, then excerpts.
    for candidate in candidates.select_for_update().order_by("pk"):
        sources = [
            {**s, "coder": swap.get(s.get("coder"), s.get("coder"))} for s in candidate.sources
        ]
        if sources != candidate.sources:
            candidate.sources = sources
            moved.append(candidate)
    Candidate.objects.bulk_update(moved, ["sources"])
    changed_decisions = []
    for decision in decisions.order_by("pk"):
        kept = [swap.get(pk, pk) for pk in decision.kept_coders]
        follows = [swap.get(pk, pk) for pk in decision.follows]
        if (kept, follows) != (decision.kept_coders, decision.follows):
            decision.kept_coders, decision.follows = kept, follows
            changed_decisions.append(decision)
    Decision.objects.bulk_update(changed_decisions, ["kept_coders", "follows"])
    return (
        len(moved)
        + len(changed_decisions)
        + sum(
            [
                rounds.filter(opened_by=user).update(opened_by=placeholder),
                CandidateComment.objects.filter(candidate__in=candidates, author=user).update(
                    author=placeholder
                ),
                decisions.filter(decided_by=user).update(decided_by=placeholder),
                decisions.filter(undone_by=user).update(undone_by=placeholder),
            ]
        )
    )
