"""Writes for coding: excerpts, their codes and memos, assignments.

Offsets are Unicode code points into the document's stored text (Python slicing), end
exclusive. The browser sends the text it believes it selected; we recompute the slice and refuse
a mismatch, so a stale page or an offset bug can never store a wrong excerpt.

Concurrency. Every change to an existing excerpt re-reads it under a row lock and compares the
version the caller loaded (a stale one raises ExcerptConflict with the current excerpt; a
deleted one ExcerptGone), and every write appends an ExcerptChange in the same transaction.
Lock order, here and in coding/codebook/services.py: code rows first (in primary-key order),
then the excerpt row, then its codings. A write that sets a span first share-locks the
document row to check that the page's text version is still current (a new text version
locks that row, then the excerpts: coding/documents/versions.py). Codebook structure changes
lock every code of the project FOR UPDATE; coding writes lock the codes they add or remove
FOR SHARE, so coders never wait for each other, a merge waits for the codings in flight and
they wait for the merge, then land on the code it was merged into.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from coding.excerpts.inserts import excerpt_insert
from coding.excerpts.selectors import CodeFate, code_fates, excerpt_deletion
from coding.excerpts.texts import LockedRow, check_span
from coding.models import (
    Assignment,
    AssignmentStatus,
    Code,
    CodeStatus,
    Coding,
    Document,
    Excerpt,
    ExcerptAction,
    ExcerptChange,
    ReconciliationDocument,
)
from research import rows
from research.access import Capability, has_capability, may_create_codes
from research.models import Membership, Project

# A coding write retries its code locks this often when merges keep moving its codes away.
LOCK_ATTEMPTS = 5


class ExcerptConflict(Exception):
    """Someone (another tab, another device) changed the excerpt since it was loaded."""

    def __init__(self, excerpt: Excerpt):
        self.excerpt = excerpt
        super().__init__(
            _(
                "This excerpt was changed elsewhere since you opened it. "
                "Reload the document to see the latest version, then try again."
            )
        )


class ExcerptGone(Exception):
    """The excerpt was deleted since it was loaded; `change` is the delete (None if unknown)."""

    def __init__(self, change: ExcerptChange | None):
        self.change = change
        super().__init__(_("This excerpt was deleted; restore it or discard your change."))


class CodeDeleted(ValidationError):
    """A code the write names was deleted from the codebook since the page loaded."""


class ExcerptFrozen(ValidationError):
    """The coder's work on this document is being reconciled: read-only, so the candidates the
    reconcilers decide stay what the coders coded."""


def _check_not_frozen(*, document_id: int, coder_id: int | None) -> None:
    if coder_id is None:  # the consensus layer: written by the reconciliation services
        return
    # The same rule, read with the document's share lock: texts.CODER_STATE (a new excerpt).
    frozen = ReconciliationDocument.objects.filter(
        document_id=document_id, active=True, reconciliation__coders=coder_id
    )
    if frozen.exists():
        _refuse_frozen()


def _refuse_frozen() -> None:
    raise ExcerptFrozen(
        _(
            "This document is being reconciled: these codings are read-only until a lead "
            "closes the reconciliation."
        ),
        code="frozen",
    )


def _check_codes(
    *, document: Document, codes: Iterable[Code], applying: bool = False
) -> list[Code]:
    """The codes, if they belong to the document's project; `applying` them to a passage also
    needs them codable (a folder code imported with REFI-QDA's isCodable="false" only groups
    other codes, and a tool reading the project back would refuse the coding)."""
    codes = list(codes)
    if any(code.project_id != document.project_id for code in codes):
        raise ValidationError(_("Choose codes from this project's codebook."))
    folders = [code.name for code in codes if applying and not code.is_codable]
    if folders:
        raise ValidationError(
            _("“%(code)s” only groups other codes and cannot be applied to a passage.")
            % {"code": folders[0]}
        )
    return codes


def _share_lock(pks: list[int]) -> set[int]:
    """Lock these codes (`pks`, sorted) FOR SHARE (a structural change's FOR UPDATE waits for
    us and we for it); returns the pks still there. Django has no FOR SHARE, hence the SQL."""
    if not pks:
        return set()
    if connection.vendor != "postgresql":
        # SQLite lets one writer at a time into the whole database: a plain read is enough.
        return set(Code.objects.filter(pk__in=pks).values_list("pk", flat=True))
    table = connection.ops.quote_name(Code._meta.db_table)  # the model's, never user input
    with rows.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR SHARE",  # noqa: S608
            [pks],
        )
        return {row[0] for row in cursor.fetchall()}


def _lock_codes(
    *, project_id: int, codes: Iterable[Code]
) -> tuple[dict[int, Code], list[CodeFate]]:
    """Share-lock the codes a write adds or removes, in one statement (pk order). A code merged
    away meanwhile is replaced by the code it went into; a deleted one raises CodeDeleted.

    Returns {pk the caller gave: code to use} and the replacements made. When a code has gone,
    the locks taken so far are released (savepoint) before the new set is locked, so the order
    stays fixed and a concurrent structural change cannot deadlock with us. Locking a single
    code needs no savepoint (two statements a write): if it has gone, no lock was taken.
    """
    chosen = {code.pk: code for code in codes}
    use = dict(chosen)
    replaced: list[CodeFate] = []
    for _attempt in range(LOCK_ATTEMPTS):
        pks = sorted({code.pk for code in use.values()})
        savepoint = transaction.savepoint() if len(pks) > 1 else None
        present = _share_lock(pks)
        gone = {pk: code for pk, code in use.items() if code.pk not in present}
        if savepoint is not None:  # kept when all are there, else undone with its locks
            (transaction.savepoint_rollback if gone else transaction.savepoint_commit)(savepoint)
        if not gone:
            return use, replaced
        fates = code_fates(project_id=project_id, uuids=[c.code for c in gone.values()])
        for pk, code in gone.items():
            fate = fates.get(str(code.code))
            if fate is None or fate.target is None:
                name = fate.name if fate else code.name
                raise CodeDeleted(
                    _(
                        "The code “%(name)s” was deleted from the codebook since the page "
                        "loaded. Reload the page and choose another code."
                    )
                    % {"name": name},
                    code="code_deleted",
                )
            use[pk] = fate.target
            replaced.append(fate)
    raise ValidationError(
        _("The codebook is being reorganised right now; try again in a moment."), code="busy"
    )


def _state(excerpt: Excerpt, code_uuids: Iterable) -> dict:
    """The excerpt as the history keeps it (codes by UUID, so merges can be followed)."""
    return {
        "coder": excerpt.coder_id,
        "start": excerpt.start,
        "end": excerpt.end,
        "text": excerpt.text,
        "memo": excerpt.memo,
        "codes": sorted(str(u) for u in code_uuids),
        "version": excerpt.version,
        "created_at": excerpt.created_at.isoformat(),
    }


def _code_uuids(excerpt: Excerpt) -> list:
    return list(Coding.objects.filter(excerpt=excerpt).values_list("code__code", flat=True))


def _record(
    excerpt: Excerpt, *, action: str, user, before=None, after=None, reverses=None
) -> ExcerptChange:
    return ExcerptChange.objects.create(
        reverses=reverses,
        project_id=excerpt.document.project_id,
        document_id=excerpt.document_id,
        excerpt_code=excerpt.code,
        action=action,
        version=excerpt.version,
        before=before or {},
        after=after or {},
        user=user,
    )


def _mark_in_progress(*, document: Document, coder) -> None:
    # The first excerpt on an assigned document starts the coder's work on it.
    Assignment.objects.filter(
        document=document, coder=coder, status=AssignmentStatus.ASSIGNED
    ).update(status=AssignmentStatus.IN_PROGRESS)


@transaction.atomic
def excerpt_create(
    *,
    document: Document,
    coder,
    start: int,
    end: int,
    text: str,
    codes: Iterable[Code] = (),
    memo: str = "",
    user=None,
) -> Excerpt:
    """Code the span [start, end) of the document for this coder (`user` did it: the coder
    unless given). `excerpt.replaced_codes` lists codes merged away meanwhile."""
    return excerpt_create_in_transaction(
        document=document,
        coder=coder,
        start=start,
        end=end,
        text=text,
        codes=codes,
        memo=memo,
        user=user,
    )


def excerpt_create_in_transaction(
    *,
    document: Document,
    coder,
    start: int,
    end: int,
    text: str,
    codes: Iterable[Code] = (),
    memo: str = "",
    user=None,
    locked: LockedRow | None = None,  # the document row as the caller locked it (texts)
) -> Excerpt:
    """`excerpt_create` in the caller's (the guards') transaction; no savepoint of its own."""
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("excerpt_create_in_transaction needs one")
    coder_id = getattr(coder, "pk", None)  # None: the consensus layer, never frozen
    row = check_span(
        document=document, start=start, end=end, text=text, coder_id=coder_id, locked=locked
    )
    if row.frozen:
        _refuse_frozen()
    use, replaced = _lock_codes(
        project_id=document.project_id,
        codes=_check_codes(document=document, codes=codes, applying=True),
    )
    now = timezone.now()
    excerpt = Excerpt(
        document=document,
        coder=coder,
        start=start,
        end=end,
        text=text,
        memo=memo,
        created_at=now,
        updated_at=now,
    )
    # A code and the code it was merged into may both be chosen: one coding each.
    final = {code.pk: code for code in use.values()}
    after = _state(excerpt, [code.code for code in final.values()])
    change = excerpt_insert(excerpt=excerpt, codes=final.values(), after=after, user=user or coder)
    if row.assignment == AssignmentStatus.ASSIGNED:  # read under the lock: only the first
        _mark_in_progress(document=document, coder=coder)
    excerpt.replaced_codes = replaced
    # What the answer to the write shows, known here without reading it back.
    excerpt.created_change = change
    excerpt.created_codes = list(final.values())
    return excerpt


@transaction.atomic
def excerpt_create_in_vivo(
    *,
    membership: Membership,
    document: Document,
    start: int,
    end: int,
    text: str,
    name: str,
    parent: Code | None = None,
    codes: Iterable[Code] = (),
) -> tuple[Excerpt, Code]:
    """Create a code named after the selected words and code the selection with it.

    Coders may do this only when the project allows it, and their code is *proposed* for the
    lead to review; leads' codes are active at once.
    """
    if not may_create_codes(membership):
        raise ValidationError(_("Only leads may add codes to this project's codebook."))
    check_span(document=document, start=start, end=end, text=text)
    if parent is not None and parent.project_id != document.project_id:
        raise ValidationError(_("Choose a parent code from this project's codebook."))
    from coding.codebook.services import code_create

    status = (
        CodeStatus.ACTIVE if has_capability(membership, Capability.MANAGE) else CodeStatus.PROPOSED
    )
    code = code_create(
        project=document.project,
        name=name.strip(),
        user=membership.user,
        parent=parent,
        status=status,
    )
    excerpt = excerpt_create(
        document=document,
        coder=membership.user,
        start=start,
        end=end,
        text=text,
        codes=[*codes, code],
    )
    return excerpt, code


def _lock_excerpt(excerpt: Excerpt, *, expected: int | None, for_delete: bool = False) -> Excerpt:
    """The excerpt's row, locked, if its version is still `expected` (None: any); NO KEY for
    edits (codings added elsewhere take KEY SHARE), the full lock for a delete. The row only:
    a new text version locks the document first, then the excerpts (never the other way)."""
    locked = Excerpt.objects.select_for_update(no_key=not for_delete, of=("self",))
    # By public code, not pk: a restored excerpt is the same excerpt with a new row.
    row = locked.select_related("document").filter(code=excerpt.code).first()
    if row is None:
        project_id = excerpt.document.project_id
        raise ExcerptGone(excerpt_deletion(project=project_id, excerpt_code=excerpt.code))
    if expected is not None and row.version != expected:
        raise ExcerptConflict(row)
    return row


@transaction.atomic
def excerpt_update(
    *,
    excerpt: Excerpt,
    version: int | None,
    start: int | None = None,
    end: int | None = None,
    text: str | None = None,
    memo: str | None = None,
    add_codes: Iterable[Code] = (),
    remove_codes: Iterable[Code] = (),
    codes: Iterable[Code] | None = None,
    user=None,
    reverses: ExcerptChange | None = None,
) -> Excerpt:
    """Change boundaries, memo or codes. `version` is the version the editor loaded (None: the
    one `excerpt` was read with); a stale one raises ExcerptConflict, a deleted excerpt
    ExcerptGone. `codes`, when given, replaces the excerpt's codes. `user` did it (default: the
    coder; `reverses`: what an undo reverses). Updates `excerpt`, its `replaced_codes` too."""
    document = excerpt.document
    add_codes = _check_codes(document=document, codes=add_codes, applying=True)
    remove_codes = _check_codes(document=document, codes=remove_codes)
    codes = None if codes is None else _check_codes(document=document, codes=codes)
    touched = [*add_codes, *remove_codes, *(codes or ())]
    if codes is not None:  # replacing removes the current codes too: lock them as well
        touched += list(Code.objects.filter(codings__excerpt=excerpt))
    use, replaced = _lock_codes(project_id=document.project_id, codes=touched)
    row = _lock_excerpt(excerpt, expected=excerpt.version if version is None else version)
    _check_not_frozen(document_id=row.document_id, coder_id=row.coder_id)
    new_start = row.start if start is None else start
    new_end = row.end if end is None else end
    new_text = row.text
    if (new_start, new_end) != (row.start, row.end) or text is not None:
        new_text = document.text[new_start:new_end] if text is None else text
        check_span(document=document, start=new_start, end=new_end, text=new_text)
    before = _state(row, _code_uuids(row))
    row.start, row.end, row.text = new_start, new_end, new_text
    if memo is not None:
        row.memo = memo
    row.version += 1
    row.updated_at = timezone.now()
    row.save(update_fields=["start", "end", "text", "memo", "version", "updated_at"])
    add = {use[c.pk].pk: use[c.pk] for c in add_codes}
    if codes is not None:
        add.update({use[c.pk].pk: use[c.pk] for c in codes})
        row.codings.exclude(code__in=[use[c.pk] for c in codes]).delete()
    remove = [use[c.pk] for c in remove_codes]
    if remove:
        row.codings.filter(code__in=remove).delete()
    have = set(row.codings.values_list("code_id", flat=True))
    Coding.objects.bulk_create(
        [Coding(excerpt=row, code=code) for pk, code in add.items() if pk not in have],
        ignore_conflicts=True,
    )
    _record(
        row,
        action=ExcerptAction.UPDATE,
        user=user or row.coder,
        before=before,
        after=_state(row, _code_uuids(row)),
        reverses=reverses,
    )
    for field in ("start", "end", "text", "memo", "version", "updated_at"):
        setattr(excerpt, field, getattr(row, field))
    excerpt.replaced_codes = replaced
    return excerpt


@transaction.atomic
def excerpt_delete(
    *, excerpt: Excerpt, version: int | None = None, user=None, reverses=None
) -> ExcerptChange:
    """Delete the excerpt; the returned history entry holds what `excerpt_restore` needs.
    A stale `version` raises ExcerptConflict (without one, whatever is current is deleted)."""
    row = _lock_excerpt(excerpt, expected=version, for_delete=True)
    _check_not_frozen(document_id=row.document_id, coder_id=row.coder_id)
    before = _state(row, _code_uuids(row))
    row.delete()
    user = user or row.coder
    return _record(row, action=ExcerptAction.DELETE, user=user, before=before, reverses=reverses)


def excerpts_log_restored(*, excerpts: dict[Excerpt, list], user) -> None:
    """Start the history of excerpts a project restore created (excerpt: its code UUIDs): one
    "restore" entry each, in one INSERT, so their log begins where this server got them."""
    ExcerptChange.objects.bulk_create(
        ExcerptChange(
            project_id=excerpt.document.project_id,
            document_id=excerpt.document_id,
            excerpt_code=excerpt.code,
            action=ExcerptAction.RESTORE,
            version=excerpt.version,
            after=_state(excerpt, uuids),
            user=user,
        )
        for excerpt, uuids in excerpts.items()
    )


def _codes_by_excerpt(pks: Iterable[int]) -> dict[int, list]:
    codes: dict[int, list] = {pk: [] for pk in pks}
    rows = Coding.objects.filter(excerpt_id__in=list(codes)).values_list("excerpt_id", "code__code")
    for excerpt_id, uuid in rows:
        codes[excerpt_id].append(uuid)
    return codes


def _lock_for_codebook(pks: Iterable[int]) -> list[Excerpt]:
    """The excerpts a codebook change alters, locked after the codes (the caller holds them),
    in pk order; those deleted meanwhile are not there."""
    return list(
        Excerpt.objects.filter(pk__in=sorted(set(pks)))
        .order_by("pk")
        .select_for_update(no_key=True)
        .select_related("document")
    )


def _log_codebook_change(excerpts: list[Excerpt], before: dict[int, list], *, user) -> None:
    """One update in each excerpt's history whose codes a codebook change altered. The version
    stays: the coder's span and memo did not change, so open tabs remain valid."""
    after = _codes_by_excerpt(excerpt.pk for excerpt in excerpts)
    ExcerptChange.objects.bulk_create(
        ExcerptChange(
            project_id=excerpt.document.project_id,
            document_id=excerpt.document_id,
            excerpt_code=excerpt.code,
            action=ExcerptAction.UPDATE,
            version=excerpt.version,
            before=_state(excerpt, before[excerpt.pk]),
            after=_state(excerpt, after[excerpt.pk]),
            user=user,
        )
        for excerpt in excerpts
        if sorted(map(str, before[excerpt.pk])) != sorted(map(str, after[excerpt.pk]))
    )


