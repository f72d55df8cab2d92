"""Cross-case matrix computation over plain data (pure: no Django).

The selector fetches three flat lists (case–document links, codings with their excerpt's
document, coder, span and code path, and each document's coders) and hands them here.

How a cell is computed. Each column stands for a set of documents (one case's documents, or
the union over a group of cases). For a row and a document, the *markers* are the coders whose
excerpts in that document carry the row's code (or a code below it when the row includes
descendants). The source decides whether the document counts:

- one chosen coder / consensus: that owner marked it;
- any: at least one coder marked it;
- all: every coder of the document (assigned or coding in it) marked it;
- majority: more than half of the document's coders marked it.

For any / all / majority, a *reconciled* document (its consensus complete) counts the consensus
instead of the coders: there the consensus is the one marker.

Then: presence = some document counts; documents = how many count; excerpts = the distinct
excerpts (of all markers) in the counting documents; coverage = characters covered by the union
of those excerpts' spans divided by all characters of the column's documents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from cases.classify import ClassSpec, classify, path_ids

PRESENCE, EXCERPTS, DOCUMENTS, COVERAGE = "presence", "excerpts", "documents", "coverage"
ANY, ALL, MAJORITY, CODER, CONSENSUS = "any", "all", "majority", "coder", "consensus"
ALL_CODERS = frozenset({ANY, ALL, MAJORITY})  # the sources where reconciled documents switch


class CodingFact(NamedTuple):
    """One coding. A named tuple, not a dataclass: the selector makes tens of thousands."""

    excerpt_id: int
    document_id: int
    coder_id: int | None  # None = consensus (reconciled) excerpt
    start: int
    end: int
    code_id: int
    code_path: str


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str
    section: str = ""
    code_id: int | None = None
    descendants: bool = True
    classes: tuple[ClassSpec, ...] | None = None  # a classification row instead of a code row


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    document_ids: frozenset[int]


@dataclass(slots=True)
class Cell:
    value: float | int | bool | str | None
    display: str
    excerpt_ids: tuple[int, ...] = ()
    document_ids: tuple[int, ...] = ()
    override: str | None = None
    reason: str = ""
    footnotes: list[int] = field(default_factory=list)

    @property
    def overridden(self) -> bool:
        return self.override is not None

    @property
    def shown(self) -> str:
        return self.override if self.override is not None else self.display


def union_length(spans: Iterable[tuple[int, int]]) -> int:
    """Characters covered by the union of half-open spans [start, end)."""
    total = 0
    current_start, current_end = 0, None
    for start, end in sorted(spans):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    if current_end is not None:
        total += current_end - current_start
    return total


def format_coverage(share: float) -> str:
    return f"{share * 100:.1f} %" if share else ""


def select_source(
    codings: Iterable[CodingFact],
    source: str,
    coder_id: int | None = None,
    reconciled: AbstractSet[int] = frozenset(),
) -> list[CodingFact]:
    """The codings that the source considers: one owner's, the consensus, or every coder's.
    With every coder's, a `reconciled` document counts its consensus instead (the team's
    decided codings replace the independent ones once reconciliation is done)."""
    if source == CODER:
        return [c for c in codings if c.coder_id is not None and c.coder_id == coder_id]
    if source == CONSENSUS:
        return [c for c in codings if c.coder_id is None]
    return [c for c in codings if (c.coder_id is None) == (c.document_id in reconciled)]


def document_counts(
    markers: set[int | None], coders: set[int] | frozenset[int], source: str
) -> bool:
    """Whether a document counts for a row, given who marked it and who coded the document."""
    if not markers:
        return False
    if source in (ANY, CODER, CONSENSUS):
        return True
    everyone = set(coders) | {m for m in markers if m is not None}
    if source == ALL:
        return everyone <= markers
    if source == MAJORITY:
        return 2 * len(markers) > len(everyone)
    raise ValueError(f"Unknown source {source!r}")


def rows_by_code(rows: Iterable[RowSpec]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    exact: dict[int, list[str]] = defaultdict(list)
    subtree: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        if row.code_id is None:
            continue
        (subtree if row.descendants else exact)[row.code_id].append(row.key)
    return exact, subtree


@dataclass
class DocumentHits:
    """Who marked a row in one document, and the excerpts (id -> span) behind it."""

    markers: set[int | None] = field(default_factory=set)
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)


def index_codings(
    codings: Iterable[CodingFact], rows: Iterable[RowSpec]
) -> dict[str, dict[int, DocumentHits]]:
    """row key -> document id -> who marked the row there and with which excerpts.

    Codings are grouped by code first, so the rows of a code are looked up once per code
    rather than once per coding, and codings of codes no row covers cost one append."""
    exact, subtree = rows_by_code(rows)
    by_code: dict[tuple[int, str], list[CodingFact]] = defaultdict(list)
    for coding in codings:
        by_code[(coding.code_id, coding.code_path)].append(coding)
    hits: dict[str, dict[int, DocumentHits]] = defaultdict(dict)
    for (code_id, code_path), group in by_code.items():
        found = list(exact.get(code_id, ()))
        for ancestor in path_ids(code_path):
            found.extend(subtree.get(ancestor, ()))
        for key in dict.fromkeys(found):
            per_document = hits[key]
            for coding in group:
                entry = per_document.get(coding.document_id)
                if entry is None:
                    entry = per_document[coding.document_id] = DocumentHits()
                entry.markers.add(coding.coder_id)
                entry.spans[coding.excerpt_id] = (coding.start, coding.end)
    return hits


def compute_cell(
    per_document: Mapping[int, DocumentHits],
    column: ColumnSpec,
    *,
    mode: str,
    source: str,
    document_coders: Mapping[int, frozenset[int] | set[int]],
    document_chars: Mapping[int, int],
    yes_symbol: str = "X",
    ordered_documents: Iterable[int] | None = None,
) -> Cell:
    counting: list[int] = []
    for document_id in ordered_documents or sorted(column.document_ids):
        entry = per_document.get(document_id)
        if entry is None:
            continue
        if document_counts(entry.markers, document_coders.get(document_id, frozenset()), source):
            counting.append(document_id)
    excerpt_ids = tuple(sorted(e for d in counting for e in per_document[d].spans))
    document_ids = tuple(counting)
    if mode == PRESENCE:
        present = bool(counting)
        return Cell(present, yes_symbol if present else "", excerpt_ids, document_ids)
    if mode == DOCUMENTS:
        n = len(counting)
        return Cell(n, str(n) if n else "", excerpt_ids, document_ids)
    if mode == EXCERPTS:
        n = len(excerpt_ids)
        return Cell(n, str(n) if n else "", excerpt_ids, document_ids)
    if mode == COVERAGE:
        total = sum(document_chars.get(d, 0) for d in column.document_ids)
        covered = sum(union_length(per_document[d].spans.values()) for d in counting)
        share = covered / total if total else 0.0
        return Cell(share, format_coverage(share), excerpt_ids, document_ids)
    raise ValueError(f"Unknown cell mode {mode!r}")


def present_codes_by_document(
    codings: Iterable[CodingFact],
    source: str,
    document_coders: Mapping[int, frozenset[int] | set[int]],
) -> dict[int, dict[int, list[CodingFact]]]:
    """document -> code (with ancestors) -> the codings behind it, kept only where the
    source's aggregation says the code is present in that document."""
    raw: dict[int, dict[int, list[CodingFact]]] = defaultdict(lambda: defaultdict(list))
    for coding in codings:
        for code_id in path_ids(coding.code_path):
            raw[coding.document_id][code_id].append(coding)
    kept: dict[int, dict[int, list[CodingFact]]] = {}
    for document_id, by_code in raw.items():
        coders = document_coders.get(document_id, frozenset())
        kept[document_id] = {
            code_id: found
            for code_id, found in by_code.items()
            if document_counts({c.coder_id for c in found}, coders, source)
        }
    return kept


