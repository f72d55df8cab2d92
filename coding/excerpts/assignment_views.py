"""Assignments: the lead's document × coder grid, and a coder's own documents with "done"."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import npgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coding.access import access_document
from coding.excerpts import assignments as assignment_services
from coding.excerpts import selectors
from coding.labels import document_label
from coding.models import Assignment
from research.access import Capability, access_project


@login_required
@require_http_methods(["GET", "POST"])
def assignments(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    documents, coders, assigned = selectors.assignment_matrix(project=membership.project)
    if request.method == "POST":
        pairs = _assigned_pairs(request, documents)
        try:
            added, removed = assignment_services.assignments_set(
                project=membership.project, pairs=pairs
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _saved_message(added, removed))
        return redirect("coding:assignments", project=project)
    rows = [(d, [(m, (d.pk, m.user_id) in assigned) for m in coders]) for d in documents]
    return render(
        request,
        "coding/excerpts/assignments.html",
        {"membership": membership, "project": membership.project, "coders": coders, "rows": rows},
    )


def _assigned_pairs(request: HttpRequest, documents) -> set[tuple[int, int]]:
    # Each checked box is "<document code>:<user id>"; anything else is ignored.
    by_code = {str(d.code): d.pk for d in documents}
    pairs = set()
    for value in request.POST.getlist("assign"):
        doc_code, _sep, user_id = value.partition(":")
        if doc_code in by_code and user_id.isdigit():
            pairs.add((by_code[doc_code], int(user_id)))
    return pairs


@login_required
@require_GET
def my_documents(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    return render(
        request,
        "coding/excerpts/my_documents.html",
        {
            "membership": membership,
            "project": membership.project,
            "assignments": selectors.my_assignments(membership=membership),
            "last_deleted": selectors.excerpt_last_deleted(
                project=membership.project, user=request.user
            )
            is not None,
        },
    )


@login_required
@require_POST
def assignment_done(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    doc = access_document(membership, document)
    assignment = Assignment.objects.filter(document=doc, coder=request.user).first()
    if assignment is None:
        messages.error(request, _("This document is not assigned to you."))
        return redirect("coding:my-documents", project=project)
    done = request.POST.get("done", "1") != "0"
    assignment_services.assignment_mark_done(assignment=assignment, done=done)
    title = document_label(doc, membership)
    if done:
        messages.success(request, _("“%(title)s” marked as done.") % {"title": title})
    else:
        messages.success(request, _("“%(title)s” reopened.") % {"title": title})
    return redirect("coding:my-documents", project=project)


def _saved_message(added: int, removed: int) -> str:
    return _("Assignments saved: %(added)s, %(removed)s.") % {
        "added": npgettext("assignments", "%(n)d added", "%(n)d added", added) % {"n": added},
        "removed": npgettext("assignments", "%(n)d removed", "%(n)d removed", removed)
        % {"n": removed},
    }
