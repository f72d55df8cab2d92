"""A document's stored text and structure as a write of the coding view needs them, and a web
process's memo of the last few, so that a write does not read a long text again.

A write checks the selected text against the stored text, and answers with the chunks it
touched re-rendered (``patches.coding_view_patch``). Reading a long text from PostgreSQL
costs its whole decompression however little of it is needed (a 1.5 M-character text: about
5 ms of the server's time, a 5 M-character one three times that), and the chunk bounds need
the whole text. So the write views load the document without its text
(``DEFERRED_FIELDS``), and each process keeps the texts it read, with their chunk bounds,
keyed by the row's version: PostgreSQL's ``xmin``, which every update of the row changes (a
new text, a new text version, a new title alike) and no read or row lock does. A write reads
the key with the share lock it takes on the row to check the text version
(:func:`check_text_version`), so the text it checks against is the stored one for as
long as its transaction runs. A row the asking transaction wrote itself, and any row on
another database than PostgreSQL, is read each time.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from coding.excerpts.rendering import chunk_bounds
from coding.models import Assignment, Document, Reconciliation, ReconciliationDocument
from research import rows
from research.models import Membership

#: The fields a write view leaves out of the document it loads (read here when needed).
DEFERRED_FIELDS = (
    "text",
    "pages",
    "paragraphs",
    "turns",
    "headings",
    "warnings",
    "removed_lines",
    "file_properties",
    "ocr",
)

#: Characters of text one process keeps at most (the least recently used go first).
MEMO_CHARACTERS = 12_000_000

#: The row's version as SQL: its xmin, or NULL when the row was written by the transaction
#: asking (every write of a transaction leaves the same xmin, so a text that transaction read
#: and then changed again would look unchanged: such a row is read, never kept).
ROW_VERSION = "NULLIF({table}.xmin::text::bigint, mod(txid_current_if_assigned(), 4294967296))"


@dataclass(frozen=True)
class StoredText:
    """What the checks and the renderer read of a document: its text and its structure."""

    text: str
    paragraphs: Sequence
    pages: Sequence
    turns: Sequence

    @cached_property
    def bounds(self) -> list[tuple[int, int]]:
        """The chunks' offsets (``rendering.chunk_bounds``), found once per text kept."""
        return chunk_bounds(self.text)

    @cached_property
    def paragraph_starts(self) -> list[int] | None:
        """Where each paragraph starts, when they are in text order (as ingestion makes them;
        None otherwise), found once per text kept: a write's patch finds its few by bisection
        instead of walking thousands."""
        starts = [paragraph[0] for paragraph in self.paragraphs]
        return starts if all(a <= b for a, b in pairwise(starts)) else None

    def paragraphs_between(self, low: int, high: int) -> tuple[Sequence, int]:
        """The paragraphs that start in [low, high) (all of them when they are not in text
        order), with the number of the first (``rendering.render_chunks``' `first_paragraph`)."""
        starts = self.paragraph_starts
        if starts is None:
            return self.paragraphs, 1
        first = bisect_left(starts, low)
        return self.paragraphs[first : bisect_left(starts, high, lo=first)], first + 1


def document_for_write(membership: Membership, code) -> Document | None:
    """The project's document with this public code, loaded without ``DEFERRED_FIELDS``, and
    whether the member is assigned to it (``assigned_to``: coding.access.may_code_document
    reads it instead of asking again); None when the project has no such document. Written
    out (research/rows.py): every write of the coding view reads it, and through the ORM the
    query costs more Python to build than the database spends on it."""
    read = rows.columns(Document, "d", DEFERRED_FIELDS)
    with rows.cursor() as cursor:
        cursor.execute(
            f"SELECT {read.sql}, EXISTS (SELECT 1 FROM {rows.table(Assignment)} a"  # noqa: S608
            " WHERE a.document_id = d.id AND a.coder_id = %s)"
            f" FROM {rows.table(Document)} d WHERE d.project_id = %s AND d.code = %s",
            [membership.user_id, membership.project_id, rows.param(Document, "code", code)],
        )
        found = cursor.fetchone()
    if found is None:
        return None
    document = read.build(found[:-1])
    document.project = membership.project  # the same row: not read again for its settings
    document.assigned_to = (membership.user_id, bool(found[-1]))
    return document


