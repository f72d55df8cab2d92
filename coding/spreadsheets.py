"""Writing large workbooks quickly with XlsxWriter in constant-memory mode.

`write_row` writes a row of plain strings and integers as one piece of XML, exactly as
XlsxWriter writes those cells itself, and hands every other row to XlsxWriter cell by cell.
Written here because no library writes rows this cheaply: XlsxWriter's per-cell path (argument
checks, dimensions, a row table, an attribute list and three regular expressions per cell, one
file write per element) was most of the time of exports with tens of thousands of rows.
tests/coding/excerpts/test_export_xlsx.py holds the two paths to the same bytes.
"""

from __future__ import annotations

import re
from functools import cache

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
    if not formats and _write_plain_row(sheet, row_number, values):
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


def _plain(value: str, longest: int) -> bool:
    """Whether XlsxWriter writes this string as it is, escaped: not when it may truncate it, has
    characters it escapes its own way, or takes it for a rich string (<r>…</r>). The cheap
    tests first: a regular expression over every character cost more than the rest."""
    if len(value) > longest or ("_x" in value and _ESCAPE_LIKE.search(value)):
        return False
    # Printable text (tabs and newlines aside) holds neither control nor non-characters.
    printable = value.isprintable() or value.replace("\n", "").replace("\t", "").isprintable()
    if not printable and _CONTROL.search(value):
        return False
    return not (value.startswith("<r>") and value.endswith("</r>"))


def _write_plain_row(sheet: Worksheet, row_number: int, values: list) -> bool:
    """Write one row of plain strings and integers straight into the worksheet's row file, as
    the XML XlsxWriter itself writes for them in constant-memory mode (no formats, default
    row height); False, having written nothing, when a value needs XlsxWriter's own handling.

    Here a row is one string (see the module's docstring)."""
    cells = []
    first = last = None
    longest = sheet.xls_strmax // 2  # a longer string may need XlsxWriter's truncation
    reference = str(row_number + 1)
    for column_number, value in enumerate(values):
        if value is None:
            continue
        name = _column_name(column_number) + reference
        if type(value) is int:
            number = str(value) if -_EXACT_INT <= value <= _EXACT_INT else f"{value:.16G}"
            cells.append(f'<c r="{name}"><v>{number}</v></c>')
        elif type(value) is str and _plain(value, longest):
            # XlsxWriter keeps leading or trailing whitespace (its ^\s and \s$ expressions,
            # which scan the whole string; isspace() is the same test on one character), and
            # escapes only & < > here.
            edge = value[:1].isspace() or value[-1:].isspace()
            preserve = ' xml:space="preserve"' if edge else ""
            text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            cells.append(f'<c r="{name}" t="inlineStr"><is><t{preserve}>{text}</t></is></c>')
        else:
            return False
        if first is None:
            first = column_number
        last = column_number
    if first is None or row_number >= sheet.xls_rowmax or row_number <= sheet.previous_row:
        return False
    # What writing the row's first cell does in XlsxWriter: the row before goes to the file.
    sheet._write_single_row(row_number)
    sheet._check_dimensions(row_number, first)
    sheet._check_dimensions(row_number, last)
    sheet.fh.write(f'<row r="{reference}">{"".join(cells)}</row>')
    return True
