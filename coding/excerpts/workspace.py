"""The coding view's reads: the page around the text and the highlighted text with the
excerpts shown in it (the patch a write answers with: `coding.excerpts.patches`). Excerpts
come through `_shown`, which shows exactly what `visible_excerpts` would for the view's
layers, so blind coding hides here what it hides everywhere else.

The page and its text are two answers. The text of a long document is megabytes of HTML that
changes far less often than it is opened, so it has its own URL (`coding:coding-text`) and an
ETag (`coding_text_etag`): a digest of everything in the answer (the digest of the text and its
structure, which the database keeps in `Document.text_digest`; the layers; every field of every
excerpt shown and its codes). The browser keeps the answer and asks again with the ETag; while
nothing it shows changed, the answer is "304 Not Modified" and no byte of the text is read,
rendered or sent, and on PostgreSQL not one excerpt row comes to Python either: the database
sums a hash of each row (one query). The rendering itself is cached too, keyed by a digest of
what it reads, for the first open in another browser.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import logging
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from django.core.cache import cache
from django.db import connection
from django.db.models import BigIntegerField, Count, F, Func, QuerySet, Sum, TextField, Value
from django.db.models.functions import Coalesce
from django.utils.safestring import SafeString, mark_safe

from coding.codebook.selectors import visible_codes
from coding.excerpts import rendering
from coding.excerpts.rendering import Span, render_text
from coding.excerpts.selectors import code_paths
from coding.models import Coding, Document, Excerpt
from research.access import Capability, Scope, codings_scope, has_capability, sees_all_codings
from research.models import Membership

logger = logging.getLogger(__name__)
RENDERED_TEXT_SECONDS = 24 * 3600
# The renderer's own version: a release that changes how the text is rendered changes every
# text's digest, so neither the cache nor a browser keeps an answer rendered the old way.
RENDERER = hashlib.blake2b(Path(rendering.__file__).read_bytes(), digest_size=8).hexdigest()
# The order of an excerpt's fields in the text answer's data (static/js/coding/workspace.js
# reads them in this order; "mine" is layer 0).
EXCERPT_FIELDS = ("id", "code", "coder", "layer", "start", "end", "memo", "version", "codes")
# How the text answer's ETag is made: a change here or in the renderer gives every text a new
# ETag, so no browser keeps an answer made the old way (bump ETAG_FORMAT when the digest's
# inputs change).
ETAG_FORMAT = f"2:{RENDERER}:{','.join(EXCERPT_FIELDS)}"


def overlaid_coders(membership: Membership, overlay_ids: list[int]) -> list[int]:
    """The coders the member asked to overlay, if the member may see others' codings."""
    if not sees_all_codings(membership):
        return []
    return [i for i in overlay_ids if i != membership.user_id]


def _shown(membership: Membership, document: Document, overlay_ids: list[int]) -> QuerySet:
    """The excerpts of these layers: the member's own and the overlaid coders' (`overlay_ids`
    as `overlaid_coders` left them), exactly as `visible_excerpts` narrowed to them would be.

    The overlays are only ever given to members who see every coding (research.access
    Scope.ALL), and one's own excerpts are visible whenever any are (Scope.OWN); so for these
    layers the blind rule comes down to "none" for a member who sees no codings. Built out
    here, the query carries none of the rule's conditions (the open reconciliations' EXISTS
    subqueries), which cost every write's answer more to build than to run."""
    layers = shown_layers(membership, overlay_ids)
    if not layers:
        return Excerpt.objects.none()
    return Excerpt.objects.filter(document=document, coder_id__in=layers)


def shown_layers(membership: Membership, overlay_ids: list[int]) -> list[int]:
    """The coders whose excerpts `_shown` shows: none, the member, or the member first and
    the overlaid coders."""
    scope = codings_scope(membership)
    if scope is Scope.NONE:
        return []
    return [membership.user_id] if scope is Scope.OWN else [membership.user_id, *overlay_ids]


def _own_counts(
    membership: Membership, document: Document, codes: list[int] | None = None
) -> dict[int, int]:
    """code id -> the member's excerpts in this document that carry it (1 query); of the
    `codes` only, when given."""
    own = _shown(membership, document, []).filter(coder_id=membership.user_id)
    codings = Coding.objects.filter(excerpt__in=own)
    if codes is not None:
        codings = codings.filter(code_id__in=codes)
    return dict(codings.values_list("code_id").annotate(n=Count("pk")).values_list("code_id", "n"))


@dataclass(frozen=True)
class CodingViewData:
    """The coding view around its text, read with a fixed number of queries."""

    codes: list[dict]
    coders: list[dict]  # members whose codings may be overlaid (empty in blind mode for coders)
    overlay_ids: list[int]
    code_filter: int | None = None  # the code whose excerpts alone are shown, if any


