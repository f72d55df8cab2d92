"""Reconciliation pages: the list and the opening form (leads), a reconciliation's progress, and
one document's candidates with their decision forms. Every write is a plain POST form; with
`HX-Request` the candidate's fragment comes back to be swapped in place (also on 400 and 409,
which the page's script lets htmx swap)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coding.access import access_candidate, access_reconciliation, may_decide
from coding.models import Candidate, Code, Reconciliation, ReconciliationDocument
from coding.reconcile import exports, selectors, services
from coding.reconcile.forms import CommentForm, DecisionForm, ReconciliationForm
from research.access import Capability, access_project, has_capability
from research.audit import audit_export
from research.http import unknown_format
from research.models import Membership


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _participant(request: HttpRequest, project: uuid.UUID, code: uuid.UUID):
    membership = access_project(request.user, project, Capability.CODE)
    return membership, access_reconciliation(membership, code)


def _item(reconciliation: Reconciliation, document: uuid.UUID) -> ReconciliationDocument:
    return get_object_or_404(
        ReconciliationDocument.objects.select_related("document", "reconciliation"),
        reconciliation=reconciliation,
        document__code=document,
    )


def _document_url(item: ReconciliationDocument, anchor: str = "") -> str:
    url = reverse(
        "coding:reconciliation-document",
        kwargs={
            "project": item.reconciliation.project.code,
            "reconciliation": item.reconciliation.code,
            "reconciled_document": item.document.code,
        },
    )
    # The page shows a window of the candidates: ask for the one holding the candidate.
    return f"{url}?at={anchor}#c-{anchor}" if anchor else url


def _manager(membership: Membership) -> bool:
    return has_capability(membership, Capability.MANAGE)


@login_required
@require_GET
def reconciliation_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    context = {
        "project": membership.project,
        "membership": membership,
        "reconciliations": selectors.reconciliations_for(membership=membership),
        "form": ReconciliationForm(project=membership.project) if _manager(membership) else None,
    }
    return render(request, "coding/reconcile/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def reconciliation_new(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = ReconciliationForm(request.POST or None, project=membership.project)
    if request.method == "POST" and form.is_valid():
        try:
            opened = services.reconciliation_open(
                project=membership.project, user=request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Reconciliation opened."))
            return redirect("coding:reconciliation", project=project, reconciliation=opened.code)
    context = {"project": membership.project, "membership": membership, "form": form}
    return render(request, "coding/reconcile/new.html", context)


@login_required
@require_GET
def reconciliation(request: HttpRequest, project: uuid.UUID, reconciliation: uuid.UUID):
    membership, target = _participant(request, project, reconciliation)
    context = {
        "project": membership.project,
        "membership": membership,
        "reconciliation": target,
        "coders": list(target.coders.order_by("pk")),
        "progress": selectors.reconciliation_progress(reconciliation=target),
        "manager": _manager(membership),
    }
    return render(request, "coding/reconcile/detail.html", context)


@login_required
@require_GET
def reconciliation_document(
    request: HttpRequest, project: uuid.UUID, reconciliation: uuid.UUID, reconciled_document
) -> HttpResponse:
    membership, target = _participant(request, project, reconciliation)
    item = _item(target, reconciled_document)
    context = _page_context(membership, item)
    page = request.GET.get("page", "")
    context["window"] = selectors.document_window(
        item=item,
        coders=context["coders"],
        page=int(page) if page.isdigit() else None,
        at=request.GET.get("at"),
    )
    context["last_batch"] = selectors.last_batch(item=item)
    return render(request, "coding/reconcile/document.html", context)


def _page_context(membership: Membership, item: ReconciliationDocument) -> dict:
    """What the document page and a candidate's fragment share."""
    reconciliation = item.reconciliation
    return {
        "project": membership.project,
        "membership": membership,
        "reconciliation": reconciliation,
        "item": item,
        "coders": list(reconciliation.coders.order_by("pk")),
        "codes": Code.objects.filter(project_id=membership.project_id).order_by("path"),
        "may_decide": may_decide(membership, reconciliation),
        "manager": _manager(membership),
    }


def _candidate_answer(
    request: HttpRequest, membership: Membership, candidate: Candidate, *, error="", status=200
) -> HttpResponse:
    """The candidate's fragment (htmx) or a redirect to it with the message (no JavaScript)."""
    if not _htmx(request):
        if error:
            messages.error(request, error)
        return redirect(_document_url(candidate.item, str(candidate.code)))
    context = _page_context(membership, candidate.item)
    context["row"] = selectors.candidate_row(candidate=candidate, coders=context["coders"])
    context["error"] = error
    template = "coding/reconcile/document.html#candidate"
    return render(request, template, context, status=status)


def _deciding(request: HttpRequest, project: uuid.UUID, code: uuid.UUID):
    membership = access_project(request.user, project, Capability.CODE)
    candidate = access_candidate(membership, code)
    if not may_decide(membership, candidate.item.reconciliation):
        raise PermissionDenied
    return membership, candidate