def classification_cell(
    present_by_document: Mapping[int, Mapping[int, list[CodingFact]]],
    column: ColumnSpec,
    classes: tuple[ClassSpec, ...],
) -> Cell:
    present: set[int] = set()
    for document_id in column.document_ids:
        present.update(present_by_document.get(document_id, {}))
    name = classify(present, classes)
    if name is None:
        return Cell(None, "")
    spec = next(s for s in classes if s.name == name)
    excerpts: set[int] = set()
    documents: set[int] = set()
    for document_id in column.document_ids:
        for code_id in spec.codes:
            for c in present_by_document.get(document_id, {}).get(code_id, ()):
                excerpts.add(c.excerpt_id)
                documents.add(document_id)
    return Cell(name, name, tuple(sorted(excerpts)), tuple(sorted(documents)))


BLANK_VALUES: dict[str, float | int | bool] = {
    PRESENCE: False,
    EXCERPTS: 0,
    DOCUMENTS: 0,
    COVERAGE: 0.0,
}


def _pairs(codings: list[CodingFact], rows: list[RowSpec]) -> tuple[np.ndarray, ...] | None:
    """Each (row, excerpt) once, as arrays sorted by row, document and excerpt: row index,
    document, coder (-1 for consensus), excerpt, start, end. None when no row has a coding."""
    n = len(codings)
    if not n:
        return None
    exact, subtree = rows_by_code(rows)
    index_of = {row.key: i for i, row in enumerate(rows)}
    groups: dict[tuple[int, str], int] = {}
    group = np.fromiter(
        (groups.setdefault((c.code_id, c.code_path), len(groups)) for c in codings), np.int64, n
    )
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(len(groups) + 1))
    taken: list[np.ndarray] = []
    row_of: list[np.ndarray] = []
    for (code_id, code_path), g in groups.items():
        found = list(exact.get(code_id, ()))
        for ancestor in path_ids(code_path):
            found.extend(subtree.get(ancestor, ()))
        members = order[bounds[g] : bounds[g + 1]]
        for key in dict.fromkeys(found):
            taken.append(members)
            row_of.append(np.full(len(members), index_of[key], np.int64))
    if not taken:
        return None
    picked = np.concatenate(taken)
    row = np.concatenate(row_of)
    # One generator per field: zip(*codings) over tens of thousands of tuples is far slower.
    excerpt, document, coder, start, end = (
        np.fromiter(
            (-1 if c[field] is None else c[field] for c in codings)
            if field == 2
            else (c[field] for c in codings),
            np.int64,
            n,
        )
        for field in range(5)  # excerpt, document, coder (-1: consensus), start, end
    )
    excerpt, document, coder, start, end = (
        a[picked] for a in (excerpt, document, coder, start, end)
    )
    # An excerpt with two codes of one row counts once (as in DocumentHits.spans).
    by_excerpt = np.lexsort((excerpt, row))
    row, excerpt = row[by_excerpt], excerpt[by_excerpt]
    first = np.ones(len(row), bool)
    first[1:] = (row[1:] != row[:-1]) | (excerpt[1:] != excerpt[:-1])
    keep = by_excerpt[first]
    row, document, coder, excerpt, start, end = (
        row[first],
        document[keep],
        coder[keep],
        excerpt[first],
        start[keep],
        end[keep],
    )
    ordered = np.lexsort((excerpt, document, row))
    return tuple(a[ordered] for a in (row, document, coder, excerpt, start, end))


