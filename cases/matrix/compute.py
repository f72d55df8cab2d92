"""Every cell of a matrix at once, with array operations (pure: no Django).

The numbers are `cells.compute_cell`'s, computed sparsely: only the (row, document) pairs that
have codings are looked at, every other cell is blank without further work. The steps:

1. pairs: each coding goes to the rows of its code (and of the code's ancestors, for rows that
   include descendants); an excerpt counts once per row however many of the row's codes it
   carries. Sorted by row, document and excerpt.
2. groups: the pairs of one row in one document; the source decides whether the document
   counts (any coder's mark is enough, except for "all" and "majority").
3. cells: each counting group goes to the columns holding its document; a cell's documents,
   excerpts and covered characters are sums over its groups.

Which excerpts and documents are behind a cell is worked out only when someone asks (the
evidence page): a page shows thousands of cells and opens none of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np

from cases.classify import path_ids
from cases.matrix.cells import (
    ALL,
    ALL_CODERS,
    BLANK_VALUES,
    CODER,
    CONSENSUS,
    DOCUMENTS,
    EXCERPTS,
    MAJORITY,
    PRESENCE,
    Cell,
    CodingFact,
    ColumnSpec,
    RowSpec,
    classification_cell,
    document_counts,
    format_coverage,
    present_codes_by_document,
    rows_by_code,
)
from cases.matrix.table import CONSENSUS_CODER, CodingTable

__all__ = ["compute_matrix", "compute_rows"]

Coders = Mapping[int, frozenset[int] | set[int]]


def _spread(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Items with counts[i] targets each, one entry per target: (its item, its number among
    the item's targets)."""
    item = np.repeat(np.arange(len(counts)), counts)
    first = np.cumsum(counts) - counts
    return item, np.arange(len(item)) - first[item]


@dataclass
class _Pairs:
    """Each (row, excerpt) once, sorted by row, document and excerpt; documents as indices
    into `documents` (ascending ids), so their order is the ids' order."""

    row: np.ndarray
    document: np.ndarray
    coder: np.ndarray
    excerpt: np.ndarray
    start: np.ndarray
    end: np.ndarray
    documents: np.ndarray


def _pairs(table: CodingTable, rows: list[RowSpec]) -> _Pairs | None:
    if not len(table):
        return None
    exact, subtree = rows_by_code(rows)
    index_of = {row.key: i for i, row in enumerate(rows)}
    codes, code_of = np.unique(table.code, return_inverse=True)
    targets = []
    for code_id in codes.tolist():  # the rows of each code, found once per code
        found = list(exact.get(code_id, ()))
        for ancestor in path_ids(table.paths[code_id]):
            found.extend(subtree.get(ancestor, ()))
        targets.append([index_of[key] for key in dict.fromkeys(found)])
    counts = np.array([len(found) for found in targets], np.int64)
    flat = np.array([i for found in targets for i in found], np.int64)
    coding, nth = _spread(counts[code_of])
    if not len(coding):
        return None
    row = flat[(np.cumsum(counts) - counts)[code_of[coding]] + nth]
    documents, document_of = np.unique(table.document, return_inverse=True)
    document = document_of[coding]
    excerpt = table.excerpt[coding]
    order = np.lexsort((excerpt, document, row))
    row, coding, document, excerpt = row[order], coding[order], document[order], excerpt[order]
    # An excerpt with two codes of one row counts once: such pairs are neighbours now.
    first = np.ones(len(row), bool)
    first[1:] = (row[1:] != row[:-1]) | (excerpt[1:] != excerpt[:-1])
    coding = coding[first]
    return _Pairs(
        row[first],
        document[first],
        table.coder[coding],
        excerpt[first],
        table.start[coding],
        table.end[coding],
        documents,
    )


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


