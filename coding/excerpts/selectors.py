"""Fast reads of excerpts. Every page, fragment, export, count and search that shows excerpts
goes through `visible_excerpts`, so the blind rule lives in one place."""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Greatest, Substr

from coding.access import reconciliation_unblinds
from coding.codebook.selectors import visible_codes
from coding.excerpts.rendering import Span, render_chunks, render_text
from coding.excerpts.texts import stored_text
from coding.models import (
    Assignment,
    Code,
    CodebookChange,
    Coding,
    Document,
    DocumentSet,
    Excerpt,
    ExcerptAction,
    ExcerptChange,
)
from research.access import Capability, has_capability, limit_to_scope, sees_all_codings
from research.models import Membership


def visible_excerpts(*, membership: Membership) -> QuerySet[Excerpt]:
    """All excerpts of the member's project that this member may see.

    Leads and owners, and everyone once the project is not blind, see all excerpts. In a blind
    project a coder sees only their own excerpts and a viewer sees none.
    """
    excerpts = Excerpt.objects.filter(document__project_id=membership.project_id)
    return limit_to_scope(excerpts, membership, unblinded=reconciliation_unblinds(membership))


@dataclass(frozen=True)
class CodingViewData:
    """Everything the coding view shows, read with a fixed number of queries."""

    html: str
    excerpts: list[dict]
    codes: list[dict]
    coders: list[dict]  # members whose codings may be overlaid (empty in blind mode for coders)
    overlay_ids: list[int]
    code_filter: int | None = None  # the code whose excerpts alone are shown, if any


def code_paths(codes: Sequence[Mapping]) -> dict[int, str]:
    """Full names "A/B/C" of codes given dicts with id, name, parent_id."""
    by_id = {code["id"]: code for code in codes}
    paths: dict[int, str] = {}

    def path_of(code_id: int) -> str:
        if code_id not in paths:
            code = by_id[code_id]
            parent = code["parent_id"]
            prefix = f"{path_of(parent)}/" if parent in by_id else ""
            paths[code_id] = f"{prefix}{code['name']}"
        return paths[code_id]

    for code_id in by_id:
        path_of(code_id)
    return paths


def coding_view_data(
    *,
    membership: Membership,
    document: Document,
    overlay_ids: list[int],
    code_filter: int | None = None,
) -> CodingViewData:
    """The coding view of one document: own excerpts plus the overlaid coders' ones; with
    `code_filter`, only those coded with that code (the code counts still count them all).

    Queries: excerpts (1), their codings (1), the codebook (1), the coders who may be overlaid
    (1, only for members who may see others' codings) — whatever the number of excerpts.
    """
    me = membership.user_id
    may_overlay = sees_all_codings(membership)
    overlay_ids = [i for i in overlay_ids if i != me] if may_overlay else []
    shown = visible_excerpts(membership=membership).filter(
        document=document, coder_id__in=[me, *overlay_ids]
    )
    rows = list(shown.values("pk", "code", "coder_id", "start", "end", "memo", "version"))
    excerpt_codes: dict[int, list[int]] = defaultdict(list)
    for excerpt_id, code_id in Coding.objects.filter(excerpt__in=shown).values_list(
        "excerpt_id", "code_id"
    ):
        excerpt_codes[excerpt_id].append(code_id)

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
    counts: dict[int, int] = defaultdict(int)
    excerpts = []
    for row in rows:
        mine = row["coder_id"] == me
        ids = sorted(excerpt_codes.get(row["pk"], ()))
        if mine:
            for code_id in ids:
                counts[code_id] += 1
        excerpts.append(
            {
                "id": row["pk"],
                "code": str(row["code"]),
                "coder": row["coder_id"],
                "layer": 0 if mine else overlay_ids.index(row["coder_id"]) + 1,
                "start": row["start"],
                "end": row["end"],
                "memo": row["memo"],
                "version": row["version"],
                "codes": ids,
                "mine": mine,
            }
        )
    for code in codes:
        code["code"] = str(code["code"])
        code["path"] = paths[code["id"]]
        code["count"] = counts.get(code["id"], 0)

    coders: list[dict] = []
    if may_overlay:
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

    excerpts = _coded(excerpts, code_filter)
    html = _rendered_text(document, _spans(excerpts))
    return CodingViewData(
        html=html,
        excerpts=excerpts,
        codes=codes,
        coders=coders,
        overlay_ids=overlay_ids,
        code_filter=code_filter,
    )


