from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coding.codebook import importing, selectors, services
from coding.codebook.exchange import EXPORTERS, codebook_export, codebook_read_upload
from coding.codebook.forms import (
    CodeCreateForm,
    CodeDeleteForm,
    CodeEditForm,
    CodeGroupForm,
    CodeMergeForm,
    CodeMoveForm,
    ImportForm,
    VersionForm,
)
from coding.codebook_io import CodebookFormatError
from coding.models import Code, CodeStatus
from coding.notices import notice_text, notices_text
from research.access import (
    Capability,
    access_object,
    access_project,
    can_for,
    may_create_codes,
    new_codes_are_proposed,
)
from research.audit import audit_export
from research.http import unknown_format


def _code(membership, code: uuid.UUID) -> Code:
    return access_object(membership, Code.objects.select_related("parent"), code=code)


def _page(request, template: str, membership, **context) -> HttpResponse:
    context.update(membership=membership, project=membership.project, can=can_for(membership))
    return render(request, template, context)


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(project: uuid.UUID) -> HttpResponse:
    return redirect("coding:codebook", project=project)


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


ZERO = uuid.UUID(int=0)


def _code_url_prefix(project: uuid.UUID) -> str:
    """The URL of every code's page minus its UUID, reversed once: reversing seven URLs for each
    of a thousand rows took most of the page's time (`test_row_urls_match_reverse` pins it)."""
    return reverse("coding:code-edit", kwargs={"project": project, "code": ZERO}).removesuffix(
        f"{ZERO}/"
    )


def _undo_context(project, *, manage: bool) -> dict:
    undoable = services.codebook_undoable(project=project) if manage else None
    return {
        "undoable": undoable,
        "undo_title": selectors.undo_title(undoable.action, undoable.code_name) if undoable else "",
    }


def _inline_create_form(membership, can, rows) -> CodeCreateForm | None:
    # With codes in the tree, the form (its parent list as long as the codebook) is loaded on
    # demand from the create page; an empty codebook shows it straight away.
    if rows or not can.create_codes:
        return None
    return CodeCreateForm(project=membership.project, visible_to=membership)