@login_required
@require_POST
def candidate_decide(request: HttpRequest, project: uuid.UUID, candidate: uuid.UUID):
    membership, target = _deciding(request, project, candidate)
    form = DecisionForm(request.POST, candidate=target)
    if not form.is_valid():
        error = " ".join(" ".join(errors) for errors in form.errors.values())
        return _candidate_answer(request, membership, target, error=error, status=400)
    try:
        services.decision_make(candidate=target, user=request.user, **form.service_kwargs())
    except services.DecisionConflict as exc:
        return _candidate_answer(request, membership, target, error=str(exc), status=409)
    except ValidationError as exc:
        error = " ".join(exc.messages)
        return _candidate_answer(request, membership, target, error=error, status=400)
    return _candidate_answer(request, membership, target)


@login_required
@require_POST
def candidate_undo(request: HttpRequest, project: uuid.UUID, candidate: uuid.UUID):
    membership, target = _deciding(request, project, candidate)
    decision = target.decisions.filter(undone_at__isnull=True).first()
    error = _("There is no decision to undo.") if decision is None else ""
    if decision is not None:
        try:
            services.decision_undo(decision=decision, user=request.user)
        except (services.DecisionConflict, ValidationError) as exc:
            error = str(exc) if isinstance(exc, services.DecisionConflict) else exc.messages[0]
    return _candidate_answer(request, membership, target, error=error, status=409 if error else 200)


@login_required
@require_POST
def candidate_comment(request: HttpRequest, project: uuid.UUID, candidate: uuid.UUID):
    membership = access_project(request.user, project, Capability.CODE)
    target = access_candidate(membership, candidate)
    form = CommentForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.comment_add(candidate=target, author=request.user, **form.cleaned_data)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(form.errors.get("text", []))
    return _candidate_answer(request, membership, target, error=error, status=400 if error else 200)


@login_required
@require_POST
def agreements_accept(request: HttpRequest, project, reconciliation, reconciled_document):
    membership, target = _participant(request, project, reconciliation)
    if not may_decide(membership, target):
        raise PermissionDenied
    item = _item(target, reconciled_document)
    try:
        _batch, count = services.agreements_accept(item=item, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_document_url(item))
    accepted = ngettext("%(n)d agreement accepted.", "%(n)d agreements accepted.", count)
    messages.success(request, accepted % {"n": count})
    return redirect(_document_url(item))


@login_required
@require_POST
def batch_undo(request: HttpRequest, project, reconciliation, reconciled_document):
    membership, target = _participant(request, project, reconciliation)
    if not may_decide(membership, target):
        raise PermissionDenied
    item = _item(target, reconciled_document)
    try:
        count = services.batch_undo(
            item=item, batch=uuid.UUID(request.POST.get("batch", "")), user=request.user
        )
    except (ValueError, ValidationError):
        messages.error(request, _("There is no bulk accept to undo."))
        return redirect(_document_url(item))
    undone = ngettext(
        "%(n)d accepted agreement undone.", "%(n)d accepted agreements undone.", count
    )
    messages.success(request, undone % {"n": count})
    return redirect(_document_url(item))


@login_required
@require_POST
def document_reopen(request: HttpRequest, project, reconciliation, reconciled_document):
    membership = access_project(request.user, project, Capability.MANAGE)
    item = _item(access_reconciliation(membership, reconciliation), reconciled_document)
    try:
        kept, new = services.reconciliation_reopen_document(item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _recomputed_message(kept, new))
    return redirect(_document_url(item))


@login_required
@require_POST
def reconciliation_close(request: HttpRequest, project, reconciliation) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    target = access_reconciliation(membership, reconciliation)
    services.reconciliation_close(reconciliation=target)
    messages.success(request, _("Reconciliation closed: the coders may edit their codings again."))
    return redirect("coding:reconciliation", project=project, reconciliation=target.code)


@login_required
@require_GET
def consensus_export(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    fmt, part = request.GET.get("format", "csv"), request.GET.get("part", "consensus")
    if fmt not in ("csv", "xlsx"):
        return unknown_format(fmt, ["csv", "xlsx"])
    part = "log" if part == "log" else "consensus"
    header, rows = exports.part_rows(project=membership.project, part=part, fmt=fmt)
    name = "decision-log" if part == "log" else "consensus"
    audit_export(
        project=membership.project_id, actor=request.user, export=name, fmt=fmt, rows=len(rows)
    )
    return exports.response(header, rows, fmt=fmt, name=name, part=part)


def _recomputed_message(kept: int, new: int) -> str:
    return _("Candidates recomputed: %(kept)s, %(new)s.") % {
        "kept": npgettext("candidates", "%(n)d kept", "%(n)d kept", kept) % {"n": kept},
        "new": npgettext("candidates", "%(n)d new", "%(n)d new", new) % {"n": new},
    }