RENDERED_TEXT_SECONDS = 24 * 3600
logger = logging.getLogger(__name__)


def _rendered_text(document: Document, spans: list[Span]) -> str:
    """The highlighted text, rendered once per text and set of highlights and then read from
    the cache: a coded text is opened far more often than it changes. The key is a digest of
    everything the rendering reads, so no write has to remember to invalidate it."""
    structure = (document.paragraphs, document.pages, document.turns, spans)
    digest = hashlib.blake2b(document.text.encode(), digest_size=20)
    digest.update(repr(structure).encode())
    key = f"coding-view-text:{document.pk}:{digest.hexdigest()}"
    # The cache only saves time: when Redis is unreachable the page renders the text itself.
    try:
        html = cache.get(key)
    except Exception as error:  # each backend raises its own client's errors
        logger.warning("Coding view: cache unavailable, rendering the text (%s)", error)
        html, key = None, ""
    if html is None:
        html = render_text(
            document.text,
            spans=spans,
            paragraphs=document.paragraphs or (),
            pages=document.pages or (),
            turns=document.turns or (),
        )
        if key:
            with contextlib.suppress(Exception):  # as above: a cache that is down is skipped
                cache.set(key, html, RENDERED_TEXT_SECONDS)
    return html


def _coded(excerpts: list[dict], code_filter: int | None) -> list[dict]:
    """The excerpts the view's code filter lets through: the server decides the highlights,
    so filtering re-renders the text instead of restyling it in the browser."""
    if code_filter is None:
        return excerpts
    return [e for e in excerpts if code_filter in e["codes"]]


def _spans(excerpts: list[dict]) -> list[Span]:
    return [
        Span(
            e["id"],
            e["start"],
            e["end"],
            e["code"],
            mine=e["mine"],
            layer=e["layer"],
            colour=e["codes"][0] if e["codes"] else None,
        )
        for e in excerpts
    ]


PATCH_MAX_CHUNKS = 12  # a write touching more chunks than this re-renders the whole view


