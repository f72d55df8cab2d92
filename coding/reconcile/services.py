"""Writes for reconciliation: open it, decide candidates (creating consensus excerpts), accept
agreements in bulk, undo, comment, reopen a document, close.

Consensus excerpts are excerpts with no coder, written through the excerpt services, so every
decision and its undo is in the excerpt history. Coders' own excerpts are never changed here.

Concurrency. A decision or an undo locks the candidate row first, then follows the excerpt
services' order (codes, then excerpts, then codings). Nothing locks codes or excerpts and then a
candidate, so this adds no cycle. Opening share-locks the documents before it reads their
excerpts: a pseudonymisation (coding/pseudonyms/carry.py) waits, or is waited for, and the
candidates are never computed on a text that is replaced meanwhile. The candidate's `version`
is what the reconciler's page
loaded: a stale one, or a live decision already there, raises DecisionConflict with the current
decision (the second reconciler sees the first's decision; nothing is overwritten).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from coding.agreement import candidates as pure
from coding.excerpts.selectors import code_fates
from coding.excerpts.services import excerpt_create, excerpt_delete
from coding.models import (
    Candidate,
    CandidateComment,
    CandidateKind,
    Code,
    Decision,
    DecisionKind,
    Document,
    DocumentState,
    Excerpt,
    ReconcilerMode,
    Reconciliation,
    ReconciliationDocument,
)
from research.access import project_coders
from research.models import Project, User

COMMENT_MAX = 2000


class DecisionConflict(Exception):
    """Someone decided (or undid) this candidate since the page loaded."""

    def __init__(self, candidate: Candidate, decision: Decision | None):
        self.candidate = candidate
        self.decision = decision
        super().__init__(
            _("Someone else decided this candidate meanwhile; their decision is shown.")
            if decision is not None
            else _("This candidate changed since you opened it; reload to see it.")
        )


# --- opening and reopening -------------------------------------------------------------------


def _source_rows(*, document: Document, coder_ids: Sequence[int]) -> list[dict]:
    """The coders' excerpts on the document as candidates store them (codes by UUID)."""
    excerpts = Excerpt.objects.filter(document=document, coder_id__in=coder_ids).prefetch_related(
        "codes"
    )
    return [
        {
            "excerpt": str(e.code),
            "version": e.version,
            "coder": e.coder_id,
            "start": e.start,
            "end": e.end,
            "text": e.text,
            "codes": sorted(str(c.code) for c in e.codes.all()),
        }
        for e in excerpts
    ]


def _specs(rows: list[dict], *, coder_ids: Sequence[int], overlap: float) -> list:
    by_key = {row["excerpt"]: row for row in rows}
    sources = [
        pure.Source(
            key=row["excerpt"],
            coder=row["coder"],
            start=row["start"],
            end=row["end"],
            codes=frozenset(row["codes"]),
        )
        for row in rows
    ]
    specs = pure.candidates(sources, coders=coder_ids, overlap=overlap)
    return [(spec, [by_key[s.key] for s in spec.sources]) for spec in specs]


def _coder_ids(reconciliation: Reconciliation) -> list[int]:
    return sorted(reconciliation.coders.values_list("pk", flat=True))


def _key(kind: str, sources: list[dict]) -> tuple:
    """What makes a recomputed candidate the same candidate: its kind and source versions."""
    return kind, tuple(sorted((s["excerpt"], s["version"], tuple(s["codes"])) for s in sources))