def excerpts_code_removed(*, code: Code, user) -> list[tuple[int, int, datetime]]:
    """Remove every coding of `code` (being deleted from the codebook), logged in each
    excerpt's history. The caller holds the code locked FOR UPDATE (no coding of it can be
    added meanwhile). Returns the removed codings as (pk, excerpt pk, created_at), for undo."""
    excerpts = _lock_for_codebook(
        Coding.objects.filter(code=code).values_list("excerpt_id", flat=True)
    )
    # Read under the excerpt locks: an excerpt deleted before them took its codings along.
    removed = list(Coding.objects.filter(code=code).values_list("pk", "excerpt_id", "created_at"))
    before = _codes_by_excerpt(excerpt.pk for excerpt in excerpts)
    Coding.objects.filter(pk__in=[row[0] for row in removed]).delete()
    _log_codebook_change(excerpts, before, user=user)
    return removed


def excerpts_codings_restored(*, rows: list, code: Code, user) -> None:
    """Put codings back on `code` (a codebook undo; rows are (pk, excerpt pk, created_at as
    ISO text)) for the excerpts still there, logged in their history. An excerpt deleted since
    keeps its codes in its own history."""
    excerpts = _lock_for_codebook(excerpt for _pk, excerpt, _at in rows)
    alive = {excerpt.pk for excerpt in excerpts}
    before = _codes_by_excerpt(alive)
    Coding.objects.bulk_create(
        [
            Coding(pk=pk, excerpt_id=excerpt, code=code, created_at=datetime.fromisoformat(at))
            for pk, excerpt, at in rows
            if excerpt in alive
        ],
        ignore_conflicts=True,
    )
    _log_codebook_change(excerpts, before, user=user)


