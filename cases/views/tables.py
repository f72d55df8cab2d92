"""Classifications and the study's tables (code frequency, open-coding trail)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import selectors, services
from cases.forms import ClassificationForm, FrequencyFilterForm
from cases.models import ClassificationRule
from cases.views.common import csv_download, form_page, render_page
from coding.models import DocumentKind
from research.access import Capability, access_project
from research.http import bad_request, unknown_format
from research.models import Membership, Role

# --- classifications ------------------------------------------------------------------------


@login_required
@require_GET
def classification_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    rules = ClassificationRule.objects.filter(project=membership.project).prefetch_related(
        "classes"
    )
    return render_page(request, "cases/classification_list.html", membership, rules=rules)


@login_required
@require_http_methods(["GET", "POST"])
def classification_create(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = ClassificationForm(request.POST or None, project=membership.project)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.classification_create(
                project=membership.project, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Classification created."))
            return redirect(
                "cases:classification-detail", project=project, classification=rule.code
            )
    back = reverse("cases:classification-list", kwargs={"project": project})
    return form_page(request, membership, heading=_("New classification"), form=form, back=back)


@login_required
@require_GET
def classification_detail(
    request: HttpRequest, project: uuid.UUID, classification: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    rule = get_object_or_404(ClassificationRule, project=membership.project, code=classification)
    result = selectors.classification_result(rule=rule, membership=membership)
    return render_page(request, "cases/classification_detail.html", membership, result=result)


@login_required
@require_POST
def classification_delete(
    request: HttpRequest, project: uuid.UUID, classification: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    rule = get_object_or_404(ClassificationRule, project=membership.project, code=classification)
    services.classification_delete(rule=rule)
    messages.success(request, _("Classification deleted."))
    return redirect("cases:classification-list", project=project)


# --- the study's tables ---------------------------------------------------------------------


def _coders_offered(membership: Membership) -> tuple[list, bool]:
    """Whose codings the frequency table may count, and whether that is only the caller's own:
    in a blind project a coder's counts are their own codings, so offering others would show
    zeros that look like findings."""
    if selectors.result_coder_scope(membership) is not None:
        return [membership.user], True
    members = membership.project.memberships.select_related("user").exclude(role=Role.VIEWER)
    return [m.user for m in members], False


@login_required
@require_GET
def frequency_table(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    fmt = request.GET.get("format")
    if fmt and fmt != "csv":
        return unknown_format(fmt, ["csv"])
    coders, own_only = _coders_offered(membership)
    if own_only and request.GET.get("coder", "") not in ("", str(membership.user_id)):
        message = _("Blind coding: you can count only your own codings, not another coder’s.")
        return bad_request(message)
    form = FrequencyFilterForm(
        request.GET or None, kinds=DocumentKind.choices, coders=coders, own_only=own_only
    )
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.frequency_rows(
        membership=membership,
        level=filters.get("level") if filters.get("level") is not None else 1,
        document_kind=filters.get("kind", ""),
        coder=filters.get("coder", ""),
    )
    if fmt == "csv":
        grid = [["cluster", "category", "documents coded", "total codings", "concepts"]]
        grid += [
            [r.cluster, r.category, r.documents, r.codings, "; ".join(r.concepts)] for r in rows
        ]
        return csv_download(grid, "code-frequency.csv")
    top = selectors.tables.top_categories(rows)
    context = {"form": form, "rows": rows, "top": top, "own_only": own_only}
    return render_page(request, "cases/frequency_table.html", membership, **context)


@login_required
@require_GET
def coding_trail(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    fmt = request.GET.get("format")
    if fmt and fmt != "csv":
        return unknown_format(fmt, ["csv"])
    trail = selectors.coding_trail(membership=membership)
    if fmt == "csv":
        grid = [["document", "passage", "memo / paraphrase", "concept", "category"]]
        grid += [
            [t["document"], t["passage"], t["memo"], t["concept"], t["category"]] for t in trail
        ]
        return csv_download(grid, "open-coding-trail.csv")
    return render_page(request, "cases/coding_trail.html", membership, trail=trail)
