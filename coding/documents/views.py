from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coding.documents import selectors, services
from coding.documents.forms import (
    DocumentBulkForm,
    DocumentEditForm,
    DocumentReplaceForm,
    DocumentUploadForm,
    language_label,
)
from coding.documents.reading import reading_html, speaker_summary
from coding.models import Document, DocumentKind, DocumentStatus
from research.access import Capability, access_project, has_capability, sees_all_codings
from research.models import Membership


def _document(membership: Membership, code: uuid.UUID, *, with_text: bool = False) -> Document:
    document = selectors.document_for_reading(
        project=membership.project, code=code, with_text=with_text
    )
    if document is None:
        raise Http404
    return document


def _context(membership: Membership, **extra) -> dict:
    return {
        "membership": membership,
        "project": membership.project,
        "can_manage": has_capability(membership, Capability.MANAGE),
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
        _report_failed_uploads(request, project, rows)
    context = _context(
        membership,
        rows=rows,
        kind=kind,
        kinds=DocumentKind.choices,
        busy=any(row.busy for row in rows),
    )
    return render(request, template, context)


def _uploaded_key(project: uuid.UUID) -> str:
    return f"uploaded-documents:{project}"


def _report_failed_uploads(request: HttpRequest, project: uuid.UUID, rows) -> None:
    """Once, on the page an upload redirects to: name each file of that upload whose reading
    already failed (eager jobs, or a fast worker), so the reason is not missed in a long list."""
    uploaded = set(request.session.pop(_uploaded_key(project), []))
    for row in rows:
        if row.status == DocumentStatus.FAILED and str(row.document.code) in uploaded:
            name = row.document.original_name or row.document.title
            messages.error(
                request,
                _("“%(name)s” could not be read: %(reason)s") % {"name": name, "reason": row.error},
            )


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = DocumentUploadForm(
        request.POST or None, request.FILES or None, project=membership.project
    )
    if request.method == "POST" and form.is_valid():
        outcome = services.documents_upload(
            project=membership.project,
            uploaded_by=request.user,
            files=form.cleaned_data["files"],
            metadata=form.details(),
            title=form.cleaned_data["title"],
            upload_duplicates=form.cleaned_data["upload_duplicates"],
        )
        for sentence in outcome.refused:
            messages.error(request, sentence)
        for sentence in outcome.skipped:
            messages.warning(request, sentence)
        if outcome.created:
            count = len(outcome.created)
            messages.success(
                request,
                ngettext(
                    "%(count)d file uploaded; its text is being read.",
                    "%(count)d files uploaded; their text is being read.",
                    count,
                )
                % {"count": count},
            )
            # The list reports, once, those of these files whose reading has already failed.
            request.session[_uploaded_key(project)] = [str(d.code) for d in outcome.created]
            return redirect("coding:document-list", project=project)
    limit = services.file_size_text(settings.UPLOAD_MAX_BYTES)
    context = _context(membership, form=form, upload_limit=limit)
    return render(request, "coding/documents/document_upload.html", context)


@login_required
@require_GET
def document_detail(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    doc = _document(membership, document, with_text=True)
    body = reading_html(text=doc.text, pages=doc.pages, paragraphs=doc.paragraphs, turns=doc.turns)
    context = _context(
        membership,
        document=doc,
        body=body,
        speakers=speaker_summary(doc.turns),
        language=language_label(doc.language),
        cases=list(doc.cases.all()) if hasattr(doc, "cases") else [],
        show_excerpt_count=sees_all_codings(membership),
    )
    return render(request, "coding/documents/document_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    doc = _document(membership, document)
    form = DocumentEditForm(request.POST or None, instance=doc, project=membership.project)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if "cases" in form.cleaned_data:
            fields["cases"] = form.cleaned_data["cases"]
        services.document_update(document=doc, **fields)
        messages.success(request, _("Document details saved."))
        return redirect("coding:document-detail", project=project, document=document)
    context = _context(membership, document=doc, form=form)
    return render(request, "coding/documents/document_edit.html", context)


@login_required
@require_GET
def document_download(
    request: HttpRequest, project: uuid.UUID, document: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    doc = _document(membership, document)
    if not doc.original.name or not doc.original.storage.exists(doc.original.name):
        raise Http404
    name = doc.original_name or doc.original.name.rsplit("/", 1)[-1]
    return FileResponse(doc.original.open("rb"), as_attachment=True, filename=name)


@login_required
@require_http_methods(["GET", "POST"])
def document_replace(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    doc = _document(membership, document)
    refusal = services.coded_refusal(excerpt_count=doc.excerpt_total) if doc.excerpt_total else ""
    form = DocumentReplaceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not refusal and form.is_valid():
        upload = form.cleaned_data["file"]
        refusal = services.upload_refusal(name=upload.name, size=upload.size)
        data = b"" if refusal else upload.read()
        refusal = refusal or services.content_refusal(name=upload.name, data=data)
        if not refusal:
            try:
                services.document_replace_file(
                    document=doc, replaced_by=request.user, name=upload.name, data=data
                )
            except ValidationError as exc:
                refusal = " ".join(exc.messages)
            else:
                messages.success(request, _("File replaced; its text is being read again."))
                return redirect("coding:document-detail", project=project, document=document)
        messages.error(request, refusal)
    context = _context(membership, document=doc, form=form, refusal=refusal)
    return render(request, "coding/documents/document_replace.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    doc = _document(membership, document)
    if request.method == "POST" and (request.POST.get("confirm") or not doc.excerpt_total):
        services.documents_delete(documents=[doc])
        messages.success(request, _("“%(title)s” deleted.") % {"title": doc.title})
        return redirect("coding:document-list", project=project)
    context = _context(
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
    if form.cleaned_data["action"] == "set_kind":
        kind = form.cleaned_data["kind"]
        count = services.documents_set_kind(documents=chosen, kind=kind)
        messages.success(
            request,
            ngettext(
                "%(count)d document is now “%(kind)s”.",
                "%(count)d documents are now “%(kind)s”.",
                count,
            )
            % {"count": count, "kind": DocumentKind(kind).label},
        )
        return redirect("coding:document-list", project=project)
    if not form.cleaned_data["confirm"]:  # deleting always asks once, naming what goes
        context = _context(
            membership,
            documents=chosen,
            excerpt_total=sum(d.excerpt_total for d in chosen),
            action_url=request.path,
            bulk=True,
        )
        return render(request, "coding/documents/document_delete.html", context)
    deleted, excerpts = services.documents_delete(documents=chosen)
    messages.success(
        request,
        _("%(documents)s deleted, with %(excerpts)s.")
        % {
            "documents": ngettext("%d document", "%d documents", deleted) % deleted,
            "excerpts": ngettext("%d excerpt", "%d excerpts", excerpts) % excerpts,
        },
    )
    return redirect("coding:document-list", project=project)