def coding_view_patch(
    *,
    membership: Membership,
    document: Document,
    overlay_ids: list[int],
    ranges: Iterable[tuple[int, int]],
    code_filter: int | None = None,
    counted: Iterable[int] | None = None,
) -> dict | None:
    """What a write changed in the coding view: the re-rendered chunks that overlap `ranges`
    (an excerpt's old and new offsets), the excerpts shown in them and the member's code counts
    in this document: of every code, or only of the codes `counted` (the codes the write can
    have changed; then `counts_partial` tells the page to leave the others as they are). None
    when too many chunks changed; the browser then reloads the view.

    Each chunk is byte-for-byte the chunk `coding_view_data` would render now, so the offsets
    of its segments stay exact. Queries: excerpts (1), their codings (1), counts (1); for a
    document loaded without its text (the write views), its row version (1, PostgreSQL) and,
    unless this process kept that version's text, the text (1).
    """
    stored = stored_text(document)  # without the text on the instance: kept per process
    bounds = stored.bounds
    touched = sorted(
        {
            index
            for start, end in ranges
            for index, (low, high) in enumerate(bounds)
            if low < max(end, start + 1) and start < high
        }
    )
    if not touched or len(touched) > PATCH_MAX_CHUNKS:
        return None
    me = membership.user_id
    overlay_ids = [i for i in overlay_ids if i != me] if sees_all_codings(membership) else []
    visible = visible_excerpts(membership=membership).filter(
        document=document, coder_id__in=[me, *overlay_ids]
    )
    # Consecutive chunks render together; each run reads only the excerpts overlapping it.
    runs: list[list[int]] = []
    for index in touched:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    overlapping = Q()
    for run in runs:
        overlapping |= Q(start__lt=bounds[run[-1]][1], end__gt=bounds[run[0]][0])
    shown = visible.filter(overlapping)  # the model order: the full render's order
    rows = list(shown.values("pk", "code", "coder_id", "start", "end", "memo", "version"))
    excerpt_codes: dict[int, list[int]] = defaultdict(list)
    for excerpt_id, code_id in Coding.objects.filter(excerpt__in=shown).values_list(
        "excerpt_id", "code_id"
    ):
        excerpt_codes[excerpt_id].append(code_id)
    excerpts: list[dict] = [
        {
            "id": row["pk"],
            "code": str(row["code"]),
            "coder": row["coder_id"],
            "layer": 0 if row["coder_id"] == me else overlay_ids.index(row["coder_id"]) + 1,
            "start": row["start"],
            "end": row["end"],
            "memo": row["memo"],
            "version": row["version"],
            "codes": sorted(excerpt_codes.get(row["pk"], ())),
            "mine": row["coder_id"] == me,
        }
        for row in rows
    ]
    excerpts = _coded(excerpts, code_filter)
    chunks: list[dict] = []
    for run in runs:
        low, high = bounds[run[0]][0], bounds[run[-1]][1]
        html = render_chunks(
            stored.text,
            spans=_spans([e for e in excerpts if e["start"] < high and e["end"] > low]),
            paragraphs=stored.paragraphs,
            pages=stored.pages,
            turns=stored.turns,
            first=run[0],
            last=run[-1],
            bounds=bounds,
        )
        chunks.extend(
            {"index": index, "start": bounds[index][0], "html": piece}
            for index, piece in zip(run, html, strict=True)
        )
    codings = Coding.objects.filter(excerpt__in=visible.filter(coder_id=me))
    if counted is not None:
        counted = list(counted)
        codings = codings.filter(code_id__in=counted)
    counts = dict(
        codings.values_list("code_id").annotate(n=Count("pk")).values_list("code_id", "n")
    )
    patch: dict[str, object] = {
        "document": str(document.code),
        "chunks": chunks,
        "excerpts": excerpts,
        "counts": {str(code_id): n for code_id, n in counts.items()},
    }
    if counted is not None:
        patch["counts"] = {str(code_id): counts.get(code_id, 0) for code_id in counted}
        patch["counts_partial"] = True
    return patch


CONTEXT_CHARS = 200  # context shown on each side of a retrieval hit, give or take CONTEXT_SLACK
CONTEXT_SLACK = 30  # how far the context may grow or shrink to end between two words


@dataclass(frozen=True)
class HitContext:
    """The text around a retrieval hit, cut between words; `cut_*` asks for an "…" marker."""

    before: str
    after: str
    cut_before: bool
    cut_after: bool


def _between_words(text: str, ideal: int) -> int:
    """The whitespace nearest to `ideal` within CONTEXT_SLACK, else `ideal` itself (a single
    word longer than that, such as a URL, is cut where it must be)."""
    near = range(max(0, ideal - CONTEXT_SLACK), min(len(text), ideal + CONTEXT_SLACK + 1))
    spaces = [i for i in near if text[i].isspace()]
    return min(spaces, key=lambda i: abs(i - ideal)) if spaces else ideal


def hit_context(*, before: str, after: str, start: int) -> HitContext:
    """Trim the windows `retrieval_excerpts` reads to whole words. `before` is at most
    CONTEXT_CHARS + CONTEXT_SLACK characters (fewer near the document's start); `after` one more,
    so that a full window tells that the document goes on."""
    cut_before = start > len(before)
    if cut_before:
        before = before[_between_words(before, len(before) - CONTEXT_CHARS) :].lstrip()
    cut_after = len(after) > CONTEXT_CHARS + CONTEXT_SLACK
    if cut_after:
        after = after[: _between_words(after, CONTEXT_CHARS)].rstrip()
    return HitContext(before=before, after=after, cut_before=cut_before, cut_after=cut_after)


def _consensus_where_reconciled(project_id: int) -> Q:
    """All coders' excerpts, except that a reconciled document shows its consensus instead
    (as the matrix and the frequency table count it)."""
    # Imported here: the reconcile selectors read code fates from this module.
    from coding.reconcile.selectors import reconciled_documents

    reconciled = reconciled_documents(project_id=project_id)  # a subquery
    coders_work = Q(coder__isnull=False) & ~Q(document_id__in=reconciled)
    return coders_work | Q(coder__isnull=True, document_id__in=reconciled)


