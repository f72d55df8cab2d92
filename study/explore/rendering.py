"""The explore tables' rows as HTML, built in Python (as cases/grid.py builds the matrix's).

300 documents × 60 codes are 18,000 cells: through the template engine each costs several node
renders (seconds for the page); here a row is one string join. Every cell with a value links to
the passages behind it; on the heat map its class gives its shade (static/css/explore.css), and
its number is written in it either way. Zero cells stay empty.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from study.explore.selectors import Line, Table


def table_rows(
    table: Table,
    *,
    cell_href: Callable[[Line, Line], str],
    heat_map: bool,
    row_href: Callable[[Line], str] | None = None,
) -> SafeString:
    """The <tr> rows of the table body: a row heading (a link with `row_href`), then a cell
    per column linking to `cell_href(row, column)`."""
    parts = []
    for row, cells in table.grid():
        label = escape(row[1])
        if row_href is not None:
            label = f'<a href="{escape(row_href(row))}">{label}</a>'
        # translate="no": a code's name or a document's title, the project's own words.
        parts.append(f'<tr><th scope="row" translate="no">{label}</th>')
        for column, value, level, text in cells:
            shade = f" heat-{level}" if heat_map and level else ""
            link = f'<a href="{escape(cell_href(row, column))}">{escape(text)}</a>' if value else ""
            parts.append(f'<td class="text-end{shade}">{link}</td>')
        parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