@login_required
@require_GET
def codebook(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    can, this = can_for(membership), membership.project
    rows, counts = selectors.codebook_rows(
        project=this,
        prefix=_code_url_prefix(project),
        manage=can.manage,
        see_all=can.see_all_codings,
        coder=request.user if can.code else None,
        visible_to=membership,  # blind mode hides other coders' proposed codes
    )
    return _page(
        request,
        "coding/codebook/codebook.html",
        membership,
        rows=rows,
        counts=counts,
        create_form=_inline_create_form(membership, can, rows),
        version=selectors.codebook_version_current(project=this),
        formats=EXPORTERS,
        **_undo_context(this, manage=can.manage),
    )


@login_required
@require_http_methods(["GET", "POST"])
def code_create(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    if not may_create_codes(membership):
        raise PermissionDenied
    form = CodeCreateForm(
        request.POST or None,
        project=membership.project,
        visible_to=membership,
        initial={"parent": request.GET.get("parent")},  # "Add a sub-code" in the edit panel
    )
    if request.method == "POST" and form.is_valid():
        status = CodeStatus.PROPOSED if new_codes_are_proposed(membership) else CodeStatus.ACTIVE
        try:
            code = services.code_create(
                project=membership.project, user=request.user, status=status, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error("name", exc)
        else:
            messages.success(request, _("Code “%(name)s” created.") % {"name": code.name})
            return _back(project)
    template = "coding/codebook/code_form.html"
    if _htmx(request) and request.method == "GET":
        template += "#create-panel"
    return _page(request, template, membership, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def code_edit(request: HttpRequest, project: uuid.UUID, code: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    target = _code(membership, code)
    # The form validates on its own copy: ModelForm writes cleaned values into its instance,
    # and the service must see the code as it was to log what changed.
    form = CodeEditForm(request.POST or None, instance=Code.objects.get(pk=target.pk))
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.code_update(code=target, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("name", exc)
        else:
            if not _htmx(request):
                messages.success(request, _("Code “%(name)s” saved.") % {"name": target.name})
                return _back(project)
            saved = True
    template = "coding/codebook/code_edit.html"
    if _htmx(request):
        template += "#edit-panel"
    return _page(request, template, membership, form=form, code=target, saved=saved)


def _code_move_post(
    request, project: uuid.UUID, form: CodeMoveForm, target: Code
) -> HttpResponse | None:
    """Move by the form; None when the invalid form is to be shown again as a page."""
    if form.is_valid():
        try:
            services.code_move(
                code=target,
                user=request.user,
                parent=form.cleaned_data["parent"],
                position=form.cleaned_data["position"],
            )
        except ValidationError as exc:
            form.add_error("parent", exc)
        else:
            if _htmx(request):  # the drag-and-drop script reloads the tree itself
                return HttpResponse(status=204)
            messages.success(request, _("Code “%(name)s” moved.") % {"name": target.name})
            return _back(project)
    if _htmx(request):
        return HttpResponse(" ".join(e for errs in form.errors.values() for e in errs), status=400)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def code_move(request: HttpRequest, project: uuid.UUID, code: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    target = _code(membership, code)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if request.method == "POST" and step:
        try:  # the code may have been merged or deleted since the page loaded
            services.code_move_step(code=target, user=request.user, step=step)
        except ValidationError as exc:
            _error(request, exc)
        return _back(project)
    form = CodeMoveForm(request.POST or None, code=target)
    response = _code_move_post(request, project, form, target) if request.method == "POST" else None
    if response is not None:
        return response
    return _page(request, "coding/codebook/code_move.html", membership, form=form, code=target)


@login_required
@require_http_methods(["GET", "POST"])
def code_merge(request: HttpRequest, project: uuid.UUID, code: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    source = _code(membership, code)
    form = CodeMergeForm(request.POST or None, code=source)
    if request.method == "POST" and form.is_valid():
        name = source.name
        try:
            target = services.code_merge(
                source=source, target=form.cleaned_data["target"], user=request.user
            )
        except ValidationError as exc:
            form.add_error("target", exc)
        else:
            messages.success(
                request,
                _("“%(source)s” merged into “%(target)s”.") % {"source": name, "target": target},
            )
            return _back(project)
    return _page(request, "coding/codebook/code_merge.html", membership, form=form, code=source)


@login_required
@require_POST
def code_group(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = CodeGroupForm(request.POST, project=membership.project)
    if not form.is_valid():
        messages.error(request, _("Select the codes to group and name the new parent code."))
        return _back(project)
    try:
        group = services.code_group(
            codes=list(form.cleaned_data["codes"]),
            name=form.cleaned_data["name"],
            user=request.user,
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Codes grouped under “%(name)s”.") % {"name": group.name})
    return _back(project)


@login_required
@require_http_methods(["GET", "POST"])
def code_delete(request: HttpRequest, project: uuid.UUID, code: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    target = _code(membership, code)
    impact = services.code_delete_impact(code=target)
    form = CodeDeleteForm(request.POST or None, initial={"confirm_codings": impact})
    if request.method == "POST" and form.is_valid():
        name = target.name
        try:
            services.code_delete(
                code=target, user=request.user, confirm_codings=form.cleaned_data["confirm_codings"]
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Code “%(name)s” deleted.") % {"name": name})
            return _back(project)
    return _page(
        request,
        "coding/codebook/code_delete.html",
        membership,
        form=form,
        code=target,
        impact=impact,
    )


@login_required
@require_POST
def code_accept(request: HttpRequest, project: uuid.UUID, code: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    target = services.code_accept(code=_code(membership, code), user=request.user)
    messages.success(request, _("Code “%(name)s” accepted.") % {"name": target.name})
    return _back(project)


@login_required
@require_POST
def codebook_undo(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    try:
        change = services.codebook_undo(project=membership.project, user=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        done = selectors.undone_message(change.before["action"], change.before["name"])
        messages.success(request, done)
    return _back(project)


@login_required
@require_GET
def codebook_log(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    changes = selectors.codebook_changes(project=membership.project)
    return _page(request, "coding/codebook/codebook_log.html", membership, changes=changes)


@login_required
@require_GET
def code_log(request: HttpRequest, project: uuid.UUID, code: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    target = _code(membership, code)
    changes = selectors.codebook_changes(project=membership.project, code=target)
    return _page(
        request, "coding/codebook/codebook_log.html", membership, changes=changes, code=target
    )


@login_required
@require_http_methods(["GET", "POST"])
def codebook_versions(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    need = Capability.MANAGE if request.method == "POST" else Capability.VIEW
    membership = access_project(request.user, project, need)
    form = VersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.codebook_version_create(
                project=membership.project, name=form.cleaned_data["name"], user=request.user
            )
        except ValidationError as exc:
            form.add_error("name", exc)
        else:
            messages.success(request, _("Codebook version frozen."))
            return redirect("coding:codebook-versions", project=project)
    versions = selectors.codebook_versions(project=membership.project)
    return _page(request, "coding/codebook/versions.html", membership, form=form, versions=versions)


@login_required
@require_http_methods(["GET", "POST"])
def codebook_import(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = problems = None
    if request.method == "POST" and form.is_valid():
        try:
            result = codebook_read_upload(form.cleaned_data["file"])
        except CodebookFormatError as exc:
            why = notices_text(exc.notices)
            form.add_error("file", _("This file cannot be imported: %(why)s") % {"why": why})
        else:
            report = _import_tree(form, membership.project, result, request.user)
            problems = [notice_text(line) for line in result.report()] if report else None
    return _page(
        request,
        "coding/codebook/import.html",
        membership,
        form=form,
        report=report,
        problems=problems,
    )


def _import_tree(form, project, result, user) -> importing.MergeReport | None:
    """Import, unless the file holds codes the project has and nobody said what to do."""
    guids = form.cleaned_data["guids"]
    clashes = selectors.codebook_guid_clashes(project=project, roots=result.roots)
    if clashes and not guids:
        form.add_error("guids", _clash_message(clashes))
        return None
    return importing.codebook_import_tree(
        project=project, roots=result.roots, user=user, guids=guids or importing.GUIDS_MERGE
    )


def _clash_message(count: int) -> str:
    return ngettext(
        "%(n)s code in this file is already in the codebook (the same GUID). Choose whether to"
        " merge it or import it as new, and choose the file again.",
        "%(n)s codes in this file are already in the codebook (the same GUID). Choose whether"
        " to merge them or import them as new, and choose the file again.",
        count,
    ) % {"n": count}


@login_required
@require_GET
def codebook_export_view(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORTERS:
        return unknown_format(fmt, EXPORTERS)
    try:
        response = codebook_export(project=membership.project, fmt=fmt, visible_to=membership)
    except CodebookFormatError as exc:
        why = notices_text(exc.notices)
        messages.error(request, _("The codebook cannot be exported: %(why)s") % {"why": why})
        return _back(project)
    audit_export(project=membership.project_id, actor=request.user, export="codebook", fmt=fmt)
    return response