def coding_view_data(
    *,
    membership: Membership,
    document: Document,
    overlay_ids: list[int],
    code_filter: int | None = None,
) -> CodingViewData:
    """The page around the text: the codebook with the member's own counts in this document
    (all of them, whatever the code filter), and the coders whose codings may be overlaid.

    Queries: the counts (1), the codebook (1), the coders who may be overlaid (1, only for
    members who may see others' codings) — whatever the number of excerpts.
    """
    me = membership.user_id
    overlay_ids = overlaid_coders(membership, overlay_ids)
    counts = _own_counts(membership, document)
    # Plain dicts: the loop below turns `code` into text and adds `path` and `count`.
    codes = cast(
        list[dict],
        list(
            visible_codes(membership=membership)
            .order_by("path")
            .values("id", "code", "name", "parent_id", "colour", "shortcut", "depth", "status")
        ),
    )
    paths = code_paths(codes)
    for code in codes:
        code["code"] = str(code["code"])
        code["path"] = paths[code["id"]]
        code["count"] = counts.get(code["id"], 0)
    coders: list[dict] = []
    if sees_all_codings(membership):
        coders = [
            {
                "id": m.user_id,
                "name": m.user.name,
                "shown": m.user_id in overlay_ids,
                # The same layer number as their excerpts: one pattern per overlaid coder.
                "layer": overlay_ids.index(m.user_id) + 1 if m.user_id in overlay_ids else 0,
            }
            for m in Membership.objects.filter(project_id=membership.project_id)
            .select_related("user")
            .order_by("user__display_name", "user__email")
            if has_capability(m, Capability.CODE) and m.user_id != me
        ]
    return CodingViewData(
        codes=codes, coders=coders, overlay_ids=overlay_ids, code_filter=code_filter
    )


HEAVY_FIELDS = ("text", "pages", "paragraphs", "turns", "headings", "removed_lines", "notes")


def coding_documents(*, membership: Membership) -> QuerySet[Document]:
    """The project's documents without their text and structure: the coding view reads them
    only to render, and their digest (`Document.text_digest`) says whether they changed."""
    return Document.objects.filter(project_id=membership.project_id).defer(*HEAVY_FIELDS)


def _excerpt_rows(
    membership: Membership, document: Document, overlay_ids: list[int], code_filter: int | None
) -> list[list]:
    """The excerpts shown, each as [EXCERPT_FIELDS...], in the order the text is rendered
    (the model's: it decides the colour when two excerpts tie for innermost). 2 queries."""
    shown = _shown(membership, document, overlay_ids)
    codes: dict[int, list[int]] = defaultdict(list)
    codings = Coding.objects.filter(excerpt__in=shown).order_by("excerpt_id", "code_id")
    for excerpt_id, code_id in codings.values_list("excerpt_id", "code_id"):
        codes[excerpt_id].append(code_id)  # in order: each excerpt's codes come sorted
    layers = {membership.user_id: 0} | {coder: n for n, coder in enumerate(overlay_ids, start=1)}
    none: list[int] = []
    rows = [
        [pk, str(code), coder, layers[coder], start, end, memo, version, codes.get(pk, none)]
        for pk, code, coder, start, end, memo, version in shown.values_list(
            "pk", "code", "coder_id", "start", "end", "memo", "version"
        )
    ]
    if code_filter is not None:
        rows = [row for row in rows if code_filter in row[8]]
    return rows


# What json_script escapes, so the data can never close its <script> element early.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@dataclass
class CodingText:
    """The coding view's text answer: the highlighted text and the excerpts shown in it.
    Everything a "not modified" answer needs is computed at once; the highlights (`Span`s)
    and the text only when the rendering is not in the cache."""

    document: Document  # from `coding_documents`: without its text
    excerpts: list[list]  # rows of EXCERPT_FIELDS
    data: str = field(init=False)  # the excerpts as JSON
    render_key: str = field(init=False)

    def __post_init__(self) -> None:
        self.data = json.dumps(self.excerpts, separators=(",", ":"), ensure_ascii=False)
        self.render_key = _render_key(self.document, self.excerpts)

    def spans(self) -> list[Span]:
        return [
            Span(pk, start, end, code, mine=layer == 0, layer=layer, colour=ids[0] if ids else None)
            for pk, code, _coder, layer, start, end, _memo, _version, ids in self.excerpts
        ]

    def html(self) -> str:
        return self.html_bytes().decode()

    def html_bytes(self) -> bytes:
        """The rendering as UTF-8, as it is cached and sent (no 4 MB decoded and encoded)."""
        return _rendered_text(self.document.pk, self.render_key, self.spans)

    def data_script(self) -> SafeString:
        """The excerpts as the page's data block (what `json_script` writes)."""
        data = self.data.translate(SCRIPT_ESCAPES)
        return mark_safe(f'<script id="excerpt-data" type="application/json">{data}</script>')  # noqa: S308

    def body(self) -> bytes:
        """The answer: the excerpts' data block, then the text's chunks (the page's script
        moves the data out of the text)."""
        return self.data_script().encode() + self.html_bytes()


