"""Matrices: pages, sections, rows, cell overrides and evidence, footnotes, exports."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import exports, selectors, services
from cases.forms import (
    LAYOUT_STUDY,
    FootnoteForm,
    MatrixForm,
    MoveForm,
    OverrideForm,
    RowForm,
    RowUpdateForm,
    SectionForm,
    SectionMoveForm,
)
from cases.grid import matrix_grid
from cases.models import (
    CellOverride,
    Footnote,
    Matrix,
    MatrixRow,
)
from cases.views.common import (
    download,
    form_page,
    matrix_of,
    render_page,
    save_posted,
)
from research.access import Capability, access_project
from research.http import unknown_format

# --- matrices -------------------------------------------------------------------------------


@login_required
@require_GET
def matrix_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    matrices = Matrix.objects.filter(project=membership.project)
    return render_page(request, "cases/matrix_list.html", membership, matrices=matrices)


def _matrix_fields(form: MatrixForm) -> dict:
    data = dict(form.cleaned_data)
    data.pop("layout", None)
    cases = data.pop("cases")
    return {"cases": cases, **data}


@login_required
@require_http_methods(["GET", "POST"])
def matrix_create(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = MatrixForm(request.POST or None, project=membership.project, creating=True)
    if request.method == "POST" and form.is_valid():
        from_study = form.cleaned_data["layout"] == LAYOUT_STUDY
        create = services.matrix_create_from_study_layout if from_study else services.matrix_create
        try:
            matrix = create(project=membership.project, user=request.user, **_matrix_fields(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _matrix_created_message(matrix, from_study))
            return redirect("cases:matrix-edit", project=project, matrix=matrix.code)
    back = reverse("cases:matrix-list", kwargs={"project": project})
    return form_page(request, membership, heading=_("New matrix"), form=form, back=back)


def _matrix_created_message(matrix: Matrix, from_study: bool) -> str:
    if not from_study:
        return _("Matrix created. Add sections and rows.")
    rows = MatrixRow.objects.filter(section__matrix=matrix)
    unmapped = rows.filter(codebook_code__isnull=True, rule__isnull=True).count()
    if not unmapped:
        return _("Matrix created from the study's layout; every row is mapped to a code.")
    return _(
        "Matrix created from the study's layout. %(unmapped)s of %(total)s rows have no code of "
        "the same name in the codebook; map them with “map to a code”."
    ) % {"unmapped": unmapped, "total": rows.count()}


@login_required
@require_GET
def matrix_detail(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    view = selectors.matrix_compute(matrix=matrix_of(membership, matrix), membership=membership)
    return render_page(
        request,
        "cases/matrix_detail.html",
        membership,
        view=view,
        grid=matrix_grid(view, href_prefix="rows/"),
        formats=exports.FORMATS,
    )


@login_required
@require_http_methods(["GET", "POST"])
def matrix_edit(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = matrix_of(membership, matrix)
    initial = {
        "name": matrix_obj.name,
        "description": matrix_obj.description,
        "column_mode": matrix_obj.column_mode,
        "cases": matrix_obj.cases.all(),
        "group_attribute": matrix_obj.group_attribute,
        "cell_mode": matrix_obj.cell_mode,
        "source": matrix_obj.source,
        "coder": matrix_obj.coder,
        "legend": services.legend_text(matrix_obj.legend),
    }
    form = MatrixForm(request.POST or None, project=membership.project, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.matrix_update(matrix=matrix_obj, **_matrix_fields(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Matrix saved."))
            return redirect("cases:matrix-edit", project=project, matrix=matrix)
    view = selectors.matrix_compute(matrix=matrix_obj, membership=membership)
    return render_page(
        request,
        "cases/matrix_edit.html",
        membership,
        matrix=matrix_obj,
        view=view,
        grid=matrix_grid(view, href_prefix="../rows/"),
        form=form,
        section_form=SectionForm(),
        row_form=RowForm(matrix=matrix_obj),
        footnote_form=FootnoteForm(matrix=matrix_obj, columns=view.columns),
        moves=[("up", "↑", _("Move up")), ("down", "↓", _("Move down"))],
    )


@login_required
@require_POST
def matrix_delete(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    services.matrix_delete(matrix=matrix_of(membership, matrix))
    messages.success(request, _("Matrix deleted."))
    return redirect("cases:matrix-list", project=project)


@login_required
@require_POST
def section_create(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = matrix_of(membership, matrix)
    save_posted(
        request,
        SectionForm(request.POST),
        lambda data: services.section_create(matrix=matrix_obj, title=data["title"]),
        done=_("Section added."),
        invalid=_("Give the section a title."),
    )
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


@login_required
@require_POST
def row_create(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = matrix_of(membership, matrix)
    save_posted(
        request,
        RowForm(request.POST, matrix=matrix_obj),
        lambda data: services.row_create(**data),
        done=_("Row added."),
    )
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


def _row(matrix: Matrix, code: uuid.UUID) -> MatrixRow:
    return get_object_or_404(
        MatrixRow.objects.select_related("section__matrix"), section__matrix=matrix, code=code
    )


@login_required
@require_http_methods(["GET", "POST"])
def row_update(
    request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID, row: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = matrix_of(membership, matrix)
    row_obj = _row(matrix_obj, row)
    initial = {
        "section": row_obj.section,
        "label": row_obj.label,
        "code": row_obj.codebook_code,
        "include_descendants": row_obj.include_descendants,
        "rule": row_obj.rule,
    }
    form = RowUpdateForm(request.POST or None, matrix=matrix_obj, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.row_update(row=row_obj, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Row saved."))
            return redirect("cases:matrix-edit", project=project, matrix=matrix)
    back = reverse("cases:matrix-edit", kwargs={"project": project, "matrix": matrix})
    heading = _("Row “%(label)s”") % {"label": row_obj.label}
    return form_page(request, membership, heading=heading, form=form, back=back)


def _moved(request: HttpRequest, form, move) -> None:
    if not form.is_valid():
        messages.error(request, _("Choose what to move, up or down."))
    elif not move(form.cleaned_data["direction"]):
        messages.info(request, _("It is already at the end; nothing moved."))


@login_required
@require_POST
def row_move(
    request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID, row: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    row_obj = _row(matrix_of(membership, matrix), row)
    form = MoveForm(request.POST)
    _moved(request, form, lambda direction: services.row_move(row=row_obj, direction=direction))
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


@login_required
@require_POST
def section_move(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = matrix_of(membership, matrix)
    form = SectionMoveForm(request.POST, matrix=matrix_obj)
    _moved(
        request,
        form,
        lambda direction: services.section_move(
            section=form.cleaned_data["section"], direction=direction
        ),
    )
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


@login_required
@require_POST
def row_delete(
    request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID, row: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    services.row_delete(row=_row(matrix_of(membership, matrix), row))
    messages.success(request, _("Row deleted."))
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


@login_required
@require_http_methods(["GET", "POST"])
def cell_override(
    request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID, row: uuid.UUID, column: str
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = matrix_of(membership, matrix)
    row_obj = _row(matrix_obj, row)
    view = selectors.matrix_compute(
        matrix=matrix_obj, membership=membership, only_row=row_obj, only_column=column
    )
    cell = view.cell(row_obj, column)
    if cell is None:
        raise Http404
    current = CellOverride.objects.filter(row=row_obj, column=column).first()
    initial = {"symbol": current.symbol, "reason": current.reason} if current else {}
    form = OverrideForm(request.POST or None, legend=matrix_obj.legend, initial=initial)
    if request.method == "POST" and request.POST.get("action") == "clear":
        services.cell_override_clear(row=row_obj, column=column)
        messages.success(request, _("Override removed; the cell shows the computed value."))
        return redirect("cases:matrix-detail", project=project, matrix=matrix)
    if request.method == "POST" and form.is_valid():
        services.cell_override_set(
            row=row_obj,
            column=column,
            user=request.user,
            computed=cell.display,
            **form.cleaned_data,
        )
        messages.success(request, _("Cell overridden."))
        return redirect("cases:matrix-detail", project=project, matrix=matrix)
    label = next(c.label for c in view.columns if c.key == column)
    return render_page(
        request,
        "cases/cell_override.html",
        membership,
        matrix=matrix_obj,
        row=row_obj,
        column_label=label,
        cell=cell,
        form=form,
        current=current,
    )


@login_required
@require_GET
def cell_evidence(
    request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID, row: uuid.UUID, column: str
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    matrix_obj = matrix_of(membership, matrix)
    row_obj = _row(matrix_obj, row)
    view = selectors.matrix_compute(
        matrix=matrix_obj, membership=membership, only_row=row_obj, only_column=column
    )
    cell, excerpts = selectors.cell_evidence(
        view=view, row=row_obj, column_key=column, membership=membership
    )
    if cell is None:
        raise Http404
    names = selectors.document_names(project=membership.project, anonymize=view.anonymized)
    excerpts = [(excerpt, names(excerpt.document)) for excerpt in excerpts]
    template = "cases/cell_evidence.html"
    if request.headers.get("HX-Request"):
        template += "#evidence"
    return render_page(
        request,
        template,
        membership,
        matrix=matrix_obj,
        row=row_obj,
        cell=cell,
        excerpts=excerpts,
        hidden=len(cell.excerpt_ids) - len(excerpts),
        column_key=column,
        column_label=next(c.label for c in view.columns if c.key == column),
    )


@login_required
@require_POST
def footnote_create(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = matrix_of(membership, matrix)
    view = selectors.matrix_compute(matrix=matrix_obj, membership=membership)
    save_posted(
        request,
        FootnoteForm(request.POST, matrix=matrix_obj, columns=view.columns),
        lambda data: services.footnote_create(matrix=matrix_obj, user=request.user, **data),
        done=_("Footnote added."),
    )
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


@login_required
@require_POST
def footnote_delete(
    request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID, footnote: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = matrix_of(membership, matrix)
    services.footnote_delete(footnote=get_object_or_404(Footnote, matrix=matrix_obj, code=footnote))
    messages.success(request, _("Footnote deleted."))
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


@login_required
@require_GET
def matrix_export(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in exports.FORMATS:
        return unknown_format(fmt, exports.FORMATS)
    matrix_obj = matrix_of(membership, matrix)
    anonymize = selectors.case_settings_of(membership.project).anonymize
    view = selectors.matrix_compute(matrix=matrix_obj, membership=membership, anonymize=anonymize)
    content_type, extension = exports.FORMATS[fmt]
    data = exports.render(selectors.matrix_table(view), fmt)
    return download(data, f"{slugify(matrix_obj.name) or 'matrix'}.{extension}", content_type)
