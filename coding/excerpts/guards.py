"""The coding view's guards on a new excerpt, around services.excerpt_create: a span the coder
already coded with the same code is offered as an extension of that excerpt, and a span longer
than the project's `long_excerpt` is coded only when confirmed. The caller answers a guard by
calling again (`keep_both`, `merge_into` at `merge_version`, `long_ok`); the views turn the
exceptions into the 409 questions the script asks (coding/excerpts/views.py `_ask`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from coding.excerpts import texts
from coding.excerpts.overlaps import overlapping
from coding.excerpts.services import (
    excerpt_create_in_transaction,
    excerpt_create_in_vivo,
    excerpt_update,
)
from coding.models import Code, Coding, Document, Excerpt
from research import rows
from research.models import Membership


class ExcerptDuplicate(ValidationError):
    """The coder already coded most of this span with one of these codes (`existing`): the
    caller asks whether to extend that excerpt (`merge_into`) or keep both (`keep_both`)."""

    def __init__(self, existing: Excerpt):
        self.existing = existing
        super().__init__(
            _(
                "You already coded most of this passage with the same code "
                "(characters %(start)d–%(end)d). Extend that excerpt, or keep both?"
            )
            % {"start": existing.start, "end": existing.end},
            code="duplicate",
        )


class ExcerptTooLong(ValidationError):
    """The span is longer than the project's `long_excerpt`: the caller confirms (`long_ok`)."""

    def __init__(self, length: int, limit: int):
        super().__init__(
            _(
                "This excerpt is %(length)d characters long, more than the %(limit)d this project "
                "asks to confirm. Code it anyway?"
            )
            % {"length": length, "limit": limit},
            code="too_long",
        )


def check_length(*, document: Document, start: int, end: int, long_ok: bool) -> None:
    limit = document.project.long_excerpt
    if end - start > limit and not long_ok:
        raise ExcerptTooLong(end - start, limit)


# The columns duplicate_of leaves deferred: neither the guard nor its question reads them.
_UNREAD = ("text", "memo", "text_flag", "from_search", "created_at", "updated_at")


def duplicate_of(*, document: Document, coder, start: int, end: int, codes) -> Excerpt | None:
    """The coder's excerpt with one of these codes that overlaps [start, end) by more than half
    the shorter of the two (the one overlapping most): coding it again would count the passage
    twice for this code."""
    if not codes:
        return None
    # In text order (ties go to the first). Written out (research/rows.py): the ORM's query
    # costs a write more CPU to build than to run, and the default order would join the
    # document for its title. Only what the guard and its question use is read.
    read = rows.columns(Excerpt, "e", _UNREAD)
    code_ids = ", ".join(["%s"] * len(codes))
    near, near_params = overlapping("e", document_id=document.pk, spans=[(start, end)])
    with rows.cursor() as cursor:
        cursor.execute(
            f"SELECT {read.sql} FROM {rows.table(Excerpt)} e"  # noqa: S608 (the models' names)
            f" WHERE e.document_id = %s AND e.coder_id = %s AND {near}"
            f" AND EXISTS (SELECT 1 FROM {rows.table(Coding)} c WHERE c.excerpt_id = e.id"
            f" AND c.code_id IN ({code_ids}))"
            ' ORDER BY e.start, e."end", e.id',
            [document.pk, coder.pk, *near_params, *(code.pk for code in codes)],
        )
        candidates = [read.build(row) for row in cursor.fetchall()]
    best, best_overlap = None, 0
    for other in candidates:
        overlap = duplicate_overlap(start, end, other.start, other.end)
        if overlap > best_overlap:
            best, best_overlap = other, overlap
    return best


def duplicate_overlap(start: int, end: int, other_start: int, other_end: int) -> int:
    """How much [start, end) overlaps the other span when that is more than half the shorter
    of the two (the duplicate rule; auto-coding's preview marks duplicates by it too), else 0."""
    overlap = min(end, other_end) - max(start, other_start)
    return overlap if overlap * 2 > min(end - start, other_end - other_start) else 0


def one_check_at_a_time(*, document_id: int, coder_id: int) -> None:
    """Two tabs of one coder sending the same passage at once would both find no duplicate and
    both create it. A transaction-scoped advisory lock per (document, coder) makes the second
    wait until the first commits; its check (a new snapshot: read committed) then sees the
    first's excerpt. Taken before any row lock (auto-coding takes it for each of its documents
    in pk order, holding only the member's row), so it adds no cycle to the lock order
    (coding/excerpts/services.py). SQLite lets one writer in at a time anyway."""
    if connection.vendor != "postgresql":
        return
    with rows.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", _check_key(document_id, coder_id))


def _check_key(document_id: int, coder_id: int) -> tuple[int, int]:
    # Two int4 keys; the modulo only makes rare unrelated pairs share a lock (harmless).
    return document_id % 2**31, coder_id % 2**31


@transaction.atomic
def excerpt_create_checked(
    *,
    document: Document,
    coder,
    start: int,
    end: int,
    text: str,
    codes: Iterable[Code] = (),
    memo: str = "",
    long_ok: bool = False,
    keep_both: bool = False,
    merge_into: Excerpt | None = None,
    merge_version: int | None = None,
) -> Excerpt:
    """services.excerpt_create behind the guards; with `merge_into`, the coder's excerpt is
    extended over the span instead and given these codes (a memo is appended to its memo), and
    that excerpt is returned."""
    codes = list(codes)
    if merge_into is not None:
        if merge_into.document_id != document.pk or merge_into.coder_id != coder.pk:
            raise ValidationError(_("Extend one of your own excerpts in this document only."))
        start, end = min(start, merge_into.start), max(end, merge_into.end)
        check_length(document=document, start=start, end=end, long_ok=long_ok)
        joined = "\n\n".join(part for part in (merge_into.memo, memo) if part.strip())
        return excerpt_update(
            excerpt=merge_into,
            version=merge_version,
            start=start,
            end=end,
            memo=joined if memo.strip() else None,
            add_codes=codes,
            user=coder,
        )
    check_length(document=document, start=start, end=end, long_ok=long_ok)
    locked = None
    if not keep_both:
        # one_check_at_a_time's lock, taken in the statement that share-locks the document
        # (before the row lock, as there): one round trip fewer. The duplicate check then reads
        # in a statement of its own, after both (a snapshot that sees a first tab's excerpt),
        # and is still answered before the text is checked against the locked row.
        locked = texts.lock_row(
            document, coder_id=coder.pk, advisory=_check_key(document.pk, coder.pk)
        )
        existing = duplicate_of(document=document, coder=coder, start=start, end=end, codes=codes)
        if existing is not None:
            raise ExcerptDuplicate(existing)
    # Inside this function's transaction already: no savepoint of the service's own.
    return excerpt_create_in_transaction(
        document=document,
        coder=coder,
        start=start,
        end=end,
        text=text,
        codes=codes,
        memo=memo,
        locked=locked,
    )


@transaction.atomic
def excerpt_create_in_vivo_checked(
    *, membership: Membership, document: Document, start: int, end: int, long_ok: bool, **rest
) -> tuple[Excerpt, Code]:
    """services.excerpt_create_in_vivo behind the length guard (its code is new: no duplicate)."""
    check_length(document=document, start=start, end=end, long_ok=long_ok)
    return excerpt_create_in_vivo(
        membership=membership, document=document, start=start, end=end, **rest
    )
