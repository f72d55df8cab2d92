"""Code co-occurrence, the document × code matrix and word frequencies, as pages and as
CSV or XLSX downloads (`?format=csv` / `?format=xlsx`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from coding.labels import export_labels
from research.access import Capability, access_project, can_for
from research.http import bad_request, unknown_format
from research.models import Membership
from study.explore import exports
from study.explore.forms import (
    CellForm,
    CooccurrenceForm,
    MatrixCellForm,
    MatrixForm,
    WordsForm,
)
from study.explore.rendering import table_rows
from study.explore.selectors import (
    Table,
    code_cooccurrence,
    cooccurrence_excerpts,
    document_code_matrix,
    document_words,
    matrix_cell_excerpts,
)

WORDS_SHOWN = 500  # on the page; the downloads hold every word
Grid = tuple[list[str], list[list[exports.Value]]]


def _table_grid(table: Table, corner: str | Promise) -> Grid:
    header = [str(corner), *[label for _pk, label, _code in table.columns]]
    rows = [
        [row[1], *[value for _col, value, _level, _text in cells]] for row, cells in table.grid()
    ]
    return header, rows


# The workbooks' sheet names, by file name.
SHEETS = {
    "cooccurrence": pgettext_lazy("sheet name", "Co-occurrence"),
    "code_matrix": pgettext_lazy("sheet name", "Documents × codes"),
    "word_frequencies": pgettext_lazy("sheet name", "Word frequencies"),
}


def _download(request, form, make: Callable[[], Grid], name: str, percent=False) -> HttpResponse:
    """The table as a file (bad filters: 400 with the reason). The CSV is a machine format
    (English header whatever the reader's language), the workbook is read by a person."""
    fmt = request.GET["format"]
    if fmt not in exports.FORMATS:
        return unknown_format(fmt, exports.FORMATS)
    if form.errors:
        return bad_request(" ".join(e for errs in form.errors.values() for e in errs))
    if fmt == "csv":
        with translation.override("en"):
            header, rows = make()
        return exports.csv_response(header, rows, filename=f"{name}.csv", percent=percent)
    header, rows = make()
    return exports.xlsx_response(
        header, rows, filename=f"{name}.xlsx", sheet=str(SHEETS[name]), percent=percent
    )


def _render(request, membership: Membership, template: str, **context) -> HttpResponse:
    context.update(membership=membership, project=membership.project, can=can_for(membership))
    return render(request, f"study/{template}.html", context)


def _query(request: HttpRequest, *names: str) -> str:
    """The page's query without `format` and these parameters (for links that set them)."""
    query = request.GET.copy()
    for name in ("format", *names):
        query.pop(name, None)
    return query.urlencode()


def _cooccurrence_rows(table: Table, membership: Membership, query: str, heat_map: bool):
    project = membership.project.code
    cell = reverse("study:cooccurrence-cell", kwargs={"project": project})
    retrieval = reverse("coding:retrieval", kwargs={"project": project})
    return table_rows(
        table,
        cell_href=lambda row, column: f"{cell}?{query}&a={row[2]}&b={column[2]}",
        row_href=lambda row: f"{retrieval}?code={row[2]}",
        heat_map=heat_map,
    )


def _matrix_rows(table: Table, membership: Membership, query: str, heat_map: bool):
    cell = reverse("study:code-matrix-cell", kwargs={"project": membership.project.code})
    return table_rows(
        table,
        cell_href=lambda row, column: f"{cell}?{query}&code={column[2]}&document={row[2]}",
        heat_map=heat_map,
    )


@login_required
@require_GET
def cooccurrence(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    form = CooccurrenceForm(request.GET, membership=membership)
    table = None
    if form.is_valid():
        filters = {"documents": form.documents(), "whose": form.coders()}
        table = code_cooccurrence(membership=membership, by=form.together_in(), **filters)
    if "format" in request.GET:
        return _download(
            request, form, partial(_table_grid, table, gettext_lazy("Code")), "cooccurrence"
        )
    context = {"form": form, "table": table, "heat_map": form.heat_map()}
    if table is not None:
        context["rows"] = _cooccurrence_rows(table, membership, _query(request), form.heat_map())
    return _render(request, membership, "cooccurrence", **context, query=_query(request))


@login_required
@require_GET
def code_matrix(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    form = MatrixForm(request.GET, membership=membership)
    table, coverage, descending = None, False, False
    if form.is_valid():
        coverage, descending = form.coverage(), form.cleaned_data["order"] == "desc"
        filters = {"documents": form.documents(), "whose": form.coders()}
        labels = export_labels(membership.project) if "format" in request.GET else None
        table = document_code_matrix(
            membership=membership, coverage=coverage, labels=labels, **filters
        )
        table.sort(form.cleaned_data["sort"], descending=descending)
    if "format" in request.GET:
        make = partial(_table_grid, table, gettext_lazy("Document"))
        return _download(request, form, make, "code_matrix", percent=coverage)
    sort = form.cleaned_data["sort"] if table else ""
    context = {"form": form, "table": table, "sort": sort, "descending": descending}
    if table is not None:
        context["rows"] = _matrix_rows(table, membership, _query(request), form.heat_map())
    context.update(heat_map=form.heat_map(), sort_query=_query(request, "sort", "order"))
    context["query"] = _query(request)
    return _render(request, membership, "code_matrix", **context)


@login_required
@require_GET
def cooccurrence_cell(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    form = CellForm(request.GET, membership=membership)
    if not form.is_valid():
        messages.error(request, _("Choose two codes from the co-occurrence table."))
        return redirect("study:cooccurrence", project=project)
    a, b = form.cleaned_data["a"], form.cleaned_data["b"]
    filters = {"documents": form.documents(), "whose": form.coders()}
    excerpts = cooccurrence_excerpts(
        membership=membership, a=a, b=b, by=form.together_in(), **filters
    )
    context = {"a": a, "b": b, "excerpts": excerpts, "back": _query(request, "a", "b")}
    return _render(request, membership, "cooccurrence_cell", **context)


@login_required
@require_GET
def code_matrix_cell(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    form = MatrixCellForm(request.GET, membership=membership)
    if not form.is_valid():
        messages.error(request, _("Choose a cell of the documents × codes table."))
        return redirect("study:code-matrix", project=project)
    code, document = form.cleaned_data["code"], form.cleaned_data["document"]
    excerpts = matrix_cell_excerpts(
        membership=membership, code=code, document=document, whose=form.coders()
    )
    context = {"code": code, "document": document, "excerpts": excerpts}
    return _render(
        request, membership, "code_matrix_cell", **context, back=_query(request, "code", "document")
    )


def _word_grid(words) -> Grid:
    header = [_("Word"), _("Count"), _("Documents"), _("Forms")]
    return header, [[w.word, w.count, w.documents, ", ".join(w.forms)] for w in words]


@login_required
@require_GET
def word_frequencies(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    form = WordsForm(request.GET, membership=membership)
    read, words = 0, None
    if form.is_valid():
        read, words = document_words(
            membership=membership,
            documents=form.documents(),
            skip_stop_words=form.skip_stop_words(),
            stem=form.stem(),
        )
    if "format" in request.GET:
        return _download(request, form, partial(_word_grid, words), "word_frequencies")
    shown = (words or [])[:WORDS_SHOWN]
    context = {"form": form, "words": words, "shown": shown, "read": read}
    return _render(request, membership, "word_frequencies", **context, query=_query(request))
