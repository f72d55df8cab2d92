"""Writes for coding: excerpts, their codes and memos, assignments.

Offsets are Unicode code points into the document's stored text (Python slicing), end
exclusive. The browser sends the text it believes it selected; we recompute the slice and refuse
a mismatch, so a stale page or an offset bug can never store a wrong excerpt.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from coding.models import (
    Assignment,
    AssignmentStatus,
    Code,
    CodeStatus,
    Coding,
    Document,
    Excerpt,
)
from research.access import Capability, has_capability
from research.models import Membership, Project


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


@dataclass(frozen=True)
class DeletedExcerpt:
    """What is needed to bring a deleted excerpt back (kept in the session for "Undo")."""

    code: str
    document_id: int
    coder_id: int | None
    start: int
    end: int
    text: str
    memo: str
    code_ids: list[int]
    created_at: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _check_span(*, document: Document, start: int, end: int, text: str) -> None:
    if start < 0 or end > len(document.text):
        raise ValidationError(
            _("The selection lies outside the document (it has %(n)d characters).")
            % {"n": len(document.text)}
        )
    if start >= end:
        raise ValidationError(_("Select at least one character."))
    if document.text[start:end] != text:
        raise ValidationError(
            _(
                "The selected text does not match the document at these positions. "
                "Reload the page and select the passage again."
            )
        )


def _check_codes(*, document: Document, codes: Iterable[Code]) -> list[Code]:
    codes = list(codes)
    if any(code.project_id != document.project_id for code in codes):
        raise ValidationError(_("Choose codes from this project's codebook."))
    return codes


def may_code_document(*, membership: Membership, document: Document) -> bool:
    """Leads and owners code any document; coders only the documents assigned to them."""
    if document.project_id != membership.project_id:
        return False
    if has_capability(membership, Capability.MANAGE):
        return True
    if not has_capability(membership, Capability.CODE):
        return False
    return Assignment.objects.filter(document=document, coder_id=membership.user_id).exists()


def may_create_codes(*, membership: Membership) -> bool:
    if has_capability(membership, Capability.MANAGE):
        return True
    return (
        has_capability(membership, Capability.CODE) and membership.project.coders_may_create_codes
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
) -> Excerpt:
    """Code the span [start, end) of the document for this coder."""
    _check_span(document=document, start=start, end=end, text=text)
    codes = _check_codes(document=document, codes=codes)
    now = timezone.now()
    excerpt = Excerpt.objects.create(
        document=document,
        coder=coder,
        start=start,
        end=end,
        text=text,
        memo=memo,
        created_at=now,
        updated_at=now,
    )
    Coding.objects.bulk_create([Coding(excerpt=excerpt, code=code) for code in codes])
    _mark_in_progress(document=document, coder=coder)
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
    if not may_create_codes(membership=membership):
        raise ValidationError(_("Only leads may add codes to this project's codebook."))
    _check_span(document=document, start=start, end=end, text=text)
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


def _claim_version(excerpt: Excerpt, version: int | None) -> None:
    """Bump the version only if it is still the one the caller loaded (optimistic lock)."""
    expected = excerpt.version if version is None else version
    claimed = Excerpt.objects.filter(pk=excerpt.pk, version=expected).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not claimed:
        excerpt.refresh_from_db()
        raise ExcerptConflict(excerpt)
    excerpt.refresh_from_db(fields=["version", "updated_at"])


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
) -> Excerpt:
    """Change boundaries, memo or codes. `version` is the version the editor loaded; a stale
    one raises ExcerptConflict. `codes`, when given, replaces the excerpt's codes."""
    document = excerpt.document
    new_start = excerpt.start if start is None else start
    new_end = excerpt.end if end is None else end
    if (new_start, new_end) != (excerpt.start, excerpt.end) or text is not None:
        new_text = document.text[new_start:new_end] if text is None else text
        _check_span(document=document, start=new_start, end=new_end, text=new_text)
    else:
        new_text = excerpt.text
    add_codes = _check_codes(document=document, codes=add_codes)
    remove_codes = _check_codes(document=document, codes=remove_codes)
    _claim_version(excerpt, version)
    excerpt.start, excerpt.end, excerpt.text = new_start, new_end, new_text
    if memo is not None:
        excerpt.memo = memo
    excerpt.save(update_fields=["start", "end", "text", "memo"])
    if codes is not None:
        codes = _check_codes(document=document, codes=codes)
        excerpt.codings.exclude(code__in=codes).delete()
        add_codes = [*add_codes, *codes]
    if remove_codes:
        excerpt.codings.filter(code__in=remove_codes).delete()
    have = set(excerpt.codings.values_list("code_id", flat=True))
    Coding.objects.bulk_create(
        [Coding(excerpt=excerpt, code=code) for code in add_codes if code.pk not in have],
        ignore_conflicts=True,
    )
    return excerpt


