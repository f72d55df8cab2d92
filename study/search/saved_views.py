"""The saved searches: the project's list, saving the search shown, rerunning and deleting one."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F, FilteredRelation, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from research.access import Capability, access_object, access_project, can_for, limit_to_scope
from study.models import SavedSearch
from study.search import saved
from study.search.forms import SavedSearchForm, SearchForm
from study.search.query import QueryError
from study.search.selectors import search_documents


@login_required
@require_GET
def saved_search_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    searches = (
        SavedSearch.objects.filter(project=membership.project)
        .select_related("created_by")
        .annotate(mine=FilteredRelation("looks", condition=Q(looks__user=request.user)))
        .annotate(looked_at=F("mine__looked_at"))
    )
    context = {"membership": membership, "project": membership.project, "searches": searches}
    context["can"] = can_for(membership)
    return render(request, "study/saved_searches.html", context)


@login_required
@require_POST
def saved_search_create(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    form = SavedSearchForm(request.POST, membership=membership)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(reverse("study:saved-search-list", kwargs={"project": project}))
    data = form.cleaned_data
    try:
        search = saved.saved_search_create(
            membership=membership, name=data["name"], query=data["q"], filters=form.data
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("study:saved-search-list", kwargs={"project": project}))
    messages.success(request, _("Saved the search “%(name)s”.") % {"name": search.name})
    return redirect(_run_url(search))


def _run_url(search: SavedSearch) -> str:
    return reverse(
        "study:saved-search-run", kwargs={"project": search.project.code, "saved": search.code}
    )


@login_required
@require_GET
def saved_search_run(request: HttpRequest, project: uuid.UUID, saved: uuid.UUID) -> HttpResponse:
    """Rerun a saved search: the hits new since the member last looked (all with ?all=1)."""
    membership = access_project(request.user, project, Capability.VIEW)
    search = access_object(membership, SavedSearch.objects.all(), code=saved)
    params = {"q": search.query, **search.filters}
    form = SearchForm(params, membership=membership)
    context = {"membership": membership, "project": membership.project, "search": search}
    context.update(can=can_for(membership), show_all="all" in request.GET, params=urlencode(params))
    if not form.is_valid():  # a case or document set deleted since, say
        context["problem"] = " ".join(e for errs in form.errors.values() for e in errs)
    else:
        context["rerun"] = _rerun(membership, form, search, show_all=context["show_all"])
    return render(request, "study/saved_search.html", context)


def _rerun(membership, form: SearchForm, search: SavedSearch, *, show_all: bool):
    try:
        results = search_documents(
            membership=membership,
            query=form.cleaned_data["q"],
            documents=form.documents(),
            shown=None,
            coded=form.coded_filter(),
        )
    except QueryError:
        return None
    return saved.saved_search_rerun(
        search=search, user=membership.user, results=results, show_all=show_all
    )


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, project: uuid.UUID, saved: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    # One's own saved search; those who may change others' work may delete anyone's.
    searches = limit_to_scope(
        SavedSearch.objects.all(), membership, for_edit=True, coder_field="created_by"
    )
    search = access_object(membership, searches, code=saved)
    search.delete()
    messages.success(request, _("Deleted the saved search “%(name)s”.") % {"name": search.name})
    return redirect(reverse("study:saved-search-list", kwargs={"project": project}))
