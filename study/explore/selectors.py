"""Reads for the explore pages: the codings a member may see (blind rule via
`visible_excerpts`), counted into co-occurrence and the document × code matrix, and the words
of the documents for word frequencies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, F, QuerySet, TextField, Value, When
from django.db.models.functions import Length
from django.utils.formats import number_format

from coding.agreement.partials import segments_of
from coding.codebook.selectors import visible_codes
from coding.excerpts.selectors import code_paths, visible_excerpts
from coding.labels import Labels, labels_for
from coding.models import Code, Document, Excerpt
from research.models import Membership
from study.explore.counting import (
    HEAT_LEVELS,
    NATURAL_UNITS,
    Row,
    Units,
    cooccurrence,
    cooccurring_excerpts,
    document_code_counts,
    document_code_coverage,
    heat_level,
)
from study.explore.words import WordCount, word_frequencies

CONSENSUS = "consensus"
# Whose codings count: everyone's the member may see (None), one coder's (their user id), or
# the consensus of reconciliation (excerpts owned by the project, coder NULL).
Whose = int | str | None
Line = tuple[int, str, str]  # id, label, public UUID (for links)


@dataclass
class Table:
    """Rows and columns (id, label, UUID) and the values of their cells: counts, or shares
    of a document's characters when `percent`."""

    rows: list[Line]
    columns: list[Line]
    counts: Mapping[tuple[int, int], float]
    percent: bool = False

    def value(self, row: int, column: int) -> float:
        return self.counts.get((row, column), 0.0 if self.percent else 0)

    def text(self, value: float) -> str:
        """A cell as shown: a count, or a share as a percentage; nothing for none."""
        if not value:
            return ""
        return f"{_decimal(value * 100)} %" if self.percent else str(int(value))

    def grid(self) -> list[tuple[Line, list[tuple[Line, float, int, str]]]]:
        """Per row, its (column, value, heat level 0-5, text) cells in column order."""
        top = max(self.counts.values(), default=0)
        return [
            (
                row,
                [
                    (column, value, heat_level(value, top), self.text(value))
                    for column in self.columns
                    for value in [self.value(row[0], column[0])]
                ],
            )
            for row in self.rows
        ]

    def legend(self) -> list[tuple[int, str]]:
        """The heat map's shades and the values each stands for (the largest cell is the
        darkest; see counting.heat_level)."""
        top = max(self.counts.values(), default=0)
        shades = []
        for level in range(1, HEAT_LEVELS + 1):
            low, high = top * (level - 1) / HEAT_LEVELS, top * level / HEAT_LEVELS
            if self.percent:
                shades.append((level, f"{_decimal(low * 100)}–{_decimal(high * 100)} %"))
            elif (first := int(low) + 1) <= (last := int(high)):
                shades.append((level, str(first) if first == last else f"{first}–{last}"))
        return shades if top else []

    def sort(self, column: str, *, descending: bool) -> None:
        """Order the rows by the column with this UUID (ties, and an unknown column: by label)."""
        self.rows.sort(key=lambda row: row[1].casefold(), reverse=descending)
        found = [pk for pk, _label, code in self.columns if code == column]
        if found:
            self.rows.sort(key=lambda row: self.value(row[0], found[0]), reverse=descending)


def _rows(
    membership: Membership, documents: QuerySet[Document] | None, whose: Whose = None
) -> list[Row]:
    """The codings the member may see, as (excerpt, document, start, end, code) tuples.
    Read from the excerpts joined to their codings (not codings "in" a subquery of visible
    excerpts), which PostgreSQL plans as one hash join whatever its statistics say."""
    excerpts = visible_excerpts(membership=membership)
    if documents is not None:
        excerpts = excerpts.filter(document__in=documents.values("pk"))
    if whose == CONSENSUS:
        excerpts = excerpts.filter(coder__isnull=True)
    elif isinstance(whose, int):
        excerpts = excerpts.filter(coder_id=whose)
    found = excerpts.values_list("pk", "document_id", "start", "end", "codings__code_id")
    # Tens of thousands of plain integer tuples: fetched in one go from the cursor, without the
    # queryset's chunked row-by-row iteration (a third of the read at 50,000 codings).
    try:
        sql, params = found.order_by().query.sql_with_params()
    except EmptyResultSet:  # nothing the member may see (a viewer in a blind project)
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # An excerpt with no code joins as one row with no code: it counts nowhere.
        return [row for row in cursor.fetchall() if row[4] is not None]


def _codes(membership: Membership, used: set[int]) -> list[tuple[int, str, str]]:
    """The used codes the member may see, by full name (a hidden code's counts stay out)."""
    codes = list(visible_codes(membership=membership).values("id", "name", "parent_id", "code"))
    paths = code_paths(codes)
    uuids = {code["id"]: str(code["code"]) for code in codes}
    shown = [(pk, paths[pk], uuids[pk]) for pk in used if pk in paths]
    return sorted(shown, key=lambda code: code[1].casefold())


