"""The document sets page: the sets with their documents, making one, deleting one."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coding.models import Document
from research.access import Capability, access_object, access_project, can_for
from study.docsets import services
from study.models import DocumentSet


class DocumentSetForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents"), queryset=None, widget=forms.SelectMultiple(attrs={"size": 10})
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        documents = Document.objects.filter(project=membership.project).order_by("title")
        self.fields["documents"].queryset = documents


def _page(request, membership, **context) -> HttpResponse:
    sets = DocumentSet.objects.filter(project=membership.project).prefetch_related("documents")
    context.update(membership=membership, project=membership.project, can=can_for(membership))
    return render(request, "study/document_sets.html", {"sets": sets, **context})


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
    return _page(request, membership, form=form)


@login_required
@require_POST
def document_set_delete(
    request: HttpRequest, project: uuid.UUID, docset: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    target = access_object(membership, DocumentSet.objects.all(), code=docset)
    services.document_set_delete(document_set=target)
    return redirect("study:document-set-list", project=project)
