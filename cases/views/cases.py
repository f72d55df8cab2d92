"""Cases: list, detail, write-ups, settings (attributes, dimensions), import and export."""

from __future__ import annotations

import base64
import binascii
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import exports, tabular
from cases.access import access_attribute, access_case, access_dimension
from cases.forms import (
    AttributeForm,
    CaseDocumentsForm,
    CaseForm,
    CaseImportForm,
    CaseSettingsForm,
    DimensionForm,
    DocumentCasesForm,
    WriteupForm,
)
from cases.selectors import cases as case_selectors
from cases.services import attributes as attribute_services
from cases.services import cases as case_services
from cases.services import writeups as writeup_services
from cases.views.common import csv_download, download, form_page, render_page, save_posted
from coding.access import access_document
from research import services as research_services
from research.access import Capability, access_project
from research.audit import audit_export
from research.forms import with_user_text
from research.http import unknown_format

# --- cases ----------------------------------------------------------------------------------


@login_required
@require_GET
def case_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    table = case_selectors.case_table(membership=membership)
    return render_page(request, "cases/case_list.html", membership, **table)


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    definitions = case_selectors.attribute_definitions(project=membership.project)
    form = CaseForm(request.POST or None, project=membership.project, definitions=definitions)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_services.case_create(project=membership.project, **form.case_fields())
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
    page = case_selectors.case_page(membership=membership, case=access_case(membership, case))
    return render_page(request, "cases/case_detail.html", membership, **page)


