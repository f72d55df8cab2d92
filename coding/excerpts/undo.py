"""Undo and redo of a member's last coding actions in one document, read from the excerpt
history (ExcerptChange), so they survive a reload and work across tabs.

Every change the member made in the document is an action, an undo or a redo. An undo or redo
is an ordinary change (it goes through the services, with their locks and version checks) that
names the change it reverses (`reverses`); replaying the member's log rebuilds the two stacks:
a new action clears the redo stack, an undo moves its action to the redo stack, a redo moves
it back. Reversing a change puts the excerpt back to the change's `before`: a create (or a
restore) is undone by deleting the excerpt, a delete by restoring it, an update by writing the
earlier span, memo and codes back.

A change is reversed only while the excerpt is still as that change left it (changed since only
by the member's own undone changes, or still deleted): if someone else changed it since (a
lead), the services raise ExcerptConflict or ExcerptGone and nothing is undone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coding.excerpts.services import (
    ExcerptGone,
    _codes_from_state,
    excerpt_delete,
    excerpt_restore,
    excerpt_update,
)
from coding.models import Document, Excerpt, ExcerptAction, ExcerptChange

# How far back the stacks are rebuilt from (a member's changes in one document).
DEPTH = 500


@dataclass(frozen=True)
class Reversal:
    """What an undo or redo did: the excerpt as it is now (None when it was deleted), the span
    it covered before and after (for the coding view's patch), and a sentence for the user."""

    excerpt: Excerpt | None
    ranges: list[tuple[int, int]]
    message: str


def _stacks(*, document: Document, user) -> tuple[list[ExcerptChange], list[ExcerptChange]]:
    """(undo stack, redo stack), tops last, replayed from the member's changes here."""
    changes = list(
        ExcerptChange.objects.filter(document=document, user=user).order_by("-pk")[:DEPTH]
    )
    undo: list[ExcerptChange] = []
    redo: list[ExcerptChange] = []
    for change in reversed(changes):
        if change.reverses_id is not None and undo and undo[-1].pk == change.reverses_id:
            undo.pop()
            redo.append(change)
        elif change.reverses_id is not None and redo and redo[-1].pk == change.reverses_id:
            redo.pop()
            undo.append(change)
        else:
            undo.append(change)
            redo.clear()
    return undo, redo


def undo_available(*, document: Document, user) -> tuple[bool, bool]:
    """Whether the member has something to undo, and something to redo, in this document."""
    undo, redo = _stacks(document=document, user=user)
    return bool(undo), bool(redo)


def _span(state: dict) -> list[tuple[int, int]]:
    return [(state["start"], state["end"])] if "start" in state else []


def _expected_version(change: ExcerptChange, *, user) -> int:
    """The version the excerpt must have for `change` to be reversed. Changes to it since are
    the member's own undone ones (the change is on top of their stack), which leave the excerpt
    as `change` left it at a higher version; a change by anyone else leaves `change.version`,
    which no longer matches, so the services refuse (stale)."""
    later = ExcerptChange.objects.filter(excerpt_code=change.excerpt_code, pk__gt=change.pk)
    if later.exclude(user=user).exists():
        return change.version
    latest = later.order_by("-pk").first()
    return latest.version if latest is not None else change.version


def _reverse(change: ExcerptChange, *, user) -> Reversal:
    project = change.project
    version = _expected_version(change, user=user)
    if change.action in (ExcerptAction.CREATE, ExcerptAction.RESTORE):
        target = Excerpt.objects.filter(code=change.excerpt_code).first()
        if target is None:
            raise ExcerptGone(None)
        excerpt_delete(excerpt=target, version=version, user=user, reverses=change)
        return Reversal(None, _span(change.after), _("The excerpt was removed again."))
    if change.action == ExcerptAction.DELETE:
        restored = excerpt_restore(
            project=project, excerpt_code=change.excerpt_code, user=user, reverses=change
        )
        return Reversal(restored, _span(change.before), _("The excerpt is back."))
    target = Excerpt.objects.filter(code=change.excerpt_code).select_related("document").first()
    if target is None:
        raise ExcerptGone(None)
    state = change.before
    codes, _replaced, _deleted = _codes_from_state(project=project, uuids=state["codes"])
    excerpt_update(
        excerpt=target,
        version=version,
        start=state["start"],
        end=state["end"],
        text=state["text"],
        memo=state["memo"],
        codes=codes,
        user=user,
        reverses=change,
    )
    ranges = [*_span(change.after), *_span(state)]
    return Reversal(target, ranges, _("The excerpt is as it was before."))


@transaction.atomic
def excerpt_undo(*, document: Document, user, redo: bool = False) -> Reversal:
    """Undo the member's last action in the document (with `redo`, redo the last undo).

    Raises ValidationError when there is nothing to undo (or redo), ExcerptConflict when the
    excerpt was changed since by someone else (or in another tab), ExcerptGone when it was
    deleted meanwhile.
    """
    # Two undos of one member (two tabs, a double press) take turns: each locks the member's
    # latest change here before reading the stacks, so the second sees the first's result
    # instead of reversing the same change again. Only undo and restore lock history rows, and
    # before any code or excerpt, so the lock order stays acyclic.
    latest = ExcerptChange.objects.select_for_update().filter(document=document, user=user)
    latest.order_by("-pk").values_list("pk", flat=True).first()
    undo_stack, redo_stack = _stacks(document=document, user=user)
    stack = redo_stack if redo else undo_stack
    if not stack:
        raise ValidationError(_("Nothing to redo.") if redo else _("Nothing to undo."))
    return _reverse(stack[-1], user=user)
