"""The explore tables as downloads: CSV, and XLSX with numbers in numeric cells.

A grid is a header row and rows of a label (or labels) followed by numbers. Shares (coverage)
are fractions: the CSV writes them as percentages with one decimal, the XLSX keeps the
fraction in a cell formatted as a percentage, so a spreadsheet can compute with it.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse, HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING, WriteOnlyCell

from coding.spreadsheets import openpyxl_text

Value = str | int | float
FORMATS = ["csv", "xlsx"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv_text(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheet programs (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv_value(value: Value, percent: bool) -> Value:
    if isinstance(value, str):
        return _csv_text(value)
    if percent and isinstance(value, float):
        return f"{value * 100:.1f}"
    return value


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[Value]], *, filename: str, percent: bool = False
) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([_csv_text(label) for label in header])
    for row in rows:
        writer.writerow([_csv_value(value, percent) for value in row])
    return response


def xlsx_response(
    header: Sequence[str],
    rows: Iterable[Sequence[Value]],
    *,
    filename: str,
    sheet: str,
    percent: bool = False,
) -> FileResponse:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.append([_text_cell(worksheet, label) for label in header])
    for row in rows:
        cells: list[object] = []
        for value in row:
            if isinstance(value, str):
                cells.append(_text_cell(worksheet, value))
            elif percent and isinstance(value, float):
                cell = WriteOnlyCell(worksheet, value=value)
                cell.number_format = "0.0%"
                cells.append(cell)
            else:
                cells.append(value)
        worksheet.append(cells)
    # No context manager: FileResponse reads the file after the view returns and closes it.
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def _text_cell(worksheet, value: str) -> object:
    value = openpyxl_text(value)
    # Text is never a formula here, even when it starts with "=".
    if not value.startswith("="):
        return value
    cell = WriteOnlyCell(worksheet, value=value)
    cell.data_type = TYPE_STRING
    return cell
