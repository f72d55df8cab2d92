"""Auto-coding search hits, and undoing one auto-coding as a whole.

Excerpts are created and deleted through coding's excerpt services, so the excerpt history,
the frozen-document guard, the code locks and version checks all apply; one batch is one
transaction, so a refused hit (a frozen document, a retired code) leaves nothing half-made.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from coding.agreement.natural_units import split_paragraphs, split_sentences
from coding.excerpts.services import ExcerptConflict, excerpt_create, excerpt_delete
from coding.models import Code, Coding, Document, Excerpt
from research.models import Membership
from study.models import AutoCodeBatch
from study.search.selectors import search_documents

Unit = AutoCodeBatch.Unit


def hit_key(document: Document, start: int, end: int) -> str:
    """How the page names one hit in the check boxes it posts back."""
    return f"{document.code}:{start}:{end}"


def _extent(text: str, start: int, end: int, unit: str) -> tuple[int, int]:
    """The span to code for a hit: the hit itself, or the natural unit that holds its start."""
    if unit == Unit.HIT:
        return start, end
    units = split_sentences(text) if unit == Unit.SENTENCE else split_paragraphs(text)
    for unit_start, unit_end in units:
        if unit_start <= start < unit_end:
            return unit_start, max(unit_end, end)
    return start, end


@transaction.atomic
def autocode_hits(
    *,
    membership: Membership,
    query: str,
    documents: QuerySet[Document] | None,
    code: Code,
    unit: str,
    chosen: set[str] | None = None,
) -> AutoCodeBatch:
    """Code every hit of `query` (or only the `chosen` hit keys) with `code` as the member,
    extended to `unit`. A span the member already coded with this code is skipped."""
    if unit not in Unit.values:
        raise ValidationError(_("Choose what to code: the hit, its sentence or its paragraph."))
    spans: dict[Document, set[tuple[int, int]]] = {}
    for result in search_documents(
        membership=membership, query=query, documents=documents, shown=None
    ):
        doc = result.document
        for hit in result.hits:
            if chosen is None or hit_key(doc, hit.start, hit.end) in chosen:
                spans.setdefault(doc, set()).add(_extent(doc.text, hit.start, hit.end, unit))
    existing = set(
        Coding.objects.filter(
            code=code, excerpt__coder=membership.user, excerpt__document__in=list(spans)
        ).values_list("excerpt__document_id", "excerpt__start", "excerpt__end")
    )
    batch = AutoCodeBatch(
        project=membership.project, user=membership.user, coding_code=code, query=query, unit=unit
    )
    for doc, doc_spans in spans.items():
        for start, end in sorted(doc_spans):
            if (doc.pk, start, end) in existing:
                batch.skipped += 1
                continue
            excerpt = excerpt_create(
                document=doc,
                coder=membership.user,
                start=start,
                end=end,
                text=doc.text[start:end],
                codes=[code],
            )
            batch.excerpts.append([str(excerpt.code), excerpt.version])
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
    deleted = 0
    for excerpt in Excerpt.objects.filter(code__in=list(versions)).order_by("pk"):
        try:
            excerpt_delete(excerpt=excerpt, version=versions[str(excerpt.code)], user=user)
        except ExcerptConflict:
            continue
        deleted += 1
    batch.undone_at = timezone.now()
    batch.save(update_fields=["undone_at"])
    return UndoResult(deleted=deleted, kept=len(versions) - deleted)
