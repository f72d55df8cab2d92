"""A run's table and disagreements as CSV / XLSX, and the methods paragraph (methods.py).

The CSV is a machine format: English column names and the stored English reasons, whatever the
reader's language. The workbook is read by a person: its sheet names, headers and reasons follow
the request's language, and its numbers stay numbers, formatted by the spreadsheet program in
the reader's locale (0.812 or 0,812).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.worksheet.worksheet import Worksheet

from coding.labels import export_labels
from coding.models import AgreementCodeResult, AgreementRun
from coding.notices import notice_text
from coding.runs import selectors
from coding.runs.methods import methods_paragraph

__all__ = ["FORMATS", "export_file", "methods_paragraph"]


def table(run: AgreementRun) -> list[list[object]]:
    """Header plus one row per code, then the pooled row: raw numbers, empty when undefined."""
    columns = selectors.columns_for(run)
    header = [
        pgettext("agreement export column", "code"),
        pgettext("agreement export column", "path"),
        pgettext("agreement export column", "units"),
        pgettext("agreement export column", "prevalence"),
        pgettext("agreement export column", "disagreements"),
    ]
    header += [selectors.column_label(run, c) for c in columns]
    header += [
        pgettext("agreement export column", "%(coefficient)s: why undefined")
        % {"coefficient": selectors.column_label(run, c)}
        for c in columns
    ]
    out: list[list[object]] = [header]
    for row in selectors.run_rows(run=run):
        values = [c.value if c.value is not None else "" for c in row.cells]
        reasons = [c.reason for c in row.cells]
        prevalence = "" if row.prevalence is None else row.prevalence
        out.append(
            [row.name, row.path, row.units, prevalence, row.disagreements, *values, *reasons]
        )
    pooled = run.results.get("pooled") or {}
    values = pooled.get("values", {})
    reasons = pooled.get("reasons", {})
    prevalence = pooled.get("prevalence")
    out.append(
        [
            pgettext("agreement export column", "(all codes pooled)"),
            "",
            pooled.get("units", ""),
            "" if prevalence is None else prevalence,
            "",
            *["" if values.get(c) is None else values.get(c) for c in columns],
            *[notice_text(reasons.get(c) or "") for c in columns],
        ]
    )
    return out


def disagreements(run: AgreementRun) -> list[list[object]]:
    names = selectors.coder_names(run)
    coders = run.params["spec"]["coders"]
    header = [
        pgettext("agreement export column", "code"),
        pgettext("agreement export column", "document"),
        pgettext("agreement export column", "page"),
        pgettext("agreement export column", "start"),
        pgettext("agreement export column", "end"),
    ]
    for coder in coders:
        name = {"coder": names.get(coder, coder)}
        header += [
            pgettext("agreement export column", "%(coder)s: value") % name,
            pgettext("agreement export column", "%(coder)s: excerpts") % name,
        ]
    header.append(pgettext("agreement export column", "context"))
    missing = pgettext("agreement export column", "missing")
    out: list[list[object]] = [header]
    results = AgreementCodeResult.objects.filter(run=run).order_by("position")
    texts = selectors.document_texts(run=run)
    labels = export_labels(run.project)
    for result in results.only("code_name", "disagreements"):
        for d in selectors.disagreement_items(
            run=run, result=result, with_context=True, texts=texts, labels=labels
        ):
            row: list[object] = [
                result.code_name,
                d["title"],
                d.get("page") or "",
                d["start"],
                d["end"],
            ]
            by_coder = {c["coder"]: c for c in d["coders"]}
            for coder in coders:
                c = by_coder.get(coder, {})
                value = c.get("value")
                row.append(missing if value is None else value)
                row.append(
                    "; ".join(
                        f"{e['start']}–{e['end']} ({', '.join(e['codes'])})"
                        for e in c.get("excerpts", [])
                    )
                )
            row.append(d.get("context", ""))
            out.append(row)
    return out


FORMATS = ["csv", "xlsx", "methods"]
CSV_PARTS = {"table", "disagreements"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportFile:
    body: str | bytes
    content_type: str
    filename: str = ""  # empty: shown in the browser, not downloaded


def export_file(
    run: AgreementRun, *, fmt: str, what: str = "table", language: str | None = None
) -> ExportFile:
    """A finished run in one of ``FORMATS``; for CSV, ``what`` is one of ``CSV_PARTS``.
    ``language`` is the methods paragraph's (alone or in the workbook), else the active one."""
    stem = f"agreement-{run.code}"
    if fmt == "csv":
        with translation.override("en"):
            rows = table(run) if what == "table" else disagreements(run)
        return ExportFile(as_csv(rows), "text/csv; charset=utf-8", f"{stem}-{what}.csv")
    if fmt == "xlsx":
        return ExportFile(as_xlsx(run, language=language), XLSX, f"{stem}.xlsx")
    return ExportFile(methods_paragraph(run, language=language), "text/plain; charset=utf-8")


def as_csv(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


# How each numeric column reads in a spreadsheet; the program shows the reader's decimal mark.
NUMBER_FORMATS = {"units": "0", "disagreements": "0", "prevalence": "0.000", "percent": "0.0%"}


def _format_numbers(sheet: Worksheet, keys: list[str]) -> None:
    """Give the table's numeric cells their display format (the values stay numbers)."""
    for row in sheet.iter_rows(min_row=2):
        for cell, key in zip(row, keys, strict=False):
            if isinstance(cell.value, int | float):
                cell.number_format = NUMBER_FORMATS.get(key, "0.000")


def _append(sheet: Worksheet, row: list[object]) -> None:
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):  # a code named "=…" is text, never a formula
            cell.data_type = TYPE_STRING


def as_xlsx(run: AgreementRun, *, language: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = pgettext("sheet name", "Agreement")
    for row in table(run):
        _append(sheet, row)
    columns = selectors.columns_for(run)
    _format_numbers(sheet, ["code", "path", "units", "prevalence", "disagreements", *columns])
    second = book.create_sheet(pgettext("sheet name", "Disagreements"))
    for row in disagreements(run):
        _append(second, row)
    third = book.create_sheet(pgettext("sheet name", "Methods"))
    third.append([methods_paragraph(run, language=language)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
