"""Writing large workbooks quickly with XlsxWriter in constant-memory mode, and text that
every workbook takes (pure: no Django imports).

`write_row` writes a row of plain strings and numbers as one piece of XML, exactly as
XlsxWriter writes those cells itself, and hands every other row to XlsxWriter cell by cell.
`with_rows` fills one sheet of a workbook XlsxWriter has written with many rows, a batch of
them as one piece of XML, and compresses that sheet at a lower level than XlsxWriter's.
Written here because no library writes rows this cheaply: XlsxWriter's per-cell path (argument
checks, dimensions, a row table, an attribute list and three regular expressions per cell, one
file write per element) was most of the time of exports with tens of thousands of rows, and
its compression a third of the rest. tests/coding/excerpts/test_export_xlsx.py and
tests/coding/test_spreadsheets.py hold both to XlsxWriter's own bytes.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import tempfile
from collections.abc import Iterable
from functools import cache
from itertools import islice
from typing import IO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter import Workbook
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

# Strings stay strings: never turned into formulas (text starting with "="), numbers or links.
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


class TextSheet(Worksheet):
    """XlsxWriter's worksheet, whose text is written as text. In constant-memory mode
    XlsxWriter writes a string that starts with "<r>" and ends with "</r>" as the XML of a rich
    string, unescaped, so that an excerpt or a code name like that gave a file no spreadsheet
    program opens. These workbooks write no rich strings."""

    def _xml_rich_inline_string(self, string, attributes=()) -> None:
        # What XlsxWriter writes for any other string (its ^\s|\s$ test for whitespace).
        self._xml_inline_string(string, string.strip() != string, list(attributes))

    def write_rich_string(self, *args, **kwargs):
        raise TypeError("a TextSheet writes no rich strings")


def openpyxl_text(value: str) -> str:
    """Text openpyxl writes: the control characters it refuses (a case name pasted from a PDF
    made the export fail) written as the escapes spreadsheet programs read back as the
    character (_xHHHH_), as XlsxWriter writes them. Text that reads as such an escape has its
    underscore escaped (_x005F_), so that it is read back as written, as XlsxWriter does."""
    value = _ESCAPE_LIKE.sub(lambda match: f"_x005F{match[0]}", value)
    return ILLEGAL_CHARACTERS_RE.sub(lambda match: f"_x{ord(match[0]):04X}_", value)


def workbook(output: IO[bytes]) -> Workbook:
    """A constant-memory workbook writing to `output` whose sheets are `TextSheet`s."""
    book = Workbook(output, WORKBOOK_OPTIONS)
    book.worksheet_class = TextSheet
    return book


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
_CONTROL_CHARACTERS = [*map(chr, [*range(0x09), *range(0x0B, 0x20)]), "\ufffe", "\uffff"]
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")  # the same characters
_ESCAPE_LIKE = re.compile(r"_x[0-9a-fA-F]{4}_")
_EXACT_INT = 2**53  # up to here an integer written as XlsxWriter's "%.16G" is its str()


#: Rows written as one piece of XML: enough that the work per batch is nothing, few enough
#: that a batch's strings joined for its checks stay small.
BATCH = 500


def _write_plain_rows(sheet: Worksheet, batch: list[tuple[int, list]]) -> bool:
    """Write consecutive rows (row number, values) of plain strings and numbers straight
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
    built = _rows_xml(batch, escape="&" in text or "<" in text or ">" in text)
    if built is None:
        return False
    xml, (top, left), (bottom, right) = built
    # What writing the top row's first cell does in XlsxWriter: the row before goes to the
    # file; then the sheet's dimensions take in the batch, and its bottom row is the latest.
    sheet._write_single_row(top)
    sheet._check_dimensions(top, left)
    sheet._check_dimensions(bottom, right)
    sheet.previous_row = bottom
    sheet.fh.write(xml)
    return True


