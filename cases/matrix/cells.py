"""The matrix's cells defined one at a time, and the plain data they are computed from
(pure: no Django).

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

`compute_cell` is that definition, cell by cell; `cases.matrix.compute` computes every cell at
once with the same numbers (a test compares the two on random data).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from cases.classify import ClassSpec, classify, path_ids

__all__ = [
    "ALL",
    "ALL_CODERS",
    "ANY",
    "BLANK_VALUES",
    "CODER",
    "CONSENSUS",
    "COVERAGE",
    "DOCUMENTS",
    "EXCERPTS",
    "MAJORITY",
    "PRESENCE",
    "Cell",
    "CodingFact",
    "ColumnSpec",
    "DocumentHits",
    "RowSpec",
    "classification_cell",
    "compute_cell",
    "document_counts",
    "format_coverage",
    "group_columns",
    "index_codings",
    "present_codes_by_document",
    "rows_by_code",
    "select_source",
    "union_length",
]

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


class Evidence(Protocol):
    """Where a cell computed with others finds the excerpts and documents behind it."""

    def ids(self, index: int) -> tuple[tuple[int, ...], tuple[int, ...]]: ...


class Cell:
    """A cell's value, what it shows, and the excerpts and documents behind it (ascending).

    A matrix of 18,000 cells is shown far more often than a cell's evidence is opened, so a
    cell computed with the others (`cases.matrix.compute`) reads its ids from `evidence` (at
    `index`) only when they are first asked for. Cells hold no list or tuple of their own
    until they need one: 18,000 cells with a list each were enough extra objects to make
    Python's garbage collector sweep the whole process on every matrix page."""

    __slots__ = (
        "value",
        "display",
        "override",
        "reason",
        "_footnotes",
        "_excerpt_ids",
        "_document_ids",
        "_evidence",
        "_index",
    )

    def __init__(
        self,
        value: float | int | bool | str | None,
        display: str,
        excerpt_ids: tuple[int, ...] = (),
        document_ids: tuple[int, ...] = (),
        override: str | None = None,
        reason: str = "",
        footnotes: list[int] | None = None,
        *,
        evidence: Evidence | None = None,
        index: int = 0,
    ) -> None:
        self.value = value
        self.display = display
        self.override = override
        self.reason = reason
        self._footnotes = footnotes or None
        self._excerpt_ids = excerpt_ids
        self._document_ids = document_ids
        self._evidence = evidence
        self._index = index

    def _read_evidence(self) -> None:
        if self._evidence is not None:
            self._excerpt_ids, self._document_ids = self._evidence.ids(self._index)
            self._evidence = None

    @property
    def excerpt_ids(self) -> tuple[int, ...]:
        self._read_evidence()
        return self._excerpt_ids

    @property
    def document_ids(self) -> tuple[int, ...]:
        self._read_evidence()
        return self._document_ids

    @property
    def footnotes(self) -> Sequence[int]:
        """The numbers of the notes on this cell, in order."""
        return self._footnotes or ()

    def add_footnote(self, number: int) -> None:
        if self._footnotes is None:
            self._footnotes = []
        self._footnotes.append(number)

    @property
    def overridden(self) -> bool:
        return self.override is not None

    @property
    def shown(self) -> str:
        return self.override if self.override is not None else self.display

    def _fields(self) -> tuple:
        return (
            self.value,
            self.display,
            self.excerpt_ids,
            self.document_ids,
            self.override,
            self.reason,
            tuple(self.footnotes),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Cell):
            return NotImplemented
        # 1 == True == 1.0 in Python: the type is part of a cell's value (presence vs count).
        return type(self.value) is type(other.value) and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable (overrides, footnotes)

    def __repr__(self) -> str:
        names = ("value", "display", "excerpt_ids", "document_ids", "override", "reason")
        shown = ", ".join(f"{n}={v!r}" for n, v in zip(names, self._fields(), strict=False))
        return f"Cell({shown}, footnotes={list(self.footnotes)!r})"


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