def retrieval_reconciled(*, membership: Membership) -> int:
    """How many documents show their consensus in place of the coders' excerpts when all
    coders are retrieved (none for whom blind mode limits to their own). 1 query, or none."""
    if not sees_all_codings(membership):
        return 0
    from coding.reconcile.selectors import reconciled_documents

    return reconciled_documents(project_id=membership.project_id).count()


def retrieval_excerpts(
    *,
    membership: Membership,
    code: Code | None = None,
    descendants: bool = False,
    coder_id: int | None = None,
    kind: str = "",
    document: Document | None = None,
    document_set: DocumentSet | None = None,
    contexts: bool = True,
) -> QuerySet[Excerpt]:
    """Excerpts for retrieval and its exports, with a window of context on each side for
    `hit_context` to trim to whole words (~200 characters each side).

    The windows are cut in the database (Substr counts characters, i.e. code points, on SQLite
    and PostgreSQL alike), so whole document texts never travel to Python. That is cheap for a
    page of 50 hits but not for thousands (PostgreSQL unpacks the whole text per row): the
    exports, which show no context, ask for `contexts=False` and get the bare, ordered rows.
    """
    excerpts = visible_excerpts(membership=membership)
    if code is not None:
        if descendants:
            excerpts = excerpts.filter(
                codings__code__project_id=code.project_id,
                codings__code__path__startswith=code.path,
            )
        else:
            excerpts = excerpts.filter(codings__code=code)
    if coder_id is not None:
        excerpts = excerpts.filter(coder_id=coder_id)
    elif sees_all_codings(membership):
        excerpts = excerpts.filter(_consensus_where_reconciled(membership.project_id))
    if kind:
        excerpts = excerpts.filter(document__kind=kind)
    if document is not None:
        excerpts = excerpts.filter(document=document)
    if document_set is not None:
        # A subquery, not a join: an excerpt is one hit however many sets hold its document.
        excerpts = excerpts.filter(document_id__in=document_set.documents.values("pk"))
    order = ("document__title", "document_id", "start", "end", "pk")
    if not contexts:
        return excerpts.distinct().order_by(*order)
    window = CONTEXT_CHARS + CONTEXT_SLACK
    before_start = Greatest(F("start") - window, Value(0))
    return (
        excerpts.distinct()
        .select_related("document", "coder")
        .defer("document__text")
        .annotate(
            context_before=Substr("document__text", before_start + 1, F("start") - before_start),
            context_after=Substr("document__text", F("end") + 1, window + 1),
        )
        .prefetch_related(
            Prefetch("codings", queryset=Coding.objects.only("excerpt_id", "code_id"))
        )
        .order_by(*order)
    )


def my_assignments(*, membership: Membership) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(document__project_id=membership.project_id)
        .filter(coder_id=membership.user_id)
        .select_related("document")
        .defer("document__text")
        .order_by("document__title", "document_id")
    )


def assignment_matrix(*, project) -> tuple[list[Document], list[Membership], set[tuple[int, int]]]:
    """Documents × coders and which pairs are assigned (3 queries)."""
    documents = list(
        Document.objects.filter(project=project)
        .only("id", "code", "title", "kind")
        .order_by("title", "pk")
    )
    coders = [
        m
        for m in Membership.objects.filter(project=project)
        .select_related("user")
        .order_by("user__display_name", "user__email")
        if has_capability(m, Capability.CODE)
    ]
    assigned = set(
        Assignment.objects.filter(document__project=project).values_list("document_id", "coder_id")
    )
    return documents, coders, assigned


def excerpt_editor_codes(*, excerpt: Excerpt) -> list[dict]:
    """The excerpt's codes as the coding view's editor lists them: full paths "A/B/C" in
    codebook order. Queries: the codebook's names (1), the excerpt's codes (1)."""
    project_id = excerpt.document.project_id
    names = Code.objects.filter(project_id=project_id).values("id", "name", "parent_id")
    paths = code_paths([dict(row) for row in names])
    return [
        {"id": code.pk, "code": str(code.code), "path": paths[code.pk]}
        for code in excerpt.codes.order_by("path")
    ]


