"""The search page: documents holding the query's terms, with keyword-in-context lines."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from research.access import Capability, access_object, access_project, can_for, limit_to_scope
from study.models import AutoCodeBatch
from study.search import services
from study.search.forms import SEARCH_FIELDS, AutoCodeForm, SearchForm
from study.search.query import QueryError
from study.search.selectors import search_documents


@login_required
@require_GET
def search(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    form = SearchForm(request.GET if "q" in request.GET else None, membership=membership)
    results = None
    if form.is_bound and form.is_valid():
        try:
            results = search_documents(
                membership=membership,
                query=form.cleaned_data["q"],
                documents=form.documents(),
                coded=form.coded_filter(),
            )
        except QueryError:
            form.add_error(
                "q", _("Type a word to search for: the query holds no letters or digits.")
            )
    context = {"membership": membership, "project": membership.project, "form": form}
    context.update(can=can_for(membership), results=results)
    if results and context["can"].code:
        context.update(_autocode_context(request, membership))
    return render(request, "study/search.html", context)


def _autocode_context(request: HttpRequest, membership) -> dict:
    """The auto-coding form under the hits, and the member's recent batches to undo."""
    batches = AutoCodeBatch.objects.filter(
        project=membership.project, user=request.user, undone_at=None
    ).select_related("coding_code")
    form = AutoCodeForm(initial=request.GET.dict(), membership=membership)
    return {"autocode_form": form, "batches": batches[:5], "search_fields": SEARCH_FIELDS}


def _back(form: AutoCodeForm | None, project: uuid.UUID, params: dict | None = None):
    query = urlencode(params if params is not None else form.search_params())  # type: ignore[union-attr]
    return redirect(f"{reverse('study:search', kwargs={'project': project})}?{query}")


def _error(exc: Exception) -> str:
    if isinstance(exc, QueryError):
        return _("Type a word to search for: the query holds no letters or digits.")
    return " ".join(exc.messages)  # type: ignore[attr-defined]


def _preview(request, membership, form: AutoCodeForm, plan, status: int = 200) -> HttpResponse:
    context = {"membership": membership, "project": membership.project, "form": form}
    context.update(plan=plan, hits=form.hidden_hits(), search=urlencode(form.search_params()))
    return render(request, "study/autocode_preview.html", context, status=status)


@login_required
@require_GET
def autocode_preview(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    """What auto-coding the hits would create, with duplicates marked; writes nothing."""
    membership = access_project(request.user, project, Capability.CODE)
    form = AutoCodeForm(request.GET, membership=membership)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return _back(form, project)
    try:
        plan = services.autocode_plan(membership=membership, **form.plan_args())
    except (QueryError, ValidationError) as exc:
        messages.error(request, _error(exc))
        return _back(form, project)
    return _preview(request, membership, form, plan)


@login_required
@require_POST
def autocode(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    """Confirm the previewed auto-coding; a preview gone stale is shown again (409)."""
    membership = access_project(request.user, project, Capability.CODE)
    form = AutoCodeForm(request.POST, membership=membership)
    if not form.is_valid() or not form.cleaned_data["plan"]:
        errors = [e for errs in form.errors.values() for e in errs]
        messages.error(request, " ".join(errors) or _("Preview the auto-coding, then confirm it."))
        return _back(form, project)
    try:
        batch = services.autocode_confirm(
            membership=membership,
            fingerprint=form.cleaned_data["plan"],
            planned=request.POST.get("planned", ""),
            **form.plan_args(),
        )
    except services.PlanChanged as exc:
        messages.warning(request, str(exc))
        return _preview(request, membership, form, exc.plan, status=409)
    except (QueryError, ValidationError) as exc:
        messages.error(request, _error(exc))
    else:
        messages.success(request, autocode_message(batch))
    return _back(form, project)


@login_required
@require_POST
def autocode_undo(request: HttpRequest, project: uuid.UUID, batch: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    # One's own auto-coding; those who may change others' excerpts may undo anyone's.
    batches = limit_to_scope(
        AutoCodeBatch.objects.all(), membership, for_edit=True, coder_field="user"
    )
    target = access_object(membership, batches, code=batch)
    try:
        result = services.autocode_undo(batch=target, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, undo_message(result))
    return _back(None, project, {"q": target.query})


def autocode_message(batch: AutoCodeBatch) -> str:
    created, skipped = len(batch.excerpts), batch.skipped
    coded = ngettext(
        "Coded %(n)d passage with “%(code)s”", "Coded %(n)d passages with “%(code)s”", created
    ) % {"n": created, "code": batch.coding_code.name if batch.coding_code else ""}
    already = ngettext("%(n)d was coded so already", "%(n)d were coded so already", skipped) % {
        "n": skipped
    }
    return _("%(coded)s; %(already)s.") % {"coded": coded, "already": already}


def undo_message(result: services.UndoResult) -> str:
    removed = ngettext(
        "Removed %(n)d auto-coded passage", "Removed %(n)d auto-coded passages", result.deleted
    ) % {"n": result.deleted}
    kept = ngettext(
        "%(n)d changed since was kept", "%(n)d changed since were kept", result.kept
    ) % {"n": result.kept}
    return _("%(removed)s; %(kept)s.") % {"removed": removed, "kept": kept}
