"""Disagreements of an agreement run: found per document, kept compact, pooled per code.

Disagreements are kept compact (a run can hold tens of thousands): each is
``[document id, start, end, page, [value per coder], [[excerpt ids] per coder]]``; the
documents they name are listed once per code, the excerpts once per run
(``AgreementRun.disagreement_excerpts``). The context around a disagreement is cut from the
document's (immutable) text when a page shows it (:func:`context_of`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .codings import DocumentCodings

#: Disagreements kept per code and document, and per code in a run; counts are always exact.
DISAGREEMENTS_PER_CODE = 200
MIN_DISAGREEMENTS_PER_DOCUMENT = 5

CONTEXT_CHARS = 120
CONTEXT_MAX = 600


def per_document_cap(n_documents: int) -> int:
    """Disagreements described per code and document: enough to fill the per-code list from
    the documents together, without describing thousands that would be dropped."""
    return max(MIN_DISAGREEMENTS_PER_DOCUMENT, -(-DISAGREEMENTS_PER_CODE // max(n_documents, 1)))


def context_of(text: str, start: int, end: int) -> str:
    """The passage shown around a disagreement (empty for a whole-document unit)."""
    if start == 0 and end >= len(text):
        return ""
    return text[max(0, start - CONTEXT_CHARS) : end + CONTEXT_CHARS][:CONTEXT_MAX]


def page_at(pages: Sequence[Sequence[int]], offset: int) -> int | None:
    for number, start, end in pages:
        if start <= offset < end:
            return int(number)
    return None


def describe_disagreements(
    dc: DocumentCodings, doc: Mapping[str, Any], found: Sequence[tuple[int, int, int, Sequence]]
) -> list[list]:
    """Describe disagreements (row, start, end, value per coder), compactly:
    ``[document id, start, end, page, [value per coder], [[excerpt ids] per coder]]``.

    Whole-document units list only the excerpts with the code; smaller units show what a coder
    who did not apply the code did there instead, which is what a discussion needs.
    """
    pages = doc.get("pages") or []
    out = []
    elsewhere: list[list[int]] = [[] for _ in dc.coders]  # (span index) per coder
    for n, (row, start, end, column) in enumerate(found):
        whole = start == 0 and end >= dc.length
        values: list[int | None] = []
        excerpts: list[list[int]] = []
        for i, coder in enumerate(dc.coders):
            value = None if column[i] < 0 else int(column[i])
            values.append(value)
            if value is None:
                excerpts.append([])
            elif whole or value == 1:
                excerpts.append(dc.carrying_overlapping(coder, row, start, end))
            else:
                excerpts.append([])
                elsewhere[i].append(n)
        out.append([doc["id"], start, end, page_at(pages, start), values, excerpts])
    for i, coder in enumerate(dc.coders):
        wanted = elsewhere[i]
        hits = dc.first_overlapping(coder, [(found[n][1], found[n][2]) for n in wanted])
        for n, ids in zip(wanted, hits, strict=True):
            out[n][5][i] = ids
    return out


def compact_json(value: Any) -> str:
    """``value`` as compact JSON: how a run's results are stored (``WholeJSONField``)."""
    return json.dumps(value, separators=(",", ":"))


def named_excerpts(items: Iterable[Sequence]) -> list[int]:
    """The excerpt ids the items name, each once, in the order they are first named."""
    return list(dict.fromkeys(i for item in items for ids in item[5] for i in ids))


def code_disagreements(items: list[list]) -> dict[str, Any]:
    """A document's described disagreements of one code as its partial carries them: the
    items, and what pooling them takes, made here because a run computes its documents in
    parallel and pools them in one process: the items' compact JSON (``items_json``) and the
    excerpts they name (``named``)."""
    return {
        "disagreements": items,
        "items_json": compact_json(items),
        "named": named_excerpts(items),
    }


class CodeDisagreements:
    """The first disagreements of one code over the documents, with the documents they name
    (stored as ``AgreementCodeResult.disagreements``), and the excerpts they name per
    document (``named``; the run keeps them in one table shared by all codes, as a busy
    excerpt is named by many).

    :meth:`packed_json` is :meth:`packed` as compact JSON, put together from the documents'
    ``items_json`` (see :func:`code_disagreements`) instead of encoded again."""

    def __init__(self) -> None:
        self.items: list[list] = []
        self.pieces: list[str] = []  # the items' JSON, without the brackets, per document
        self.documents: dict[str, list] = {}
        self.named: list[list[int]] = []  # per document: the excerpt ids its kept items name

    def full(self) -> bool:
        """Whether the code has all the disagreements it keeps."""
        return len(self.items) >= DISAGREEMENTS_PER_CODE

    def extend(self, partial: Mapping[str, Any], data: Mapping[str, Any]) -> None:
        """Add a document's disagreements of the code (its partial's ``data`` for it)."""
        items = data["disagreements"]
        kept = items[: max(DISAGREEMENTS_PER_CODE - len(self.items), 0)]
        if not kept:
            return
        self.items.extend(kept)
        self.documents[str(partial["document"])] = partial["ref"]
        whole = len(kept) == len(items) and "items_json" in data  # parts from before: no JSON
        self.pieces.append((data["items_json"] if whole else compact_json(kept))[1:-1])
        self.named.append(data["named"] if whole else named_excerpts(kept))

    def packed(self) -> dict[str, Any] | list:
        if not self.items:
            return []
        return {"items": self.items, "documents": self.documents}

    def packed_json(self) -> str:
        """``compact_json(self.packed())``, from the documents' pieces."""
        if not self.items:
            return "[]"
        items = ",".join(self.pieces)
        return f'{{"items":[{items}],"documents":{compact_json(self.documents)}}}'
