"""Coding in the browser: the coding view, excerpt endpoints, assignments and retrieval.

Every mutating endpoint is a plain form POST (redirects back with a message); the coding view's
JavaScript sends the same fields with `Accept: application/json` and gets JSON back: the excerpt
and a `patch` with only the text chunks the write changed (see `patches.coding_view_patch`),
which the page swaps in place. When the patch is missing (a new code, a write touching many
chunks) the page reloads its workspace with `HX-Request`, which answers the workspace fragment.

Refusals in JSON are `{"ok": false, "error": ..., "message": <sentence to show>}`; `error` is a
word the script acts on: "stale" (409, the excerpt changed since the page loaded; `excerpt` holds
it as it is now), "deleted" (410, with `restore_url` to POST for "Undo delete", `deleted_by`,
`deleted_at`), "code_deleted" (409, a chosen code was deleted from the codebook), "busy" (409,
the chosen codes kept moving while a lead reorganised the codebook: send again), "duplicate"
and "too_long" (409, a new excerpt to confirm: see `_ask`); otherwise `error` repeats the
message (400, 403). A chosen code merged away since the page loaded is replaced by the code it
went into: the answer's message says so and `replaced` lists them.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coding.access import access_excerpt, may_code_document
from coding.codebook.selectors import visible_codes
from coding.excerpts import export_rows, exports, guards, patches, selectors, services, texts
from coding.excerpts.forms import ExcerptCreateForm, ExcerptUpdateForm, RetrievalForm
from coding.excerpts.rendering import boundary_moves
from coding.labels import export_labels, labels_for
from coding.models import Document, Excerpt, ExcerptChange
from research.access import (
    Capability,
    access_project,
    has_capability,
    may_edit_excerpt,
    sees_all_codings,
)
from research.audit import audit_export
from research.forms import UserText
from research.http import unknown_format
from research.models import Membership

EXPORT_FORMATS = {"csv": exports.csv_response, "xlsx": exports.xlsx_response}


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _document(membership: Membership, code: uuid.UUID, *, write: bool = False) -> Document:
    """The project's document; for a write without its text and structure, which the checks
    and the patch read through coding/excerpts/texts.py (a long text costs a write dearly)."""
    if write:
        document = texts.document_for_write(membership, code)
        if document is None:
            raise Http404
        return document
    document = get_object_or_404(Document.objects.filter(project=membership.project), code=code)
    document.project = membership.project  # the same row: not read again for its settings
    return document


def _excerpt_json(excerpt: Excerpt) -> dict:
    # A new excerpt's codes and one-entry history are known from its creation (no reads).
    created = getattr(excerpt, "created_change", None)
    if created is not None:
        codes = sorted(str(code.code) for code in excerpt.created_codes)
        history = [selectors.history_entry(created)]
    else:
        codes = sorted(str(c) for c in excerpt.codes.values_list("code", flat=True))
        history = selectors.excerpt_history(excerpt_code=excerpt.code)
    return {
        "id": excerpt.pk,
        "code": str(excerpt.code),
        "start": excerpt.start,
        "end": excerpt.end,
        "text": excerpt.text,
        "memo": excerpt.memo,
        "version": excerpt.version,
        "codes": codes,
        "history": history,
    }


def _coding_url(membership: Membership, document: Document, excerpt: Excerpt | None = None):
    url = reverse(
        "coding:coding-view", kwargs={"project": membership.project.code, "document": document.code}
    )
    return f"{url}#excerpt-{excerpt.code}" if excerpt else url


def _done(
    request, membership, document, *, excerpt=None, message="", extra=None, ranges=(), counted=None
):
    """Answer a successful write in the form the caller asked for. `ranges` are the offsets the
    write changed (old and new); the JSON answer then carries the patch for the coding view,
    shown with the overlays of the page that asked (its `?coders=` travel with the POST), with
    the counts of the codes `counted` (the codes the write can have changed), else of all."""
    if _wants_json(request):
        payload = {"ok": True, "message": message, **(extra or {})}
        if excerpt is not None:
            payload["excerpt"] = _excerpt_json(excerpt)
        if ranges:
            payload["patch"] = patches.coding_view_patch(
                membership=membership,
                document=document,
                ranges=ranges,
                counted=counted,
                **_layers(request),
            )
        return JsonResponse(payload)
    if message:
        messages.success(request, message)
    return redirect(_coding_url(membership, document, excerpt))


def _refused(request, membership, document, error: str, status: int = 400, kind: str = ""):
    """A refused write. JSON: `error` is `kind` when given (a word the script acts on, e.g.
    "code_deleted"), else the message itself; `message` is always the sentence to show."""
    if _wants_json(request):
        payload = {"ok": False, "error": kind or error, "message": error}
        return JsonResponse(payload, status=status)
    messages.error(request, error)
    return redirect(_coding_url(membership, document))


def _invalid(request, membership, document, form):
    # A code deleted since the page loaded is a conflict with the codebook, not bad input.
    if any(form.has_error(name, "code_deleted") for name in form.fields):
        return _refused(request, membership, document, _form_error(form), 409, "code_deleted")
    return _refused(request, membership, document, _form_error(form))


def _not_saved(request, membership, document, exc: Exception):
    """The answer to a write the services refused: stale (409, with the current excerpt),
    deleted meanwhile (410), a code deleted or moving meanwhile (409) or bad input (400)."""
    if isinstance(exc, services.ExcerptGone):
        return _deleted(request, membership, exc.change)
    if isinstance(exc, services.ExcerptConflict):
        if not _wants_json(request):
            return _refused(request, membership, exc.excerpt.document, str(exc))
        current = _excerpt_json(exc.excerpt)
        payload = {"ok": False, "error": "stale", "message": str(exc), "excerpt": current}
        return JsonResponse(payload, status=409)
    if isinstance(exc, guards.ExcerptDuplicate | guards.ExcerptTooLong) and _wants_json(request):
        return _ask(exc)
    error = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    kind = exc.code if isinstance(exc, services.CodeDeleted | services.ExcerptFrozen) else ""
    if isinstance(exc, ValidationError) and exc.code == "busy":
        # The chosen codes kept moving under a codebook reorganisation: nothing wrong with the
        # write, which the coder can send again once the page shows the codebook as it is now.
        kind = "busy"
    return _refused(request, membership, document, error, 409 if kind else 400, kind)


def _ask(exc: ValidationError) -> JsonResponse:
    """409 for a write the coder should confirm: "too_long", or "duplicate" with the coder's
    `existing` excerpt, which the script offers to extend (merge_into) or keep beside."""
    payload = {"ok": False, "error": exc.code, "message": " ".join(exc.messages)}
    if isinstance(exc, guards.ExcerptDuplicate):
        payload["existing"] = {"code": str(exc.existing.code), "version": exc.existing.version}
    return JsonResponse(payload, status=409)


def _restore_url(membership: Membership, excerpt_code) -> str:
    url = reverse("coding:excerpt-restore", kwargs={"project": membership.project.code})
    return f"{url}?excerpt={excerpt_code}"


def _deleted(request, membership, change: ExcerptChange | None, *, as_json: bool = False):
    """410 for an excerpt deleted since the page loaded: who and when, and where to restore;
    JSON when asked for (or `as_json`), else a redirect with the message."""
    if change is None:
        message = _("This excerpt was deleted; reload the page.")
        if as_json or _wants_json(request):
            return JsonResponse({"ok": False, "error": "deleted", "message": message}, status=410)
        messages.error(request, message)
        return redirect("coding:my-documents", project=membership.project.code)
    when = date_format(timezone.localtime(change.at), "DATETIME_FORMAT")
    message = _(
        "This excerpt was deleted by %(name)s at %(time)s; restore or discard your change."
    ) % {"name": change.user.name if change.user else _("someone"), "time": when}
    if not (as_json or _wants_json(request)):
        return _refused(request, membership, change.document, message)
    payload = {
        "ok": False,
        "error": "deleted",
        "message": message,
        "restore_url": _restore_url(membership, change.excerpt_code),
        "deleted_by": change.user.name if change.user else "",
        "deleted_at": change.at.isoformat(),
    }
    return JsonResponse(payload, status=410)


def _editable(request, membership: Membership, code: uuid.UUID, *, for_edit: bool = True):
    """(the excerpt the member may change, or see when not `for_edit`; None), or (None, the 410
    answer: JSON for the editor's script too) if deleted meanwhile; others answer 404."""
    # Twice: a restore may commit between the two reads (then the excerpt is there again).
    for _attempt in range(2):
        try:
            return access_excerpt(membership, code, for_edit=for_edit), None
        except Http404:
            change = selectors.excerpt_deletion(project=membership.project, excerpt_code=code)
        if change is not None:
            seen = not for_edit and sees_all_codings(membership)
            if not (seen or may_edit_excerpt(membership, coder_id=change.before.get("coder"))):
                break
            return None, _deleted(request, membership, change, as_json=not for_edit)
    raise Http404


def _replacements(message: str, *lists) -> tuple[str, dict]:
    """Say which chosen codes were merged away (and used as the code they went into)."""
    fates = [fate for fates in lists for fate in fates]
    notes = [
        _("“%(name)s” was merged into “%(target)s”, so that code was used.")
        % {"name": fate.name, "target": fate.target.name}
        for fate in fates
    ]
    replaced = [
        {"from_name": fate.name, "to": str(fate.target.code), "to_name": fate.target.name}
        for fate in fates
    ]
    return " ".join([message, *notes]), {"replaced": replaced} if replaced else {}


def _form_error(form) -> str:
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


def _layers(request: HttpRequest) -> dict:
    """What the coding view shows, from its address (writes carry the page's): the overlaid
    coders, ?coders=3,7 (links) or ?coders=3&coders=7 (the overlay form), and the code filter,
    ?only=12 (only the excerpts coded 12)."""
    coders = ",".join(request.GET.getlist("coders"))
    only = request.GET.get("only", "")
    return {
        "overlay_ids": [int(part) for part in coders.split(",") if part.strip().isdigit()],
        "code_filter": int(only) if only.isdigit() else None,
    }


@login_required
@require_GET
def excerpt_editor(request: HttpRequest, project: uuid.UUID, excerpt: uuid.UUID) -> HttpResponse:
    """The coding view's excerpt editor, a fragment its script swaps into the panel. Other
    coders' excerpts (where the member may see them) open read-only unless they may edit them."""
    membership = access_project(request.user, project, Capability.CODE)
    target, gone = _editable(request, membership, excerpt, for_edit=False)
    if gone:
        return gone
    doc, mine = target.document, target.coder_id == membership.user_id
    editable = may_code_document(membership, doc) and may_edit_excerpt(
        membership, coder_id=target.coder_id
    )
    context = {
        "project": membership.project,
        "excerpt": target,
        "mine": mine,
        "editable": editable,
        "codes": selectors.excerpt_editor_codes(excerpt=target),
        # Only coders move their own excerpt's boundaries (leads correct codes and memo).
        "moves": boundary_moves(doc.text, start=target.start, end=target.end)
        if editable and mine
        else [],
    }
    return render(request, "coding/excerpts/coding_view.html#excerpt-editor", context)


@login_required
@require_POST
def excerpt_create(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    doc = _document(membership, document, write=True)
    if not may_code_document(membership, doc):
        error = _("This document is not assigned to you. Ask a lead to assign it.")
        return _refused(request, membership, doc, error, status=403)
    form = ExcerptCreateForm(request.POST, membership=membership)
    if not form.is_valid():
        return _invalid(request, membership, doc, form)
    try:
        excerpt, message, ranges = _create(membership, doc, form.cleaned_data)
    except (services.ExcerptConflict, services.ExcerptGone, ValidationError) as exc:
        return _not_saved(request, membership, doc, exc)
    message, extra = _replacements(message, form.fields["codes"].replaced, excerpt.replaced_codes)
    # A new excerpt changes only its own codes' counts (an extended one: counted in full).
    counted = [code.pk for code in getattr(excerpt, "created_codes", ())] or None
    answer = {"excerpt": excerpt, "message": message, "extra": extra, "ranges": ranges}
    return _done(request, membership, doc, counted=counted, **answer)


def _create(membership: Membership, doc: Document, data: dict):
    """Create the excerpt (with an in-vivo code when named); returns it, the message and the
    ranges to patch (none for a new code: the codebook changes too, the page reloads)."""
    span = {"document": doc, "start": data["start"], "end": data["end"], "text": data["text"]}
    if data["new_code_name"].strip():
        excerpt, code = guards.excerpt_create_in_vivo_checked(
            membership=membership,
            name=data["new_code_name"],
            parent=data["new_code_parent"],
            codes=data["codes"],
            long_ok=data["long_ok"],
            **span,
        )
        return excerpt, _("Coded with the new code “%(name)s”.") % {"name": code.name}, ()
    target = data["merge_into"]
    old = [(target.start, target.end)] if target else []
    excerpt = guards.excerpt_create_checked(
        coder=membership.user,
        codes=data["codes"],
        memo=data["memo"],
        **span,
        **{k: data[k] for k in ("long_ok", "keep_both", "merge_into", "merge_version")},
    )
    if target:
        return (
            excerpt,
            _("The existing excerpt was extended."),
            [*old, (excerpt.start, excerpt.end)],
        )
    return excerpt, _("Excerpt coded."), [(excerpt.start, excerpt.end)]


@login_required
@require_http_methods(["GET", "POST"])
def excerpt_update(request: HttpRequest, project: uuid.UUID, excerpt: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    target, gone = _editable(request, membership, excerpt)
    if gone:
        return gone
    form = ExcerptUpdateForm(
        request.POST or None, membership=membership, initial={"version": target.version}
    )
    if request.method == "POST":
        return _update(request, membership, target, form)
    if _wants_json(request):
        return JsonResponse({"ok": True, "excerpt": _excerpt_json(target)})
    context = {
        "membership": membership,
        "project": membership.project,
        "excerpt": target,
        "document": target.document,
        "form": form,
        "excerpt_codes": target.codes.order_by("path"),
        "history": selectors.excerpt_history(excerpt_code=target.code),
    }
    return render(request, "coding/excerpts/excerpt_edit.html", context)


def _update(request: HttpRequest, membership: Membership, target: Excerpt, form) -> HttpResponse:
    doc = target.document
    if not form.is_valid():
        return _invalid(request, membership, doc, form)
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
            user=request.user,
        )
    except (services.ExcerptConflict, services.ExcerptGone, ValidationError) as exc:
        return _not_saved(request, membership, doc, exc)
    message, extra = _replacements(
        _("Excerpt saved."),
        form.fields["add_codes"].replaced,
        form.fields["remove_codes"].replaced,
        target.replaced_codes,
    )
    ranges = [before, (target.start, target.end)]
    return _done(
        request, membership, doc, excerpt=target, message=message, extra=extra, ranges=ranges
    )


@login_required
@require_POST
def excerpt_delete(request: HttpRequest, project: uuid.UUID, excerpt: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    target, gone = _editable(request, membership, excerpt)
    if gone:
        return gone
    version = request.POST.get("version", "")
    try:
        change = services.excerpt_delete(
            excerpt=target, version=int(version) if version.isdigit() else None, user=request.user
        )
    except (services.ExcerptConflict, services.ExcerptGone, ValidationError) as exc:
        return _not_saved(request, membership, target.document, exc)
    return _done(
        request,
        membership,
        target.document,
        message=_("Excerpt deleted. Use “Undo delete” to bring it back."),
        extra={"restorable": True, "restore_url": _restore_url(membership, change.excerpt_code)},
        ranges=[(change.before["start"], change.before["end"])],
    )


def _restorable(request: HttpRequest, membership: Membership) -> ExcerptChange | None:
    """The deletion "Undo delete" brings back: the one named by `?excerpt=` (the link in a 410
    answer), else the member's own latest; None when there is none the member may restore."""
    raw = request.POST.get("excerpt") or request.GET.get("excerpt") or ""
    if raw:
        try:
            code = uuid.UUID(raw)
        except ValueError:
            return None
        change = selectors.excerpt_deletion(project=membership.project, excerpt_code=code)
    else:
        change = selectors.excerpt_last_deleted(project=membership.project, user=request.user)
    if change is None or not may_edit_excerpt(membership, coder_id=change.before.get("coder")):
        return None
    return change


@login_required
@require_POST
def excerpt_restore(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    change = _restorable(request, membership)
    error = _("Nothing to restore.")
    if change is not None:
        try:
            restored = services.excerpt_restore(
                project=membership.project, excerpt_code=change.excerpt_code, user=request.user
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return _restored(request, membership, restored)
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": error, "message": error}, status=400)
    messages.info(request, error)
    return redirect("coding:my-documents", project=project)


def _restored(request: HttpRequest, membership: Membership, restored: Excerpt) -> HttpResponse:
    message, extra = _replacements(_("Excerpt restored."), restored.replaced_codes)
    if restored.dropped_codes:
        message += " " + _("Codes deleted since were left off: %(names)s.") % {
            "names": ", ".join(restored.dropped_codes)
        }
    span = [(restored.start, restored.end)]
    return _done(
        request,
        membership,
        restored.document,
        excerpt=restored,
        message=message,
        extra=extra,
        ranges=span,
    )


def _retrieval(request: HttpRequest, membership: Membership, *, contexts: bool = True):
    """The retrieval form and the excerpts it selects (blind rule applied by the selector)."""
    if sees_all_codings(membership):
        coders = [
            (m.user_id, UserText(m.user.name))
            for m in membership.project.memberships.select_related("user").order_by(
                "user__display_name", "user__email"
            )
            if has_capability(m, Capability.CODE)
        ]
    elif has_capability(membership, Capability.CODE):
        coders = [(membership.user_id, UserText(membership.user.name))]
    else:
        coders = []
    form = RetrievalForm(
        request.GET or None,
        project=membership.project,
        coders=coders,
        labels=labels_for(membership),
    )
    # Another coder's proposed code would name what they marked (blind mode).
    form.fields["code"].queryset = visible_codes(membership=membership).order_by("path")
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
        document_set=data.get("document_set"),
        contexts=contexts,
    )
    return form, excerpts


def _retrieval_page(request: HttpRequest, membership: Membership, excerpts):
    """One page of hits, each with its codes' full paths, page number and trimmed context."""
    page = Paginator(excerpts, 50).get_page(request.GET.get("page"))
    paths = selectors.code_paths(list(membership.project.codes.values("id", "name", "parent_id")))
    for excerpt in page:
        excerpt.code_paths = sorted(paths[c.code_id] for c in excerpt.codings.all())
        excerpt.page_number = excerpt.document.page_at(excerpt.start)
        excerpt.context = selectors.hit_context(
            before=excerpt.context_before, after=excerpt.context_after, start=excerpt.start
        )
    return page


@login_required
@require_GET
def retrieval(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    form, excerpts = _retrieval(request, membership)
    page = None
    if excerpts is not None:
        page = _retrieval_page(request, membership, excerpts)
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
            "reconciled": selectors.retrieval_reconciled(membership=membership),
        },
    )


@login_required
@require_GET
def retrieval_export(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        return unknown_format(fmt, EXPORT_FORMATS)
    form, excerpts = _retrieval(request, membership, contexts=False)
    if excerpts is None:
        messages.error(request, _form_error(form))
        return redirect("coding:retrieval", project=project)
    labels = export_labels(membership.project)
    rows = export_rows.excerpt_rows(
        excerpts=excerpts, project_id=membership.project_id, labels=labels
    )
    about, name = export_rows.filter_note(form.cleaned_data if request.GET else {}, labels)
    filters = {k: v for k, v in request.GET.lists() if k != "format"}
    audit_export(
        project=membership.project_id,
        actor=request.user,
        export="excerpts",
        fmt=fmt,
        filters=filters,
    )
    return EXPORT_FORMATS[fmt](rows, filename=f"{name}.{fmt}", about=about)