@transaction.atomic
def reconciliation_open(
    *,
    project: Project,
    documents: Iterable[Document],
    coders: Iterable[User],
    user: User,
    reconcilers: str = ReconcilerMode.LEAD,
    overlap: float = 0.9,
) -> Reconciliation:
    """Open a reconciliation of these documents between these coders; candidates are computed
    and stored now. A document already in an open reconciliation is refused."""
    documents, coders = list(documents), list(coders)
    allowed = set(project_coders(project).values_list("user_id", flat=True))
    if len({c.pk for c in coders}) < 2:
        raise ValidationError(_("Choose at least two coders whose work is reconciled."))
    if any(c.pk not in allowed for c in coders):
        raise ValidationError(_("Choose coders of this project."))
    if not documents or any(d.project_id != project.pk for d in documents):
        raise ValidationError(_("Choose at least one document of this project."))
    if not 0 < overlap <= 1:
        raise ValidationError(_("The overlap is a share between 1 % and 100 %."))
    if reconcilers not in ReconcilerMode.values:
        raise ValidationError(_("Choose who reconciles."))
    busy = ReconciliationDocument.objects.filter(document__in=documents, active=True)
    if busy.exists():
        raise ValidationError(
            _("Some of these documents are already being reconciled: %(titles)s.")
            % {"titles": ", ".join(sorted(busy.values_list("document__title", flat=True)))}
        )
    _documents_share_lock([d.pk for d in documents])
    reconciliation = Reconciliation.objects.create(
        project=project, reconcilers=reconcilers, overlap=overlap, opened_by=user
    )
    reconciliation.coders.set(coders)
    coder_ids = _coder_ids(reconciliation)
    try:
        with transaction.atomic():  # a concurrent open of the same document loses here
            items = ReconciliationDocument.objects.bulk_create(
                [
                    ReconciliationDocument(reconciliation=reconciliation, document=d)
                    for d in documents
                ]
            )
    except IntegrityError as exc:
        raise ValidationError(_("Some of these documents are already being reconciled.")) from exc
    new: list[Candidate] = []
    for item in items:
        rows = _source_rows(document=item.document, coder_ids=coder_ids)
        for position, (spec, sources) in enumerate(
            _specs(rows, coder_ids=coder_ids, overlap=overlap)
        ):
            new.append(_candidate(item, position, spec, sources))
    Candidate.objects.bulk_create(new, batch_size=1000)
    return reconciliation


def _documents_share_lock(ids: list[int]) -> None:
    """FOR SHARE on the documents' rows (PostgreSQL; SQLite has one writer at a time)."""
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(Document._meta.db_table)  # the model's, not input
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR SHARE",  # noqa: S608
            [sorted(ids)],
        )


def _candidate(item: ReconciliationDocument, position: int, spec, sources: list[dict]) -> Candidate:
    return Candidate(
        item=item,
        position=position,
        kind=spec.kind,
        start=spec.start,
        end=spec.end,
        sources=sources,
    )


@transaction.atomic
def reconciliation_reopen_document(*, item: ReconciliationDocument) -> tuple[int, int]:
    """Recompute a document's candidates (after codebook merges or a reopened round). A
    candidate found again (same kind, same source excerpts and versions and codes) keeps its
    decision; one no longer found is marked superseded, kept with its decision and its
    consensus excerpts. Returns (kept, new)."""
    item = (
        ReconciliationDocument.objects.select_for_update()
        .select_related("reconciliation", "document")
        .get(pk=item.pk)
    )
    if not item.active:
        raise ValidationError(_("This reconciliation is closed."))
    reconciliation = item.reconciliation
    coder_ids = _coder_ids(reconciliation)
    rows = _source_rows(document=item.document, coder_ids=coder_ids)
    # Codes merged since the sources were stored are compared as the codes they became.
    specs = _specs(rows, coder_ids=coder_ids, overlap=reconciliation.overlap)
    old = {
        _key(c.kind, _current_sources(c, item.document.project_id)): c
        for c in Candidate.objects.select_for_update().filter(item=item, superseded=False)
    }
    kept, new = [], []
    for position, (spec, sources) in enumerate(specs):
        found = old.pop(_key(spec.kind, sources), None)
        if found is not None:
            found.position = position
            kept.append(found)
        else:
            new.append(_candidate(item, position, spec, sources))
    Candidate.objects.bulk_update(kept, ["position"])
    Candidate.objects.filter(pk__in=[c.pk for c in old.values()]).update(superseded=True)
    Candidate.objects.bulk_create(new, batch_size=1000)
    _refresh_state(item)
    return len(kept), len(new)


