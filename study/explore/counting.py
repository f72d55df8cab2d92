"""Counting code co-occurrence and codings per document and code.

Pure: no Django. Input rows are codings as (excerpt id, document id, start, end, code id).
Natural units (sentences, paragraphs, speaker turns) come in as `units`: per document, its
units' (start, end) offsets in text order, not overlapping.

The pair counts are vectorised with numpy (issue 18 wants 50,000 codings counted in under half
a second): codings become rows of an integer array, overlapping ones are found with sorted
keys and searchsorted, and pairs of code ranks are tallied with bincount. The excerpts behind
one cell are few, so `cooccurring_excerpts` stays plain Python.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

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
    rows = list(rows)
    if not rows:
        return {}
    table = np.asarray(rows, dtype=np.int64).reshape(-1, 5)
    # Codes are counted by rank (0, 1, 2, …) and named again at the end.
    codes, table[:, 4] = np.unique(table[:, 4], return_inverse=True)
    if by in NATURAL_UNITS:
        counts = _unit_pairs(table, units or {})
    elif by == DOCUMENT:
        # Each document as one unit that holds every code applied in it.
        counts = _group_pairs(table[:, 1], table[:, 4])
    else:
        counts = _excerpt_pairs(table)
    named = codes.tolist()
    return {(named[a], named[b]): n for (a, b), n in counts.items()}


def _later(keys: np.ndarray, stops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (i, j), i < j, of sorted `keys` with keys[j] < stops[i] (stops[i] > keys[i]):
    the items that start after item i and before its end."""
    n = len(keys)
    reach = np.searchsorted(keys, stops, side="left")
    counts = np.maximum(reach - np.arange(n) - 1, 0)
    first = np.repeat(np.arange(n), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return first, first + 1 + offsets


def _tally(lo: np.ndarray, hi: np.ndarray) -> dict[tuple[int, int], int]:
    """How often each (lo, hi) pair of code ranks occurs: one integer key per pair, counted
    with bincount (or sorted, for codebooks too large for a square of counters)."""
    if not len(lo):
        return {}
    width = int(hi.max()) + 1
    keys = lo * width + hi
    if width <= 2_000:
        counts = np.bincount(keys, minlength=width * width)
        found = np.flatnonzero(counts)
        counts = counts[found]
    else:
        found, counts = np.unique(keys, return_counts=True)
    return {
        (key // width, key % width): n
        for key, n in zip(found.tolist(), counts.tolist(), strict=True)
    }


def _group_pairs(units: np.ndarray, codes: np.ndarray) -> dict[tuple[int, int], int]:
    """Pairs of different codes within each unit (parallel arrays of unit and code, one per
    coding that touches it): each unit counts a pair once."""
    if not len(codes):
        return {}
    width = int(codes.max()) + 1
    keys = np.unique(units * width + codes)  # sorted by unit, then code
    units, codes = keys // width, keys % width
    group_end = np.searchsorted(units, units, side="right")
    first, second = _later(np.arange(len(units)), group_end)
    return _tally(codes[first], codes[second])


def _excerpt_pairs(table: np.ndarray) -> dict[tuple[int, int], int]:
    """Overlapping excerpts, vectorised over codings: sorted by (document, start, excerpt),
    the codings overlapping coding i from later on are those starting before i ends."""
    excerpt, document, start, end, code = table.T
    span = int(end.max()) + 1
    doc_rank = np.unique(document, return_inverse=True)[1].astype(np.int64)
    order = np.lexsort((excerpt, start, doc_rank))
    excerpt, code, doc_rank = excerpt[order], code[order], doc_rank[order]
    keys = doc_rank * span + start[order]
    first, second = _later(keys, doc_rank * span + end[order])
    a, b = code[first], code[second]
    keep = a != b
    first, second, a, b = first[keep], second[keep], a[keep], b[keep]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    # Two excerpts that both carry codes x and y pair x with y twice (x-y and y-x): once is
    # counted. Only excerpts with two codes or more can do that, so only they are deduplicated.
    _found, inverse, per_excerpt = np.unique(excerpt, return_inverse=True, return_counts=True)
    several = per_excerpt[inverse] > 1  # per coding: its excerpt carries several codes
    multi = several[first] & several[second] & (excerpt[first] != excerpt[second])
    if multi.any():
        columns = [excerpt[first][multi], excerpt[second][multi], lo[multi], hi[multi]]
        ordered = np.lexsort(columns[::-1])
        rows = np.stack(columns, axis=1)[ordered]
        fresh = np.ones(len(rows), dtype=bool)
        fresh[1:] = (rows[1:] != rows[:-1]).any(axis=1)
        lo = np.concatenate([lo[~multi], rows[fresh, 2]])
        hi = np.concatenate([hi[~multi], rows[fresh, 3]])
    return _tally(lo, hi)


def _unit_pairs(table: np.ndarray, units: Units) -> dict[tuple[int, int], int]:
    """Natural units, vectorised: each coding touches the units from the first ending after
    its start to the last starting before its end."""
    documents = sorted(units)
    spans = [(doc, s, e) for doc in documents for s, e in sorted(units[doc])]
    starts = [s for _doc, s, _e in spans]
    ends = [e for _doc, _s, e in spans]
    owners = [doc for doc, _s, _e in spans]
    if not starts:
        return {}
    excerpt, document, start, end, code = table.T
    span = max(int(end.max()), max(ends)) + 1
    rank = {doc: i for i, doc in enumerate(documents)}
    unit_doc = np.asarray([rank[doc] for doc in owners], dtype=np.int64)
    known = np.isin(document, documents)
    doc = np.asarray([rank.get(int(d), 0) for d in document], dtype=np.int64)
    unit_start = unit_doc * span + np.asarray(starts, dtype=np.int64)
    unit_end = unit_doc * span + np.asarray(ends, dtype=np.int64)
    first = np.searchsorted(unit_end, doc * span + start, side="right")
    last = np.searchsorted(unit_start, doc * span + end, side="left")
    counts = np.where(known, np.maximum(last - first, 0), 0)
    coding = np.repeat(np.arange(len(code)), counts)
    unit = first[coding] + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return _group_pairs(unit, code[coding])


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
