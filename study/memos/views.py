"""Project memos: the list (searchable), writing one, changing or deleting one's own."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from research.access import Capability, access_object, access_project, can_for, limit_to_scope
from study.memos import selectors, services
from study.memos.forms import MemoForm
from study.models import ProjectMemo


def _page(request, template: str, membership, **context) -> HttpResponse:
    context.update(membership=membership, project=membership.project, can=can_for(membership))
    return render(request, template, context)


def _own_memo(membership, memo: uuid.UUID) -> ProjectMemo:
    """A memo the member may change: their own, or any for those who manage the project."""
    memos = limit_to_scope(
        ProjectMemo.objects.all(), membership, for_edit=True, coder_field="created_by"
    )
    return access_object(membership, memos, code=memo)


@login_required
@require_GET
def memo_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    query = request.GET.get("q", "").strip()
    memos = selectors.memo_list(membership=membership, query=query)
    return _page(request, "study/memo_list.html", membership, memos=memos, q=query)


@login_required
@require_http_methods(["GET", "POST"])
def memo_create(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    form = MemoForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.memo_create(
                project=membership.project,
                user=request.user,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                links=form.links(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("study:memo-list", project=project)
    return _page(request, "study/memo_form.html", membership, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def memo_edit(request: HttpRequest, project: uuid.UUID, memo: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    target = _own_memo(membership, memo)
    form = MemoForm(request.POST or None, instance=target, membership=membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.memo_update(
                memo=target, title=data["title"], text=data["text"], links=form.links()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("study:memo-list", project=project)
    return _page(request, "study/memo_form.html", membership, form=form, memo=target)


@login_required
@require_POST
def memo_delete(request: HttpRequest, project: uuid.UUID, memo: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    services.memo_delete(memo=_own_memo(membership, memo))
    return redirect("study:memo-list", project=project)
