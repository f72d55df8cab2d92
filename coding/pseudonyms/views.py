"""The pseudonym pages: the project's list with suggestions (leads and owners), applying it,
and the original texts (owners only)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from coding.access import access_document
from coding.models import Pseudonym
from coding.pseudonyms import selectors, services
from coding.pseudonyms.forms import PolicyForm, PseudonymForm
from research.access import Capability, access_project, has_capability


def _list_page(request: HttpRequest, membership, form: PseudonymForm) -> HttpResponse:
    project = membership.project
    pseudonyms = selectors.pseudonym_list(project=project)
    context = {
        "membership": membership,
        "project": project,
        "form": form,
        "pseudonyms": pseudonyms,
        # Suggestions are numbered after the list, so one click never reuses a replacement.
        "first_number": len(pseudonyms) + 1,
        "suggestions": selectors.project_suggestions(project=project),
        "documents": selectors.document_states(project=project),
        "is_owner": has_capability(membership, Capability.ADMINISTER),
        "policy_form": PolicyForm(
            initial={"original_export": selectors.original_export_allowed(project=project)}
        ),
    }
    return render(request, "coding/pseudonyms/pseudonym_list.html", context)


@login_required
@require_GET
def pseudonym_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    return _list_page(request, membership, PseudonymForm())


@login_required
@require_POST
def pseudonym_add(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = PseudonymForm(request.POST)
    if form.is_valid():
        try:
            services.pseudonym_add(
                project=membership.project, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error("original", exc)
    if not form.is_valid():
        return _list_page(request, membership, form)
    added = form.cleaned_data["original"]
    messages.success(request, _("Added “%(s)s” to the list.") % {"s": added})
    return redirect("coding:pseudonym-list", project=project)


@login_required
@require_POST
def pseudonym_remove(request: HttpRequest, project: uuid.UUID, pseudonym: int) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    entry = get_object_or_404(Pseudonym, pk=pseudonym, project=membership.project)
    services.pseudonym_remove(pseudonym=entry)
    messages.success(
        request,
        _("Removed “%(s)s”. Texts already pseudonymised keep their replacement.")
        % {"s": entry.original},
    )
    return redirect("coding:pseudonym-list", project=project)


@login_required
@require_POST
def document_pseudonymise(
    request: HttpRequest, project: uuid.UUID, document: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    doc = access_document(membership, document)
    try:
        outcome = services.document_pseudonymise(document_id=doc.pk, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _pseudonymised_message(outcome))
    return redirect("coding:document-detail", project=project, document=document)


@login_required
@require_POST
def pseudonym_policy(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.ADMINISTER)
    form = PolicyForm(request.POST)
    form.is_valid()  # a checkbox: anything else means off
    allowed = bool(form.cleaned_data.get("original_export"))
    services.policy_set(project=membership.project, original_export=allowed)
    messages.success(request, _("Saved."))
    return redirect("coding:pseudonym-list", project=project)


@login_required
@require_GET
def document_original(
    request: HttpRequest, project: uuid.UUID, document: uuid.UUID
) -> HttpResponse:
    """The text before pseudonymisation: owners only."""
    membership = access_project(request.user, project, Capability.ADMINISTER)
    doc = access_document(membership, document)
    versions = list(services.original_versions(document=doc))
    if not versions:
        messages.info(request, _("This document has no original text kept apart."))
        return redirect("coding:document-detail", project=project, document=document)
    number = request.GET.get("version", "")
    shown = next((v for v in versions if str(v.number) == number), versions[0])
    context = {
        "membership": membership,
        "project": membership.project,
        "document": doc,
        "versions": versions,
        "shown": shown,
        "may_download": selectors.original_export_allowed(project=membership.project),
    }
    return render(request, "coding/pseudonyms/document_original.html", context)


@login_required
@require_GET
def document_original_download(
    request: HttpRequest, project: uuid.UUID, document: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.ADMINISTER)
    doc = access_document(membership, document)
    versions = list(services.original_versions(document=doc))
    if not versions or not selectors.original_export_allowed(project=membership.project):
        messages.error(request, _("The project does not allow downloading original texts."))
        return redirect("coding:document-detail", project=project, document=document)
    shown = next((v for v in versions if str(v.number) == request.GET.get("version")), versions[0])
    response = HttpResponse(services.original_label(shown) + shown.text, content_type="text/plain")
    name = f"ORIGINAL-identifying-{doc.code}-v{shown.number}.txt"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def document_original_delete(
    request: HttpRequest, project: uuid.UUID, document: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.ADMINISTER)
    doc = access_document(membership, document)
    try:
        deleted = services.document_original_delete(document=doc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        done = ngettext(
            "Deleted %(n)d original text and the uploaded file.",
            "Deleted %(n)d original texts and the uploaded file.",
            deleted,
        ) % {"n": deleted}
        messages.success(request, done)
    return redirect("coding:document-detail", project=project, document=document)


def _pseudonymised_message(outcome: dict) -> str:
    replaced, moved = outcome["replaced"], outcome["excerpts_moved"]
    return _("Pseudonymised: %(replaced)s, %(moved)s.") % {
        "replaced": ngettext("%(n)d string replaced", "%(n)d strings replaced", replaced)
        % {"n": replaced},
        "moved": ngettext(
            "%(n)d excerpt moved with its words", "%(n)d excerpts moved with their words", moved
        )
        % {"n": moved},
    }
