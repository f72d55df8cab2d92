"""Reads for reconciliation: progress, and one document's candidates lined up for the page."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from coding.excerpts.selectors import code_fates
from coding.models import (
    Candidate,
    CandidateComment,
    CandidateKind,
    Code,
    Decision,
    DocumentState,
    Reconciliation,
    ReconciliationDocument,
)
from research.access import Capability, has_capability
from research.models import Membership, Role, User


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
    reconcilers: list[tuple[User, int]]  # the same, with the people, by name
    disagreements: int = 0  # decided candidates where the coders did not agree
    towards: list[tuple[User, int]] = field(default_factory=list)  # ...resolved their way
    deciders: list[str] = field(default_factory=list)  # the roles that decided them

    @property
    def decided(self) -> int:
        return sum(d.decided for d in self.documents)

    @property
    def total(self) -> int:
        return sum(d.total for d in self.documents)


def reconciliation_progress(*, reconciliation: Reconciliation) -> Progress:
    """Candidates decided / total per document, decisions per reconciler, and how the decided
    disagreements were resolved: towards which coder, by which roles (roles, not names, for
    the methods paragraph). Queries: 7."""
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
    people = User.objects.filter(pk__in=[pk for pk in by_reconciler if pk is not None])
    resolved = list(
        Decision.objects.filter(
            candidate__item__reconciliation=reconciliation,
            candidate__superseded=False,
            undone_at__isnull=True,
        )
        .exclude(candidate__kind=CandidateKind.AGREE)
        .values_list("follows", "decided_by_id")
    )
    towards = Counter(coder for follows, _by in resolved for coder in follows)
    roles = dict(
        Membership.objects.filter(project_id=reconciliation.project_id).values_list(
            "user_id", "role"
        )
    )
    role_names = dict(Role.choices)
    deciders = sorted({str(role_names[roles[by]]) for _f, by in resolved if by in roles})
    return Progress(
        documents=[DocumentProgress(i, decided.get(i.pk, 0), i.total) for i in items],
        by_reconciler=dict(by_reconciler),
        reconcilers=[(user, by_reconciler[user.pk]) for user in people.order_by("display_name")],
        disagreements=len(resolved),
        towards=[
            (coder, towards.get(coder.pk, 0)) for coder in reconciliation.coders.order_by("pk")
        ],
        deciders=deciders,
    )


def resolutions(*, documents: list[int], coders: list[int]) -> dict:
    """How the disagreements of the reconciled documents among ``documents`` were resolved,
    as plain data for an agreement run's results: how many, how many followed each of the
    ``coders`` (ids, in the run's order), how many followed none of them, the roles of those
    who decided, and their names (shown only when the team chooses names). Queries: 2."""
    resolved = list(
        Decision.objects.filter(
            candidate__item__document_id__in=documents,
            candidate__item__state=DocumentState.RECONCILED,
            candidate__superseded=False,
            undone_at__isnull=True,
        )
        .exclude(candidate__kind=CandidateKind.AGREE)
        .values_list("follows", "decided_by_id", "candidate__item__reconciliation__project_id")
    )
    towards = Counter(coder for follows, _by, _p in resolved for coder in follows)
    deciders = Membership.objects.filter(
        project_id__in={p for _f, _b, p in resolved}, user_id__in={b for _f, b, _p in resolved}
    ).select_related("user")
    roles = {m.user_id: m.role for m in deciders}
    names = sorted({m.user.name for m in deciders})
    role_names = dict(Role.choices)
    return {
        "disagreements": len(resolved),
        "towards": [[coder, towards.get(coder, 0)] for coder in coders],
        "none": sum(1 for follows, _b, _p in resolved if not follows),
        "roles": sorted({str(role_names[roles[by]]) for _f, by, _p in resolved if by in roles}),
        "deciders": names,
    }


@dataclass
class CandidateRow:
    """One candidate as the page shows it: each coder's spans side by side."""

    candidate: Candidate
    by_coder: list[tuple[User, list[dict]]]
    decision: Decision | None
    comments: list[CandidateComment] = field(default_factory=list)

    @property
    def present(self) -> int:
        """How many coders coded something here ("keep all" needs two)."""
        return sum(1 for _coder, sources in self.by_coder if sources)


def reconciled_documents(*, project_id: int) -> QuerySet[ReconciliationDocument, int]:
    """Ids of the project's documents whose consensus is complete: reconciled, and not being
    reconciled again right now. The default source for them is the consensus (matrix,
    frequency table). A lazy queryset, usable as a subquery."""
    again = ReconciliationDocument.objects.filter(active=True).exclude(
        state=DocumentState.RECONCILED
    )
    return (
        ReconciliationDocument.objects.filter(
            reconciliation__project_id=project_id, state=DocumentState.RECONCILED
        )
        .exclude(document_id__in=again.values("document_id"))
        .values_list("document_id", flat=True)
        .distinct()
    )


def reconciliations_for(*, membership: Membership) -> list[Reconciliation]:
    """The project's reconciliations the member takes part in (leads: all), newest first,
    with their document count and coders. Queries: 2."""
    rows = Reconciliation.objects.filter(project_id=membership.project_id)
    if not has_capability(membership, Capability.MANAGE):
        rows = rows.filter(coders=membership.user_id)
    return list(
        rows.annotate(document_count=Count("documents", distinct=True))
        .select_related("opened_by")
        .prefetch_related("coders")
    )


def last_batch(*, item: ReconciliationDocument) -> uuid.UUID | None:
    """The latest bulk accept on the document still in force (what "Undo" takes back)."""
    return (
        Decision.objects.filter(candidate__item=item, batch__isnull=False, undone_at__isnull=True)
        .order_by("-decided_at", "-pk")
        .values_list("batch", flat=True)
        .first()
    )


def _rows(
    candidates: list[Candidate], *, project_id: int, coders: list[User]
) -> list[CandidateRow]:
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
        for uid, name in Code.objects.filter(project_id=project_id).values_list("code", "name")
    }
    # A code merged away since shows as the code it became (the codebook's log, read only then).
    missing = {u for c in candidates for s in c.sources for u in s["codes"]} - set(names)
    for uid, fate in code_fates(project_id=project_id, uuids=missing).items():
        names[uid] = fate.target.name if fate.target is not None else fate.name
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