def _covered(
    group: np.ndarray, starts: np.ndarray, ends: np.ndarray, group_starts: np.ndarray
) -> np.ndarray:
    """Union length of the spans of each group (`group` sorted, numbering the groups that
    begin at `group_starts`): spans sorted by start within each group, then a running maximum
    of the ends, restarted per group by lifting each group above the one before."""
    by_start = np.lexsort((starts, group))
    starts, ends = starts[by_start], ends[by_start]
    lengths = np.diff(np.append(group_starts, len(starts)))
    lift = np.repeat(np.arange(len(group_starts), dtype=np.int64), lengths) * (int(ends.max()) + 1)
    reach = np.maximum.accumulate(ends + lift)
    before = np.empty_like(reach)
    before[0] = -1
    before[1:] = reach[:-1]
    covered = np.maximum(0, ends - np.maximum(starts, before - lift))
    return np.add.reduceat(covered, group_starts)


def _code_row_cells(
    *,
    codings: list[CodingFact],
    rows: list[RowSpec],
    columns: list[ColumnSpec],
    mode: str,
    source: str,
    document_coders: Mapping[int, frozenset[int] | set[int]],
    document_chars: Mapping[int, int],
    yes_symbol: str,
) -> dict[str, dict[int, Cell]]:
    """row key -> column index -> cell, for the non-blank cells of code rows only.

    The same numbers as `compute_cell`, computed with array operations over (row, excerpt)
    pairs: the per-coding Python loop was most of the matrix page's time."""
    pairs = _pairs(codings, rows)
    if pairs is None:
        return {}
    row, document, coder, excerpt, start, end = pairs
    change = np.ones(len(row), bool)
    change[1:] = (row[1:] != row[:-1]) | (document[1:] != document[:-1])
    group_starts = np.flatnonzero(change)
    group_ends = np.append(group_starts[1:], len(row))
    covered: list[float] = []  # per group, in coverage mode only
    if mode == COVERAGE:
        group = np.cumsum(change) - 1
        covered = _covered(group, start, end, group_starts).tolist()
    columns_of: dict[int, list[int]] = defaultdict(list)
    for index, column in enumerate(columns):
        for document_id in column.document_ids:
            columns_of[document_id].append(index)
    marked_is_enough = source in (ANY, CODER, CONSENSUS)
    # row index -> column index -> [(document, group number)] of the documents that count
    counting: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    group_rows, group_documents = row[group_starts].tolist(), document[group_starts].tolist()
    for g, (r, d, s, e) in enumerate(
        zip(group_rows, group_documents, group_starts.tolist(), group_ends.tolist(), strict=True)
    ):
        targets = columns_of.get(d)
        if not targets:
            continue
        if not marked_is_enough:
            markers = set(coder[s:e].tolist())
            if not document_counts(markers, document_coders.get(d, frozenset()), source):
                continue
        for index in targets:
            counting[r][index].append(g)
    excerpt_list = excerpt.tolist()  # sorted within each (row, document) group
    spans = list(zip(group_starts.tolist(), group_ends.tolist(), strict=True))
    result: dict[str, dict[int, Cell]] = {}
    for r, by_column in counting.items():
        cells = result[rows[r].key] = {}
        for index, found in by_column.items():
            documents = tuple(group_documents[g] for g in found)  # ascending: sorted pairs
            if len(found) == 1:
                first, last = spans[found[0]]
                excerpt_ids = tuple(excerpt_list[first:last])
            else:
                excerpt_ids = tuple(
                    sorted(e for g in found for e in excerpt_list[slice(*spans[g])])
                )
            if mode == PRESENCE:
                cell = Cell(True, yes_symbol, excerpt_ids, documents)
            elif mode == DOCUMENTS:
                cell = Cell(len(documents), str(len(documents)), excerpt_ids, documents)
            elif mode == EXCERPTS:
                cell = Cell(len(excerpt_ids), str(len(excerpt_ids)), excerpt_ids, documents)
            else:
                total = sum(document_chars.get(d, 0) for d in columns[index].document_ids)
                share = sum(covered[g] for g in found) / total if total else 0.0
                cell = Cell(share, format_coverage(share), excerpt_ids, documents)
            cells[index] = cell
    return result