def coding_view_text(
    *,
    membership: Membership,
    document: Document,
    overlay_ids: list[int],
    code_filter: int | None = None,
) -> CodingText:
    """The text answer for this member and these layers. `document` comes from
    `coding_documents`. Queries: excerpts (1), their codings (1); the text itself (1) only when
    its rendering is not cached."""
    overlay_ids = overlaid_coders(membership, overlay_ids)
    return CodingText(document, _excerpt_rows(membership, document, overlay_ids, code_filter))


def coding_text_etag(
    *,
    membership: Membership,
    document: Document,
    overlay_ids: list[int],
    code_filter: int | None = None,
) -> str:
    """The text answer's ETag for this member and these layers, without reading the answer:
    a digest of the text (`Document.text_digest`), the layers (who is "mine", which coder is
    which layer, the code filter) and every field of every excerpt shown with its codes, so
    that any write, by anyone, that changes what the answer shows changes it. One query on
    PostgreSQL (the sums of the rows' hashes, `_shown_state`); elsewhere the rows themselves.

    Read before the answer (the view reads the answer only when the ETag is not the browser's):
    a write between the two makes the answer newer than its ETag, never older, so the next
    visit gets it again rather than keeping a stale one."""
    overlay_ids = overlaid_coders(membership, overlay_ids)
    shown = _shown(membership, document, overlay_ids)
    if connection.vendor == "postgresql":
        state = _shown_state(shown)
    else:
        state = json.dumps(_excerpt_rows(membership, document, overlay_ids, None), default=str)
    key = (
        f"{ETAG_FORMAT}\n{document.pk}:{document.text_digest}\n{membership.user_id}:"
        f"{overlay_ids}:{code_filter}\n{state}"
    )
    return hashlib.blake2b(key.encode(), digest_size=20).hexdigest()


def _hash64(*parts) -> Func:
    """PostgreSQL's 64-bit hash of the parts joined with commas (none may be NULL: concat_ws
    would leave it out, and the parts after it would move)."""
    joined = Func(Value(","), *parts, function="concat_ws", output_field=TextField())
    return Func(joined, Value(0), function="hashtextextended", output_field=BigIntegerField())


def _shown_state(shown: QuerySet) -> str:
    """The excerpts shown and their codings as counts and sums of 64-bit hashes of each row's
    every field (what `_excerpt_rows` reads): the order of the rows does not matter, and any
    change of a row, any row added or removed changes a sum but with odds of 2**-64. Computed
    where the rows are: two aggregate queries, no row read into Python."""
    excerpts = shown.order_by().aggregate(
        n=Count("pk"),
        h=Sum(
            _hash64(
                F("pk"),
                F("code"),
                Coalesce(F("coder_id"), Value(-1)),  # NULL: a consensus excerpt
                F("start"),
                F("end"),
                F("version"),
                F("memo"),
            )
        ),
    )
    codings = (
        Coding.objects.filter(excerpt__in=shown.order_by().values("pk"))
        .order_by()
        .aggregate(n=Count("pk"), h=Sum(_hash64(F("excerpt_id"), F("code_id"))))
    )
    return f"{excerpts['n']}:{excerpts['h']}:{codings['n']}:{codings['h']}"


def coding_text_answer(
    *,
    membership: Membership,
    document: Document,
    overlay_ids: list[int],
    code_filter: int | None = None,
    etag: str,
    gzipped: bool = False,
) -> tuple[bytes, str | None, bool]:
    """The text answer (UTF-8) whose ETag `coding_text_etag` just gave, the ETag to send, and
    whether the answer is compressed (`gzipped`: the browser takes gzip).

    The answer of an ETag is cached (its data block and the key of its rendering): every
    input of the answer is in the ETag, so the first open in another browser reads no excerpt
    either. So is its compressed copy, made once (`GZIP_LEVEL`): the megabytes of a long text
    need not cross a slow network whole, and no open pays for compressing an answer another
    open compressed already. Built afresh, the answer is read after its ETag: when the ETag
    has changed meanwhile (a write came between), the answer goes without one, uncompressed
    and not cached, since a later write could bring back the state the ETag stood for (an
    excerpt added, then deleted) and the browser would keep an answer that shows the excerpt.
    Queries: none when cached; else those of `coding_view_text` and the ETag's again."""
    gzip_key = f"coding-view-answer-gzip:{etag}"
    if gzipped and (found := _rendering(gzip_key)) is not None:
        return found, etag, True
    body, fresh = _answer(membership, document, overlay_ids, code_filter, etag)
    if not gzipped or fresh is None:
        return body, fresh, False
    compressed = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    _cache_set(gzip_key, compressed)
    _keep(gzip_key, compressed)
    return compressed, etag, True


