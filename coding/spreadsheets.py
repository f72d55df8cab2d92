"""Writing large workbooks quickly with XlsxWriter in constant-memory mode.

`write_row` writes a row of plain strings and integers as one piece of XML, exactly as
XlsxWriter writes those cells itself, and hands every other row to XlsxWriter cell by cell;
`write_rows` does the same for many rows, a batch of them as one piece of XML. Written here
because no library writes rows this cheaply: XlsxWriter's per-cell path (argument checks,
dimensions, a row table, an attribute list and three regular expressions per cell, one file
write per element) was most of the time of exports with tens of thousands of rows.
tests/coding/excerpts/test_export_xlsx.py and tests/coding/test_spreadsheets.py hold the paths
to the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from itertools import islice

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

# Strings stay strings: never turned into formulas (text starting with "="), numbers or links.
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def write_row(sheet: Worksheet, row_number: int, values: list, formats: list | None = None) -> None:
    """One row from column A: strings as text, numbers as numbers (in the column's format,
    where `formats` gives one), None as an empty cell. Rows are written in order."""
    if not formats and _write_plain_rows(sheet, [(row_number, values)]):
        return
    for column, value in enumerate(values):
        if isinstance(value, str):
            sheet.write_string(row_number, column, value)
        elif value is not None:
            form = formats[column] if formats and column < len(formats) else None
            sheet.write_number(row_number, column, value, form)


@cache
def _column_name(column: int) -> str:
    return xl_col_to_name(column)


# What XlsxWriter escapes its own way (as _xHHHH_): control characters other than tab and
# newline, the two non-characters, and text that looks like such an escape.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_ESCAPE_LIKE = re.compile(r"_x[0-9a-fA-F]{4}_")
_EXACT_INT = 2**53  # up to here an integer written as XlsxWriter's "%.16G" is its str()


#: Rows `write_rows` writes as one piece of XML: enough that the work per batch is nothing,
#: few enough that a batch's strings joined for its checks stay small.
BATCH = 500


def write_rows(sheet: Worksheet, rows: Iterable[list], first_row: int = 0) -> None:
    """Rows from `first_row` on, as `write_row` writes them without formats, a batch at a
    time: a batch of plain rows is one piece of XML; a batch with anything XlsxWriter treats
    specially goes row by row."""
    numbered = enumerate(rows, start=first_row)
    while batch := list(islice(numbered, BATCH)):
        if batch[0][0] <= sheet.previous_row:  # the sheet's first row (_write_plain_rows)
            write_row(sheet, *batch.pop(0))
        if batch and not _write_plain_rows(sheet, batch):
            for row_number, values in batch:
                write_row(sheet, row_number, values)


def _write_plain_rows(sheet: Worksheet, batch: list[tuple[int, list]]) -> bool:
    """Write consecutive rows (row number, values) of plain strings and integers straight
    into the worksheet's row file, as the XML XlsxWriter itself writes for them in
    constant-memory mode (no formats, default row height); False, having written nothing,
    when a value needs XlsxWriter's own handling, or the rows do not come after the last one
    written (XlsxWriter's record of it starts at 0: the sheet's first row goes its way).

    The checks run once over the batch's strings joined (see `_plain_together`), and the
    batch is one string."""
    if batch[-1][0] >= sheet.xls_rowmax or batch[0][0] <= sheet.previous_row:
        return False
    strings = [value for _row_number, values in batch for value in values if type(value) is str]
    text = "".join(strings)
    if not _plain_together(text, strings, sheet.xls_strmax // 2):
        return False
    # Most batches have nothing to escape: then no string is looked at again.
    escape = "&" in text or "<" in text or ">" in text
    width = max(len(values) for _row_number, values in batch)
    names = [_column_name(column_number) for column_number in range(width)]
    xml: list[str] = []
    rows_written: list[int] = []
    left, right = width, -1
    for row_number, values in batch:
        reference = str(row_number + 1)
        cells = []
        first = last = None
        for column_number, value in enumerate(values):
            kind = type(value)
            if kind is str:
                # XlsxWriter keeps leading or trailing whitespace (its ^\s and \s$, which scan
                # the whole string; strip() removes what isspace() finds, and gives the string
                # itself back when there is none), and escapes only & < > here.
                preserve = ' xml:space="preserve"' if value.strip() != value else ""
                if escape:
                    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                cells.append(
                    f'<c r="{names[column_number]}{reference}" t="inlineStr">'
                    f"<is><t{preserve}>{value}</t></is></c>"
                )
            elif kind is int:
                number = str(value) if -_EXACT_INT <= value <= _EXACT_INT else f"{value:.16G}"
                cells.append(f'<c r="{names[column_number]}{reference}"><v>{number}</v></c>')
            elif value is None:
                continue
            else:
                return False
            if first is None:
                first = column_number
            last = column_number
        if first is None or last is None:
            continue  # an empty row: XlsxWriter writes nothing for it
        left, right = min(left, first), max(right, last)
        rows_written.append(row_number)
        xml.append(f'<row r="{reference}">{"".join(cells)}</row>')
    if not rows_written:
        return False
    top, bottom = rows_written[0], rows_written[-1]
    # What writing the top row's first cell does in XlsxWriter: the row before goes to the
    # file; then the sheet's dimensions take in the batch, and its bottom row is the latest.
    sheet._write_single_row(top)
    sheet._check_dimensions(top, left)
    sheet._check_dimensions(bottom, right)
    sheet.previous_row = bottom
    sheet.fh.write("".join(xml))
    return True


def _plain_together(text: str, strings: list[str], longest: int) -> bool:
    """Whether XlsxWriter writes each of these strings as it is, escaped: not when it may
    truncate one (longer than `longest`), one has characters it escapes its own way, or it
    takes one for a rich string (<r>…</r>). ``text`` is the strings joined: joining makes
    none of these, except an escape-like text across two strings (then the rows go one by
    one, as they would without the batch). The cheap tests first: a regular expression over
    every character cost more than the rest."""
    if max(map(len, strings), default=0) > longest:
        return False
    if "_x" in text and _ESCAPE_LIKE.search(text):
        return False
    # Printable text (tabs and newlines aside) holds neither control nor non-characters.
    printable = text.isprintable() or text.replace("\n", "").replace("\t", "").isprintable()
    if not printable and _CONTROL.search(text):
        return False
    if "<r>" in text:
        return not any(s.startswith("<r>") and s.endswith("</r>") for s in strings)
    return True
