"""Matrices: pages, sections, rows, cell overrides and evidence, footnotes, exports."""

from __future__ import annotations

import uuid
from contextlib import nullcontext

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import exports
from cases.access import access_footnote, access_matrix, access_row
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
from cases.models import Matrix
from cases.selectors import matrices as matrix_selectors
from cases.services import matrices as matrix_services
from cases.views.common import download, form_page, render_page, save_posted
from coding.labels import export_labels
from coding.models import DocumentSet
from research.access import Capability, access_project
from research.audit import audit_export
from research.collector import pauses_collector
from research.forms import with_user_text
from research.http import unknown_format
from research.models import Membership

# --- matrices -------------------------------------------------------------------------------


@login_required
@require_GET
def matrix_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    matrices = matrix_selectors.matrix_list(project=membership.project)
    return render_page(request, "cases/matrix_list.html", membership, matrices=matrices)


@login_required
@require_http_methods(["GET", "POST"])
def matrix_create(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = MatrixForm(request.POST or None, project=membership.project, creating=True)
    if request.method == "POST" and form.is_valid():
        from_study = form.cleaned_data["layout"] == LAYOUT_STUDY
        create = (
            matrix_services.matrix_create_from_study_layout
            if from_study
            else matrix_services.matrix_create
        )
        try:
            matrix = create(project=membership.project, user=request.user, **form.matrix_fields())
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
    unmapped, total = matrix_selectors.matrix_unmapped_rows(matrix=matrix)
    if not unmapped:
        return _("Matrix created from the study's layout; every row is mapped to a code.")
    return _(
        "Matrix created from the study's layout. %(unmapped)s of %(total)s rows have no code of "
        "the same name in the codebook; map them with “map to a code”."
    ) % {"unmapped": unmapped, "total": total}


def _document_set(request: HttpRequest, membership) -> DocumentSet | None:
    """The document set the page counts (`?document_set=<code>`), or None; an unknown or
    another project's set is not found."""
    code = request.GET.get("document_set", "")
    if not code:
        return None
    try:
        return DocumentSet.objects.get(project=membership.project, code=code)
    except (DocumentSet.DoesNotExist, ValidationError) as exc:
        raise Http404 from exc


@login_required
@require_GET
@pauses_collector  # 18,000 cells: see research/collector.py
def matrix_detail(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    view = matrix_selectors.matrix_compute(
        matrix=access_matrix(membership, matrix),
        membership=membership,
        document_set=_document_set(request, membership),
    )
    return render_page(
        request,
        "cases/matrix_detail.html",
        membership,
        view=view,
        grid=matrix_grid(view, href_prefix="rows/"),
        formats=exports.FORMATS,
        document_sets=DocumentSet.objects.filter(project=membership.project),
    )


def _matrix_edit_page(matrix: Matrix, view: matrix_selectors.MatrixView, form) -> dict:
    """The edit page: the matrix's own form, the computed grid and the small forms beside it."""
    return {
        "matrix": matrix,
        "view": view,
        "grid": matrix_grid(view, href_prefix="../rows/"),
        "form": form,
        "section_form": SectionForm(),
        "row_form": RowForm(matrix=matrix),
        "footnote_form": FootnoteForm(matrix=matrix, columns=view.columns),
        "moves": [("up", "↑", _("Move up")), ("down", "↓", _("Move down"))],
    }


@login_required
@require_http_methods(["GET", "POST"])
@pauses_collector
def matrix_edit(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = access_matrix(membership, matrix)
    form = MatrixForm(request.POST or None, project=membership.project, matrix=matrix_obj)
    if request.method == "POST" and form.is_valid():
        try:
            matrix_services.matrix_update(matrix=matrix_obj, **form.matrix_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Matrix saved."))
            return redirect("cases:matrix-edit", project=project, matrix=matrix)
    view = matrix_selectors.matrix_compute(matrix=matrix_obj, membership=membership)
    page = _matrix_edit_page(matrix_obj, view, form)
    return render_page(request, "cases/matrix_edit.html", membership, **page)


@login_required
@require_POST
def matrix_delete(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_services.matrix_delete(matrix=access_matrix(membership, matrix))
    messages.success(request, _("Matrix deleted."))
    return redirect("cases:matrix-list", project=project)


@login_required
@require_POST
def section_create(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = access_matrix(membership, matrix)
    save_posted(
        request,
        SectionForm(request.POST),
        lambda data: matrix_services.section_create(matrix=matrix_obj, title=data["title"]),
        done=_("Section added."),
        invalid=_("Give the section a title."),
    )
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


@login_required
@require_POST
def row_create(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = access_matrix(membership, matrix)
    save_posted(
        request,
        RowForm(request.POST, matrix=matrix_obj),
        lambda data: matrix_services.row_create(**data),
        done=_("Row added."),
    )
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


@login_required
@require_http_methods(["GET", "POST"])
def row_update(
    request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID, row: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    row_obj = access_row(membership, matrix, row)
    form = RowUpdateForm(request.POST or None, matrix=row_obj.section.matrix, row=row_obj)
    if request.method == "POST" and form.is_valid():
        try:
            matrix_services.row_update(row=row_obj, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Row saved."))
            return redirect("cases:matrix-edit", project=project, matrix=matrix)
    back = reverse("cases:matrix-edit", kwargs={"project": project, "matrix": matrix})
    heading = with_user_text(_("Row “%(label)s”"), label=row_obj.label)
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
    row_obj = access_row(membership, matrix, row)
    form = MoveForm(request.POST)
    _moved(
        request, form, lambda direction: matrix_services.row_move(row=row_obj, direction=direction)
    )
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


@login_required
@require_POST
def section_move(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = access_matrix(membership, matrix)
    form = SectionMoveForm(request.POST, matrix=matrix_obj)
    _moved(
        request,
        form,
        lambda direction: matrix_services.section_move(
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
    matrix_services.row_delete(row=access_row(membership, matrix, row))
    messages.success(request, _("Row deleted."))
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


@login_required
@require_http_methods(["GET", "POST"])
def cell_override(
    request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID, row: uuid.UUID, column: str
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    row_obj = access_row(membership, matrix, row)
    found = matrix_selectors.matrix_cell(row=row_obj, column_key=column, membership=membership)
    if found is None:
        raise Http404
    done = redirect("cases:matrix-detail", project=project, matrix=matrix)
    if request.POST.get("action") == "clear":
        matrix_services.cell_override_clear(row=row_obj, column=column)
        messages.success(request, _("Override removed; the cell shows the computed value."))
        return done
    current = matrix_selectors.cell_override_of(row=row_obj, column=column)
    form = OverrideForm(request.POST or None, legend=found.view.matrix.legend, current=current)
    if request.method == "POST" and form.is_valid():
        data = {"user": request.user, "computed": found.cell.display, **form.cleaned_data}
        matrix_services.cell_override_set(row=row_obj, column=column, **data)
        messages.success(request, _("Cell overridden."))
        return done
    context = {"matrix": found.view.matrix, "row": row_obj, "cell": found.cell, "current": current}
    context.update(form=form, column_label=found.column_label)
    return render_page(request, "cases/cell_override.html", membership, **context)


@login_required
@require_GET
def cell_evidence(
    request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID, row: uuid.UUID, column: str
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    row_obj = access_row(membership, matrix, row)
    document_set = _document_set(request, membership)
    evidence = matrix_selectors.cell_evidence_page(
        row=row_obj, column_key=column, membership=membership, document_set=document_set
    )
    if evidence is None:
        raise Http404
    template = "cases/cell_evidence.html"
    if request.headers.get("HX-Request"):
        template += "#evidence"
    context = {"matrix": row_obj.section.matrix, "row": row_obj, "column_key": column}
    context["document_set"] = document_set
    return render_page(request, template, membership, **context, **evidence)


@login_required
@require_POST
def footnote_create(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = access_matrix(membership, matrix)
    view = matrix_selectors.matrix_compute(matrix=matrix_obj, membership=membership)
    save_posted(
        request,
        FootnoteForm(request.POST, matrix=matrix_obj, columns=view.columns),
        lambda data: matrix_services.footnote_create(matrix=matrix_obj, user=request.user, **data),
        done=_("Footnote added."),
    )
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


@login_required
@require_POST
def footnote_delete(
    request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID, footnote: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_services.footnote_delete(footnote=access_footnote(membership, matrix, footnote))
    messages.success(request, _("Footnote deleted."))
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


def _export_name(table, matrix_obj: Matrix, document_set: DocumentSet | None) -> str:
    """The export's file name; with a document set, the title and the name say which
    documents counted."""
    name = slugify(matrix_obj.name) or "matrix"
    if document_set is None:
        return name
    table.title = _("%(matrix)s (document set: %(set)s)") % {
        "matrix": table.title,
        "set": document_set.name,
    }
    return f"{name}-{slugify(document_set.name) or 'set'}"


def _export_table(
    membership: Membership, matrix: Matrix, document_set: DocumentSet | None, fmt: str
) -> exports.MatrixTable:
    """The matrix as the exports print it, in the reader's language, except the CSV: a machine
    format keeps English words whatever the reader's language."""
    labels = export_labels(membership.project)
    with translation.override("en") if fmt == "csv" else nullcontext():
        view = matrix_selectors.matrix_compute(
            matrix=matrix, membership=membership, labels=labels, document_set=document_set
        )
        return matrix_selectors.matrix_table(view)


@login_required
@require_GET
@pauses_collector
def matrix_export(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in exports.FORMATS:
        return unknown_format(fmt, exports.FORMATS)
    matrix_obj = access_matrix(membership, matrix)
    document_set = _document_set(request, membership)
    table = _export_table(membership, matrix_obj, document_set, fmt)
    content_type, extension = exports.FORMATS[fmt]
    name = _export_name(table, matrix_obj, document_set)
    audit_export(
        project=membership.project_id,
        actor=request.user,
        export="matrix",
        fmt=fmt,
        matrix=str(matrix_obj.code),
        name=matrix_obj.name,
        document_set=document_set.name if document_set is not None else "",
    )
    return download(exports.render(table, fmt), f"{name}.{extension}", content_type)
