"""The matrix's cells as HTML, built in Python.

A 60 × 300 matrix has 18,000 cells. Through the template engine each cell cost several node
renders and variable lookups (seconds for the page); here a row of cells is one string join with
the few distinct values escaped once. The row headers, sections and forms stay in the template
(cases/_matrix_table.html), which renders one row's cells with `{{ cells_html }}`.

Every cell links to its evidence page with a relative URL (`rows/<row>/cells/<column>/`,
resolved against the matrix page), which is a third the size of the absolute path; with
hx-boost the link loads the evidence into the panel, and without JavaScript it is a plain page.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cases.matrix import Cell


@dataclass
class GridRow:
    row: object  # the MatrixRow
    cells_html: SafeString
    mapped: bool  # False: a label-only row (no code or classification yet), cells left blank


class _Escaped(dict):
    """Escaped text of each distinct value (a matrix holds few: X, blank, small numbers)."""

    def __missing__(self, text: str) -> str:
        # A plain str (the standard library's escape, as Django's does it): each of 18,000
        # f-strings would call a SafeString's __str__ again.
        self[text] = value = html.escape(text)
        return value


def cells_html(cells: list[Cell], base: str, column_keys: list[str], query: str = "") -> SafeString:
    """One row's <td> cells; base is the row's relative evidence URL (ending in "cells/");
    query ("?document_set=…") keeps the page's filter on the evidence pages."""
    escaped = _Escaped()
    blank = escape(_("blank"))
    overridden = escape(_("(overridden)"))  # outside the f-string, where makemessages finds it
    parts = []
    for cell, key in zip(cells, column_keys, strict=True):
        shown = cell.override if cell.override is not None else cell.display
        if shown:
            # translate="no": the legend's symbols and the classes' names are the project's.
            link = f'<a href="{base}{key}/{query}" translate="no">{escaped[shown]}</a>'
        else:
            link = f'<a href="{base}{key}/{query}" aria-label="{blank}"></a>'
        footnotes = cell.footnotes
        notes = (
            "".join(f'<sup><a href="#note-{n}">{n}</a></sup>' for n in footnotes)
            if footnotes
            else ""
        )
        if cell.override is None:
            parts.append(f"<td>{link}{notes}</td>")
            continue
        title = _("Set by a lead (computed: %(computed)s). %(reason)s") % {
            "computed": cell.display or _("blank"),
            "reason": cell.reason,
        }
        parts.append(
            # translate="no": the title quotes the lead's reason, in the project's own words.
            f'<td class="matrix-overridden" title="{escape(title)}" translate="no">{link}'
            f'<span class="visually-hidden"> {overridden}</span>{notes}</td>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def matrix_grid(view, *, href_prefix: str) -> list[tuple[object, list[GridRow]]]:
    """Sections with their rows' cell HTML. href_prefix leads from the page's URL to the
    matrix's "rows/" URL: "rows/" on the matrix page, "../rows/" on its edit page."""
    column_keys = [column.key for column in view.columns]
    document_set = getattr(view, "document_set", None)
    query = f"?document_set={document_set.code}" if document_set is not None else ""
    grid = []
    for section, rows in view.sections:
        grid_rows = [
            GridRow(
                row,
                cells_html(cells, f"{href_prefix}{row.code}/cells/", column_keys, query),
                bool(row.codebook_code_id or row.rule_id),
            )
            for row, cells in rows
        ]
        grid.append((section, grid_rows))
    return grid
