"""Code co-occurrence and the document × code matrix, as pages and as CSV."""

from __future__ import annotations

import csv
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from coding.codebook.selectors import visible_codes
from research.access import Capability, access_project, can_for
from research.http import bad_request, unknown_format
from study.explore.counting import DOCUMENT, EXCERPT
from study.explore.selectors import (
    Table,
    code_cooccurrence,
    cooccurrence_excerpts,
    document_code_matrix,
)
from study.search.forms import DocumentFilterForm


class CooccurrenceForm(DocumentFilterForm):
    by = forms.ChoiceField(
        label=gettext_lazy("Together in"),
        required=False,
        choices=[
            (EXCERPT, gettext_lazy("The same or overlapping excerpts")),
            (DOCUMENT, gettext_lazy("The same document")),
        ],
    )


class CellForm(CooccurrenceForm):
    """One cell of the co-occurrence table: its two codes (the filters as on the table)."""

    a = forms.ModelChoiceField(queryset=None, to_field_name="code")
    b = forms.ModelChoiceField(queryset=None, to_field_name="code")

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, membership=membership, **kwargs)
        self.fields["a"].queryset = self.fields["b"].queryset = visible_codes(membership=membership)


def _csv(table: Table, corner: str, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([corner, *[label for _pk, label, _code in table.columns]])
    for row, cells in table.grid():
        writer.writerow([row[1], *[count for _column, count in cells]])
    return response


def _page(request, membership, form, table, template: str, corner: str) -> HttpResponse:
    """The page, or its table as CSV with `?format=csv` (bad filters: 400 with the reason)."""
    fmt = request.GET.get("format", "")
    if fmt not in ("", "csv"):
        return unknown_format(fmt, ["csv"])
    if fmt == "csv":
        if table is None:
            return bad_request(" ".join(e for errs in form.errors.values() for e in errs))
        return _csv(table, corner, f"{template}.csv")
    context = {"membership": membership, "project": membership.project, "can": can_for(membership)}
    context.update(form=form, table=table, query=request.GET.urlencode())
    return render(request, f"study/{template}.html", context)


@login_required
@require_GET
def cooccurrence(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    form = CooccurrenceForm(request.GET, membership=membership)
    table = None
    if form.is_valid():
        documents = form.documents()
        by = form.cleaned_data["by"] or EXCERPT
        table = code_cooccurrence(membership=membership, by=by, documents=documents)
    return _page(request, membership, form, table, "cooccurrence", _("Code"))


@login_required
@require_GET
def code_matrix(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    form = DocumentFilterForm(request.GET, membership=membership)
    table = None
    if form.is_valid():
        table = document_code_matrix(membership=membership, documents=form.documents())
    return _page(request, membership, form, table, "code_matrix", _("Document"))


@login_required
@require_GET
def cooccurrence_cell(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    form = CellForm(request.GET, membership=membership)
    if not form.is_valid():
        messages.error(request, _("Choose two codes from the co-occurrence table."))
        return redirect("study:cooccurrence", project=project)
    data = form.cleaned_data
    excerpts = cooccurrence_excerpts(
        membership=membership,
        a=data["a"],
        b=data["b"],
        by=data["by"] or EXCERPT,
        documents=form.documents(),
    )
    context = {"membership": membership, "project": membership.project, "can": can_for(membership)}
    context.update(a=data["a"], b=data["b"], excerpts=excerpts)
    return render(request, "study/cooccurrence_cell.html", context)