@transaction.atomic
def reconciliation_close(*, reconciliation: Reconciliation) -> Reconciliation:
    """Close the round: the coders' own codings on its documents are editable again; the
    consensus and the decision log stay."""
    ReconciliationDocument.objects.filter(reconciliation=reconciliation).update(active=False)
    reconciliation.closed_at = timezone.now()
    reconciliation.save(update_fields=["closed_at"])
    return reconciliation


# --- decisions -------------------------------------------------------------------------------


def _codes_by_uuid(*, project_id: int, uuids: Iterable[str]) -> dict[str, Code | None]:
    """Each UUID's code today: itself, the code it was merged into, or None if deleted."""
    wanted = set(uuids)
    found: dict[str, Code | None] = {
        str(c.code): c for c in Code.objects.filter(project_id=project_id, code__in=wanted)
    }
    missing = wanted - set(found)
    fates = code_fates(project_id=project_id, uuids=missing)
    for uid in missing:
        fate = fates.get(uid)
        found[uid] = fate.target if fate is not None else None
    return found


def _current_sources(candidate: Candidate, project_id: int) -> list[dict]:
    """The stored sources with their codes as they are now (merges followed)."""
    now = _codes_by_uuid(
        project_id=project_id, uuids={u for s in candidate.sources for u in s["codes"]}
    )
    uuid_now = {old: str(code.code) for old, code in now.items() if code is not None}
    return [
        {**s, "codes": sorted({uuid_now[u] for u in s["codes"] if u in uuid_now})}
        for s in candidate.sources
    ]


@dataclass(frozen=True)
class Result:
    """What a decision puts into the consensus: spans with codes."""

    spans: list[tuple[int, int, list[Code]]]


def _dedupe(spans: list[tuple[int, int, list[Code]]]) -> list[tuple[int, int, list[Code]]]:
    merged: dict[tuple[int, int], dict[int, Code]] = {}
    for start, end, codes in spans:
        merged.setdefault((start, end), {}).update({c.pk: c for c in codes})
    return [(s, e, list(codes.values())) for (s, e), codes in sorted(merged.items())]


def _result(
    *,
    candidate: Candidate,
    sources: list[dict],
    codes_now: dict[str, Code],
    kind: str,
    kept_coders: Sequence[int],
    start: int | None,
    end: int | None,
    codes: Sequence[Code] | None,
) -> Result:
    def of(rows: Iterable[dict]) -> list[tuple[int, int, list[Code]]]:
        return [(r["start"], r["end"], [codes_now[u] for u in r["codes"]]) for r in rows]

    all_codes = list({c.pk: c for _s, _e, cs in of(sources) for c in cs}.values())
    chosen = list(codes) if codes else all_codes
    src = [
        pure.Source(r["excerpt"], r["coder"], r["start"], r["end"], frozenset()) for r in sources
    ]
    if kind in (DecisionKind.KEEP, DecisionKind.KEEP_SEVERAL):
        wanted = 1 if kind == DecisionKind.KEEP else 2
        present = {r["coder"] for r in sources}
        if len(set(kept_coders)) < wanted or (kind == DecisionKind.KEEP and len(kept_coders) > 1):
            raise ValidationError(
                _("Choose the coder whose version is kept.")
                if kind == DecisionKind.KEEP
                else _("Choose at least two coders whose versions are kept.")
            )
        if any(c not in present for c in kept_coders):
            raise ValidationError(
                _("A coder you chose coded nothing here; choose “nothing is coded” instead.")
            )
        return Result(_dedupe(of(r for r in sources if r["coder"] in kept_coders)))
    if kind == DecisionKind.NOTHING:
        return Result([])
    if kind == DecisionKind.UNION:
        return Result([(*pure.union_span(src), chosen)])
    if kind == DecisionKind.INTERSECTION:
        span = pure.intersection_span(src)
        if span is None:
            raise ValidationError(_("These spans share no text; choose another decision."))
        return Result([(*span, chosen)])
    if kind == DecisionKind.RECODE and not codes:
        raise ValidationError(_("Choose the code or codes to apply."))
    if kind == DecisionKind.ADJUST and (start is None or end is None):
        raise ValidationError(_("Give the adjusted span's start and end."))
    if kind in (DecisionKind.ADJUST, DecisionKind.RECODE):
        default = pure.union_span(src)
        return Result(
            [(default[0] if start is None else start, default[1] if end is None else end, chosen)]
        )
    raise ValidationError(_("Choose a decision."))


