"""Excerpt exports (retrieval results) as CSV and XLSX."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

COLUMNS = ["document", "page", "coder", "codes", "text", "memo", "start", "end"]


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


def csv_bytes(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for row in rows:
        writer.writerow([_csv_safe(row[column]) for column in COLUMNS])
    # A byte-order mark so that spreadsheet programs read æøå as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Excerpts")[:31]
    sheet.append(headers())
    for row in rows:
        sheet.append([row[column] for column in COLUMNS])
        for cell in sheet[sheet.max_row]:
            # Text is never a formula here, even when it starts with "=".
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_response(rows: list[dict], *, filename: str) -> HttpResponse:
    response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(rows: list[dict], *, filename: str) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
