"""Creating many excerpts with one code at once (auto-coding a search's hits), and deleting
many at once (undoing that).

The same checks as services.excerpt_create, taken once per document and once for the code
instead of once per excerpt, and the rows written with one INSERT per table: the code is
share-locked first, then each document's text version is checked under its share lock (the
lock order of services.py), the frozen-document guard applies, every excerpt gets its
"create" entry in the history, and the coder's assignment starts. Five hundred excerpts cost
a handful of queries per document, not ten per excerpt. Deleting locks the excerpts (pk order,
as services.excerpt_delete locks each) and logs each delete with the state it had.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coding.excerpts.services import (
    _check_codes,
    _check_not_frozen,
    _codes_by_excerpt,
    _lock_codes,
    _mark_in_progress,
    _state,
)
from coding.excerpts.texts import check_text_version
from coding.models import Code, Coding, Document, Excerpt, ExcerptAction, ExcerptChange


@transaction.atomic
def excerpts_create_many(
    *, coder, code: Code, spans: list[tuple[Document, int, int]], from_search: str = ""
) -> list[Excerpt]:
    """Code each (document, start, end) with `code` for the coder, who did it; `from_search`
    is the query the spans were found by (the excerpts' provenance). All or nothing."""
    documents = {doc.pk: doc for doc, _start, _end in spans}
    if not documents:
        return []
    project_id = next(iter(documents.values())).project_id
    [checked] = _check_codes(document=next(iter(documents.values())), codes=[code], applying=True)
    use, _replaced = _lock_codes(project_id=project_id, codes=[checked])
    final = use[checked.pk]
    for doc in sorted(documents.values(), key=lambda d: d.pk):
        if doc.project_id != project_id:
            raise ValidationError(_("Choose documents of one project."))
        check_text_version(doc)
        _check_not_frozen(document_id=doc.pk, coder_id=coder.pk)
    now = timezone.now()
    excerpts = Excerpt.objects.bulk_create(
        Excerpt(
            document=doc,
            coder=coder,
            start=start,
            end=end,
            text=_span(doc, start, end),
            from_search=from_search,
            created_at=now,
            updated_at=now,
        )
        for doc, start, end in spans
    )
    Coding.objects.bulk_create(Coding(excerpt=excerpt, code=final) for excerpt in excerpts)
    ExcerptChange.objects.bulk_create(
        ExcerptChange(
            project_id=project_id,
            document_id=excerpt.document_id,
            excerpt_code=excerpt.code,
            action=ExcerptAction.CREATE,
            version=excerpt.version,
            after=_state(excerpt, [final.code]),
            user=coder,
        )
        for excerpt in excerpts
    )
    for doc in documents.values():
        _mark_in_progress(document=doc, coder=coder)
    return excerpts


def _span(doc: Document, start: int, end: int) -> str:
    if not 0 <= start < end <= len(doc.text):
        raise ValidationError(_("A passage lies outside its document."))
    return doc.text[start:end]


@transaction.atomic
def excerpts_delete_many(*, versions: dict[str, int], user) -> int:
    """Delete, as `user`, the excerpts (public code → the version the caller expects) still at
    that version; those changed or deleted since are left. Returns how many were deleted."""
    rows = Excerpt.objects.filter(code__in=list(versions)).order_by("pk").select_for_update()
    current = [row for row in rows if row.version == versions.get(str(row.code))]
    for document_id, coder_id in sorted({(row.document_id, row.coder_id) for row in current}):
        _check_not_frozen(document_id=document_id, coder_id=coder_id)
    projects = dict(
        Document.objects.filter(pk__in={row.document_id for row in current}).values_list(
            "pk", "project_id"
        )
    )
    codes = _codes_by_excerpt(row.pk for row in current)
    ExcerptChange.objects.bulk_create(
        ExcerptChange(
            project_id=projects[row.document_id],
            document_id=row.document_id,
            excerpt_code=row.code,
            action=ExcerptAction.DELETE,
            version=row.version,
            before=_state(row, codes[row.pk]),
            user=user,
        )
        for row in current
    )
    Excerpt.objects.filter(pk__in=[row.pk for row in current]).delete()
    return len(current)
