"""Pages that span the apps: a document with its cases, the project export and its restore."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.links import document_cases
from coding.documents import feedback
from coding.documents.forms import DocumentEditForm, DocumentUploadForm
from coding.documents.services import file_size_text
from coding.documents.views import document_of, page_context
from research import jobs
from research.access import Capability, access_project, may_restore_projects
from research.audit import audit_export
from research.http import unknown_format
from study import services
from study.forms import DocumentCasesForm, ProjectRestoreForm
from study.jobs import PROJECT_EXPORT, QDPX_EXPORT, export_file_path
from study.restore import RestoreError, project_restore_file

EXPORT_FORMATS = {"json": PROJECT_EXPORT, "qdpx": QDPX_EXPORT}


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    cases_form = DocumentCasesForm(request.POST or None, project=membership.project)
    if request.method == "POST" and all([form.is_valid(), cases_form.is_valid()]):
        outcome = services.documents_upload(
            project=membership.project,
            uploaded_by=request.user,
            files=form.cleaned_data["files"],
            metadata=form.details(),
            title=form.cleaned_data["title"],
            upload_duplicates=form.cleaned_data["upload_duplicates"],
            cases=cases_form.cleaned_data["cases"],
        )
        feedback.upload_report(request, project=project, outcome=outcome)
        if outcome.created:
            return redirect("coding:document-list", project=project)
    limit = file_size_text(settings.UPLOAD_MAX_BYTES)
    context = page_context(membership, form=form, cases_form=cases_form, upload_limit=limit)
    return render(request, "study/document_upload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    doc = document_of(membership, document)
    form = DocumentEditForm(request.POST or None, instance=doc)
    cases_form = DocumentCasesForm(
        request.POST or None,
        project=membership.project,
        initial={"cases": document_cases(document=doc)},
    )
    if request.method == "POST" and all([form.is_valid(), cases_form.is_valid()]):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.document_details_update(
            document=doc, cases=cases_form.cleaned_data["cases"], **fields
        )
        messages.success(request, _("Document details saved."))
        return redirect("coding:document-detail", project=project, document=document)
    context = page_context(membership, document=doc, form=form, cases_form=cases_form)
    return render(request, "study/document_edit.html", context)


@login_required
@require_POST
def project_export(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    fmt = request.POST.get("format", "json")
    if fmt not in EXPORT_FORMATS:
        return unknown_format(fmt, EXPORT_FORMATS)
    # REFI-QDA positions count code points; NVivo counts UTF-16 units (emoji count 2).
    params = {"utf16": request.POST.get("positions") == "utf16"} if fmt == "qdpx" else {}
    job = jobs.job_enqueue(
        kind=EXPORT_FORMATS[fmt],
        project=membership.project,
        requested_by=request.user,
        params=params,
    )
    return redirect("research:job-detail", project=project, job=job.code)


@login_required
@require_GET
def project_export_download(
    request: HttpRequest, project: uuid.UUID, job: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    path = export_file_path(project=membership.project, job=job)
    if path is None:
        raise Http404
    fmt = "qdpx" if path.suffix == ".qdpx" else path.suffix.lstrip(".")
    audit_export(
        project=membership.project_id,
        actor=request.user,
        export="project",
        fmt=fmt,
        job=str(job),
        bytes=path.stat().st_size,
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@login_required
@require_http_methods(["GET", "POST"])
def project_restore(request: HttpRequest) -> HttpResponse:
    if not may_restore_projects(request.user):
        raise PermissionDenied
    form = ProjectRestoreForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.UPLOAD_MAX_BYTES:
                raise RestoreError(_too_large(upload.size))
            restored = project_restore_file(content=upload.read(), owner=request.user)
        except RestoreError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("Project restored. You are its owner."))
            return redirect("research:project-detail", project=restored.code)
    return render(request, "study/project_restore.html", {"form": form})


def _too_large(size: int) -> str:
    return _(
        "The file is %(size)s, more than the %(limit)s this page takes. Ask an administrator to "
        "restore it with `manage.py project_import`."
    ) % {"size": file_size_text(size), "limit": file_size_text(settings.UPLOAD_MAX_BYTES)}
