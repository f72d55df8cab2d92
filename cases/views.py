"""Cases, case settings and import/export, matrices, classifications and the study's tables."""

from __future__ import annotations

import base64
import binascii
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import exports, selectors, services, tabular
from cases.forms import (
    LAYOUT_STUDY,
    AttributeForm,
    CaseDocumentsForm,
    CaseForm,
    CaseImportForm,
    CaseSettingsForm,
    ClassificationForm,
    DimensionForm,
    DocumentCasesForm,
    FootnoteForm,
    FrequencyFilterForm,
    MatrixForm,
    MoveForm,
    OverrideForm,
    RowForm,
    RowUpdateForm,
    SectionForm,
    SectionMoveForm,
    WriteupForm,
    attribute_specs,
)
from cases.grid import matrix_grid
from cases.models import (
    AttributeDefinition,
    Case,
    CaseKind,
    CaseWriteup,
    CellOverride,
    ClassificationRule,
    Dimension,
    Footnote,
    Matrix,
    MatrixRow,
)
from coding.models import Document, DocumentKind
from research.access import Capability, access_project, capabilities_of
from research.models import Membership, Role


def _page(request, template: str, membership: Membership, **context) -> HttpResponse:
    context.update(
        membership=membership, project=membership.project, can=capabilities_of(membership)
    )
    return render(request, template, context)


def _form_page(request, membership, *, heading: str, form, back: str, **extra) -> HttpResponse:
    return _page(
        request, "cases/form.html", membership, heading=heading, form=form, back=back, **extra
    )


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _case(membership: Membership, code: uuid.UUID) -> Case:
    return get_object_or_404(Case, project=membership.project, code=code)


def _matrix(membership: Membership, code: uuid.UUID) -> Matrix:
    return get_object_or_404(Matrix, project=membership.project, code=code)


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- cases ----------------------------------------------------------------------------------