#: Candidates shown at once: the page stays fast at thousands of candidates (each carries its
#: decision form); the next undecided candidate beyond them is one link (key "n") away.
WINDOW = 50


@dataclass(frozen=True)
class Window:
    rows: list[CandidateRow]
    page: int  # 1-based
    pages: int
    total: int
    next_undecided: tuple[uuid.UUID, int] | None  # (candidate code, its page), outside the rows

    @property
    def first(self) -> int:
        """The 1-based number of the first candidate shown."""
        return (self.page - 1) * WINDOW + 1

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1


def document_window(
    *,
    item: ReconciliationDocument,
    coders: list[User],
    page: int | None = None,
    at: str | None = None,
) -> Window:
    """One window of the document's live candidates in text order: page ``page``, else the
    page holding candidate ``at`` (a code), else the page of the first undecided candidate.
    Each source has its code names (a code merged away shows as the code it became), and the
    first undecided candidate after the window (or else before it) is named with its page.
    Queries: at most 11, whatever the number of candidates (2 more after merges)."""
    live = Candidate.objects.filter(item=item, superseded=False)
    undecided = live.exclude(
        Exists(Decision.objects.filter(candidate=OuterRef("pk"), undone_at__isnull=True))
    ).order_by("position")
    total = live.count()
    pages = max(1, -(-total // WINDOW))

    def page_of(position: int) -> int:
        return live.filter(position__lt=position).count() // WINDOW + 1

    if page is None:
        target = live.filter(code=at).first() if at and _is_uuid(at) else None
        target = target or undecided.first()
        page = page_of(target.position) if target else 1
    page = min(max(page, 1), pages)
    candidates = list(live.order_by("position")[(page - 1) * WINDOW : page * WINDOW])
    next_undecided = None
    if candidates:
        after = undecided.filter(position__gt=candidates[-1].position).first()
        found = after or undecided.filter(position__lt=candidates[0].position).first()
        if found:
            next_undecided = (found.code, page_of(found.position))
    rows = _rows(candidates, project_id=item.document.project_id, coders=coders)
    return Window(rows, page, pages, total, next_undecided)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def candidate_row(*, candidate: Candidate, coders: list[User]) -> CandidateRow:
    candidate.refresh_from_db(fields=["version"])
    project_id = candidate.item.reconciliation.project_id
    return _rows([candidate], project_id=project_id, coders=coders)[0]