_memo: OrderedDict[tuple[int, int], StoredText] = OrderedDict()
_memo_lock = threading.Lock()  # gunicorn may run a process's requests in threads


@dataclass(frozen=True)
class DocumentRow:
    """What a write reads of the document's row with the share lock it takes on it."""

    row_version: int | None  # ``ROW_VERSION`` (None off PostgreSQL): the memo's key
    frozen: bool = False  # the coder's codings of it are being reconciled (read-only)
    assignment: str | None = None  # the coder's assignment status (None: not assigned)


def check_span(
    *,
    document: Document,
    start: int,
    end: int,
    text: str,
    coder_id: int | None = None,
    locked: LockedRow | None = None,
) -> DocumentRow:
    """Refuse a span outside the document, empty, or whose text is not the stored text there
    (after :func:`check_text_version`): the check every write that sets a span makes. Returns
    the row as the lock read it (with `coder_id`: that coder's state of it as well); `locked`:
    as :func:`lock_row` read it earlier in the transaction."""
    row = check_text_version(document, coder_id=coder_id, locked=locked)
    # The answer's patch renders from the same version (the row stays as the check saw it:
    # the write does not change it), without reading the version again.
    document.checked_row_version = row.row_version
    stored = stored_text(document, row.row_version).text
    if start < 0 or end > len(stored):
        raise ValidationError(
            _("The selection lies outside the document (it has %(n)d characters).")
            % {"n": len(stored)}
        )
    if start >= end:
        raise ValidationError(_("Select at least one character."))
    if stored[start:end] != text:
        raise ValidationError(
            _(
                "The selected text does not match the document at these positions. "
                "Reload the page and select the passage again."
            )
        )
    return row


#: With the share lock, the coder's state of the document (``DocumentRow``) in the same
#: statement: a new excerpt needs both, and each statement is a round trip and, built by the
#: ORM, half a millisecond of Python. The ORM's version of the rule is
#: ``services._check_not_frozen`` (SQLite reads this with the ORM, ``_coder_state``).
CODER_STATE = f"""
    EXISTS (
        SELECT 1 FROM {ReconciliationDocument._meta.db_table} rd
        JOIN {Reconciliation.coders.through._meta.db_table} rc
          ON rc.reconciliation_id = rd.reconciliation_id
        WHERE rd.document_id = {Document._meta.db_table}.id AND rd.active AND rc.user_id = %s
    ),
    (
        SELECT a.status FROM {Assignment._meta.db_table} a
        WHERE a.document_id = {Document._meta.db_table}.id AND a.coder_id = %s
    )
"""  # noqa: S608 (the models' table names)


#: The text version and the row (``DocumentRow``) as :func:`lock_row` read them.
LockedRow = tuple[int | None, DocumentRow]


def check_text_version(
    document: Document, *, coder_id: int | None = None, locked: LockedRow | None = None
) -> DocumentRow:
    """Share-lock the document row and refuse a page that loaded an older text version;
    returns the row's version (PostgreSQL's xmin, unchanged while the lock is held; None
    elsewhere), under which the memo keeps the stored text, and with `coder_id` whether that
    coder's codings of it are frozen and their assignment's status, read in the same statement.
    With `locked`, the row :func:`lock_row` locked and read earlier in this transaction.

    A new text version (coding.documents.versions) locks the row for update while it moves the
    excerpts, so an excerpt is either moved with the others or checked against the new text.
    """
    version, row = locked if locked is not None else lock_row(document, coder_id=coder_id)
    if version != document.text_version:
        raise ValidationError(
            _("The document's text has changed since the page loaded. Reload the page."),
            code="stale_text",
        )
    return row


def lock_row(
    document: Document, *, coder_id: int | None = None, advisory: tuple[int, int] | None = None
) -> LockedRow:
    """The document row share-locked (:func:`check_text_version` checks what this returns);
    with `advisory`, that transaction-level advisory lock taken first, in the same statement:
    PostgreSQL computes the select list in the scan below the row lock, so the advisory lock
    is held before the row lock is asked for (the lock order of coding/excerpts/guards.py),
    and taken again, re-entrantly, if the row changed while the statement waited."""
    if connection.vendor != "postgresql":
        # SQLite lets one writer at a time into the whole database: a plain read is enough
        # (and it has no advisory locks to take).
        rows = Document.objects.filter(pk=document.pk)
        fields = ["text_version"]
        if coder_id is not None:
            rows = rows.annotate(**_coder_state(coder_id))
            fields += ["row_frozen", "row_assignment"]
        version, *state = rows.values_list(*fields).first() or (None,)
        return version, DocumentRow(None, *state)
    return _lock_row(document.pk, coder_id, advisory)