# --- excerpt history ----------------------------------------------------------------------------


def excerpt_history(*, excerpt_code, limit: int = 5) -> list[dict]:
    """Who changed the excerpt and how, newest first (one query)."""
    changes = (
        ExcerptChange.objects.filter(excerpt_code=excerpt_code)
        .select_related("user")
        .order_by("-pk")[:limit]
    )
    return [history_entry(change) for change in changes]


def history_entry(change: ExcerptChange) -> dict:
    """One change of an excerpt as its history shows it (reads `change.user`)."""
    return {
        "action": change.action,
        "label": change.get_action_display(),
        "by": change.user.name if change.user else "",
        "at": change.at.isoformat(),
        "version": change.version,
        "changed": sorted(
            key
            for key in {*change.before, *change.after}
            if key != "version" and change.before.get(key) != change.after.get(key)
        ),
    }


def excerpt_deletion(*, project, excerpt_code) -> ExcerptChange | None:
    """The delete that removed this excerpt, if its latest change is one (else None)."""
    latest = (
        ExcerptChange.objects.filter(project=project, excerpt_code=excerpt_code)
        .select_related("user", "document")
        .order_by("-pk")
        .first()
    )
    return latest if latest is not None and latest.action == ExcerptAction.DELETE else None


def excerpt_last_deleted(*, project, user) -> ExcerptChange | None:
    """The member's latest excerpt deletion in the project, while it is not restored: what
    "Undo delete" brings back (one query)."""
    latest = (
        ExcerptChange.objects.filter(project=project, user=user, action=ExcerptAction.DELETE)
        .annotate(back=Exists(Excerpt.objects.filter(code=OuterRef("excerpt_code"))))
        .order_by("-pk")
        .first()
    )
    return None if latest is None or latest.back else latest


@dataclass(frozen=True)
class CodeFate:
    """What became of a code that is no longer in the codebook."""

    name: str  # its name when it went away
    target: Code | None  # the code it was merged into (following later merges); None: deleted


def code_fates(*, project_id: int, uuids: Iterable) -> dict[str, CodeFate]:
    """For codes missing from the codebook, read the codebook's log: merged codes lead to the
    code they were merged into (through any later merges), deleted ones to None. Codes the log
    does not know are left out. Undone merges and deletes are skipped (the code is back).

    Queries: the log's merges, deletes and undos (1), the surviving targets (1). Used only when
    a write names a code that has gone, so the log is read whole."""
    wanted = {str(u) for u in uuids}
    if not wanted:
        return {}
    log = list(
        CodebookChange.objects.filter(
            project_id=project_id, action__in=("merge", "delete", "undo")
        ).values("pk", "action", "before", "after")
    )
    undone = {row["before"].get("change") for row in log if row["action"] == "undo"}
    # Latest first, so the first entry naming a code is what last happened to it.
    gone_by_uuid: dict[str, dict] = {}
    gone_by_pk: dict[int, dict] = {}
    for row in sorted(log, key=lambda r: -r["pk"]):
        if row["action"] == "undo" or row["pk"] in undone:
            continue
        snapshot = row["before"].get("source" if row["action"] == "merge" else "code") or {}
        if "code" not in snapshot or "pk" not in snapshot:
            continue
        entry = {
            "name": snapshot.get("name", ""),
            "target": row["after"].get("target") if row["action"] == "merge" else None,
        }
        gone_by_uuid.setdefault(snapshot["code"], entry)
        gone_by_pk.setdefault(snapshot["pk"], entry)
    ends: dict[str, int | None] = {}
    for uuid in wanted & set(gone_by_uuid):
        target, seen = gone_by_uuid[uuid]["target"], set()
        # A target merged away later leads on to where that one went.
        while target in gone_by_pk and target not in seen:
            seen.add(target)
            target = gone_by_pk[target]["target"]
        ends[uuid] = target
    targets = Code.objects.in_bulk([t for t in ends.values() if t is not None])
    return {
        uuid: CodeFate(name=gone_by_uuid[uuid]["name"], target=targets.get(target))
        for uuid, target in ends.items()
    }
