"""Agreement runs: results, one code's disagreements, compare, export.

The list of runs and the "New agreement run" form are in ``study.runs`` (the form offers the
documents of some cases, which coding knows nothing of).
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from coding.labels import labels_for
from coding.models import AgreementRun, Code
from coding.runs import exports, selectors
from coding.runs.forms import CompareForm
from research.access import (
    Capability,
    access_object,
    access_project,
    access_results,
    has_capability,
    sees_all_codings,
)
from research.audit import audit_export
from research.http import bad_request, unknown_format
from research.language import LANGUAGE_CODES
from research.models import Membership


def _context(membership: Membership, **extra) -> dict:
    return {"project": membership.project, "membership": membership, **extra}


def _run_status(request: HttpRequest, membership: Membership, run: AgreementRun) -> HttpResponse:
    """The status block the page polls while the run computes."""
    response = render(request, "coding/runs/run.html#run-status", _context(membership, run=run))
    if run.job and run.job.is_finished:
        response["HX-Refresh"] = "true"  # show the finished table in full
    return response


@login_required
@require_GET
def agreement_run(request: HttpRequest, project: uuid.UUID, run: uuid.UUID) -> HttpResponse:
    membership = access_results(request.user, project)
    run_row = access_object(membership, selectors.run_queryset(), code=run)
    sort = request.GET.get("sort", "")
    if request.headers.get("HX-Request") and not sort:
        return _run_status(request, membership, run_row)
    page = selectors.run_page(
        project=membership.project, run=run_row, sort=sort, compare=request.GET.get("compare")
    )
    can_manage = has_capability(membership, Capability.MANAGE)
    context = _context(membership, run=run_row, can_manage=can_manage, **page)
    return render(request, "coding/runs/run.html", context)


@login_required
@require_GET
def agreement_code(
    request: HttpRequest, project: uuid.UUID, run: uuid.UUID, code: uuid.UUID
) -> HttpResponse:
    membership = access_results(request.user, project)
    run_row = access_object(membership, selectors.run_queryset(excerpts=True), code=run)
    code_row = access_object(membership, Code.objects.all(), code=code)
    result = selectors.code_result(run=run_row, code_uuid=code)
    show_text = sees_all_codings(membership)
    items = selectors.named_disagreements(
        run=run_row, result=result, with_context=show_text, labels=labels_for(membership)
    )
    context = _context(
        membership, run=run_row, code=code_row, result=result, items=items, show_text=show_text
    )
    return render(request, "coding/runs/code.html", context)


@login_required
@require_GET
def agreement_compare(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_results(request.user, project)
    runs = selectors.finished_runs(project=membership.project)
    form = CompareForm(request.GET or None, runs=runs)
    comparison = None
    if form.is_valid():
        comparison = selectors.compare_rows(
            first=form.cleaned_data["a"], second=form.cleaned_data["b"]
        )
    status = 400 if request.GET and not form.is_valid() else 200
    context = _context(membership, form=form, comparison=comparison)
    return render(request, "coding/runs/compare.html", context, status=status)


@login_required
@require_GET
def agreement_export(request: HttpRequest, project: uuid.UUID, run: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    fmt, what = request.GET.get("format", "csv"), request.GET.get("what", "table")
    runs = selectors.run_queryset(excerpts=exports.lists_disagreements(fmt, what))
    run_row = access_object(membership, runs.filter(finished_at__isnull=False), code=run)
    language = request.GET.get("language") or None
    if fmt not in exports.FORMATS:
        return unknown_format(fmt, exports.FORMATS)
    if fmt == "csv" and what not in exports.CSV_PARTS:
        return bad_request(_("Choose what to export: table or disagreements."))
    if language not in (None, *LANGUAGE_CODES):
        return bad_request(_("Unknown language “%(language)s”.") % {"language": language})
    export = exports.export_file(run_row, fmt=fmt, what=what, language=language)
    audit_export(
        project=membership.project_id,
        actor=request.user,
        export="agreement run",
        fmt=fmt,
        run=str(run_row.code),
        part=what,
    )
    response = HttpResponse(export.body, content_type=export.content_type)
    if export.filename:
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