def compute_matrix(
    *,
    rows: list[RowSpec],
    columns: list[ColumnSpec],
    codings: Iterable[CodingFact],
    mode: str,
    source: str,
    coder_id: int | None = None,
    document_coders: Mapping[int, frozenset[int] | set[int]] | None = None,
    document_chars: Mapping[int, int] | None = None,
    overrides: Mapping[tuple[str, str], tuple[str, str]] | None = None,
    yes_symbol: str = "X",
    reconciled: AbstractSet[int] = frozenset(),
) -> dict[tuple[str, str], Cell]:
    """Every cell, keyed (row key, column key). Overrides map the same keys to (symbol, reason).

    Each cell has the numbers `compute_cell` defines, computed sparsely and with arrays: only
    the (row, document) pairs with codings are looked at, and every other cell is blank
    without further work (see `_code_row_cells`)."""
    if mode not in BLANK_VALUES:
        raise ValueError(f"Unknown cell mode {mode!r}")
    document_coders = document_coders or {}
    if reconciled and source in ALL_CODERS:
        # A reconciled document has one "coder", the consensus: what it marked counts.
        document_coders = {**document_coders, **dict.fromkeys(reconciled, frozenset())}
    document_chars = document_chars or {}
    overrides = overrides or {}
    considered = select_source(codings, source, coder_id, reconciled)
    code_cells = _code_row_cells(
        codings=considered,
        rows=[row for row in rows if row.classes is None],
        columns=columns,
        mode=mode,
        source=source,
        document_coders=document_coders,
        document_chars=document_chars,
        yes_symbol=yes_symbol,
    )
    blank = BLANK_VALUES[mode]
    present_by_document = None
    cells: dict[tuple[str, str], Cell] = {}
    for row in rows:
        if row.classes is not None:
            if present_by_document is None:
                present_by_document = present_codes_by_document(considered, source, document_coders)
            row_cells = [
                classification_cell(present_by_document, column, row.classes) for column in columns
            ]
        else:
            row_cells = [Cell(blank, "") for _column in columns]
            for index, cell in code_cells.get(row.key, {}).items():
                row_cells[index] = cell
        for column, cell in zip(columns, row_cells, strict=True):
            key = (row.key, column.key)
            if key in overrides:
                cell.override, cell.reason = overrides[key]
            cells[key] = cell
    return cells


def group_columns(
    cases: Iterable[tuple[str, str, frozenset[int]]],
    group_of: Mapping[str, str],
    *,
    missing_label: str = "(no value)",
) -> list[ColumnSpec]:
    """Merge case columns by attribute value; cases: (key, label, documents).

    A group's key is "group-" + the value's UTF-8 bytes in hex, so any value is safe in a URL."""
    documents: dict[str, set[int]] = {}
    for key, _label, docs in cases:
        value = group_of.get(key) or ""
        documents.setdefault(value, set()).update(docs)
    ordered = sorted(documents, key=lambda v: (v == "", v.casefold()))
    return [
        ColumnSpec(
            f"group-{value.encode().hex()}", value or missing_label, frozenset(documents[value])
        )
        for value in ordered
    ]
