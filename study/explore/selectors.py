"""Reads for the explore pages: the codings a member may see (blind rule via
`visible_excerpts`), counted into co-occurrence and the document × code matrix."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from coding.codebook.selectors import visible_codes
from coding.excerpts.selectors import code_paths, visible_excerpts
from coding.models import Code, Coding, Document, Excerpt
from research.models import Membership
from study.explore.counting import Row, cooccurrence, cooccurring_excerpts, document_code_counts


@dataclass
class Table:
    """Rows and columns (id, label) and the counts of their cells."""

    rows: list[tuple[int, str, str]]  # id, label, public UUID (for links)
    columns: list[tuple[int, str, str]]
    counts: dict[tuple[int, int], int]

    def grid(self) -> list[tuple[tuple[int, str, str], list[tuple[tuple[int, str, str], int]]]]:
        """Per row, its (column, count) cells in column order."""
        return [
            (row, [(column, self.counts.get((row[0], column[0]), 0)) for column in self.columns])
            for row in self.rows
        ]


def _rows(membership: Membership, documents: QuerySet[Document] | None) -> list[Row]:
    codings = Coding.objects.filter(excerpt__in=visible_excerpts(membership=membership))
    if documents is not None:
        codings = codings.filter(excerpt__document__in=documents.values("pk"))
    return list(
        codings.values_list(
            "excerpt_id", "excerpt__document_id", "excerpt__start", "excerpt__end", "code_id"
        )
    )


def _codes(membership: Membership, used: set[int]) -> list[tuple[int, str, str]]:
    """The used codes the member may see, by full name (a hidden code's counts stay out)."""
    codes = list(visible_codes(membership=membership).values("id", "name", "parent_id", "code"))
    paths = code_paths(codes)
    uuids = {code["id"]: str(code["code"]) for code in codes}
    shown = [(pk, paths[pk], uuids[pk]) for pk in used if pk in paths]
    return sorted(shown, key=lambda code: code[1].casefold())


def code_cooccurrence(
    *, membership: Membership, by: str, documents: QuerySet[Document] | None = None
) -> Table:
    """Code × code: how often two codes occur together (see counting.cooccurrence)."""
    counts = cooccurrence(_rows(membership, documents), by=by)
    used = {code for pair in counts for code in pair}
    codes = _codes(membership, used)
    symmetric = counts | {(b, a): n for (a, b), n in counts.items()}
    return Table(rows=codes, columns=codes, counts=symmetric)


def document_code_matrix(
    *, membership: Membership, documents: QuerySet[Document] | None = None
) -> Table:
    """Document × code: the number of codings of each code in each document."""
    counts = document_code_counts(_rows(membership, documents))
    codes = _codes(membership, {code for _doc, code in counts})
    documents_used = {doc for doc, _code in counts}
    titles = Document.objects.filter(pk__in=documents_used).order_by("title", "pk")
    rows = [(pk, title, str(code)) for pk, title, code in titles.values_list("pk", "title", "code")]
    return Table(rows=rows, columns=codes, counts=counts)


def cooccurrence_excerpts(
    *,
    membership: Membership,
    a: Code,
    b: Code,
    by: str,
    documents: QuerySet[Document] | None = None,
) -> list[Excerpt]:
    """The excerpts counted in the co-occurrence cell of codes `a` and `b`, in text order."""
    found = cooccurring_excerpts(_rows(membership, documents), a=a.pk, b=b.pk, by=by)
    excerpts = Excerpt.objects.filter(pk__in=found).select_related("document")
    return list(excerpts.prefetch_related("codes").order_by("document__title", "start", "pk"))
