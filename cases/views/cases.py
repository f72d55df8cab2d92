"""Cases: list, detail, write-ups, settings (attributes, dimensions), import and export."""

from __future__ import annotations

import base64
import binascii
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import exports, selectors, services, tabular
from cases.forms import (
    AttributeForm,
    CaseDocumentsForm,
    CaseForm,
    CaseImportForm,
    CaseSettingsForm,
    DimensionForm,
    DocumentCasesForm,
    WriteupForm,
    attribute_specs,
)
from cases.models import (
    AttributeDefinition,
    CaseKind,
    CaseWriteup,
    Dimension,
)
from cases.views.common import (
    case_of,
    csv_download,
    download,
    form_page,
    render_page,
    save_posted,
)
from coding.models import Document
from research.access import Capability, access_project
from research.http import unknown_format

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
    return render_page(
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
    return form_page(request, membership, heading=_("New case"), form=form, back=back)


@login_required
@require_GET
def case_detail(request: HttpRequest, project: uuid.UUID, case: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    case_obj = case_of(membership, case)
    anonymize = selectors.anonymized_for(membership)
    dimensions = list(Dimension.objects.filter(project=membership.project))
    writeups = {w.dimension_id: w for w in CaseWriteup.objects.filter(case=case_obj)}
    cited = selectors.cited_excerpts(
        membership=membership, texts=[w.text for w in writeups.values()]
    )
    names = selectors.document_names(project=membership.project, anonymize=anonymize)
    sections = [
        (d, selectors.writeup_html(writeups[d.pk].text, cited, names) if d.pk in writeups else "")
        for d in dimensions
    ]
    return render_page(
        request,
        "cases/case_detail.html",
        membership,
        case=case_obj,
        values=case_obj.attribute_values.select_related("definition"),
        documents=[(d, names(d)) for d in case_obj.documents.all()],
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
    case_obj = case_of(membership, case)
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
    return form_page(request, membership, heading=case_obj.name, form=form, back=back)


@login_required
@require_POST
def case_delete(request: HttpRequest, project: uuid.UUID, case: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    services.case_delete(case=case_of(membership, case))
    messages.success(request, _("Case deleted. Its documents and their codings are untouched."))
    return redirect("cases:case-list", project=project)


@login_required
@require_http_methods(["GET", "POST"])
def case_documents(request: HttpRequest, project: uuid.UUID, case: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    case_obj = case_of(membership, case)
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
    return form_page(request, membership, heading=heading, form=form, back=back)


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
    return form_page(request, membership, heading=heading, form=form, back=back)


@login_required
@require_http_methods(["GET", "POST"])
def writeup_edit(
    request: HttpRequest, project: uuid.UUID, case: uuid.UUID, dimension: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    case_obj = case_of(membership, case)
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
    return form_page(request, membership, heading=heading, form=form, back=back)


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
    return render_page(
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
    save_posted(
        request,
        AttributeForm(request.POST),
        lambda data: services.attribute_create(project=membership.project, **data),
        done=_("Attribute added."),
        invalid=_("Give the attribute a name and a type."),
    )
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
    save_posted(
        request,
        DimensionForm(request.POST),
        lambda data: services.dimension_create(project=membership.project, name=data["name"]),
        done=_("Dimension added."),
        invalid=_("Give the dimension a name."),
    )
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
    return render_page(request, "cases/case_import.html", membership, form=form, **context)


@login_required
@require_GET
def case_export(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    fmt = request.GET.get("format", "csv")
    if fmt not in {"csv", "xlsx"}:
        return unknown_format(fmt, ["csv", "xlsx"])
    anonymize = selectors.case_settings_of(membership.project).anonymize
    rows = selectors.cases_export_rows(project=membership.project, anonymize=anonymize)
    name = slugify(membership.project.title) or "project"
    if fmt == "xlsx":
        return download(tabular.write_xlsx(rows), f"{name}-cases.xlsx", exports.FORMATS["xlsx"][0])
    return csv_download(rows, f"{name}-cases.csv")
