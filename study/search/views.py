"""The search page: documents holding the query's terms, with keyword-in-context lines."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from research.access import Capability, access_project, can_for
from study.search.forms import SearchForm
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
                membership=membership, query=form.cleaned_data["q"], documents=form.documents()
            )
        except QueryError:
            form.add_error(
                "q", _("Type a word to search for: the query holds no letters or digits.")
            )
    context = {"membership": membership, "project": membership.project, "form": form}
    context.update(can=can_for(membership), results=results)
    return render(request, "study/search.html", context)
