"""Excerpt exports (retrieval results) as CSV and XLSX, written as the rows are read.

The CSV is a machine format (English header whatever the reader's language); the workbook is
read by a person (header and sheet name in the request's language, numbers as numbers).

The CSV streams to the client row by row; the XLSX goes through XlsxWriter's constant-memory
mode into a temporary file (each row is flushed to disk as it is written), so neither holds
all rows in memory at once, whatever the number of excerpts. XlsxWriter rather than openpyxl
here because its typed writes cost about half of openpyxl's write-only rows per cell (the
export writes 8 cells per excerpt; openpyxl's `write_row` was most of the export's time).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice

from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from xlsxwriter import Workbook
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

COLUMNS = ["document", "page", "coder", "codes", "text", "memo", "start", "end"]
COLUMN_NAMES = [xl_col_to_name(n) for n in range(len(COLUMNS))]
CSV_ROWS_PER_CHUNK = 500
# Strings stay strings: never turned into formulas (text starting with "="), numbers or links.
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}  # rows joined into one chunk: fewer, larger writes to the socket


def headers() -> list[str]:
    return [
        _("Document"),
        _("Page"),
        _("Coder"),
        _("Codes"),
        _("Text"),
        _("Memo"),
        _("Start"),
        _("End"),
    ]


def _csv_safe(value: object) -> object:
    # A cell starting with = + - @ is run as a formula by spreadsheet programs (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def csv_chunks(rows: Iterable[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # A byte-order mark so that spreadsheet programs read æøå as UTF-8.
    buffer.write("\ufeff")
    # A machine format: the same English header whatever the reader's language.
    with translation.override("en"):
        writer.writerow(headers())
    rows = iter(rows)
    while True:
        for row in islice(rows, CSV_ROWS_PER_CHUNK):
            writer.writerow([_csv_safe(row[column]) for column in COLUMNS])
        chunk = buffer.getvalue()
        if not chunk:
            return
        yield chunk
        buffer.seek(0)
        buffer.truncate()


def xlsx_file(rows: Iterable[dict], *, about: str = "") -> tempfile.SpooledTemporaryFile:
    """The workbook in a temporary file (in memory while small), rewound for reading. `about`
    (what the rows were filtered by, e.g. the document set) goes in the workbook's properties."""
    # No context manager: FileResponse reads the file after the view returns and closes it.
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook = Workbook(output, WORKBOOK_OPTIONS)
    # "comments" is the document's description (dc:description) that spreadsheet programs show.
    properties = {"title": _("Retrieved excerpts")}
    if about:
        properties["comments"] = about
    workbook.set_properties(properties)
    sheet = workbook.add_worksheet(pgettext("sheet name", "Excerpts")[:31])
    sheet.write_row(0, 0, headers())
    write_string, write_number = sheet.write_string, sheet.write_number
    for row_number, row in enumerate(rows, start=1):
        values = [row[column] for column in COLUMNS]
        if _write_plain_row(sheet, row_number, values):
            continue
        for column_number, value in enumerate(values):
            if isinstance(value, str):
                write_string(row_number, column_number, value)
            elif value is not None:
                write_number(row_number, column_number, value)
    workbook.close()
    output.seek(0)
    return output


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

    XlsxWriter's per-cell path (argument checks, dimensions, a row table, an attribute list
    and three regular expressions per cell, one file write per element) was most of the
    export's time; here a row is one string. tests/coding/excerpts/test_export_xlsx.py holds
    the two paths to the same bytes."""
    cells = []
    first = last = None
    longest = sheet.xls_strmax // 2  # a longer string may need XlsxWriter's truncation
    reference = str(row_number + 1)
    for column_number, value in enumerate(values):
        if value is None:
            continue
        name = COLUMN_NAMES[column_number] + reference
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


def csv_response(rows: Iterable[dict], *, filename: str, about: str = "") -> StreamingHttpResponse:
    # A CSV has no place for metadata beyond its columns: the file name carries the set.
    response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(rows: Iterable[dict], *, filename: str, about: str = "") -> FileResponse:
    return FileResponse(
        xlsx_file(rows, about=about),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