def _rows_xml(
    batch: list[tuple[int, list]], *, escape: bool
) -> tuple[str, tuple[int, int], tuple[int, int]] | None:
    """The <row> elements of rows (row number, values) whose strings XlsxWriter writes as they
    are (but for & < >, escaped when `escape`), with the top row's first and the bottom row's
    last column written; None when a value is no string, finite number or None, or no row
    has a cell (XlsxWriter writes nothing for an empty row)."""
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
            elif (kind is float and math.isfinite(value)) or kind is bool:
                # As XlsxWriter's write_number: "%.16G" (True is 1).
                cells.append(f'<c r="{names[column_number]}{reference}"><v>{value:.16G}</v></c>')
            elif value is None:
                continue
            else:
                return None
            if first is None:
                first = column_number
            last = column_number
        if first is None or last is None:
            continue  # an empty row: XlsxWriter writes nothing for it
        left, right = min(left, first), max(right, last)
        rows_written.append(row_number)
        xml.append(f'<row r="{reference}">{"".join(cells)}</row>')
    if not rows_written:
        return None
    return "".join(xml), (rows_written[0], left), (rows_written[-1], right)


def _plain_together(text: str, strings: list[str], longest: int) -> bool:
    """Whether XlsxWriter writes each of these strings as it is, escaped: not when it may
    truncate one (longer than `longest`) or one has characters it escapes its own way.
    ``text`` is the strings joined: joining makes neither, except an escape-like text across
    two strings (then the rows go one by one, as they would without the batch). The cheap
    tests first: a regular expression over every character cost more than the rest, and so
    did taking tabs and newlines out of the text to test the rest for printable characters
    (text with newlines is common). (A `TextSheet` writes text like "<r>…</r>" as text.)"""
    if max(map(len, strings), default=0) > longest:
        return False
    if "_x" in text and _ESCAPE_LIKE.search(text):
        return False
    # Printable text holds neither control nor non-characters; else a search for each of them
    # (a search for one character is a fast scan).
    return text.isprintable() or not any(c in text for c in _CONTROL_CHARACTERS)


# Excel's limits, as XlsxWriter keeps them: rows in a sheet, UTF-16 units in a cell's text.
_ROWS = 1_048_576
_TEXT = 32_767

#: zlib's level for a sheet filled by `with_rows`. XlsxWriter compresses at zlib's default (6)
#: and has no option for it; level 1 took a third of the CPU (0.11 instead of 0.35 s for the
#: 19 MB of XML of an agreement run's disagreements at full size) for a file a quarter larger
#: (4.2 instead of 3.3 MB).
SHEET_LEVEL = 1

# What XlsxWriter (3.3) writes for a worksheet without cells.
_EMPTY_DIMENSION = '<dimension ref="A1"/>'
_EMPTY_DATA = "<sheetData/>"


def with_rows(book: IO[bytes], *, sheet: int, rows: Iterable[list]) -> bytes:
    """The workbook XlsxWriter wrote to `book` (closed, its worksheet number `sheet`, from 1,
    left empty) with `rows` in that sheet from its first row: strings as text, numbers as
    numbers, None as an empty cell, each as a `TextSheet` writes it cell by cell. Rows past
    Excel's last are left out, as XlsxWriter leaves them.

    For a sheet of tens of thousands of rows: the rows' XML goes once through a temporary
    file (XlsxWriter copies it twice), and into the zip file at `SHEET_LEVEL`; the other
    parts are copied as XlsxWriter wrote them."""
    name = f"xl/worksheets/sheet{sheet}.xml"
    # A file from the start: a spooled one copied what it held in memory when it rolled over.
    with tempfile.TemporaryFile() as data:
        dimension = _write_sheet_data(rows, data)
        data.seek(0)
        out = io.BytesIO()
        with (
            ZipFile(book) as source,
            ZipFile(out, "w", ZIP_DEFLATED, compresslevel=SHEET_LEVEL) as target,
        ):
            for info in source.infolist():
                content = source.read(info)
                if info.filename != name or dimension is None:
                    # XlsxWriter's date and permissions; zlib's default level, as XlsxWriter's.
                    copy = ZipInfo(info.filename, info.date_time)
                    copy.compress_type, copy.external_attr = ZIP_DEFLATED, info.external_attr
                    target.writestr(copy, content)
                    continue
                before, after = _around_sheet_data(content.decode(), name)
                # Opened by name: the archive's level, and the date XlsxWriter gives parts it
                # writes from memory (1 January 1980).
                with target.open(name, "w") as part:
                    part.write(before.replace(_EMPTY_DIMENSION, dimension).encode())
                    shutil.copyfileobj(data, part)
                    part.write(after.encode())
                # Kept in the central directory only, written when the archive closes.
                target.getinfo(name).external_attr = info.external_attr
        return out.getvalue()


