"""Agreement runs: list and start, results, one code's disagreements, compare, export."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coding.models import AgreementRun, Code
from coding.runs import exports, selectors, services
from coding.runs.forms import AgreementRunForm, CompareForm
from research.access import Capability, access_project, has_capability, sees_all_codings
from research.http import unknown_format
from research.models import Membership


def access_results(user, project: uuid.UUID) -> Membership:
    """Finished results: leads, owners and viewers; coders only once the project is unblinded
    (before, agreement numbers and disagreements would reveal the other coders' work)."""
    membership = access_project(user, project, Capability.VIEW)
    is_coder = has_capability(membership, Capability.CODE) and not has_capability(
        membership, Capability.MANAGE
    )
    if is_coder and membership.project.blind_coding:
        raise PermissionDenied
    return membership


def _run(membership: Membership, run: uuid.UUID, *, excerpts: bool = False) -> AgreementRun:
    """The run; with the (large) table of the excerpts its disagreements name if asked."""
    runs = AgreementRun.objects.select_related("job", "codebook_version", "created_by")
    if not excerpts:
        runs = runs.defer("disagreement_excerpts")
    return get_object_or_404(runs, project=membership.project, code=run)


def _context(membership: Membership, **extra) -> dict:
    return {"project": membership.project, "membership": membership, **extra}


@login_required
@require_GET
def agreement_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    can_start = has_capability(membership, Capability.MANAGE)
    form = AgreementRunForm(project=membership.project) if can_start else None
    runs = selectors.runs_for_project(project=membership.project)
    return render(
        request,
        "coding/runs/list.html",
        _context(
            membership,
            runs=runs,
            form=form,
            can_start=can_start,
            blind_coder=not can_start
            and has_capability(membership, Capability.CODE)
            and membership.project.blind_coding,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_new(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = AgreementRunForm(request.POST or None, project=membership.project)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.agreement_run_start(
                project=membership.project, requested_by=request.user, **form.service_kwargs()
            )
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Agreement run started."))
            return redirect("coding:agreement-run", project=project, run=run.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "coding/runs/new.html", _context(membership, form=form), status=status)


@login_required
@require_GET
def agreement_run(request: HttpRequest, project: uuid.UUID, run: uuid.UUID) -> HttpResponse:
    membership = access_results(request.user, project)
    run_row = _run(membership, run)
    if request.headers.get("HX-Request") and not request.GET.get("sort"):
        response = render(
            request, "coding/runs/run.html#run-status", _context(membership, run=run_row)
        )
        if run_row.job and run_row.job.is_finished:
            response["HX-Refresh"] = "true"  # show the finished table in full
        return response
    sort = request.GET.get("sort", "")
    names = selectors.coder_names(run_row)
    others = [
        r
        for r in selectors.runs_for_project(project=membership.project)
        if r.pk != run_row.pk and r.is_finished and r.unit == run_row.unit
    ]
    compare_with = next((r for r in others if str(r.code) == request.GET.get("compare")), None)
    comparison = None
    if compare_with is not None:
        comparison = selectors.compare_rows(first=compare_with, second=run_row)
    return render(
        request,
        "coding/runs/run.html",
        _context(
            membership,
            run=run_row,
            rows=selectors.run_rows(run=run_row, sort=sort) if run_row.is_finished else [],
            columns=[
                (c, selectors.column_label(run_row, c)) for c in selectors.columns_for(run_row)
            ],
            pooled=selectors.pooled_cells(run_row),
            pairwise=selectors.pairwise_rows(run_row, names),
            coders=[names.get(c, c) for c in run_row.params["spec"]["coders"]],
            sort=sort,
            others=others,
            compare_with=compare_with,
            comparison=comparison,
            can_manage=has_capability(membership, Capability.MANAGE),
        ),
    )


def _coding_view_link(project, document: str, coders: list[int], excerpt: str | None) -> str:
    """The coding view with both coders overlaid at the spot, if that page exists yet."""
    try:
        url = reverse("coding:coding-view", kwargs={"project": project, "document": document})
    except NoReverseMatch:
        return ""
    anchor = f"#excerpt-{excerpt}" if excerpt else ""
    return f"{url}?coders={','.join(str(c) for c in coders)}{anchor}"


@login_required
@require_GET
def agreement_code(
    request: HttpRequest, project: uuid.UUID, run: uuid.UUID, code: uuid.UUID
) -> HttpResponse:
    membership = access_results(request.user, project)
    run_row = _run(membership, run, excerpts=True)
    code_row = get_object_or_404(Code, project=membership.project, code=code)
    result = selectors.code_result(run=run_row, code_uuid=code)
    names = selectors.coder_names(run_row)
    coders = run_row.params["spec"]["coders"]
    show_text = sees_all_codings(membership)
    stored = (
        selectors.disagreement_items(run=run_row, result=result, with_context=show_text)
        if result
        else []
    )
    items = []
    for d in stored:
        first = next((e["uuid"] for c in d["coders"] for e in c["excerpts"]), None)
        items.append(
            {
                **d,
                "coders": [{**c, "name": names.get(c["coder"], c["coder"])} for c in d["coders"]],
                "link": _coding_view_link(project, d["document"], coders, first)
                if show_text
                else "",
            }
        )
    return render(
        request,
        "coding/runs/code.html",
        _context(
            membership, run=run_row, code=code_row, result=result, items=items, show_text=show_text
        ),
    )


@login_required
@require_GET
def agreement_compare(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_results(request.user, project)
    runs = (
        AgreementRun.objects.for_project(membership.project)
        .filter(finished_at__isnull=False)
        .defer("disagreement_excerpts")
    )
    form = CompareForm(request.GET or None, runs=runs)
    comparison = None
    if form.is_valid():
        comparison = selectors.compare_rows(
            first=form.cleaned_data["a"], second=form.cleaned_data["b"]
        )
    status = 400 if request.GET and not form.is_valid() else 200
    return render(
        request,
        "coding/runs/compare.html",
        _context(membership, form=form, comparison=comparison),
        status=status,
    )


@login_required
@require_GET
def agreement_export(request: HttpRequest, project: uuid.UUID, run: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    run_row = _run(membership, run, excerpts=True)
    if not run_row.is_finished:
        raise Http404
    fmt = request.GET.get("format", "csv")
    stem = f"agreement-{run_row.code}"
    if fmt == "csv":
        what = request.GET.get("what", "table")
        if what not in {"table", "disagreements"}:
            return HttpResponseBadRequest(_("Choose what to export: table or disagreements."))
        rows = exports.table(run_row) if what == "table" else exports.disagreements(run_row)
        response = HttpResponse(exports.as_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}-{what}.csv"'
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.as_xlsx(run_row),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    elif fmt == "methods":
        response = HttpResponse(
            exports.methods_paragraph(run_row), content_type="text/plain; charset=utf-8"
        )
    else:
        return unknown_format(fmt, ["csv", "xlsx", "methods"])
    return response