def _live(candidate: Candidate) -> Decision | None:
    return candidate.decisions.filter(undone_at__isnull=True).first()


@transaction.atomic
def decision_make(
    *,
    candidate: Candidate,
    version: int,
    kind: str,
    user: User,
    kept_coders: Sequence[int] = (),
    start: int | None = None,
    end: int | None = None,
    codes: Sequence[Code] | None = None,
    reason: str = "",
    batch: uuid.UUID | None = None,
) -> Decision:
    """Decide a candidate: the consensus excerpts it implies are created (history: the
    decider). `version` is the candidate version the page loaded. A decision that agrees with
    no coder (under the overlap rule) needs a reason."""
    row = (
        Candidate.objects.select_for_update()
        .select_related("item__reconciliation", "item__document")
        .get(pk=candidate.pk)
    )
    item = row.item
    if not item.active or row.superseded:
        raise ValidationError(_("This candidate is no longer open for decisions."))
    live = _live(row)
    if live is not None or row.version != version:
        raise DecisionConflict(row, live)
    document = item.document
    if codes and any(c.project_id != document.project_id for c in codes):
        raise ValidationError(_("Choose codes from this project's codebook."))
    sources = _current_sources(row, document.project_id)
    codes_now = {
        str(c.code): c
        for c in Code.objects.filter(
            project_id=document.project_id, code__in={u for s in sources for u in s["codes"]}
        )
    }
    result = _result(
        candidate=row,
        sources=sources,
        codes_now=codes_now,
        kind=kind,
        kept_coders=kept_coders,
        start=start,
        end=end,
        codes=codes,
    )
    reconciliation = item.reconciliation
    # Keeping coders' versions follows them by definition; any other result is compared with
    # each coder's version under the overlap rule.
    keeps = kind in (DecisionKind.KEEP, DecisionKind.KEEP_SEVERAL)
    followed = (
        sorted(set(kept_coders))
        if keeps
        else pure.follows(
            [(s, e, frozenset(c.pk for c in cs)) for s, e, cs in result.spans],
            [
                pure.Source(
                    r["excerpt"],
                    r["coder"],
                    r["start"],
                    r["end"],
                    frozenset(codes_now[u].pk for u in r["codes"]),
                )
                for r in sources
            ],
            coders=_coder_ids(reconciliation),
            overlap=reconciliation.overlap,
        )
    )
    against = not followed
    if against and not reason.strip():
        raise ValidationError(_("This decision goes against every coder: give a reason."))
    consensus = []
    for start_, end_, cs in result.spans:
        if not cs:
            raise ValidationError(_("A consensus excerpt needs at least one code."))
        excerpt = excerpt_create(
            document=document,
            coder=None,
            start=start_,
            end=end_,
            text=document.text[start_:end_],
            codes=cs,
            user=user,
        )
        consensus.append(str(excerpt.code))
    decision = Decision.objects.create(
        candidate=row,
        kind=kind,
        kept_coders=sorted(set(kept_coders)),
        reason=reason.strip(),
        against_every_coder=against,
        follows=followed,
        consensus=consensus,
        batch=batch,
        decided_by=user,
    )
    row.version += 1
    row.save(update_fields=["version"])
    _refresh_state(item)
    return decision


