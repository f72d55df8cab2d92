"""The coding view: the page, and its highlighted text as an answer of its own.

The page holds everything but the text; its script fetches the text from `coding_text`, which
answers with an ETag, so a browser that has the text already gets "304 Not Modified" while
nothing it shows changed (see `coding.excerpts.workspace`). Without JavaScript the page links
to itself with `?inline=1`, which renders the text in the page as before.
"""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag
from django.views.decorators.http import require_GET

from coding.access import may_code_document
from coding.excerpts import selectors, workspace
from coding.excerpts.forms import ExcerptCreateForm
from coding.excerpts.panel import codebook_panel
from coding.excerpts.views import _layers
from coding.models import DocumentStatus
from research.access import Capability, access_project, has_capability, may_create_codes

# The page's script modules besides main.js (static/js/coding/), announced in the page's head:
# otherwise a browser without them learns of each only once it has read the module importing
# it, a waterfall of round trips before the page is usable on a first visit.
CODING_MODULES = sorted(
    path.name
    for path in (settings.BASE_DIR / "static" / "js" / "coding").glob("*.js")
    if path.name != "main.js"
)
# Django's GZipMiddleware's test of Accept-Encoding.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


@login_required
@require_GET
def coding_view(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.CODE)
    doc = get_object_or_404(workspace.coding_documents(membership=membership), code=document)
    may_code = may_code_document(membership, doc)
    context = {
        "membership": membership,
        "project": membership.project,
        "document": doc,
        "may_code": may_code,
        "may_create_codes": may_create_codes(membership),
        # Leads correct other coders' excerpts here (the update endpoint allows it).
        "may_edit_others": has_capability(membership, Capability.MANAGE),
        "last_deleted": selectors.excerpt_last_deleted(
            project=membership.project, user=request.user
        )
        is not None,
        "create_form": ExcerptCreateForm(membership=membership),
        "coding_modules": CODING_MODULES,
        **_workspace(request, membership, doc, may_code=may_code),
    }
    template = "coding/excerpts/coding_view.html"
    if request.headers.get("HX-Request"):
        template += "#workspace"
    return render(request, template, context)


def _workspace(request: HttpRequest, membership, doc, *, may_code: bool) -> dict:
    """The page's data and codebook panel (none while the text is not ready), the address of
    its text, and with ?inline=1 (reading without JavaScript) the text itself."""
    if doc.status != DocumentStatus.READY:
        return {"data": None, "text": None}
    layers = _layers(request)
    data = workspace.coding_view_data(membership=membership, document=doc, **layers)
    panel = codebook_panel(data.codes, code_filter=data.code_filter, may_code=may_code)
    text = None
    if request.GET.get("inline") == "1":
        text = workspace.coding_view_text(membership=membership, document=doc, **layers)
    # The text's address carries the page's layers; the page preloads it and its script
    # fetches exactly this address, so the browser uses the one answer for both.
    kwargs = {"project": membership.project.code, "document": doc.code}
    text_url = reverse("coding:coding-text", kwargs=kwargs)
    if request.GET:
        text_url += f"?{request.GET.urlencode()}"
    query = request.GET.copy()
    query["inline"] = "1"
    return {
        "data": data,
        "panel": panel,
        "text": text,
        "text_url": text_url,
        "inline_query": query.urlencode(),
    }


@login_required
@require_GET
def coding_text(request: HttpRequest, project: uuid.UUID, document: uuid.UUID) -> HttpResponse:
    """The highlighted text and the data of the excerpts shown in it, for the page's script.
    Private to the member, and revalidated on every use (no-cache): a 304 while unchanged."""
    membership = access_project(request.user, project, Capability.CODE)
    doc = get_object_or_404(workspace.coding_documents(membership=membership), code=document)
    if doc.status != DocumentStatus.READY:
        raise Http404
    layers = _layers(request)
    # The ETag first (one query): a browser that has this answer gets a 304 without the
    # excerpts being read, let alone the text. Its compressed copy is a representation of its
    # own, with its own ETag.
    etag = workspace.coding_text_etag(membership=membership, document=doc, **layers)
    gzipped = ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) is not None
    response = get_conditional_response(request, etag=_sent_etag(etag, gzipped=gzipped))
    if response is None:
        body, fresh, gzipped = workspace.coding_text_answer(
            membership=membership, document=doc, etag=etag, gzipped=gzipped, **layers
        )
        response = HttpResponse(body)
        if fresh is None:  # changed while it was read: no ETag to keep it under
            patch_cache_control(response, private=True, no_store=True)
            return response
        if gzipped:
            response.headers["Content-Encoding"] = "gzip"
    response.headers["ETag"] = _sent_etag(etag, gzipped=gzipped)
    patch_vary_headers(response, ["Accept-Encoding"])
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _sent_etag(etag: str, *, gzipped: bool) -> str:
    return quote_etag(f"{etag}-gzip" if gzipped else etag)
