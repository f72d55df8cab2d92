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

Then: presence = some document counts; documents = how many count; excerpts = the distinct
excerpts (of all markers) in the counting documents; coverage = characters covered by the union
of those excerpts' spans divided by all characters of the column's documents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cases.classify import ClassSpec, classify, path_ids

PRESENCE, EXCERPTS, DOCUMENTS, COVERAGE = "presence", "excerpts", "documents", "coverage"
ANY, ALL, MAJORITY, CODER, CONSENSUS = "any", "all", "majority", "coder", "consensus"


@dataclass(frozen=True)
class CodingFact:
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


@dataclass
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
    current_start = current_end = None
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
    codings: Iterable[CodingFact], source: str, coder_id: int | None = None
) -> list[CodingFact]:
    """The codings that the source considers: one owner's, the consensus, or every coder's."""
    if source == CODER:
        return [c for c in codings if c.coder_id is not None and c.coder_id == coder_id]
    if source == CONSENSUS:
        return [c for c in codings if c.coder_id is None]
    return [c for c in codings if c.coder_id is not None]


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


def _path_ids_cached() -> dict[str, tuple[int, ...]]:
    class Cache(dict):
        def __missing__(self, path: str) -> tuple[int, ...]:
            self[path] = value = path_ids(path)
            return value

    return Cache()


def index_codings(
    codings: Iterable[CodingFact], rows: Iterable[RowSpec]
) -> dict[str, dict[int, DocumentHits]]:
    """row key -> document id -> who marked the row there and with which excerpts."""
    exact, subtree = rows_by_code(rows)
    ids_of = _path_ids_cached()
    keys_of: dict[tuple[int, str], tuple[str, ...]] = {}
    hits: dict[str, dict[int, DocumentHits]] = defaultdict(dict)
    for coding in codings:
        cache_key = (coding.code_id, coding.code_path)
        keys = keys_of.get(cache_key)
        if keys is None:
            found = list(exact.get(coding.code_id, ()))
            for ancestor in ids_of[coding.code_path]:
                found.extend(subtree.get(ancestor, ()))
            keys = keys_of[cache_key] = tuple(dict.fromkeys(found))
        for key in keys:
            per_document = hits[key]
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
) -> dict[tuple[str, str], Cell]:
    """Every cell, keyed (row key, column key). Overrides map the same keys to (symbol, reason)."""
    document_coders = document_coders or {}
    document_chars = document_chars or {}
    overrides = overrides or {}
    considered = select_source(codings, source, coder_id)
    hits = index_codings(considered, rows)
    present_by_document = None
    ordered = {column.key: sorted(column.document_ids) for column in columns}
    cells: dict[tuple[str, str], Cell] = {}
    for row in rows:
        for column in columns:
            if row.classes is not None:
                if present_by_document is None:
                    present_by_document = present_codes_by_document(
                        considered, source, document_coders
                    )
                cell = classification_cell(present_by_document, column, row.classes)
            else:
                cell = compute_cell(
                    hits.get(row.key, {}),
                    column,
                    mode=mode,
                    source=source,
                    document_coders=document_coders,
                    document_chars=document_chars,
                    yes_symbol=yes_symbol,
                    ordered_documents=ordered[column.key],
                )
            if (row.key, column.key) in overrides:
                cell.override, cell.reason = overrides[(row.key, column.key)]
            cells[(row.key, column.key)] = cell
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