@login_required
@require_GET
def case_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    definitions = list(AttributeDefinition.objects.filter(project=membership.project))
    cases = selectors.case_list(project=membership.project)
    anonymize = selectors.anonymized_for(membership)
    rows = [
        (case, case.label(anonymize), case.parent.label(anonymize) if case.parent else "", values)
        for case, values in zip(cases, selectors.attribute_table(cases, definitions), strict=True)
    ]
    return _page(
        request,
        "cases/case_list.html",
        membership,
        rows=rows,
        definitions=definitions,
        anonymize=anonymize,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    definitions = AttributeDefinition.objects.filter(project=membership.project)
    form = CaseForm(request.POST or None, project=membership.project, definitions=definitions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_create(
                project=membership.project,
                name=data["name"],
                pseudonym=data["pseudonym"],
                kind=data["kind"],
                description=data["description"],
                parent=data["parent"],
                attributes=form.attributes(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Case created."))
            return redirect("cases:case-detail", project=project, case=case.code)
    back = reverse("cases:case-list", kwargs={"project": project})
    return _form_page(request, membership, heading=_("New case"), form=form, back=back)


@login_required
@require_GET
def case_detail(request: HttpRequest, project: uuid.UUID, case: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    case_obj = _case(membership, case)
    anonymize = selectors.anonymized_for(membership)
    dimensions = list(Dimension.objects.filter(project=membership.project))
    writeups = {w.dimension_id: w for w in CaseWriteup.objects.filter(case=case_obj)}
    cited = selectors.cited_excerpts(
        membership=membership, texts=[w.text for w in writeups.values()]
    )
    sections = [
        (d, selectors.writeup_html(writeups[d.pk].text, cited) if d.pk in writeups else "")
        for d in dimensions
    ]
    return _page(
        request,
        "cases/case_detail.html",
        membership,
        case=case_obj,
        values=case_obj.attribute_values.select_related("definition"),
        documents=case_obj.documents.all(),
        sections=sections,
        anonymize=anonymize,
        title=case_obj.label(anonymize),
        members=[(m, m.label(anonymize)) for m in case_obj.members.all()],
        parent_label=case_obj.parent.label(anonymize) if case_obj.parent else "",
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_update(request: HttpRequest, project: uuid.UUID, case: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    case_obj = _case(membership, case)
    definitions = AttributeDefinition.objects.filter(project=membership.project)
    form = CaseForm(
        request.POST or None, project=membership.project, definitions=definitions, case=case_obj
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_update(
                case=case_obj,
                name=data["name"],
                pseudonym=data["pseudonym"],
                kind=data["kind"],
                description=data["description"],
                parent=data["parent"],
                attributes=form.attributes(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Case saved."))
            return redirect("cases:case-detail", project=project, case=case)
    back = reverse("cases:case-detail", kwargs={"project": project, "case": case})
    return _form_page(request, membership, heading=case_obj.name, form=form, back=back)


@login_required
@require_POST
def case_delete(request: HttpRequest, project: uuid.UUID, case: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    services.case_delete(case=_case(membership, case))
    messages.success(request, _("Case deleted. Its documents and their codings are untouched."))
    return redirect("cases:case-list", project=project)


@login_required
@require_http_methods(["GET", "POST"])
def case_documents(request: HttpRequest, project: uuid.UUID, case: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    case_obj = _case(membership, case)
    form = CaseDocumentsForm(
        request.POST or None,
        project=membership.project,
        initial={"documents": case_obj.documents.all()},
    )
    if request.method == "POST" and form.is_valid():
        services.case_set_documents(case=case_obj, documents=form.cleaned_data["documents"])
        messages.success(request, _("Documents linked."))
        return redirect("cases:case-detail", project=project, case=case)
    back = reverse("cases:case-detail", kwargs={"project": project, "case": case})
    heading = _("Documents of %(case)s") % {"case": case_obj.name}
    return _form_page(request, membership, heading=heading, form=form, back=back)


@login_required
@require_http_methods(["GET", "POST"])
def document_cases(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    document_obj = get_object_or_404(Document, project=membership.project, code=document)
    form = DocumentCasesForm(
        request.POST or None,
        project=membership.project,
        initial={"cases": document_obj.cases.all()},
    )
    if request.method == "POST" and form.is_valid():
        services.document_set_cases(document=document_obj, cases=form.cleaned_data["cases"])
        messages.success(request, _("Cases linked."))
        return redirect("cases:case-list", project=project)
    back = reverse("cases:case-list", kwargs={"project": project})
    heading = _("Cases of %(document)s") % {"document": document_obj.title}
    return _form_page(request, membership, heading=heading, form=form, back=back)


@login_required
@require_http_methods(["GET", "POST"])
def writeup_edit(
    request: HttpRequest, project: uuid.UUID, case: uuid.UUID, dimension: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    case_obj = _case(membership, case)
    dimension_obj = get_object_or_404(Dimension, project=membership.project, code=dimension)
    current = CaseWriteup.objects.filter(case=case_obj, dimension=dimension_obj).first()
    form = WriteupForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.writeup_save(
                case=case_obj,
                dimension=dimension_obj,
                text=form.cleaned_data["text"],
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error("text", exc)
        else:
            messages.success(request, _("Write-up saved."))
            return redirect("cases:case-detail", project=project, case=case)
    back = reverse("cases:case-detail", kwargs={"project": project, "case": case})
    heading = f"{case_obj.name}: {dimension_obj.name}"
    return _form_page(request, membership, heading=heading, form=form, back=back)


# --- case settings: anonymization, attributes, dimensions ------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_settings(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    current = selectors.case_settings_of(membership.project)
    form = CaseSettingsForm(request.POST or None, initial={"anonymize": current.anonymize})
    if request.method == "POST" and form.is_valid():
        services.case_settings_update(
            project=membership.project, anonymize=form.cleaned_data["anonymize"]
        )
        messages.success(request, _("Settings saved."))
        return redirect("cases:case-settings", project=project)
    return _page(
        request,
        "cases/case_settings.html",
        membership,
        form=form,
        attribute_form=AttributeForm(),
        dimension_form=DimensionForm(),
        definitions=AttributeDefinition.objects.filter(project=membership.project),
        dimensions=Dimension.objects.filter(project=membership.project),
    )


@login_required
@require_POST
def attribute_create(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = AttributeForm(request.POST)
    if form.is_valid():
        try:
            services.attribute_create(project=membership.project, **form.cleaned_data)
            messages.success(request, _("Attribute added."))
        except ValidationError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("Give the attribute a name and a type."))
    return redirect("cases:case-settings", project=project)


@login_required
@require_POST
def attribute_delete(
    request: HttpRequest, project: uuid.UUID, attribute: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    definition = get_object_or_404(AttributeDefinition, project=membership.project, code=attribute)
    services.attribute_delete(definition=definition)
    messages.success(request, _("Attribute deleted with its values."))
    return redirect("cases:case-settings", project=project)


@login_required
@require_POST
def dimension_create(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = DimensionForm(request.POST)
    if form.is_valid():
        try:
            services.dimension_create(project=membership.project, name=form.cleaned_data["name"])
            messages.success(request, _("Dimension added."))
        except ValidationError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("Give the dimension a name."))
    return redirect("cases:case-settings", project=project)


@login_required
@require_POST
def dimension_delete(
    request: HttpRequest, project: uuid.UUID, dimension: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    dimension_obj = get_object_or_404(Dimension, project=membership.project, code=dimension)
    services.dimension_delete(dimension=dimension_obj)
    messages.success(request, _("Dimension deleted with its write-ups."))
    return redirect("cases:case-settings", project=project)


# --- import and export of cases --------------------------------------------------------------


def _kinds() -> dict[str, str]:
    kinds = {}
    for value, label in CaseKind.choices:
        kinds[value.casefold()] = value
        kinds[str(label).casefold()] = value
    return kinds


@login_required
@require_http_methods(["GET", "POST"])
def case_import(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    definitions = AttributeDefinition.objects.filter(project=membership.project)
    form = CaseImportForm()
    context: dict = {}
    if request.method == "POST":
        if "payload" in request.POST:  # the confirmed preview carries the file back
            try:
                data = base64.b64decode(request.POST["payload"], validate=True)
            except (binascii.Error, ValueError):
                data = b""
            filename = request.POST.get("filename", "cases.csv")
        else:
            form = CaseImportForm(request.POST, request.FILES)
            if form.is_valid():
                data, filename = form.cleaned_data["file"].read(), form.cleaned_data["file"].name
            else:
                data, filename = None, ""
        if data is not None:
            try:
                rows = tabular.read_table(data, filename)
                records, problems = tabular.parse_cases(
                    rows, attribute_specs(definitions), _kinds()
                )
            except tabular.TableError as exc:
                records, problems = [], [tabular.Problem(1, "", str(exc))]
            if "payload" in request.POST and not problems:
                try:
                    counts = services.cases_import(project=membership.project, records=records)
                except ValidationError as exc:
                    problems = [tabular.Problem(0, "", " ".join(exc.messages))]
                else:
                    messages.success(
                        request,
                        _("Imported: %(created)s new cases, %(updated)s updated.") % counts,
                    )
                    return redirect("cases:case-list", project=project)
            context = {
                "records": records,
                "problems": problems,
                "payload": base64.b64encode(data).decode(),
                "filename": filename,
                "columns": [d.name for d in definitions],
            }
    return _page(request, "cases/case_import.html", membership, form=form, **context)


@login_required
@require_GET
def case_export(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    fmt = request.GET.get("format", "csv")
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    anonymize = selectors.case_settings_of(membership.project).anonymize
    rows = selectors.cases_export_rows(project=membership.project, anonymize=anonymize)
    name = slugify(membership.project.title) or "project"
    if fmt == "xlsx":
        return _download(tabular.write_xlsx(rows), f"{name}-cases.xlsx", exports.FORMATS["xlsx"][0])
    return _download(tabular.write_csv(rows), f"{name}-cases.csv", exports.FORMATS["csv"][0])


# --- matrices -------------------------------------------------------------------------------


@login_required
@require_GET
def matrix_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    matrices = Matrix.objects.filter(project=membership.project)
    return _page(request, "cases/matrix_list.html", membership, matrices=matrices)


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
    return _form_page(request, membership, heading=_("New matrix"), form=form, back=back)


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
    view = selectors.matrix_compute(matrix=_matrix(membership, matrix), membership=membership)
    return _page(
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
    matrix_obj = _matrix(membership, matrix)
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
    return _page(
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
    services.matrix_delete(matrix=_matrix(membership, matrix))
    messages.success(request, _("Matrix deleted."))
    return redirect("cases:matrix-list", project=project)


@login_required
@require_POST
def section_create(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = _matrix(membership, matrix)
    form = SectionForm(request.POST)
    if form.is_valid():
        services.section_create(matrix=matrix_obj, title=form.cleaned_data["title"])
        messages.success(request, _("Section added."))
    else:
        messages.error(request, _("Give the section a title."))
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


@login_required
@require_POST
def row_create(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = _matrix(membership, matrix)
    form = RowForm(request.POST, matrix=matrix_obj)
    if form.is_valid():
        try:
            services.row_create(**form.cleaned_data)
            messages.success(request, _("Row added."))
        except ValidationError as exc:
            _error(request, exc)
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
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
    matrix_obj = _matrix(membership, matrix)
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
    return _form_page(request, membership, heading=heading, form=form, back=back)


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
    row_obj = _row(_matrix(membership, matrix), row)
    form = MoveForm(request.POST)
    _moved(request, form, lambda direction: services.row_move(row=row_obj, direction=direction))
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


@login_required
@require_POST
def section_move(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = _matrix(membership, matrix)
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
    services.row_delete(row=_row(_matrix(membership, matrix), row))
    messages.success(request, _("Row deleted."))
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


@login_required
@require_http_methods(["GET", "POST"])
def cell_override(
    request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID, row: uuid.UUID, column: str
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = _matrix(membership, matrix)
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
    return _page(
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
    matrix_obj = _matrix(membership, matrix)
    row_obj = _row(matrix_obj, row)
    view = selectors.matrix_compute(
        matrix=matrix_obj, membership=membership, only_row=row_obj, only_column=column
    )
    cell, excerpts = selectors.cell_evidence(
        view=view, row=row_obj, column_key=column, membership=membership
    )
    if cell is None:
        raise Http404
    excerpts = list(excerpts)
    template = "cases/cell_evidence.html"
    if request.headers.get("HX-Request"):
        template += "#evidence"
    return _page(
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
    matrix_obj = _matrix(membership, matrix)
    view = selectors.matrix_compute(matrix=matrix_obj, membership=membership)
    form = FootnoteForm(request.POST, matrix=matrix_obj, columns=view.columns)
    if form.is_valid():
        services.footnote_create(matrix=matrix_obj, user=request.user, **form.cleaned_data)
        messages.success(request, _("Footnote added."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


@login_required
@require_POST
def footnote_delete(
    request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID, footnote: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    matrix_obj = _matrix(membership, matrix)
    services.footnote_delete(footnote=get_object_or_404(Footnote, matrix=matrix_obj, code=footnote))
    messages.success(request, _("Footnote deleted."))
    return redirect("cases:matrix-edit", project=project, matrix=matrix)


@login_required
@require_GET
def matrix_export(request: HttpRequest, project: uuid.UUID, matrix: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in exports.FORMATS:
        raise Http404
    matrix_obj = _matrix(membership, matrix)
    anonymize = selectors.case_settings_of(membership.project).anonymize
    view = selectors.matrix_compute(matrix=matrix_obj, membership=membership, anonymize=anonymize)
    content_type, extension = exports.FORMATS[fmt]
    data = exports.render(selectors.matrix_table(view), fmt)
    return _download(data, f"{slugify(matrix_obj.name) or 'matrix'}.{extension}", content_type)


# --- classifications ------------------------------------------------------------------------


@login_required
@require_GET
def classification_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    rules = ClassificationRule.objects.filter(project=membership.project).prefetch_related(
        "classes"
    )
    return _page(request, "cases/classification_list.html", membership, rules=rules)


@login_required
@require_http_methods(["GET", "POST"])
def classification_create(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = ClassificationForm(request.POST or None, project=membership.project)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.classification_create(
                project=membership.project, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Classification created."))
            return redirect(
                "cases:classification-detail", project=project, classification=rule.code
            )
    back = reverse("cases:classification-list", kwargs={"project": project})
    return _form_page(request, membership, heading=_("New classification"), form=form, back=back)


@login_required
@require_GET
def classification_detail(
    request: HttpRequest, project: uuid.UUID, classification: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    rule = get_object_or_404(ClassificationRule, project=membership.project, code=classification)
    result = selectors.classification_result(rule=rule, membership=membership)
    return _page(request, "cases/classification_detail.html", membership, result=result)


@login_required
@require_POST
def classification_delete(
    request: HttpRequest, project: uuid.UUID, classification: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    rule = get_object_or_404(ClassificationRule, project=membership.project, code=classification)
    services.classification_delete(rule=rule)
    messages.success(request, _("Classification deleted."))
    return redirect("cases:classification-list", project=project)


# --- the study's tables ---------------------------------------------------------------------


@login_required
@require_GET
def frequency_table(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    coders = [
        m.user
        for m in membership.project.memberships.select_related("user").exclude(role=Role.VIEWER)
    ]
    form = FrequencyFilterForm(request.GET or None, kinds=DocumentKind.choices, coders=coders)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.frequency_rows(
        membership=membership,
        level=filters.get("level") if filters.get("level") is not None else 1,
        document_kind=filters.get("kind", ""),
        coder=filters.get("coder", ""),
    )
    if request.GET.get("format") == "csv":
        grid = [["cluster", "category", "documents coded", "total codings", "concepts"]]
        grid += [
            [r.cluster, r.category, r.documents, r.codings, "; ".join(r.concepts)] for r in rows
        ]
        return _download(tabular.write_csv(grid), "code-frequency.csv", exports.FORMATS["csv"][0])
    return _page(
        request,
        "cases/frequency_table.html",
        membership,
        form=form,
        rows=rows,
        top=selectors.tables.top_categories(rows),
    )


@login_required
@require_GET
def coding_trail(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    trail = selectors.coding_trail(membership=membership)
    if request.GET.get("format") == "csv":
        grid = [["document", "passage", "memo / paraphrase", "concept", "category"]]
        grid += [
            [t["document"], t["passage"], t["memo"], t["concept"], t["category"]] for t in trail
        ]
        return _download(
            tabular.write_csv(grid), "open-coding-trail.csv", exports.FORMATS["csv"][0]
        )
    return _page(request, "cases/coding_trail.html", membership, trail=trail)
