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
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice

from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from coding import spreadsheets

COLUMNS = ["document", "page", "coder", "codes", "text", "memo", "start", "end"]
CSV_ROWS_PER_CHUNK = 500


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
    workbook = spreadsheets.workbook(output)
    # "comments" is the document's description (dc:description) that spreadsheet programs show.
    properties = {"title": _("Retrieved excerpts")}
    if about:
        properties["comments"] = about
    workbook.set_properties(properties)
    sheet = workbook.add_worksheet(pgettext("sheet name", "Excerpts")[:31])
    sheet.write_row(0, 0, headers())
    for row_number, row in enumerate(rows, start=1):
        spreadsheets.write_row(sheet, row_number, [row[column] for column in COLUMNS])
    workbook.close()
    output.seek(0)
    return output


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