def _units(by: str, rows: list[Row]) -> Units | None:
    """The natural units of the documents the codings are in (1 query), or None."""
    if by not in NATURAL_UNITS:
        return None
    documents = Document.objects.filter(pk__in={row[1] for row in rows})
    if by == "paragraph":
        # The text only where no paragraphs are stored (they are then split from it).
        split = When(paragraphs=[], then=F("text"))
        documents = documents.annotate(
            text_=Case(split, default=Value(""), output_field=TextField())
        )
        fields: tuple[str, ...] = ("id", "paragraphs", "text_")
    else:
        fields = ("id", "turns") if by == "turn" else ("id", "text")
    units: dict[int, list[tuple[int, int]]] = {}
    for doc in documents.values_list(*fields, named=True):
        found = doc._asdict()
        found["text"] = found.pop("text_", None) or found.get("text", "")
        units[found["id"]] = segments_of(found, by)
    return units


def code_cooccurrence(
    *,
    membership: Membership,
    by: str,
    documents: QuerySet[Document] | None = None,
    whose: Whose = None,
) -> Table:
    """Code × code: how often two codes occur together (see counting.cooccurrence)."""
    rows = _rows(membership, documents, whose)
    counts = cooccurrence(rows, by=by, units=_units(by, rows))
    used = {code for pair in counts for code in pair}
    codes = _codes(membership, used)
    symmetric = counts | {(b, a): n for (a, b), n in counts.items()}
    return Table(rows=codes, columns=codes, counts=symmetric)


def document_code_matrix(
    *,
    membership: Membership,
    documents: QuerySet[Document] | None = None,
    whose: Whose = None,
    coverage: bool = False,
    labels: Labels | None = None,
) -> Table:
    """Document × code: the number of codings of each code in each document, or with
    `coverage` the share of the document's characters the code's excerpts cover. `labels`
    name the documents (the member's by default; a download passes the export's)."""
    labels = labels or labels_for(membership)
    found = _rows(membership, documents, whose)
    used = Document.objects.filter(pk__in={row[1] for row in found}).order_by("title", "pk")
    fields = ("pk", "title", "kind", "page_count", "code", "length")
    titles = list(used.annotate(length=Length("text")).values_list(*fields))
    rows = [
        (pk, labels.document_of(pk=pk, title=title, kind=kind, page_count=pages), str(code))
        for pk, title, kind, pages, code, _length in titles
    ]
    if coverage:
        lengths = {row[0]: row[-1] for row in titles}
        counts: dict[tuple[int, int], float] = dict(document_code_coverage(found, lengths))
    else:
        counts = dict(document_code_counts(found))
    codes = _codes(membership, {code for _doc, code in counts})
    return Table(rows=rows, columns=codes, counts=counts, percent=coverage)


def cooccurrence_excerpts(
    *,
    membership: Membership,
    a: Code,
    b: Code,
    by: str,
    documents: QuerySet[Document] | None = None,
    whose: Whose = None,
) -> list[Excerpt]:
    """The excerpts counted in the co-occurrence cell of codes `a` and `b`, in text order."""
    rows = [row for row in _rows(membership, documents, whose) if row[4] in (a.pk, b.pk)]
    units = _units(by, rows)
    found = cooccurring_excerpts(rows, a=a.pk, b=b.pk, by=by, units=units)
    return _excerpts(found)


def matrix_cell_excerpts(
    *, membership: Membership, code: Code, document: Document, whose: Whose = None
) -> list[Excerpt]:
    """The excerpts counted in one cell of the document × code matrix, in text order."""
    rows = _rows(membership, Document.objects.filter(pk=document.pk), whose)
    return _excerpts({row[0] for row in rows if row[4] == code.pk})


def _excerpts(found: set[int]) -> list[Excerpt]:
    excerpts = Excerpt.objects.filter(pk__in=found).select_related("document", "coder")
    excerpts = excerpts.defer("document__text")
    return list(excerpts.prefetch_related("codes").order_by("document__title", "start", "pk"))


def document_words(
    *,
    membership: Membership,
    documents: QuerySet[Document] | None = None,
    skip_stop_words: bool = True,
    stem: bool = False,
) -> tuple[int, list[WordCount]]:
    """The number of documents read and their word counts: the project's ready documents
    (within `documents`, the page's filters). Document text is no coding: blind mode hides
    nothing here. The texts are read in chunks, so they are never all in memory at once."""
    scope = Document.objects.for_project(membership.project_id).ready()
    if documents is not None:
        scope = scope.filter(pk__in=documents.values("pk"))
    texts = scope.order_by("pk").values_list("pk", "language", "text").iterator(chunk_size=50)
    read = []

    def counted():
        for pk, language, text in texts:
            read.append(pk)
            yield pk, language, text

    words = word_frequencies(counted(), skip_stop_words=skip_stop_words, stem=stem)
    return len(read), words


def _decimal(value: float) -> str:
    """One decimal in the reader's number format (12,5 in Norwegian)."""
    return number_format(round(value, 1), decimal_pos=1)  # number_format cuts, not rounds