class _Evidence:
    """The excerpts and documents behind each computed cell, read on demand (`Cell`)."""

    def __init__(self, pairs: _Pairs, group_starts, sizes, cell_groups, cell_starts) -> None:
        self.excerpt = pairs.excerpt
        self.group_starts = group_starts.tolist()
        self.sizes = sizes.tolist()
        self.group_document = pairs.documents[pairs.document[group_starts]]
        self.cell_groups = cell_groups
        self.cell_bounds = np.append(cell_starts, len(cell_groups)).tolist()

    def ids(self, index: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        groups = self.cell_groups[self.cell_bounds[index] : self.cell_bounds[index + 1]]
        slices = [
            self.excerpt[self.group_starts[g] : self.group_starts[g] + self.sizes[g]]
            for g in groups.tolist()
        ]
        # Each group's excerpts are ascending; a cell of several documents merges them.
        excerpts = slices[0] if len(slices) == 1 else np.sort(np.concatenate(slices))
        return tuple(excerpts.tolist()), tuple(self.group_document[groups].tolist())


def _counting_groups(
    pairs: _Pairs, group_starts: np.ndarray, source: str, document_coders: Coders
) -> np.ndarray:
    """Which (row, document) groups count: all of them when one mark is enough, else by
    `document_counts` over the group's markers."""
    if source not in (ALL, MAJORITY):
        return np.ones(len(group_starts), bool)
    bounds = np.append(group_starts, len(pairs.row)).tolist()
    coders = pairs.coder.tolist()
    documents = pairs.documents[pairs.document[group_starts]].tolist()
    counts = []
    for g, document_id in enumerate(documents):
        markers = {None if c == CONSENSUS_CODER else c for c in coders[bounds[g] : bounds[g + 1]]}
        counts.append(document_counts(markers, document_coders.get(document_id, set()), source))
    return np.array(counts, bool)


def _column_pairs(documents: np.ndarray, columns: list[ColumnSpec]) -> tuple[np.ndarray, ...]:
    """(document index, column index) for every document of every column that has codings,
    sorted by document; and how many columns each document is in."""
    index_of = {document_id: i for i, document_id in enumerate(documents.tolist())}
    found = [
        (index_of[document_id], c)
        for c, column in enumerate(columns)
        for document_id in column.document_ids
        if document_id in index_of
    ]
    pairs = np.array(sorted(found), np.int64).reshape(-1, 2)
    return pairs[:, 1], np.bincount(pairs[:, 0], minlength=len(documents))


def _code_row_cells(
    *,
    table: CodingTable,
    rows: list[RowSpec],
    columns: list[ColumnSpec],
    mode: str,
    source: str,
    document_coders: Coders,
    document_chars: Mapping[int, int],
    yes_symbol: str,
) -> list[list[Cell | None]]:
    """The cells of code rows, a list per row in column order: None where blank."""
    width = len(columns)
    grid: list[list[Cell | None]] = [[None] * width for _row in rows]
    pairs = _pairs(table, rows)
    if pairs is None or not columns:
        return grid
    change = np.ones(len(pairs.row), bool)
    change[1:] = (pairs.row[1:] != pairs.row[:-1]) | (pairs.document[1:] != pairs.document[:-1])
    group_starts = np.flatnonzero(change)
    sizes = np.diff(np.append(group_starts, len(pairs.row)))
    counting = _counting_groups(pairs, group_starts, source, document_coders)
    column_of_pair, columns_per_document = _column_pairs(pairs.documents, columns)
    group_document = pairs.document[group_starts]
    first_pair = np.cumsum(columns_per_document) - columns_per_document
    group, nth = _spread(columns_per_document[group_document] * counting)
    column = column_of_pair[first_pair[group_document[group]] + nth]
    # Cells by row and column; a cell's groups stay in document order (a stable sort).
    cell_key = pairs.row[group_starts][group] * len(columns) + column
    order = np.argsort(cell_key, kind="stable")
    cell_key, group = cell_key[order], group[order]
    if not len(cell_key):
        return grid
    new_cell = np.ones(len(cell_key), bool)
    new_cell[1:] = cell_key[1:] != cell_key[:-1]
    cell_starts = np.flatnonzero(new_cell)
    keys = cell_key[cell_starts]
    if mode == PRESENCE:
        values: list = [True] * len(keys)
        shown = [yes_symbol] * len(keys)
    elif mode == DOCUMENTS:
        values = np.diff(np.append(cell_starts, len(cell_key))).tolist()
        shown = [str(n) for n in values]
    elif mode == EXCERPTS:
        values = np.add.reduceat(sizes[group], cell_starts).tolist()
        shown = [str(n) for n in values]
    else:
        numbered = np.cumsum(change) - 1  # each pair's group
        covered = _covered(numbered, pairs.start, pairs.end, group_starts)
        sums = np.add.reduceat(covered[group], cell_starts).tolist()
        totals = [sum(document_chars.get(d, 0) for d in c.document_ids) for c in columns]
        values = [
            covered_chars / totals[k % len(columns)] if totals[k % len(columns)] else 0.0
            for covered_chars, k in zip(sums, keys.tolist(), strict=True)
        ]
        shown = [format_coverage(share) for share in values]
    evidence = _Evidence(pairs, group_starts, sizes, group, cell_starts)
    # Straight into their places: keyed by (row, column) pairs, 18,000 cells cost a tuple and
    # two dictionary look-ups each, more than making them.
    for i, (r, c, v, s) in enumerate(
        zip((keys // width).tolist(), (keys % width).tolist(), values, shown, strict=True)
    ):
        grid[r][c] = Cell(v, s, evidence=evidence, index=i)
    return grid


def compute_rows(
    *,
    rows: list[RowSpec],
    columns: list[ColumnSpec],
    codings: CodingTable | Iterable[CodingFact],
    mode: str,
    source: str,
    coder_id: int | None = None,
    document_coders: Coders | None = None,
    document_chars: Mapping[int, int] | None = None,
    overrides: Mapping[tuple[str, str], tuple[str, str]] | None = None,
    yes_symbol: str = "X",
    reconciled: AbstractSet[int] = frozenset(),
) -> list[list[Cell]]:
    """Every cell: one list per row (in the order of `rows`), its cells in the order of
    `columns`. Overrides map (row key, column key) to (symbol, reason).

    Each cell has the numbers `compute_cell` defines (see the module docstring)."""
    if mode not in BLANK_VALUES:
        raise ValueError(f"Unknown cell mode {mode!r}")
    if source not in ALL_CODERS | {CODER, CONSENSUS}:
        raise ValueError(f"Unknown source {source!r}")
    table = codings if isinstance(codings, CodingTable) else CodingTable.from_facts(codings)
    document_coders = document_coders or {}
    if reconciled and source in ALL_CODERS:
        # A reconciled document has one "coder", the consensus: what it marked counts.
        document_coders = {**document_coders, **dict.fromkeys(reconciled, frozenset())}
    document_chars = document_chars or {}
    considered = table.for_source(source, coder_id, reconciled)
    code_rows = [row for row in rows if row.classes is None]
    computed = iter(
        _code_row_cells(
            table=considered,
            rows=code_rows,
            columns=columns,
            mode=mode,
            source=source,
            document_coders=document_coders,
            document_chars=document_chars,
            yes_symbol=yes_symbol,
        )
    )
    blank = BLANK_VALUES[mode]
    present_by_document = None
    grid: list[list[Cell]] = []
    for row in rows:
        if row.classes is not None:
            if present_by_document is None:
                present_by_document = present_codes_by_document(
                    considered.facts(), source, document_coders
                )
            grid.append([classification_cell(present_by_document, c, row.classes) for c in columns])
            continue
        grid.append([cell or Cell(blank, "") for cell in next(computed)])
    if overrides:
        index = {column.key: i for i, column in enumerate(columns)}
        by_key = {row.key: cells for row, cells in zip(rows, grid, strict=True)}
        for (row_key, column_key), (symbol, reason) in overrides.items():
            if row_key in by_key and column_key in index:
                cell = by_key[row_key][index[column_key]]
                cell.override, cell.reason = symbol, reason
    return grid


def compute_matrix(**kwargs) -> dict[tuple[str, str], Cell]:
    """Every cell, keyed (row key, column key); `compute_rows` takes the same arguments."""
    grid = compute_rows(**kwargs)
    columns = kwargs["columns"]
    return {
        (row.key, column.key): cell
        for row, cells in zip(kwargs["rows"], grid, strict=True)
        for column, cell in zip(columns, cells, strict=True)
    }