def _codes_from_state(
    *, project: Project, uuids: list[str]
) -> tuple[list[Code], list[CodeFate], list[str]]:
    """The codes a history entry names, following merges (the replacements made), and the
    names of those deleted since."""
    codes = {str(c.code): c for c in Code.objects.filter(project=project, code__in=uuids)}
    missing = [u for u in uuids if u not in codes]
    fates = code_fates(project_id=project.pk, uuids=missing)
    replaced, deleted = [], []
    for uuid in missing:
        fate = fates.get(uuid)
        if fate is not None and fate.target is not None:
            codes[uuid] = fate.target
            replaced.append(fate)
        else:
            deleted.append(fate.name if fate else uuid)
    return list(codes.values()), replaced, deleted


@transaction.atomic
def excerpt_restore(*, project: Project, excerpt_code, user, reverses=None) -> Excerpt:
    """Bring back a deleted excerpt (same public code) from its last delete in the history.

    Its codes follow merges made since (a code merged away comes back as the code it went
    into); deleted codes stay off, listed in `excerpt.dropped_codes`. The version is one above
    any it had, so a tab still showing the old excerpt gets a conflict, not an overwrite.
    """
    # Locking the latest history row makes two restores of the same excerpt take turns; the
    # second then sees the first's result. Only restores lock history rows, and before any
    # code or excerpt, so this adds no cycle to the lock order.
    change = (
        ExcerptChange.objects.select_for_update()
        .filter(project=project, excerpt_code=excerpt_code)
        .order_by("-pk")
        .first()
    )
    if change is None:
        raise ValidationError(_("There is no deleted excerpt to restore."))
    if change.action != ExcerptAction.DELETE or Excerpt.objects.filter(code=excerpt_code).exists():
        raise ValidationError(_("This excerpt has already been restored."))
    state = change.before
    document = change.document
    _check_not_frozen(document_id=document.pk, coder_id=state["coder"])
    check_span(document=document, start=state["start"], end=state["end"], text=state["text"])
    codes, replaced, deleted = _codes_from_state(project=project, uuids=state["codes"])
    use, replaced_meanwhile = _lock_codes(project_id=project.pk, codes=codes)
    top = ExcerptChange.objects.filter(excerpt_code=excerpt_code).aggregate(v=Max("version"))["v"]
    excerpt = Excerpt.objects.create(
        code=excerpt_code,
        document=document,
        coder_id=state["coder"],
        start=state["start"],
        end=state["end"],
        text=state["text"],
        memo=state["memo"],
        version=(top or 0) + 1,
        created_at=datetime.fromisoformat(state["created_at"]),
        updated_at=timezone.now(),
    )
    final = {code.pk: code for code in use.values()}
    Coding.objects.bulk_create([Coding(excerpt=excerpt, code=code) for code in final.values()])
    _record(
        excerpt,
        action=ExcerptAction.RESTORE,
        user=user,
        before={"change": change.pk},
        after=_state(excerpt, [code.code for code in final.values()]),
        reverses=reverses,
    )
    excerpt.replaced_codes = [*replaced, *replaced_meanwhile]
    excerpt.dropped_codes = deleted
    return excerpt
