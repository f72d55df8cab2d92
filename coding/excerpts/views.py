"""Coding in the browser: the coding view, excerpt endpoints, assignments and retrieval.

Every mutating endpoint is a plain form POST (redirects back with a message); the coding view's
JavaScript sends the same fields with `Accept: application/json` and gets JSON back: the excerpt
and a `patch` with only the text chunks the write changed (see `selectors.coding_view_patch`),
which the page swaps in place. When the patch is missing (a new code, a write touching many
chunks) the page reloads its workspace with `HX-Request`, which answers the workspace fragment.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coding.excerpts import exports, selectors, services
from coding.excerpts.forms import ExcerptCreateForm, ExcerptUpdateForm, RetrievalForm
from coding.models import Assignment, Document, DocumentStatus, Excerpt
from research.access import Capability, access_project, has_capability, sees_all_codings
from research.http import unknown_format
from research.models import Membership

DELETED_KEY = "coding.deleted.{project}"
EXPORT_FORMATS = {"csv": exports.csv_response, "xlsx": exports.xlsx_response}


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _document(membership: Membership, code: uuid.UUID) -> Document:
    return get_object_or_404(Document.objects.filter(project=membership.project), code=code)


def _editable_excerpts(membership: Membership) -> QuerySet[Excerpt]:
    """Leads may correct anyone's visible excerpt; everyone else only their own. Others'
    excerpts answer 404, exactly like missing ones."""
    visible = selectors.visible_excerpts(membership=membership)
    if has_capability(membership, Capability.MANAGE):
        return visible
    return visible.filter(coder_id=membership.user_id)


def _excerpt_json(excerpt: Excerpt) -> dict:
    return {
        "id": excerpt.pk,
        "code": str(excerpt.code),
        "start": excerpt.start,
        "end": excerpt.end,
        "text": excerpt.text,
        "memo": excerpt.memo,
        "version": excerpt.version,
        "codes": sorted(str(c) for c in excerpt.codes.values_list("code", flat=True)),
    }


def _coding_url(membership: Membership, document: Document, excerpt: Excerpt | None = None):
    url = reverse(
        "coding:coding-view", kwargs={"project": membership.project.code, "document": document.code}
    )
    return f"{url}#excerpt-{excerpt.code}" if excerpt else url


def _done(request, membership, document, *, excerpt=None, message="", extra=None, ranges=()):
    """Answer a successful write in the form the caller asked for. `ranges` are the offsets the
    write changed (old and new); the JSON answer then carries the patch for the coding view,
    shown with the overlays of the page that asked (its `?coders=` travel with the POST)."""
    if _wants_json(request):
        payload = {"ok": True, "message": message, **(extra or {})}
        if excerpt is not None:
            payload["excerpt"] = _excerpt_json(excerpt)
        if ranges:
            payload["patch"] = selectors.coding_view_patch(
                membership=membership,
                document=document,
                overlay_ids=_overlay_ids(request),
                ranges=ranges,
            )
        return JsonResponse(payload)
    if message:
        messages.success(request, message)
    return redirect(_coding_url(membership, document, excerpt))


def _refused(request, membership, document, error: str, status: int = 400):
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": error}, status=status)
    messages.error(request, error)
    return redirect(_coding_url(membership, document))


def _form_error(form) -> str:
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


def _overlay_ids(request: HttpRequest) -> list[int]:
    # ?coders=3,7 (links) or ?coders=3&coders=7 (the overlay form) both work.
    raw = ",".join(request.GET.getlist("coders"))
    return [int(part) for part in raw.split(",") if part.strip().isdigit()]


@login_required
@require_GET
def coding_view(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    doc = _document(membership, document)
    data = None
    if doc.status == DocumentStatus.READY:
        data = selectors.coding_view_data(
            membership=membership, document=doc, overlay_ids=_overlay_ids(request)
        )
    context = {
        "membership": membership,
        "project": membership.project,
        "document": doc,
        "data": data,
        "may_code": services.may_code_document(membership=membership, document=doc),
        "may_create_codes": services.may_create_codes(membership=membership),
        # Leads correct other coders' excerpts here (the update endpoint allows it).
        "may_edit_others": has_capability(membership, Capability.MANAGE),
        "last_deleted": DELETED_KEY.format(project=project) in request.session,
        "create_form": ExcerptCreateForm(project=membership.project),
    }
    template = "coding/excerpts/coding_view.html"
    if request.headers.get("HX-Request"):
        template += "#workspace"
    return render(request, template, context)


@login_required
@require_POST
def excerpt_create(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    doc = _document(membership, document)
    if not services.may_code_document(membership=membership, document=doc):
        error = _("This document is not assigned to you. Ask a lead to assign it.")
        return _refused(request, membership, doc, error, status=403)
    form = ExcerptCreateForm(request.POST, project=membership.project)
    if not form.is_valid():
        return _refused(request, membership, doc, _form_error(form))
    data = form.cleaned_data
    span = {"document": doc, "start": data["start"], "end": data["end"], "text": data["text"]}
    ranges = ()  # a new code changes the codebook too: the page reloads its workspace
    try:
        if data["new_code_name"].strip():
            excerpt, code = services.excerpt_create_in_vivo(
                membership=membership,
                name=data["new_code_name"],
                parent=data["new_code_parent"],
                codes=data["codes"],
                **span,
            )
            message = _("Coded with the new code “%(name)s”.") % {"name": code.name}
        else:
            excerpt = services.excerpt_create(
                coder=request.user, codes=data["codes"], memo=data["memo"], **span
            )
            message = _("Excerpt coded.")
            ranges = [(excerpt.start, excerpt.end)]
    except ValidationError as exc:
        return _refused(request, membership, doc, " ".join(exc.messages))
    return _done(request, membership, doc, excerpt=excerpt, message=message, ranges=ranges)


@login_required
@require_http_methods(["GET", "POST"])
def excerpt_update(request: HttpRequest, project: uuid.UUID, excerpt: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    target = get_object_or_404(
        _editable_excerpts(membership).select_related("document"), code=excerpt
    )
    doc = target.document
    form = ExcerptUpdateForm(
        request.POST or None, project=membership.project, initial={"version": target.version}
    )
    if request.method == "POST":
        if not form.is_valid():
            return _refused(request, membership, doc, _form_error(form))
        data = form.cleaned_data
        before = (target.start, target.end)
        try:
            services.excerpt_update(
                excerpt=target,
                version=data["version"],
                start=data["start"],
                end=data["end"],
                text=data["text"] if data["start"] is not None else None,
                memo=data["memo"] if data["set_memo"] else None,
                add_codes=data["add_codes"],
                remove_codes=data["remove_codes"],
            )
        except services.ExcerptConflict as exc:
            return _refused(request, membership, doc, str(exc), status=409)
        except ValidationError as exc:
            return _refused(request, membership, doc, " ".join(exc.messages))
        return _done(
            request,
            membership,
            doc,
            excerpt=target,
            message=_("Excerpt saved."),
            ranges=[before, (target.start, target.end)],
        )
    return render(
        request,
        "coding/excerpts/excerpt_edit.html",
        {
            "membership": membership,
            "project": membership.project,
            "excerpt": target,
            "document": doc,
            "form": form,
            "excerpt_codes": target.codes.order_by("path"),
        },
    )


@login_required
@require_POST
def excerpt_delete(request: HttpRequest, project: uuid.UUID, excerpt: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    target = get_object_or_404(
        _editable_excerpts(membership).select_related("document"), code=excerpt
    )
    version = request.POST.get("version", "")
    try:
        kept = services.excerpt_delete(
            excerpt=target, version=int(version) if version.isdigit() else None
        )
    except services.ExcerptConflict as exc:
        return _refused(request, membership, target.document, str(exc), status=409)
    # The last deletion per project stays in the session, so "Undo" can bring it back.
    request.session[DELETED_KEY.format(project=project)] = kept.as_dict()
    return _done(
        request,
        membership,
        target.document,
        message=_("Excerpt deleted. Use “Undo delete” to bring it back."),
        extra={"restorable": True},
        ranges=[(kept.start, kept.end)],
    )


@login_required
@require_POST
def excerpt_restore(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    kept = request.session.get(DELETED_KEY.format(project=project))
    if kept is None or (
        kept["coder_id"] != request.user.pk and not has_capability(membership, Capability.MANAGE)
    ):
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": _("Nothing to restore.")}, status=400)
        messages.info(request, _("Nothing to restore."))
        return redirect("coding:my-documents", project=project)
    try:
        restored = services.excerpt_restore(project=membership.project, kept=kept)
    except ValidationError as exc:
        del request.session[DELETED_KEY.format(project=project)]
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": " ".join(exc.messages)}, status=400)
        messages.error(request, " ".join(exc.messages))
        return redirect("coding:my-documents", project=project)
    del request.session[DELETED_KEY.format(project=project)]
    return _done(
        request,
        membership,
        restored.document,
        excerpt=restored,
        message=_("Excerpt restored."),
        ranges=[(restored.start, restored.end)],
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignments(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    documents, coders, assigned = selectors.assignment_matrix(project=membership.project)
    if request.method == "POST":
        by_code = {str(d.code): d.pk for d in documents}
        pairs = set()
        for value in request.POST.getlist("assign"):
            doc_code, _sep, user_id = value.partition(":")
            if doc_code in by_code and user_id.isdigit():
                pairs.add((by_code[doc_code], int(user_id)))
        try:
            added, removed = services.assignments_set(project=membership.project, pairs=pairs)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Assignments saved: %(added)d added, %(removed)d removed.")
                % {"added": added, "removed": removed},
            )
        return redirect("coding:assignments", project=project)
    rows = [(d, [(m, (d.pk, m.user_id) in assigned) for m in coders]) for d in documents]
    return render(
        request,
        "coding/excerpts/assignments.html",
        {"membership": membership, "project": membership.project, "coders": coders, "rows": rows},
    )


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
            "last_deleted": DELETED_KEY.format(project=project) in request.session,
        },
    )


@login_required
@require_POST
def assignment_done(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    doc = _document(membership, document)
    assignment = Assignment.objects.filter(document=doc, coder=request.user).first()
    if assignment is None:
        messages.error(request, _("This document is not assigned to you."))
        return redirect("coding:my-documents", project=project)
    done = request.POST.get("done", "1") != "0"
    services.assignment_mark_done(assignment=assignment, done=done)
    if done:
        messages.success(request, _("“%(title)s” marked as done.") % {"title": doc.title})
    else:
        messages.success(request, _("“%(title)s” reopened.") % {"title": doc.title})
    return redirect("coding:my-documents", project=project)


def _retrieval(request: HttpRequest, membership: Membership):
    """The retrieval form and the excerpts it selects (blind rule applied by the selector)."""
    if sees_all_codings(membership):
        coders = [
            (m.user_id, m.user.name)
            for m in membership.project.memberships.select_related("user").order_by(
                "user__display_name", "user__email"
            )
            if has_capability(m, Capability.CODE)
        ]
    elif has_capability(membership, Capability.CODE):
        coders = [(membership.user_id, membership.user.name)]
    else:
        coders = []
    form = RetrievalForm(request.GET or None, project=membership.project, coders=coders)
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    excerpts = selectors.retrieval_excerpts(
        membership=membership,
        code=data.get("code"),
        descendants=bool(data.get("descendants")),
        coder_id=data.get("coder"),
        kind=data.get("kind") or "",
        document=data.get("document"),
    )
    return form, excerpts


@login_required
@require_GET
def retrieval(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    form, excerpts = _retrieval(request, membership)
    page = None
    if excerpts is not None:
        page = Paginator(excerpts, 50).get_page(request.GET.get("page"))
        paths = selectors.code_paths(
            list(membership.project.codes.values("id", "name", "parent_id"))
        )
        for excerpt in page:
            excerpt.code_paths = sorted(paths[c.code_id] for c in excerpt.codings.all())
            excerpt.page_number = excerpt.document.page_at(excerpt.start)
            excerpt.context = selectors.hit_context(
                before=excerpt.context_before, after=excerpt.context_after, start=excerpt.start
            )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "coding/excerpts/retrieval.html",
        {
            "membership": membership,
            "project": membership.project,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "hidden_by_blind": not sees_all_codings(membership),
        },
    )


@login_required
@require_GET
def retrieval_export(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        return unknown_format(fmt, EXPORT_FORMATS)
    form, excerpts = _retrieval(request, membership)
    if excerpts is None:
        messages.error(request, _form_error(form))
        return redirect("coding:retrieval", project=project)
    rows = selectors.excerpt_rows(excerpts=excerpts, project_id=membership.project_id)
    return EXPORT_FORMATS[fmt](rows, filename=f"excerpts.{fmt}")
