"""Reads for reconciliation: progress, and one document's candidates lined up for the page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from coding.models import (
    Candidate,
    CandidateComment,
    Code,
    Decision,
    Reconciliation,
    ReconciliationDocument,
)
from research.models import User


@dataclass(frozen=True)
class DocumentProgress:
    item: ReconciliationDocument
    decided: int
    total: int

    @property
    def state(self) -> str:
        return self.item.state


@dataclass(frozen=True)
class Progress:
    documents: list[DocumentProgress]
    by_reconciler: dict[int, int]  # user id: decisions in force

    @property
    def decided(self) -> int:
        return sum(d.decided for d in self.documents)

    @property
    def total(self) -> int:
        return sum(d.total for d in self.documents)


def reconciliation_progress(*, reconciliation: Reconciliation) -> Progress:
    """Candidates decided / total per document, decisions per reconciler. Queries: 2."""
    live = Decision.objects.filter(candidate=OuterRef("pk"), undone_at__isnull=True)
    items = (
        ReconciliationDocument.objects.filter(reconciliation=reconciliation)
        .select_related("document")
        .annotate(
            total=Count("candidates", filter=Q(candidates__superseded=False), distinct=True),
        )
    )
    decided = Counter(
        Candidate.objects.filter(item__reconciliation=reconciliation, superseded=False)
        .filter(Exists(live))
        .values_list("item_id", flat=True)
    )
    by_reconciler = Counter(
        Decision.objects.filter(
            candidate__item__reconciliation=reconciliation,
            candidate__superseded=False,
            undone_at__isnull=True,
        ).values_list("decided_by_id", flat=True)
    )
    return Progress(
        documents=[DocumentProgress(i, decided.get(i.pk, 0), i.total) for i in items],
        by_reconciler=dict(by_reconciler),
    )


@dataclass
class CandidateRow:
    """One candidate as the page shows it: each coder's spans side by side."""

    candidate: Candidate
    by_coder: list[tuple[User, list[dict]]]
    decision: Decision | None
    comments: list[CandidateComment] = field(default_factory=list)


def document_candidates(*, item: ReconciliationDocument, coders: list[User]) -> list[CandidateRow]:
    """The document's live candidates in text order, each source with its code names (merges
    followed: a code merged away shows as the code it became). Queries: 4, whatever the count.
    """
    candidates = list(Candidate.objects.filter(item=item, superseded=False).order_by("position"))
    ids = [c.pk for c in candidates]
    decisions = {
        d.candidate_id: d
        for d in Decision.objects.filter(
            candidate_id__in=ids, undone_at__isnull=True
        ).select_related("decided_by")
    }
    comments: dict[int, list[CandidateComment]] = {}
    for comment in CandidateComment.objects.filter(candidate_id__in=ids).select_related("author"):
        comments.setdefault(comment.candidate_id, []).append(comment)
    names = {
        str(uid): name
        for uid, name in Code.objects.filter(project_id=item.document.project_id).values_list(
            "code", "name"
        )
    }
    rows = []
    for candidate in candidates:
        by_coder = [
            (
                coder,
                [
                    {**s, "names": [names.get(u, "?") for u in s["codes"]]}
                    for s in candidate.sources
                    if s["coder"] == coder.pk
                ],
            )
            for coder in coders
        ]
        rows.append(
            CandidateRow(
                candidate, by_coder, decisions.get(candidate.pk), comments.get(candidate.pk, [])
            )
        )
    return rows
