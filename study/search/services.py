"""Auto-coding search hits: the preview of what would be coded, the confirmed coding, and
undoing one auto-coding as a whole.

The preview (`autocode_plan`) only reads. The confirmation (`autocode_confirm`) computes the
plan again inside its transaction and codes only when it is the plan the member saw (same
fingerprint); otherwise it raises PlanChanged with the current plan, which the page shows
again. Excerpts are created through coding's excerpt services, so the excerpt history, the
frozen-document guard, the code locks and the text-version checks all apply; one batch is one
transaction, so a refused hit (a frozen document, a retired code) leaves nothing half-made.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from coding.agreement.natural_units import split_paragraphs, split_sentences
from coding.excerpts.batch import excerpts_create_many, excerpts_delete_many
from coding.excerpts.guards import duplicate_overlap, one_check_at_a_time
from coding.models import Code, Document, Excerpt
from research.models import Membership
from study.models import AutoCodeBatch
from study.search.selectors import CodedFilter, search_documents

Unit = AutoCodeBatch.Unit


def hit_key(document: Document, start: int, end: int) -> str:
    """How the page names one hit in the check boxes it posts back."""
    return f"{document.code}:{start}:{end}"


def _units(doc: Document, unit: str) -> list[tuple[int, int]]:
    if unit == Unit.SENTENCE:
        return split_sentences(doc.text)
    if unit == Unit.TURN:
        turns = [(int(t["start"]), int(t["end"])) for t in doc.turns or [] if t["end"] > t["start"]]
        if turns:
            return turns
    # A paragraph, and the paragraph for a document without speaker turns (not a transcript).
    return split_paragraphs(doc.text)


def _extent(doc: Document, start: int, end: int, unit: str, units) -> tuple[int, int]:
    """The span to code for a hit: the hit itself, or the natural unit that holds its start."""
    if unit == Unit.HIT:
        return start, end
    for unit_start, unit_end in units:
        if unit_start <= start < unit_end:
            return unit_start, max(unit_end, end)
    return start, end


@dataclass(frozen=True)
class Planned:
    """One excerpt auto-coding would create; `duplicate` when the member already coded most of
    it with the code (coding's duplicate rule), so it is left out."""

    document: Document
    start: int
    end: int
    duplicate: bool

    @property
    def text(self) -> str:
        return self.document.text[self.start : self.end]

    @property
    def key(self) -> str:
        return f"{self.document.code}:{self.document.text_version}:{self.start}:{self.end}"


@dataclass
class AutoCodePlan:
    query: str
    code: Code
    unit: str
    excerpts: list[Planned] = field(default_factory=list)

    @property
    def new(self) -> list[Planned]:
        return [planned for planned in self.excerpts if not planned.duplicate]

    @property
    def duplicates(self) -> int:
        return len(self.excerpts) - len(self.new)

    state: str = ""  # _scope_state when the plan was made

    @property
    def keys(self) -> list[str]:
        """The planned spans as the preview posts them back: document, text version, span and
        whether it is a duplicate."""
        return sorted(f"{p.key}:{int(p.duplicate)}" for p in self.excerpts)

    @property
    def fingerprint(self) -> str:
        return _fingerprint(self.unit, self.code, self.state, self.keys)


def _fingerprint(unit: str, code: Code, state: str, keys: list[str]) -> str:
    """Names the plan the member confirms: the spans, the documents' text versions, which are
    duplicates, and the state of what they were computed from, so any change is noticed."""
    return hashlib.sha256("\n".join([unit, str(code.pk), state, *keys]).encode()).hexdigest()


def _scope_state(*, membership: Membership, documents, code: Code) -> str:
    """What a plan depends on besides the query, read without any text: the documents
    searched (their text versions and languages: the hits follow from them) and the member's
    excerpts with the code (the duplicates follow from them)."""
    scope = Document.objects.for_project(membership.project_id).ready()
    if documents is not None:
        scope = scope.filter(pk__in=documents.values("pk"))
    docs = scope.order_by("pk").values_list("pk", "text_version", "language")
    mine = (
        Excerpt.objects.filter(coder=membership.user, codings__code=code, document__in=scope)
        .order_by("pk")
        .values_list("pk", "version", "start", "end")
    )
    return hashlib.sha256(repr((list(docs), list(mine))).encode()).hexdigest()


def autocode_plan(
    *,
    membership: Membership,
    query: str,
    documents: QuerySet[Document] | None,
    code: Code,
    unit: str,
    chosen: set[str] | None = None,
    coded: CodedFilter | None = None,
) -> AutoCodePlan:
    """The excerpts coding every hit of `query` (or only the `chosen` hit keys) with `code`,
    extended to `unit`, would create for the member; writes nothing. Duplicates are judged
    against the member's own codings only (in a blind project nobody else's are read)."""
    if unit not in Unit.values:
        raise ValidationError(
            _("Choose what to code: the hit, its sentence, its paragraph or its speaker turn.")
        )
    # Read before the search: a change in between makes the confirmation search again.
    state = _scope_state(membership=membership, documents=documents, code=code)
    hits: dict[int, list[tuple[int, int]]] = {}
    for result in search_documents(
        membership=membership, query=query, documents=documents, shown=None, coded=coded
    ):
        doc = result.document
        for hit in result.hits:
            if chosen is None or hit_key(doc, hit.start, hit.end) in chosen:
                hits.setdefault(doc.pk, []).append((hit.start, hit.end))
    # The fields the spans and excerpt_create need, for every document in one query.
    docs = Document.objects.filter(pk__in=list(hits)).only(
        "pk", "code", "title", "project_id", "text", "text_version", "turns"
    )
    existing: dict[int, list[tuple[int, int]]] = {}
    for doc_id, start, end in (
        Excerpt.objects.filter(coder=membership.user, document__in=list(hits), codings__code=code)
        .values_list("document_id", "start", "end")
        .distinct()
    ):
        existing.setdefault(doc_id, []).append((start, end))
    plan = AutoCodePlan(query=query, code=code, unit=unit, state=state)
    for doc in sorted(docs, key=lambda d: (d.title, d.pk)):
        units = _units(doc, unit) if unit != Unit.HIT else []
        spans = sorted({_extent(doc, s, e, unit, units) for s, e in hits[doc.pk]})
        taken = existing.get(doc.pk, [])
        for start, end in spans:
            duplicate = any(duplicate_overlap(start, end, s, e) for s, e in taken)
            plan.excerpts.append(Planned(document=doc, start=start, end=end, duplicate=duplicate))
            if not duplicate:
                taken.append((start, end))  # a later span overlapping this one is a duplicate
    return plan


class PlanChanged(Exception):
    """The documents or codings changed between the preview and the confirmation: `plan` is
    what auto-coding would do now."""

    def __init__(self, plan: AutoCodePlan):
        self.plan = plan
        super().__init__(
            _(
                "The documents or your codings changed since the preview, so it no longer shows "
                "what would be coded. Here is the preview as it is now: check it and confirm again."
            )
        )


def _plan_from_keys(
    *, membership: Membership, search: dict, state: str, keys: list[str]
) -> AutoCodePlan | None:
    """The previewed plan rebuilt from its posted keys without searching again, or None when
    a key names no document of the search (the caller then searches)."""
    plan = AutoCodePlan(query=search["query"], code=search["code"], unit=search["unit"])
    plan.state = state
    parsed = [key.split(":") for key in keys]
    scope = Document.objects.for_project(membership.project_id).ready()
    docs = {
        str(doc.code): doc
        for doc in scope.filter(code__in={p[0] for p in parsed if len(p) == 5}).only(
            "pk", "code", "title", "project_id", "text", "text_version"
        )
    }
    for part in parsed:
        doc = docs.get(part[0]) if len(part) == 5 else None
        if doc is None or not all(p.isdigit() for p in part[1:]):
            return None
        start, end, duplicate = int(part[2]), int(part[3]), part[4] == "1"
        plan.excerpts.append(Planned(document=doc, start=start, end=end, duplicate=duplicate))
    return plan


@transaction.atomic
def autocode_confirm(
    *, membership: Membership, fingerprint: str, planned: str = "", **search
) -> AutoCodeBatch:
    """Create the excerpts of the plan the member previewed (named by its `fingerprint`, its
    keys posted back as `planned`) as the member, one batch; PlanChanged when the plan is no
    longer what the preview showed. `search` are autocode_plan's arguments.

    When nothing the plan depends on changed (same documents, text versions, languages and
    own codings: the same state), the posted keys are the plan and the search is not run
    again; otherwise the plan is computed again and compared."""
    # One auto-coding per member at a time (two tabs confirming the same preview): the second
    # waits, then sees the first's excerpts, so its plan differs and it is answered PlanChanged.
    # Only the membership row (its default ordering joins the project and user rows, which a
    # plain FOR UPDATE would lock too, blocking every excerpt insert's key check on the user).
    Membership.objects.select_for_update(of=("self",)).filter(pk=membership.pk).order_by(
        "pk"
    ).first()
    state = _scope_state(membership=membership, documents=search["documents"], code=search["code"])
    keys = sorted(planned.split())
    plan = None
    if keys and _fingerprint(search["unit"], search["code"], state, keys) == fingerprint:
        plan = _plan_from_keys(membership=membership, search=search, state=state, keys=keys)
    if plan is None:
        plan = autocode_plan(membership=membership, **search)
        if plan.fingerprint != fingerprint:
            raise PlanChanged(plan)
    # The coder may be coding by hand in another tab: take the duplicate guard's lock on each
    # document (pk order), then look again, so a passage coded meanwhile is not coded twice.
    for document_id in sorted({planned.document.pk for planned in plan.new}):
        one_check_at_a_time(document_id=document_id, coder_id=membership.user_id)
    if _scope_state(membership=membership, documents=search["documents"], code=plan.code) != state:
        raise PlanChanged(autocode_plan(membership=membership, **search))
    batch = AutoCodeBatch(
        project=membership.project,
        user=membership.user,
        coding_code=plan.code,
        query=plan.query,
        unit=plan.unit,
        skipped=plan.duplicates,
    )
    excerpts = excerpts_create_many(
        coder=membership.user,
        code=plan.code,
        spans=[(planned.document, planned.start, planned.end) for planned in plan.new],
        from_search=plan.query,
    )
    batch.excerpts = [[str(excerpt.code), excerpt.version] for excerpt in excerpts]
    batch.save()
    return batch


@dataclass(frozen=True)
class UndoResult:
    deleted: int
    kept: int  # changed or deleted since, so left as they are


@transaction.atomic
def autocode_undo(*, batch: AutoCodeBatch, user) -> UndoResult:
    """Delete (as `user`) the batch's excerpts that are still as the batch made them."""
    batch = AutoCodeBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.undone_at is not None:
        raise ValidationError(_("This auto-coding has already been undone."))
    versions = dict(batch.excerpts)
    deleted = excerpts_delete_many(versions=versions, user=user)
    batch.undone_at = timezone.now()
    batch.save(update_fields=["undone_at"])
    return UndoResult(deleted=deleted, kept=len(versions) - deleted)