@transaction.atomic
def decision_undo(*, decision: Decision, user: User) -> Decision:
    """Take a decision back: its consensus excerpts are deleted (in the history, so they can be
    looked up), the decision stays in the log as undone, the candidate is open again."""
    row = Candidate.objects.select_for_update().select_related("item").get(pk=decision.candidate_id)
    decision = Decision.objects.get(pk=decision.pk)
    if decision.undone_at is not None:
        raise DecisionConflict(row, _live(row))
    if not row.item.active:
        raise ValidationError(_("This reconciliation is closed."))
    for excerpt in Excerpt.objects.filter(code__in=decision.consensus, coder__isnull=True):
        excerpt_delete(excerpt=excerpt, user=user)
    decision.undone_at = timezone.now()
    decision.undone_by = user
    decision.save(update_fields=["undone_at", "undone_by"])
    row.version += 1
    row.save(update_fields=["version"])
    _refresh_state(row.item)
    return decision


@transaction.atomic
def agreements_accept(*, item: ReconciliationDocument, user: User) -> tuple[uuid.UUID, int]:
    """Accept every undecided agreement of the document in one action: each becomes the first
    reconciled coder's version (they agree under the overlap rule). Returns the batch, which
    `batch_undo` takes back whole, and how many were accepted."""
    batch = uuid.uuid4()
    count = 0
    if not item.active:
        raise ValidationError(_("This reconciliation is closed."))
    agreements = undecided(Candidate.objects.filter(item=item, kind=CandidateKind.AGREE))
    for candidate in sorted(agreements, key=lambda c: c.position):
        first = min(s["coder"] for s in candidate.sources)
        decision_make(
            candidate=candidate,
            version=candidate.version,
            kind=DecisionKind.KEEP,
            kept_coders=[first],
            user=user,
            batch=batch,
        )
        count += 1
    return batch, count


@transaction.atomic
def batch_undo(*, item: ReconciliationDocument, batch: uuid.UUID, user: User) -> int:
    """Undo a bulk accept: every decision of the batch still in force. Returns how many."""
    decisions = Decision.objects.filter(
        candidate__item=item, batch=batch, undone_at__isnull=True
    ).order_by("candidate_id")
    count = 0
    for decision in decisions:
        decision_undo(decision=decision, user=user)
        count += 1
    return count


def comment_add(*, candidate: Candidate, author: User, text: str) -> CandidateComment:
    text = text.strip()
    if not text:
        raise ValidationError(_("Write a comment first."))
    if len(text) > COMMENT_MAX:
        raise ValidationError(_("Keep comments under %(n)d characters.") % {"n": COMMENT_MAX})
    return CandidateComment.objects.create(candidate=candidate, author=author, text=text)


def undecided(candidates: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """The candidates still open: not superseded, no decision in force."""
    live = Decision.objects.filter(candidate=OuterRef("pk"), undone_at__isnull=True)
    return candidates.filter(~Exists(live), superseded=False)


def _refresh_state(item: ReconciliationDocument) -> None:
    live = Decision.objects.filter(candidate=OuterRef("pk"), undone_at__isnull=True)
    counts = Candidate.objects.filter(item=item, superseded=False).aggregate(
        total=Count("pk"), decided=Count("pk", filter=Q(Exists(live)))
    )
    total, decided = counts["total"], counts["decided"]
    if total and decided == total:
        state = DocumentState.RECONCILED
    elif decided or Decision.objects.filter(candidate__item=item).exists():
        state = DocumentState.IN_PROGRESS
    else:
        state = DocumentState.NOT_STARTED if total else DocumentState.RECONCILED
    if state != item.state:
        ReconciliationDocument.objects.filter(pk=item.pk).update(state=state)
        item.state = state