@transaction.atomic
def excerpt_delete(*, excerpt: Excerpt, version: int | None = None) -> DeletedExcerpt:
    """Delete the excerpt and return what is needed to restore it."""
    if version is not None and version != excerpt.version:
        raise ExcerptConflict(excerpt)
    kept = DeletedExcerpt(
        code=str(excerpt.code),
        document_id=excerpt.document_id,
        coder_id=excerpt.coder_id,
        start=excerpt.start,
        end=excerpt.end,
        text=excerpt.text,
        memo=excerpt.memo,
        code_ids=sorted(excerpt.codings.values_list("code_id", flat=True)),
        created_at=excerpt.created_at.isoformat(),
    )
    excerpt.delete()
    return kept


@transaction.atomic
def excerpt_restore(*, project: Project, kept: dict) -> Excerpt:
    """Re-create a deleted excerpt (same public code) from what `excerpt_delete` returned."""
    document = Document.objects.filter(project=project, pk=kept["document_id"]).first()
    if document is None:
        raise ValidationError(_("The document of this excerpt no longer exists."))
    if Excerpt.objects.filter(code=kept["code"]).exists():
        raise ValidationError(_("This excerpt has already been restored."))
    _check_span(document=document, start=kept["start"], end=kept["end"], text=kept["text"])
    codes = Code.objects.filter(project=project, pk__in=kept["code_ids"])
    excerpt = Excerpt.objects.create(
        code=uuid.UUID(kept["code"]),
        document=document,
        coder_id=kept["coder_id"],
        start=kept["start"],
        end=kept["end"],
        text=kept["text"],
        memo=kept["memo"],
        created_at=datetime.fromisoformat(kept["created_at"]),
        updated_at=timezone.now(),
    )
    Coding.objects.bulk_create([Coding(excerpt=excerpt, code=code) for code in codes])
    return excerpt


@transaction.atomic
def assignments_set(*, project: Project, pairs: set[tuple[int, int]]) -> tuple[int, int]:
    """Make the project's assignments exactly `pairs` of (document id, coder id).

    Returns (added, removed). Removing an assignment keeps the coder's excerpts.
    """
    documents = set(Document.objects.filter(project=project).values_list("pk", flat=True))
    coders = {
        m.user_id
        for m in Membership.objects.filter(project=project)
        if has_capability(m, Capability.CODE)
    }
    if any(doc not in documents or user not in coders for doc, user in pairs):
        raise ValidationError(_("Assign this project's documents to its coders only."))
    existing = {
        (doc, user): pk
        for doc, user, pk in Assignment.objects.filter(document__project=project).values_list(
            "document_id", "coder_id", "pk"
        )
    }
    stale = [pk for pair, pk in existing.items() if pair not in pairs]
    Assignment.objects.filter(pk__in=stale).delete()
    new = [Assignment(document_id=d, coder_id=u) for d, u in pairs if (d, u) not in existing]
    Assignment.objects.bulk_create(new)
    return len(new), len(stale)


@transaction.atomic
def assignment_mark_done(*, assignment: Assignment, done: bool = True) -> Assignment:
    if done:
        assignment.status = AssignmentStatus.DONE
        assignment.done_at = timezone.now()
    else:
        has_work = Excerpt.objects.filter(
            document_id=assignment.document_id, coder_id=assignment.coder_id
        ).exists()
        assignment.status = AssignmentStatus.IN_PROGRESS if has_work else AssignmentStatus.ASSIGNED
        assignment.done_at = None
    assignment.save(update_fields=["status", "done_at"])
    return assignment
