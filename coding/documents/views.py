"""The document pages of the coding app. Uploading and editing a document's details combine
it with its cases, so those two pages are in `study/views.py`."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coding.documents import feedback, selectors, services
from coding.documents.forms import (
    OCR_LANGUAGES,
    DocumentBulkForm,
    DocumentReplaceForm,
    language_label,
)
from coding.documents.reading import reading_html, speaker_summary
from coding.models import Document, DocumentKind
from research.access import Capability, access_project, has_capability, sees_all_codings
from research.audit import AuditAction, audit_record
from research.models import Membership


def document_of(membership: Membership, code: uuid.UUID, *, with_text: bool = False) -> Document:
    """The project's document for a page, or 404."""
    document = selectors.document_for_reading(
        project=membership.project, code=code, with_text=with_text
    )
    if document is None:
        raise Http404
    return document


def _audit(request, membership: Membership, doc: Document, action: str, **detail) -> None:
    """Reading and downloading a document go on the project's audit trail (one INSERT)."""
    audit_record(
        project=membership.project_id,
        actor=request.user,
        action=action,
        target=doc.title,
        target_id=doc.code,
        detail=detail,
    )


def page_context(membership: Membership, **extra) -> dict:
    return {
        "membership": membership,
        "project": membership.project,
        "can_manage": has_capability(membership, Capability.MANAGE),
        "can_administer": has_capability(membership, Capability.ADMINISTER),
        **extra,
    }


@login_required
@require_GET
def document_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    kind = request.GET.get("kind", "")
    kind = kind if kind in DocumentKind.values else ""
    rows = selectors.document_rows(
        project=membership.project, kind=kind, with_excerpt_counts=sees_all_codings(membership)
    )
    template = "coding/documents/document_list.html"
    if request.headers.get("HX-Request"):
        template += "#document-table"
    else:
        feedback.failed_uploads_report(request, project=project, rows=rows)
    busy = any(row.busy for row in rows)
    context = page_context(membership, rows=rows, kind=kind, kinds=DocumentKind.choices, busy=busy)
    return render(request, template, context)


@login_required
@require_GET
def document_detail(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    doc = document_of(membership, document, with_text=True)
    _audit(request, membership, doc, AuditAction.DOCUMENT_VIEW)
    body = reading_html(
        text=doc.text,
        pages=doc.pages,
        paragraphs=doc.paragraphs,
        turns=doc.turns,
        headings=doc.headings,
    )
    sees_all = sees_all_codings(membership)
    context = page_context(
        membership,
        document=doc,
        body=body,
        ocr_languages=OCR_LANGUAGES,
        ocr_language=dict(OCR_LANGUAGES).get(doc.ocr.get("language", ""), ""),
        speakers=speaker_summary(doc.turns),
        language=language_label(doc.language),
        show_excerpt_count=sees_all,
        flagged=selectors.flagged_excerpts(document=doc) if sees_all else [],
    )
    return render(request, "coding/documents/document_detail.html", context)


@login_required
@require_GET
def document_download(
    request: HttpRequest, project: uuid.UUID, document: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    doc = document_of(membership, document)
    if doc.pseudonymised_version is not None:  # the uploaded file names who was pseudonymised
        access_project(request.user, project, Capability.ADMINISTER)
    if not doc.original.name or not doc.original.storage.exists(doc.original.name):
        raise Http404
    name = doc.original_name or doc.original.name.rsplit("/", 1)[-1]
    _audit(request, membership, doc, AuditAction.DOCUMENT_DOWNLOAD, file=name)
    return FileResponse(doc.original.open("rb"), as_attachment=True, filename=name)


@login_required
@require_http_methods(["GET", "POST"])
def document_replace(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    doc = document_of(membership, document)
    refusal = services.coded_refusal(excerpt_count=doc.excerpt_total) if doc.excerpt_total else ""
    form = DocumentReplaceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not refusal and form.is_valid():
        refusal = services.document_replace_upload(
            document=doc, replaced_by=request.user, upload=form.cleaned_data["file"]
        )
        if not refusal:
            messages.success(request, feedback.replaced_sentence())
            return redirect("coding:document-detail", project=project, document=document)
        messages.error(request, refusal)
    context = page_context(membership, document=doc, form=form, refusal=refusal)
    return render(request, "coding/documents/document_replace.html", context)


@login_required
@require_POST
def document_keep_running_lines(
    request: HttpRequest, project: uuid.UUID, document: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    doc = document_of(membership, document)
    try:
        services.document_keep_running_lines(document=doc, requested_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The file is being read again, with its running headers and footers.")
        )
    return redirect("coding:document-detail", project=project, document=document)


@login_required
@require_POST
def document_ocr_again(
    request: HttpRequest, project: uuid.UUID, document: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    doc = document_of(membership, document)
    try:
        services.document_ocr_again(
            document=doc, requested_by=request.user, language=request.POST.get("language", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The scanned pages are being read again by OCR."))
    return redirect("coding:document-detail", project=project, document=document)


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    doc = document_of(membership, document)
    if request.method == "POST" and (request.POST.get("confirm") or not doc.excerpt_total):
        services.documents_delete(documents=[doc], by=request.user)
        messages.success(request, _("“%(title)s” deleted.") % {"title": doc.title})
        return redirect("coding:document-list", project=project)
    context = page_context(
        membership, documents=[doc], excerpt_total=doc.excerpt_total, action_url=request.path
    )
    return render(request, "coding/documents/document_delete.html", context)


@login_required
@require_POST
def document_bulk(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = DocumentBulkForm(request.POST, project=membership.project)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("coding:document-list", project=project)
    chosen = selectors.documents_for_action(
        project=membership.project, codes=[d.code for d in form.cleaned_data["documents"]]
    )
    action, kind = form.cleaned_data["action"], form.cleaned_data["kind"]
    if action == "set_kind":
        count = services.documents_set_kind(documents=chosen, kind=kind)
        messages.success(request, feedback.kind_set_sentence(count=count, kind=kind))
    elif not form.cleaned_data["confirm"]:  # deleting always asks once, naming what goes
        excerpt_total = sum(d.excerpt_total for d in chosen)
        context = page_context(
            membership, documents=chosen, excerpt_total=excerpt_total, action_url=request.path
        )
        return render(request, "coding/documents/document_delete.html", {**context, "bulk": True})
    else:
        deleted, excerpts = services.documents_delete(documents=chosen, by=request.user)
        messages.success(request, feedback.deleted_sentence(documents=deleted, excerpts=excerpts))
    return redirect("coding:document-list", project=project)