@login_required
@require_http_methods(["GET", "POST"])
def case_update(request: HttpRequest, project: uuid.UUID, case: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    case_obj = access_case(membership, case)
    definitions = case_selectors.attribute_definitions(project=membership.project)
    form = CaseForm(
        request.POST or None, project=membership.project, definitions=definitions, case=case_obj
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_services.case_update(case=case_obj, **form.case_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Case saved."))
            return redirect("cases:case-detail", project=project, case=case)
    back = reverse("cases:case-detail", kwargs={"project": project, "case": case})
    heading = with_user_text("%(name)s", name=case_obj.name)
    return form_page(request, membership, heading=heading, form=form, back=back)


@login_required
@require_POST
def case_delete(request: HttpRequest, project: uuid.UUID, case: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    case_services.case_delete(case=access_case(membership, case), by=request.user)
    messages.success(request, _("Case deleted. Its documents and their codings are untouched."))
    return redirect("cases:case-list", project=project)


@login_required
@require_http_methods(["GET", "POST"])
def case_documents(request: HttpRequest, project: uuid.UUID, case: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    case_obj = access_case(membership, case)
    form = CaseDocumentsForm(request.POST or None, project=membership.project, case=case_obj)
    if request.method == "POST" and form.is_valid():
        case_services.case_set_documents(case=case_obj, documents=form.cleaned_data["documents"])
        messages.success(request, _("Documents linked."))
        return redirect("cases:case-detail", project=project, case=case)
    back = reverse("cases:case-detail", kwargs={"project": project, "case": case})
    heading = with_user_text(_("Documents of %(case)s"), case=case_obj.name)
    return form_page(request, membership, heading=heading, form=form, back=back)


@login_required
@require_http_methods(["GET", "POST"])
def document_cases(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    document_obj = access_document(membership, document)
    form = DocumentCasesForm(
        request.POST or None, project=membership.project, document=document_obj
    )
    if request.method == "POST" and form.is_valid():
        case_services.document_set_cases(document=document_obj, cases=form.cleaned_data["cases"])
        messages.success(request, _("Cases linked."))
        return redirect("coding:document-detail", project=project, document=document)
    back = reverse("coding:document-detail", kwargs={"project": project, "document": document})
    heading = with_user_text(_("Cases of %(document)s"), document=document_obj.title)
    return form_page(request, membership, heading=heading, form=form, back=back)


@login_required
@require_http_methods(["GET", "POST"])
def writeup_edit(
    request: HttpRequest, project: uuid.UUID, case: uuid.UUID, dimension: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    case_obj = access_case(membership, case)
    dimension_obj = access_dimension(membership, dimension)
    current = case_selectors.writeup_of(case=case_obj, dimension=dimension_obj)
    form = WriteupForm(request.POST or None, initial={"text": current.text if current else ""})
    saved = request.method == "POST" and form.is_valid()
    if saved and _save_writeup(request, form, case_obj, dimension_obj):
        return redirect("cases:case-detail", project=project, case=case)
    context = {
        "heading": f"{case_obj.name}: {dimension_obj.name}",  # translate="no" in the template
        "form": form,
        "back": reverse("cases:case-detail", kwargs={"project": project, "case": case}),
        "excerpts": case_selectors.citable_excerpts(membership=membership, case=case_obj),
    }
    return render_page(request, "cases/writeup_form.html", membership, **context)


def _save_writeup(request, form, case_obj, dimension_obj) -> bool:
    """Save the write-up, or put the reason on the form; warn about citations from documents
    that are not the case's."""
    text = form.cleaned_data["text"]
    try:
        writeup_services.writeup_save(
            case=case_obj, dimension=dimension_obj, text=text, user=request.user
        )
    except ValidationError as exc:
        form.add_error("text", exc)
        return False
    messages.success(request, _("Write-up saved."))
    outside = case_selectors.citations_outside_case(case=case_obj, text=text)
    if outside:
        messages.warning(
            request,
            ngettext(
                "%(n)d cited excerpt comes from a document that is not this case's.",
                "%(n)d cited excerpts come from documents that are not this case's.",
                outside,
            )
            % {"n": outside},
        )
    return True


# --- case settings: anonymization, attributes, dimensions ------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_settings(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    initial = {"anonymize": membership.project.anonymize}
    form = CaseSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        research_services.project_update(
            project=membership.project, by=request.user, anonymize=form.cleaned_data["anonymize"]
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
        definitions=case_selectors.attribute_definitions(project=membership.project),
        dimensions=case_selectors.dimensions(project=membership.project),
    )


@login_required
@require_POST
def attribute_create(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    save_posted(
        request,
        AttributeForm(request.POST),
        lambda data: attribute_services.attribute_create(project=membership.project, **data),
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
    attribute_services.attribute_delete(definition=access_attribute(membership, attribute))
    messages.success(request, _("Attribute deleted with its values."))
    return redirect("cases:case-settings", project=project)


@login_required
@require_POST
def dimension_create(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    save_posted(
        request,
        DimensionForm(request.POST),
        lambda data: attribute_services.dimension_create(
            project=membership.project, name=data["name"]
        ),
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
    attribute_services.dimension_delete(dimension=access_dimension(membership, dimension))
    messages.success(request, _("Dimension deleted with its write-ups."))
    return redirect("cases:case-settings", project=project)


# --- import and export of cases --------------------------------------------------------------


def _posted_table(request: HttpRequest, form: CaseImportForm) -> tuple[bytes, str] | None:
    """The table to check: the file uploaded now, or the one the confirmed preview carries
    back (a tampered payload reads as an empty file, which the check reports)."""
    if "payload" in request.POST:
        try:
            data = base64.b64decode(request.POST["payload"], validate=True)
        except (binascii.Error, ValueError):
            data = b""
        return data, request.POST.get("filename", "cases.csv")
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        return upload.read(), upload.name
    return None


@login_required
@require_http_methods(["GET", "POST"])
def case_import(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    confirmed = "payload" in request.POST
    uploading = request.method == "POST" and not confirmed
    form = CaseImportForm(request.POST, request.FILES) if uploading else CaseImportForm()
    table = _posted_table(request, form)
    if table is None:
        return render_page(request, "cases/case_import.html", membership, form=form)
    data, filename = table
    result = case_services.cases_import_file(
        project=membership.project, data=data, filename=filename, confirmed=confirmed
    )
    if result.counts is not None:
        messages.success(request, _imported_message(**result.counts))
        return redirect("cases:case-list", project=project)
    context = {"records": result.records, "problems": result.problem_texts()}
    context.update(columns=result.columns)
    context.update(payload=base64.b64encode(data).decode(), filename=filename)
    return render_page(request, "cases/case_import.html", membership, form=form, **context)


@login_required
@require_GET
def case_export(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    fmt = request.GET.get("format", "csv")
    if fmt not in {"csv", "xlsx"}:
        return unknown_format(fmt, ["csv", "xlsx"])
    rows = case_selectors.cases_export_rows(project=membership.project, typed=fmt == "xlsx")
    name = slugify(membership.project.title) or "project"
    audit_export(
        project=membership.project_id,
        actor=request.user,
        export="cases",
        fmt=fmt,
        rows=max(len(rows) - 1, 0),
        anonymized=membership.project.anonymize,
    )
    if fmt == "xlsx":
        book = tabular.write_xlsx(rows, title=pgettext("sheet name", "Cases"))
        return download(book, f"{name}-cases.xlsx", exports.FORMATS["xlsx"][0])
    return csv_download(rows, f"{name}-cases.csv")


def _imported_message(*, created: int, updated: int) -> str:
    return _("Imported: %(created)s, %(updated)s.") % {
        "created": ngettext("%(n)s new case", "%(n)s new cases", created) % {"n": created},
        "updated": ngettext("%(n)s updated", "%(n)s updated", updated) % {"n": updated},
    }
