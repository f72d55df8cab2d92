"""Counting code co-occurrence and codings per document and code.

Pure: no Django. Input rows are codings as (excerpt id, document id, start, end, code id).
Natural units (sentences, paragraphs, speaker turns) come in as `units`: per document, its
units' (start, end) offsets in text order, not overlapping.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

Row = tuple[int, int, int, int, int]
Units = Mapping[int, Sequence[tuple[int, int]]]
EXCERPT = "excerpt"
DOCUMENT = "document"
SENTENCE = "sentence"
PARAGRAPH = "paragraph"
TURN = "turn"
NATURAL_UNITS = (SENTENCE, PARAGRAPH, TURN)
HEAT_LEVELS = 5  # shades on the heat map (static/css/explore.css: .heat-1 … .heat-5)


def cooccurrence(
    rows: Iterable[Row], *, by: str, units: Units | None = None
) -> dict[tuple[int, int], int]:
    """How often two different codes occur together, keyed (a, b) with a < b.

    by="excerpt": the number of pairs of excerpts (an excerpt with itself included) that
    overlap and carry the two codes, one each; two codes on one excerpt count once there.
    by="document": the number of documents where both codes are applied.
    by="sentence"/"paragraph"/"turn": the number of those natural units (given in `units`)
    that both codes touch (an excerpt with the code shares at least one character with it).
    """
    counts: dict[tuple[int, int], int] = defaultdict(int)
    if by in NATURAL_UNITS:
        for in_unit in _unit_codes(rows, units or {}).values():
            for pair in _pairs(set(in_unit), set(in_unit)):
                counts[pair] += 1
        return dict(counts)
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


def cooccurring_excerpts(
    rows: Iterable[Row], *, a: int, b: int, by: str, units: Units | None = None
) -> set[int]:
    """The excerpts behind one co-occurrence cell: those carrying `a` or `b` that are counted
    in it (overlapping one with the other code, in a natural unit both codes touch, or in a
    document holding both)."""
    if by in NATURAL_UNITS:
        excerpts_in: set[int] = set()
        for in_unit in _unit_codes(rows, units or {}).values():
            if a in in_unit and b in in_unit:
                excerpts_in |= in_unit[a] | in_unit[b]
        return excerpts_in
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


def _unit_codes(rows: Iterable[Row], units: Units) -> dict[tuple[int, int], dict[int, set[int]]]:
    """Per natural unit (document, index) that codings touch: each code there and the
    excerpts that bring it. An excerpt touches the units it shares a character with."""
    starts = {doc: [start for start, _end in spans] for doc, spans in units.items()}
    touched: dict[tuple[int, int], dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for excerpt, document, start, end, code in rows:
        spans = units.get(document)
        if not spans:
            continue
        # The last unit starting at or before the excerpt's start may still reach into it.
        index = max(bisect_right(starts[document], start) - 1, 0)
        while index < len(spans) and spans[index][0] < end:
            if spans[index][1] > start:
                touched[(document, index)][code].add(excerpt)
            index += 1
    return touched


def document_code_coverage(
    rows: Iterable[Row], lengths: Mapping[int, int]
) -> dict[tuple[int, int], float]:
    """Per (document, code): the share of the document's characters (`lengths`) that the
    code's excerpts cover, overlapping excerpts of one code counted once."""
    spans: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for _excerpt, document, start, end, code in rows:
        spans[(document, code)].append((start, end))
    coverage = {}
    for key, found in spans.items():
        length = lengths.get(key[0], 0)
        if length:
            coverage[key] = min(_union_length(found) / length, 1.0)
    return coverage


def _union_length(spans: list[tuple[int, int]]) -> int:
    total, reach = 0, 0
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def heat_level(value: float, top: float, levels: int = HEAT_LEVELS) -> int:
    """A cell's shade on the heat map: 0 for nothing, else 1..levels in proportion to the
    largest value shown (so the darkest cell is the largest)."""
    if value <= 0 or top <= 0:
        return 0
    return int(max(1, min(levels, -(-value * levels // top))))
