"""Undo and redo in the coding view (Ctrl+Z, Ctrl+Shift+Z, or the panel's buttons): plain form
POSTs, answered like the other coding writes (JSON with a patch for the script, else a redirect
with a message). See coding/excerpts/undo.py for what is undone and when it is refused."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coding.access import may_code_document
from coding.excerpts import services
from coding.excerpts.undo import excerpt_undo
from coding.excerpts.views import _document, _done, _not_saved, _refused
from research.access import Capability, access_project


def _step(request: HttpRequest, project: uuid.UUID, document: uuid.UUID, *, redo: bool):
    membership = access_project(request.user, project, Capability.CODE)
    doc = _document(membership, document)
    if not may_code_document(membership, doc):
        error = _("This document is not assigned to you. Ask a lead to assign it.")
        return _refused(request, membership, doc, error, status=403)
    try:
        done = excerpt_undo(document=doc, user=request.user, redo=redo)
    except (services.ExcerptConflict, services.ExcerptGone, ValidationError) as exc:
        return _not_saved(request, membership, doc, exc)
    return _done(
        request, membership, doc, excerpt=done.excerpt, message=done.message, ranges=done.ranges
    )


@login_required
@require_POST
def excerpt_undo_view(
    request: HttpRequest, project: uuid.UUID, document: uuid.UUID
) -> HttpResponse:
    return _step(request, project, document, redo=False)


@login_required
@require_POST
def excerpt_redo_view(
    request: HttpRequest, project: uuid.UUID, document: uuid.UUID
) -> HttpResponse:
    return _step(request, project, document, redo=True)
