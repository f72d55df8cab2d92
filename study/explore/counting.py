"""Counting code co-occurrence and codings per document and code.

Pure: no Django. Input rows are codings as (excerpt id, document id, start, end, code id).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

Row = tuple[int, int, int, int, int]
EXCERPT = "excerpt"
DOCUMENT = "document"


def cooccurrence(rows: Iterable[Row], *, by: str) -> dict[tuple[int, int], int]:
    """How often two different codes occur together, keyed (a, b) with a < b.

    by="excerpt": the number of pairs of excerpts (an excerpt with itself included) that
    overlap and carry the two codes, one each; two codes on one excerpt count once there.
    by="document": the number of documents where both codes are applied.
    """
    counts: dict[tuple[int, int], int] = defaultdict(int)
    if by == DOCUMENT:
        per_document: dict[int, set[int]] = defaultdict(set)
        for _excerpt, document, _start, _end, code in rows:
            per_document[document].add(code)
        for codes in per_document.values():
            for pair in _pairs(codes, codes):
                counts[pair] += 1
        return dict(counts)
    excerpts: dict[int, tuple[int, int, int, set[int]]] = {}
    for excerpt, document, start, end, code in rows:
        excerpts.setdefault(excerpt, (document, start, end, set()))[3].add(code)
    by_document: dict[int, list[tuple[int, int, set[int]]]] = defaultdict(list)
    for document, start, end, codes in excerpts.values():
        by_document[document].append((start, end, codes))
    for spans in by_document.values():
        spans.sort(key=lambda span: span[0])
        for i, (_start, end, codes) in enumerate(spans):
            for pair in _pairs(codes, codes):
                counts[pair] += 1
            # Sweep: later excerpts overlap this one while they start before it ends.
            for other_start, _other_end, other_codes in spans[i + 1 :]:
                if other_start >= end:
                    break
                for pair in _pairs(codes, other_codes):
                    counts[pair] += 1
    return dict(counts)


def _pairs(first: set[int], second: set[int]) -> set[tuple[int, int]]:
    return {(min(a, b), max(a, b)) for a in first for b in second if a != b}


def document_code_counts(rows: Iterable[Row]) -> dict[tuple[int, int], int]:
    """The number of codings per (document, code)."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for _excerpt, document, _start, _end, code in rows:
        counts[(document, code)] += 1
    return dict(counts)


def cooccurring_excerpts(rows: Iterable[Row], *, a: int, b: int, by: str) -> set[int]:
    """The excerpts behind one co-occurrence cell: those carrying `a` or `b` that are counted
    in it (overlapping one with the other code, or in a document holding both)."""
    excerpts: dict[int, tuple[int, int, int, set[int]]] = {}
    for excerpt, document, start, end, code in rows:
        if code in (a, b):
            excerpts.setdefault(excerpt, (document, start, end, set()))[3].add(code)
    if by == DOCUMENT:
        codes_in: dict[int, set[int]] = defaultdict(set)
        for document, _start, _end, codes in excerpts.values():
            codes_in[document] |= codes
        both = {document for document, codes in codes_in.items() if {a, b} <= codes}
        return {pk for pk, (document, *_rest) in excerpts.items() if document in both}
    per_document: dict[int, list[tuple[int, int, int, set[int]]]] = defaultdict(list)
    for pk, (document, start, end, codes) in excerpts.items():
        per_document[document].append((pk, start, end, codes))
    pair = (min(a, b), max(a, b))
    found = set()
    for spans in per_document.values():
        for pk, start, end, codes in spans:
            for _other, other_start, other_end, other_codes in spans:
                overlap = start < other_end and other_start < end
                if overlap and pair in _pairs(codes, other_codes):
                    found.add(pk)
    return found
