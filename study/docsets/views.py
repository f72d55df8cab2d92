"""The document sets page: the sets with their documents, making, editing and deleting one."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coding.labels import labels_for
from coding.models import Document, DocumentSet
from research.access import Capability, access_object, access_project, can_for
from study.docsets import services


class DocumentSetForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to pick several, or to take one out of the set."),
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        documents = Document.objects.filter(project=membership.project).order_by("title")
        self.fields["documents"].queryset = documents.defer("text")
        self.fields["documents"].label_from_instance = labels_for(membership).document


class DocumentSetEditForm(DocumentSetForm):
    # The version the lead started from: a set changed meanwhile is not overwritten unseen.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _page(request, membership, status: int = 200, **context) -> HttpResponse:
    fields = ("pk", "code", "title", "kind", "page_count")  # what coding.labels reads
    titles = Document.objects.only(*fields).order_by("title", "pk")
    sets = DocumentSet.objects.filter(project=membership.project).prefetch_related(
        Prefetch("documents", queryset=titles)
    )
    context.update(membership=membership, project=membership.project, can=can_for(membership))
    return render(request, "study/document_sets.html", {"sets": sets, **context}, status=status)


def _edit_form(request, membership, target: DocumentSet) -> DocumentSetEditForm:
    documents = list(target.documents.all())
    initial = {"name": target.name, "documents": documents, "version": target.version}
    return DocumentSetEditForm(request.POST or None, membership=membership, initial=initial)


def _conflict(request, membership, form, exc: services.DocumentSetConflict) -> HttpResponse:
    """409: another lead changed the set first. The page shows the set as it is now and keeps
    this lead's choices (now against the current version), to look over and save again."""
    data = request.POST.copy()
    data["version"] = str(exc.current.version)
    form = DocumentSetEditForm(data, membership=membership)
    return _page(request, membership, 409, form=form, editing=exc.current, stale=True)


@login_required
@require_GET
def document_set_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    return _page(request, membership)


@login_required
@require_http_methods(["GET", "POST"])
def document_set_create(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = DocumentSetForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.document_set_create(
                project=membership.project,
                user=request.user,
                name=data["name"],
                documents=data["documents"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("study:document-set-list", project=project)
    return _page(request, membership, 400 if request.method == "POST" else 200, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def document_set_edit(request: HttpRequest, project: uuid.UUID, docset: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    target = access_object(membership, DocumentSet.objects.all(), code=docset)
    form = _edit_form(request, membership, target)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.document_set_update(
                document_set=target,
                version=data["version"],
                name=data["name"],
                documents=data["documents"],
            )
        except services.DocumentSetConflict as exc:
            return _conflict(request, membership, form, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("study:document-set-list", project=project)
    status = 400 if request.method == "POST" else 200
    return _page(request, membership, status, form=form, editing=target)


@login_required
@require_POST
def document_set_delete(
    request: HttpRequest, project: uuid.UUID, docset: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    target = access_object(membership, DocumentSet.objects.all(), code=docset)
    services.document_set_delete(document_set=target)
    return redirect("study:document-set-list", project=project)