def _lock_row(
    document_id: int, coder_id: int | None, advisory: tuple[int, int] | None
) -> LockedRow:
    table = connection.ops.quote_name(Document._meta.db_table)  # the model's, not input
    version_sql = ROW_VERSION.format(table=table)
    state, params = (CODER_STATE, [coder_id, coder_id]) if coder_id is not None else ("", [])
    first, first_params = (
        ("pg_advisory_xact_lock(%s, %s), ", list(advisory)) if advisory else ("", [])
    )
    with rows.cursor() as cursor:
        cursor.execute(
            f"SELECT {first}text_version, {version_sql}{',' if state else ''}{state} "  # noqa: S608
            f"FROM {table} WHERE id = %s FOR SHARE OF {table}",
            [*first_params, *params, document_id],
        )
        found = cursor.fetchone()
    if found is None:
        return None, DocumentRow(None)
    if advisory:
        found = found[1:]
    if coder_id is None:
        return found[0], DocumentRow(found[1])
    return found[0], DocumentRow(found[1], found[2], found[3])


def _coder_state(coder_id: int) -> dict:
    """``CODER_STATE`` as the ORM's annotations (the databases other than PostgreSQL)."""
    frozen = ReconciliationDocument.objects.filter(
        document=OuterRef("pk"), active=True, reconciliation__coders=coder_id
    )
    assignment = Assignment.objects.filter(document=OuterRef("pk"), coder_id=coder_id)
    return {
        "row_frozen": Exists(frozen),
        "row_assignment": Subquery(assignment.values("status")[:1]),
    }


def row_version(document_id: int) -> int | None:
    """The document row's version (``ROW_VERSION``) as it is now; None without PostgreSQL or
    when this transaction wrote the row."""
    if connection.vendor != "postgresql":
        return None
    table = connection.ops.quote_name(Document._meta.db_table)  # the model's, not input
    with connection.cursor() as cursor:
        version_sql = ROW_VERSION.format(table=table)
        cursor.execute(f"SELECT {version_sql} FROM {table} WHERE id = %s", [document_id])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def stored_text(document: Document, version: int | None = None) -> StoredText:
    """The document's text and structure: from the instance when it holds them, else from
    this process's memo at the row's ``version`` (read now when not given), else read once."""
    if "text" not in document.get_deferred_fields():
        return _of(document.text, document.paragraphs, document.pages, document.turns)
    if version is None:
        version = getattr(document, "checked_row_version", None) or row_version(document.pk)
    if version is not None:
        with _memo_lock:
            found = _memo.get((document.pk, version))
            if found is not None:
                _memo.move_to_end((document.pk, version))
                return found
    return _read(document.pk)


def _of(text: str, paragraphs, pages, turns) -> StoredText:
    return StoredText(text, paragraphs or (), pages or (), turns or ())


def _read(document_id: int) -> StoredText:
    """Read the row's text and structure (with its version, under which it is kept)."""
    fields = ("text", "paragraphs", "pages", "turns")
    if connection.vendor != "postgresql":
        row = Document.objects.filter(pk=document_id).values_list(*fields).get()
        return _of(*row)
    table = connection.ops.quote_name(Document._meta.db_table)
    version, *row = (
        Document.objects.filter(pk=document_id)
        .annotate(row_version=RawSQL(ROW_VERSION.format(table=table), ()))  # noqa: S611
        .values_list("row_version", *fields)
        .get()
    )
    found = _of(*row)
    if version is not None:
        _remember((document_id, version), found)
    return found


def _remember(key: tuple[int, int], found: StoredText) -> None:
    with _memo_lock:
        _memo[key] = found
        _memo.move_to_end(key)
        # Older versions of the same row are never asked for again.
        for old in [k for k in _memo if k[0] == key[0] and k != key]:
            del _memo[old]
        while len(_memo) > 1 and sum(len(t.text) for t in _memo.values()) > MEMO_CHARACTERS:
            _memo.popitem(last=False)
