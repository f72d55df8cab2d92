"""Reconciliation exports: the consensus codings with their provenance, and the decision log
(every decision, undone ones too, with reasons and comments), as CSV or XLSX.

The CSV is a machine format: English headers and decision names, ISO dates, whatever the
reader's language. The workbook is read by a person: headers, decision names and sheet name in
the request's language, dates as dates (in the site's time zone) that the spreadsheet program
shows in the reader's locale.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from coding.excerpts.exports import _csv_safe
from coding.excerpts.selectors import code_paths
from coding.labels import export_labels
from coding.models import Candidate, CandidateComment, Code, Decision, Excerpt
from coding.spreadsheets import openpyxl_text
from research.models import Project, User

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _people(ids: set[int]) -> dict[int, str]:
    return {u.pk: u.name for u in User.objects.filter(pk__in=ids)}


def _source_coders(decision: Decision, candidate: Candidate) -> list[int]:
    if decision.kept_coders:
        return list(decision.kept_coders)
    return sorted({s["coder"] for s in candidate.sources})


def consensus_rows(*, project: Project) -> tuple[list[str], list[list[Any]]]:
    """One row per consensus excerpt: where, what, which codes, from which coders' versions,
    how it was decided, why, by whom and when. Queries: 5 (6 where the project shows
    pseudonyms only: the documents' numbers)."""
    decisions = list(
        Decision.objects.filter(
            candidate__item__reconciliation__project=project, undone_at__isnull=True
        ).select_related("candidate__item__document", "decided_by")
    )
    uuids = [u for d in decisions for u in d.consensus]
    excerpts = {
        str(e.code): e for e in Excerpt.objects.filter(code__in=uuids).prefetch_related("codes")
    }
    paths = code_paths(list(Code.objects.filter(project=project).values("id", "name", "parent_id")))
    people = _people({c for d in decisions for c in _source_coders(d, d.candidate)})
    labels = export_labels(project)
    header = [
        _("Document"),
        _("Start"),
        _("End"),
        _("Text"),
        _("Codes"),
        _("Source coders"),
        _("Decision"),
        _("Reason"),
        _("Decided by"),
        _("Date"),
    ]
    rows = []
    for d in decisions:
        for uid in d.consensus:
            excerpt = excerpts.get(uid)
            if excerpt is None:  # deleted from the coding view since: no longer consensus
                continue
            rows.append(
                [
                    labels.document(d.candidate.item.document),
                    excerpt.start,
                    excerpt.end,
                    excerpt.text,
                    "; ".join(sorted(paths[c.pk] for c in excerpt.codes.all())),
                    ", ".join(people.get(c, "?") for c in _source_coders(d, d.candidate)),
                    d.get_kind_display(),
                    d.reason,
                    d.decided_by.name if d.decided_by else "",
                    d.decided_at,
                ]
            )
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return header, rows


def log_rows(*, project: Project) -> tuple[list[str], list[list[Any]]]:
    """Every decision per document in order, undone ones included, with the discussion."""
    decisions = list(
        Decision.objects.filter(candidate__item__reconciliation__project=project)
        .select_related("candidate__item__document", "decided_by", "undone_by")
        .order_by("candidate__item__document__title", "candidate__start", "decided_at", "pk")
    )
    labels = export_labels(project)
    comments: dict[int, list[str]] = {}
    for c in CandidateComment.objects.filter(
        candidate__item__reconciliation__project=project
    ).select_related("author"):
        comments.setdefault(c.candidate_id, []).append(
            f"{c.author.name if c.author else ''}: {c.text}"
        )
    header = [
        _("Document"),
        _("Candidate"),
        _("Start"),
        _("End"),
        _("Decision"),
        _("Reason"),
        _("Decided by"),
        _("Date"),
        _("Undone by"),
        _("Undone"),
        _("Comments"),
    ]
    rows = [
        [
            labels.document(d.candidate.item.document),
            d.candidate.get_kind_display(),
            d.candidate.start,
            d.candidate.end,
            d.get_kind_display(),
            d.reason,
            d.decided_by.name if d.decided_by else "",
            d.decided_at,
            d.undone_by.name if d.undone_by else "",
            d.undone_at or "",
            " | ".join(comments.get(d.candidate_id, [])),
        ]
        for d in decisions
    ]
    return header, rows


PARTS = {
    "consensus": (consensus_rows, pgettext_lazy("sheet name", "Consensus")),
    "log": (log_rows, pgettext_lazy("sheet name", "Decision log")),
}


def part_rows(*, project: Project, part: str, fmt: str) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of one part; a CSV's in English, whatever the reader's language."""
    rows = PARTS[part][0]
    if fmt == "csv":
        with translation.override("en"):
            return rows(project=project)
    return rows(project=project)


def response(
    header: list[str], rows: list[list[Any]], *, fmt: str, name: str, part: str
) -> HttpResponse:
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = str(PARTS[part][1])[:31]
        sheet.append([openpyxl_text(label) for label in header])
        # Cell by cell at a known row: reading back `sheet[sheet.max_row]` after each append
        # scans the whole sheet, which made a long decision log quadratic.
        for row_number, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column, value=_local(value))
                if isinstance(cell.value, str):  # text is never a formula
                    cell.data_type = TYPE_STRING
                elif isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
        buffer = io.BytesIO()
        workbook.save(buffer)
        answer = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows([[_csv_safe(_iso(v)) for v in row] for row in rows])
        answer = HttpResponse(
            ("\ufeff" + text.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
    answer["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return answer


def _iso(value: Any) -> Any:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value


def _local(value: Any) -> Any:
    # A spreadsheet has no time zones: the site's local time (TIME_ZONE), to the second as in
    # the CSV.
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if isinstance(value, str):
        return openpyxl_text(value)
    return value
