"""A run's table and disagreements as CSV / XLSX, and the methods paragraph (methods.py).

The CSV is a machine format: English column names and the stored English reasons, whatever the
reader's language. The workbook is read by a person: its sheet names, headers and reasons follow
the request's language, and its numbers stay numbers, formatted by the spreadsheet program in
the reader's locale (0.812 or 0,812).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import pgettext

from coding import spreadsheets
from coding.labels import export_labels
from coding.models import AgreementCodeResult, AgreementRun
from coding.notices import notice_text
from coding.runs import selectors
from coding.runs.methods import methods_paragraph
from research.collector import collector_paused

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


def disagreements(run: AgreementRun) -> Iterator[list[object]]:
    """Header plus one row per disagreement, code by code: given one at a time, so each is
    written and freed before the next is made (a run at full size has tens of thousands)."""
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
    yield header
    results = AgreementCodeResult.objects.filter(run=run).order_by("position")
    texts = selectors.document_texts(run=run)
    labels = export_labels(run.project)
    # Each excerpt written once for all codes, as its cell shows it: "start–end (codes)".
    written = selectors.SpelledExcerpts(run, _written)
    for result in results.only("code_name", "disagreements"):
        code_name = result.code_name
        for span in selectors.disagreement_spans(
            run=run, result=result, texts=texts, labels=labels, spelled=written
        ):
            _uuid, title, start, end, page, context, values, excerpts = span
            row: list[object] = [code_name, title, page or "", start, end]
            for value, named in zip(values, excerpts, strict=True):
                row.append(missing if value is None else value)
                row.append("; ".join(named))
            row.append(context)
            yield row


def _written(_uuid: str, start: int, end: int, codes: list[str]) -> str:
    return f"{start}–{end} ({', '.join(codes)})"


FORMATS = ["csv", "xlsx", "methods"]
CSV_PARTS = {"table", "disagreements"}


def lists_disagreements(fmt: str, what: str) -> bool:
    """Whether this export lists the disagreements (only then is the run's table of the
    excerpts they name worth reading)."""
    return fmt == "xlsx" or (fmt == "csv" and what == "disagreements")


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
    # The disagreements' tens of thousands of decoded items and rows would set off the
    # collector's passes (research/collector.py); all of them are freed before the pause ends.
    with collector_paused():
        if fmt == "csv":
            with translation.override("en"):
                body = as_csv(table(run) if what == "table" else disagreements(run))
            return ExportFile(body, "text/csv; charset=utf-8", f"{stem}-{what}.csv")
        if fmt == "xlsx":
            return ExportFile(as_xlsx(run, language=language), XLSX, f"{stem}.xlsx")
    return ExportFile(methods_paragraph(run, language=language), "text/plain; charset=utf-8")


def as_csv(rows: Iterable[list[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


# How each numeric column reads in a spreadsheet; the program shows the reader's decimal mark.
NUMBER_FORMATS = {"units": "0", "disagreements": "0", "prevalence": "0.000", "percent": "0.0%"}


def as_xlsx(run: AgreementRun, *, language: str | None = None) -> bytes:
    """The workbook: the table (numbers with their display format), the disagreements and the
    methods paragraph. Written with XlsxWriter row by row: openpyxl's append-then-reread of
    each row scanned the whole sheet, so a run with thousands of disagreements took minutes.
    The disagreements (tens of thousands of rows at full size) go in after XlsxWriter has
    written the rest, a batch of rows at a time (`spreadsheets.with_rows`)."""
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as buffer:
        book = spreadsheets.workbook(buffer)
        keys = ["code", "path", "units", "prevalence", "disagreements", *selectors.columns_for(run)]
        formats = {key: book.add_format({"num_format": f}) for key, f in NUMBER_FORMATS.items()}
        coefficient = book.add_format({"num_format": "0.000"})
        table_formats = [formats.get(key, coefficient) for key in keys]
        _write(book.add_worksheet(pgettext("sheet name", "Agreement")), table(run), table_formats)
        book.add_worksheet(pgettext("sheet name", "Disagreements"))  # filled below
        methods = book.add_worksheet(pgettext("sheet name", "Methods"))
        methods.write_string(0, 0, methods_paragraph(run, language=language))
        book.close()
        return spreadsheets.with_rows(buffer, sheet=2, rows=disagreements(run))


def _write(sheet, rows: list[list[object]], formats: list) -> None:
    """Rows from the first; numbers after the header take the column's format."""
    for row_number, row in enumerate(rows):
        spreadsheets.write_row(sheet, row_number, row, formats if row_number else None)
