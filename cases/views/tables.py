"""Classifications and the study's tables (code frequency, open-coding trail)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import tables
from cases.access import access_classification
from cases.forms import ClassificationForm, FrequencyFilterForm
from cases.selectors import classifications as classification_selectors
from cases.selectors import tables as table_selectors
from cases.services import classifications as classification_services
from cases.views.common import csv_download, form_page, render_page
from coding.models import DocumentKind
from research.access import Capability, access_project
from research.forms import with_user_text
from research.http import bad_request, unknown_format
from research.models import Membership

# --- classifications ------------------------------------------------------------------------


@login_required
@require_GET
def classification_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    rules = classification_selectors.classification_list(project=membership.project)
    return render_page(request, "cases/classification_list.html", membership, rules=rules)


@login_required
@require_http_methods(["GET", "POST"])
def classification_create(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = ClassificationForm(request.POST or None, project=membership.project)
    if request.method == "POST" and form.is_valid():
        try:
            rule = classification_services.classification_create(
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
    rule = access_classification(membership, classification)
    result = classification_selectors.classification_result(rule=rule, membership=membership)
    return render_page(request, "cases/classification_detail.html", membership, result=result)


@login_required
@require_http_methods(["GET", "POST"])
def classification_edit(
    request: HttpRequest, project: uuid.UUID, classification: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    rule = access_classification(membership, classification)
    initial = ClassificationForm.initial_for(rule)
    form = ClassificationForm(request.POST or None, project=membership.project, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            classification_services.classification_update(rule=rule, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Classification saved."))
            return redirect(
                "cases:classification-detail", project=project, classification=rule.code
            )
    back = reverse(
        "cases:classification-detail", kwargs={"project": project, "classification": rule.code}
    )
    heading = with_user_text(_("Edit %(name)s"), name=rule.name)
    return form_page(request, membership, heading=heading, form=form, back=back)


@login_required
@require_POST
def classification_delete(
    request: HttpRequest, project: uuid.UUID, classification: uuid.UUID
) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    rule = access_classification(membership, classification)
    classification_services.classification_delete(rule=rule)
    messages.success(request, _("Classification deleted."))
    return redirect("cases:classification-list", project=project)


# --- the study's tables ---------------------------------------------------------------------


def _frequency_grid(rows: list[tables.FrequencyRow]) -> list[list]:
    grid: list[list] = [["cluster", "category", "documents coded", "total codings", "concepts"]]
    grid += [[r.cluster, r.category, r.documents, r.codings, "; ".join(r.concepts)] for r in rows]
    return grid


@login_required
@require_GET
def frequency_table(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    fmt = request.GET.get("format")
    if fmt and fmt != "csv":
        return unknown_format(fmt, ["csv"])
    coders, own_only = table_selectors.frequency_coders(membership=membership)
    if own_only and request.GET.get("coder", "") not in ("", str(membership.user_id)):
        message = _("Blind coding: you can count only your own codings, not another coder’s.")
        return bad_request(message)
    form = FrequencyFilterForm(
        request.GET or None, kinds=DocumentKind.choices, coders=coders, own_only=own_only
    )
    rows = table_selectors.frequency_rows(membership=membership, **form.filters())
    if fmt == "csv":
        return csv_download(_frequency_grid(rows), "code-frequency.csv")
    context = {"form": form, "rows": rows, "top": tables.top_categories(rows), "own_only": own_only}
    context["reconciled"] = table_selectors.reconciled_count(membership=membership)
    return render_page(request, "cases/frequency_table.html", membership, **context)


def _trail_grid(membership: Membership) -> list[list]:
    # A machine format: English words ("Consensus" as the coder) whatever the reader's language.
    with translation.override("en"):
        trail = table_selectors.coding_trail(membership=membership)
    keys = ["document", "coder", "passage", "memo", "concept", "category"]
    header = ["document", "coder", "passage", "memo / paraphrase", "concept", "category"]
    return [header] + [[t[k] for k in keys] for t in trail]


@login_required
@require_GET
def coding_trail(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    fmt = request.GET.get("format")
    if fmt and fmt != "csv":
        return unknown_format(fmt, ["csv"])
    if fmt == "csv":
        return csv_download(_trail_grid(membership), "open-coding-trail.csv")
    trail = table_selectors.coding_trail(membership=membership)
    reconciled = table_selectors.reconciled_count(membership=membership)
    return render_page(
        request, "cases/coding_trail.html", membership, trail=trail, reconciled=reconciled
    )
