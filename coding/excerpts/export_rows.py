"""The rows of the excerpt exports (CSV and XLSX), read in chunks and yielded as read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from itertools import islice

from django.db.models import QuerySet
from django.db.models.functions import Length
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coding.excerpts.selectors import code_paths
from coding.labels import Labels
from coding.models import Code, Coding, Document, Excerpt
from coding.models.documents import page_finder
from research.models import User

EXPORT_CHUNK = 2000  # excerpts read per round trip (and their codings in one query)


def excerpt_rows(*, excerpts: QuerySet[Excerpt], project_id: int, labels: Labels) -> Iterator[dict]:
    """Flat rows for the CSV and XLSX exports (codes as full paths "A/B/C"), yielded as read.

    Plain values, no model objects: each document's name (`labels`: the title, or its kind and
    number where the project shows pseudonyms only), pages and length and each coder's name are
    read once, not per row, and a document's text never leaves the database.
    2 queries, then 1 per document, per coder and per EXPORT_CHUNK excerpts.
    """
    paths = code_paths(
        list(Code.objects.filter(project_id=project_id).values("id", "name", "parent_id"))
    )
    documents: dict[int, tuple[str, Callable[[int], int | None]]] = {}
    coders: dict[int | None, str] = {None: ""}
    fields = ("pk", "document_id", "coder_id", "start", "end", "text", "memo")
    read = excerpts.values_list(*fields).iterator(chunk_size=EXPORT_CHUNK)
    while batch := list(islice(read, EXPORT_CHUNK)):
        names: dict[int, list[str]] = defaultdict(list)
        codings = Coding.objects.filter(excerpt_id__in=[r[0] for r in batch])
        for excerpt_id, code_id in codings.values_list("excerpt_id", "code_id"):
            names[excerpt_id].append(paths[code_id])
        for pk, document_id, coder_id, start, end, text, memo in batch:
            if document_id not in documents:
                title, kind, page_count, pages, length = (
                    Document.objects.annotate(length=Length("text"))
                    .values_list("title", "kind", "page_count", "pages", "length")
                    .get(pk=document_id)
                )
                name = labels.document_of(
                    pk=document_id, title=title, kind=kind, page_count=page_count
                )
                documents[document_id] = (name, page_finder(pages, length))
            if coder_id not in coders:
                coders[coder_id] = User.objects.get(pk=coder_id).name
            title, page_at = documents[document_id]
            yield {
                "document": title,
                "page": page_at(start),
                "coder": coders[coder_id],
                "codes": "; ".join(sorted(names[pk])),
                "text": text,
                "memo": memo,
                "start": start,
                "end": end,
            }


def filter_note(choices: dict, labels: Labels) -> tuple[str, str]:
    """What the export was filtered by, for the workbook's description, and the file name
    without extension: "excerpts", or "excerpts-<set>" when a document set limited it."""
    notes = []
    if choices.get("code") is not None:
        notes.append(_("Code: %(name)s") % {"name": choices["code"].name})
    if choices.get("document") is not None:
        notes.append(_("Document: %(title)s") % {"title": labels.document(choices["document"])})
    document_set = choices.get("document_set")
    if document_set is None:
        return "; ".join(notes), "excerpts"
    notes.append(_("Document set: %(name)s") % {"name": document_set.name})
    return "; ".join(notes), f"excerpts-{slugify(document_set.name) or 'set'}"