def _around_sheet_data(xml: str, name: str) -> tuple[str, str]:
    """The empty sheet's XML before and after its rows, with <sheetData> opened and closed."""
    if xml.count(_EMPTY_DIMENSION) != 1 or xml.count(_EMPTY_DATA) != 1:
        raise ValueError(f"{name} is not a worksheet as XlsxWriter writes one without cells")
    before, after = xml.split(_EMPTY_DATA)
    return f"{before}<sheetData>", f"</sheetData>{after}"


def _write_sheet_data(rows: Iterable[list], out: IO[bytes]) -> str | None:
    """Rows from the sheet's first, as `with_rows` says, a batch at a time, to `out` as the
    XML of <row> elements (UTF-8); the sheet's dimension element, None when no row had a cell.
    A batch is written as `_write_plain_rows` writes one, after XlsxWriter's treatment of its
    strings when one needs it (see `_plain_together`)."""
    top = left = bottom = right = None
    numbered = enumerate(rows)
    while batch := list(islice(numbered, BATCH)):
        if batch[-1][0] >= _ROWS:
            batch = [(row_number, values) for row_number, values in batch if row_number < _ROWS]
            if not batch:
                break
        strings = [value for _row_number, values in batch for value in values if type(value) is str]
        text = "".join(strings)
        if not _plain_together(text, strings, _TEXT // 2):
            batch = [
                (row_number, [_text(v) if type(v) is str else v for v in values])
                for row_number, values in batch
            ]
            text = "".join(v for _row_number, values in batch for v in values if type(v) is str)
        built = _rows_xml(batch, escape="&" in text or "<" in text or ">" in text)
        if built is None:
            if any(v is not None for _row_number, values in batch for v in values):
                raise TypeError("a spreadsheet cell takes text, a finite number or None")
            continue
        xml, (first_row, first_column), (last_row, last_column) = built
        out.write(xml.encode())
        if top is None:
            top, left = first_row, first_column
        left, right = min(left, first_column), max(right or 0, last_column)
        bottom = last_row
    if top is None or left is None or bottom is None or right is None:
        return None
    if (top, left) == (bottom, right):
        return f'<dimension ref="{xl_rowcol_to_cell(top, left)}"/>'
    corners = f"{xl_rowcol_to_cell(top, left)}:{xl_rowcol_to_cell(bottom, right)}"
    return f'<dimension ref="{corners}"/>'


def _text(value: str) -> str:
    """A string as XlsxWriter writes it in constant-memory mode, but for & < > (escaped with
    the rest): cut to Excel's length, and its control characters, non-characters and text
    that looks like their escapes written as escapes (_xHHHH_)."""
    if len(value) > _TEXT // 2 and len(value.encode("utf-16-le", "surrogatepass")) > _TEXT * 2:
        units = 0
        for index, character in enumerate(value):
            units += 2 if ord(character) > 0xFFFF else 1
            if units > _TEXT:
                value = value[:index]
                break
    value = _ESCAPE_LIKE.sub(r"_x005F\g<0>", value)
    value = _CONTROL.sub(lambda match: f"_x{ord(match[0]):04X}_", value)
    return value
