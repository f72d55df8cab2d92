"""What every cases view shares: the page frame, downloads, messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render

from cases import exports, tabular
from research.access import can_for
from research.models import Membership


def render_page(request, template: str, membership: Membership, **context) -> HttpResponse:
    context.update(membership=membership, project=membership.project, can=can_for(membership))
    return render(request, template, context)


def form_page(request, membership, *, heading: str, form, back: str, **extra) -> HttpResponse:
    return render_page(
        request, "cases/form.html", membership, heading=heading, form=form, back=back, **extra
    )


def show_error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_download(grid: list[list], filename: str) -> HttpResponse:
    return download(tabular.write_csv(grid), filename, exports.FORMATS["csv"][0])


def form_errors(form) -> str:
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


def save_posted(request, form, save, *, done: str, invalid: str = "") -> None:
    """Run `save(cleaned_data)` for a small form posted from a settings or edit page, and say
    what happened in a message: these forms redirect back to the page instead of re-rendering.
    `invalid` replaces the form's own errors when one sentence says it better."""
    if not form.is_valid():
        messages.error(request, invalid or form_errors(form))
        return
    try:
        save(form.cleaned_data)
    except ValidationError as exc:
        show_error(request, exc)
    else:
        messages.success(request, done)
