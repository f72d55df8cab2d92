"""The patch a write of the coding view answers with: the text chunks the write changed,
re-rendered exactly as the text answer (`coding.excerpts.workspace`) renders them, with the
excerpts shown in them and the member's code counts, so the page swaps them in without
reloading a long text."""

from __future__ import annotations

import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from operator import itemgetter

from django.db import connection

from coding.excerpts.overlaps import overlapping
from coding.excerpts.rendering import Span, render_chunks
from coding.excerpts.texts import stored_text
from coding.excerpts.workspace import overlaid_coders, shown_layers
from coding.models import Coding, Document, Excerpt
from research import rows
from research.models import Membership

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

    Each chunk is byte-for-byte the chunk the text answer would render now, so the offsets
    of its segments stay exact. Queries: the excerpts with their codings and the counts (1,
    `_patch_read`); for a
    document loaded without its text (the write views), its row version (1, PostgreSQL) and,
    unless this process kept that version's text, the text (1).
    """
    stored = stored_text(document)  # without the text on the instance: kept per process
    bounds = stored.bounds
    touched = sorted({index for start, end in ranges for index in _overlapping(bounds, start, end)})
    if not touched or len(touched) > PATCH_MAX_CHUNKS:
        return None
    me = membership.user_id
    overlay_ids = overlaid_coders(membership, overlay_ids)
    # Consecutive chunks render together; each run reads only the excerpts overlapping it.
    runs: list[list[int]] = []
    for index in touched:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    codes = None if counted is None else list(counted)
    found, counts = _patch_read(
        layers=shown_layers(membership, overlay_ids),
        me=me,
        document_id=document.pk,
        spans=[(bounds[run[0]][0], bounds[run[-1]][1]) for run in runs],
        codes=codes,
    )
    excerpts: list[dict] = [
        {
            "id": pk,
            "code": code,
            "coder": coder,
            "layer": 0 if coder == me else overlay_ids.index(coder) + 1,
            "start": start,
            "end": end,
            "memo": memo,
            "version": version,
            "codes": sorted(ids),
            "mine": coder == me,
        }
        for pk, code, coder, start, end, memo, version, ids in found
    ]
    if code_filter is not None:
        excerpts = [e for e in excerpts if code_filter in e["codes"]]
    chunks: list[dict] = []
    for run in runs:
        low, high = bounds[run[0]][0], bounds[run[-1]][1]
        paragraphs, first_paragraph = stored.paragraphs_between(low, high)
        html = render_chunks(
            stored.text,
            spans=[
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
                if e["start"] < high and e["end"] > low
            ],
            paragraphs=paragraphs,
            pages=stored.pages,
            turns=stored.turns,
            first=run[0],
            last=run[-1],
            bounds=bounds,
            first_paragraph=first_paragraph,
        )
        chunks.extend(
            {"index": index, "start": bounds[index][0], "html": piece}
            for index, piece in zip(run, html, strict=True)
        )
    patch: dict[str, object] = {
        "document": str(document.code),
        "chunks": chunks,
        "excerpts": excerpts,
        "counts": {str(code_id): n for code_id, n in counts.items()},
    }
    if codes is not None:
        patch["counts"] = {str(code_id): counts.get(code_id, 0) for code_id in codes}
        patch["counts_partial"] = True
    return patch


def _overlapping(bounds: list[tuple[int, int]], start: int, end: int) -> range:
    """The chunks that [start, end) overlaps (for an empty span, the chunk at `start`). By
    bisection: the chunks are in text order, each starting where the one before ends, and a
    long text has thousands."""
    first = bisect_right(bounds, start, key=itemgetter(1))
    return range(first, bisect_left(bounds, max(end, start + 1), lo=first, key=itemgetter(0)))


def _patch_read(
    *,
    layers: list[int],
    me: int,
    document_id: int,
    spans: list[tuple[int, int]],
    codes: list[int] | None,
) -> tuple[list[tuple], dict[int, int]]:
    """The patch's two reads in one statement: the excerpts of these `layers`
    (`workspace.shown_layers`) that overlap any of the `spans`, in the order the text is
    rendered (the model's), each as (pk, public code, coder, start, end, memo, version, code
    ids); and the member's code counts in the document (as `workspace._own_counts` counts
    them: of the `codes` only, when given).

    Raw SQL because a write answers with it: built by the ORM, the two queries cost more Python
    than the rest of the patch, and a round trip each. Each excerpt's codes are gathered by
    its own index lookup (a join let PostgreSQL hash the whole coding table)."""
    if not layers:
        return [], {}
    excerpt, coding = Excerpt._meta.db_table, Coding._meta.db_table
    overlap, overlap_params = overlapping("e", document_id=document_id, spans=spans)
    # Only the models' table names and placeholders are formatted in; values are parameters.
    of_excerpt = f"FROM {coding} c WHERE c.excerpt_id = e.id"
    if connection.vendor == "postgresql":
        code_ids = f"ARRAY(SELECT c.code_id {of_excerpt})"
        # One parameter however many coders the address overlays (?coders= is not bounded,
        # and rows.cursor() binds on the server, which takes at most 65,535 parameters).
        of_layers, layer_params = "= ANY(%s)", [layers]
    else:
        code_ids = f"(SELECT group_concat(c.code_id) {of_excerpt})"
        of_layers, layer_params = f"IN ({', '.join(['%s'] * len(layers))})", layers
    sql = (
        f'SELECT 0, e.start, e."end", e.id, e.code, e.coder_id, e.memo, e.version, {code_ids} '  # noqa: S608
        f"FROM {excerpt} e "
        f"WHERE e.document_id = %s AND e.coder_id {of_layers} "
        f"AND {overlap}"
    )
    params: list = [document_id, *layer_params, *overlap_params]
    if codes is None or codes:
        only = f"AND c.code_id IN ({', '.join(['%s'] * len(codes))}) " if codes else ""
        sql += (
            " UNION ALL SELECT 1, COUNT(*), NULL, c.code_id, NULL, NULL, NULL, NULL, NULL "  # noqa: S608
            f"FROM {coding} c JOIN {excerpt} e ON e.id = c.excerpt_id "
            f"WHERE e.document_id = %s AND e.coder_id = %s {only}GROUP BY c.code_id"
        )
        params += [document_id, me, *(codes or ())]
    with rows.cursor() as cursor:
        cursor.execute(sql + " ORDER BY 1, 2, 3, 4", params)  # the model's order: start, end, pk
        found = cursor.fetchall()
    excerpts: list[tuple] = []
    counts: dict[int, int] = {}
    for kind, start, end, pk, code, coder, memo, version, ids in found:
        if kind:
            counts[pk] = start  # the code's count
            continue
        if isinstance(ids, str | None):  # SQLite's group_concat: "3,7", None for no codes
            ids = [int(i) for i in ids.split(",")] if ids else []
        # SQLite keeps a UUID as 32 hex digits; PostgreSQL gives a UUID.
        public = str(code if isinstance(code, uuid.UUID) else uuid.UUID(code))
        excerpts.append((pk, public, coder, start, end, memo, version, ids))
    return excerpts, counts