#: zlib's level 1: a 1.5 M-character text's answer goes from 3.8 to 1.0 MB in about 25 ms;
#: level 6 takes three times as long for 15 % less.
GZIP_LEVEL = 1


def _answer(
    membership: Membership,
    document: Document,
    overlay_ids: list[int],
    code_filter: int | None,
    etag: str,
) -> tuple[bytes, str | None]:
    """The uncompressed answer of `coding_text_answer`, and its ETag (None: changed while read)."""
    key = f"coding-view-answer:{etag}"
    found = _cache_get(key)
    if found is not None:
        render_key, data_script = found
        html = _rendering(render_key)
        if html is not None:
            return data_script + html, etag
    text = coding_view_text(
        membership=membership, document=document, overlay_ids=overlay_ids, code_filter=code_filter
    )
    body = text.body()
    again = coding_text_etag(
        membership=membership, document=document, overlay_ids=overlay_ids, code_filter=code_filter
    )
    if again != etag:
        return body, None
    _cache_set(key, (text.render_key, text.data_script().encode()))
    return body, etag


#: Bytes of renderings (and compressed answers) one process keeps besides the shared cache (the
#: last used; the keys are digests of what was rendered, so a kept rendering is never stale). A
#: long text's rendering is megabytes: reading it from Redis (and unpickling it) was a good part
#: of a first open.
KEPT_BYTES = 8_000_000
_kept: OrderedDict[str, bytes] = OrderedDict()
_kept_lock = threading.Lock()  # gunicorn may run a process's requests in threads


def _rendering(key: str) -> bytes | None:
    with _kept_lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found
    found = _cache_get(key)
    if found is not None:
        _keep(key, found)
    return found


def _keep(key: str, html: bytes) -> None:
    with _kept_lock:
        _kept[key] = html
        _kept.move_to_end(key)
        while len(_kept) > 1 and sum(map(len, _kept.values())) > KEPT_BYTES:
            _kept.popitem(last=False)


def _cache_get(key: str):
    """The cache only saves time: when it is unreachable, it is as if it had nothing."""
    try:
        return cache.get(key)
    except Exception as error:  # each backend raises its own client's errors
        logger.warning("Coding view: cache unavailable (%s)", error)
        return None


def _cache_set(key: str, value) -> None:
    with contextlib.suppress(Exception):  # as in `_cache_get`: a cache that is down is skipped
        cache.set(key, value, RENDERED_TEXT_SECONDS)


def _render_key(document: Document, excerpts: list[list]) -> str:
    """A digest of everything the rendering reads: the text, its structure, and of each
    excerpt shown its id, offsets, anchor, layer ("mine" is layer 0) and colour (its first
    code) — what `CodingText.spans` makes of it."""
    digest = hashlib.blake2b(f"{RENDERER}:{document.text_digest}\n".encode(), digest_size=20)
    digest.update(
        "\n".join(
            f"{pk},{start},{end},{code},{layer},{ids[0] if ids else ''}"
            for pk, code, _coder, layer, start, end, _memo, _version, ids in excerpts
        ).encode()
    )
    return f"coding-view-html:{document.pk}:{digest.hexdigest()}"  # UTF-8 bytes


def _rendered_text(document_id: int, key: str, spans: Callable[[], list[Span]]) -> bytes:
    """The highlighted text, rendered once per text and set of highlights and then read from
    the cache: a coded text is opened far more often than it changes. The key is a digest of
    everything the rendering reads, so no write has to remember to invalidate it."""
    html = _rendering(key)  # when the cache is unreachable, the text is rendered here
    if html is None:
        text, paragraphs, pages, turns = Document.objects.values_list(
            "text", "paragraphs", "pages", "turns"
        ).get(pk=document_id)
        html = render_text(
            text, spans=spans(), paragraphs=paragraphs or (), pages=pages or (), turns=turns or ()
        ).encode()
        _cache_set(key, html)
        _keep(key, html)
    return html
