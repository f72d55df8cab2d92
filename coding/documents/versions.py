"""New versions of a coded document's text: every excerpt moves with its words.

A coded document's text is immutable in place, because excerpts point at its characters. When
it must change (running lines restored; pseudonymisation later), the old text is kept as a
`TextVersion`, `Document.text_version` goes up, and each excerpt is carried over by the offset
map of coding.ingest.offsets. An excerpt whose words are at its moved offsets is moved (its
stored text takes the new spacing: a restored line may turn a space into a paragraph break);
any other keeps its words, gets the moved offsets as a best guess and a `text_flag`, and is
never silently shifted onto other words. Every moved or flagged excerpt gets a new version
and an entry in the excerpt log.

Lock order: the document row (for update), then its excerpts in primary-key order. Excerpt
writes share-lock the document row and check its text version (coding.excerpts.services), so a
coder's new excerpt is either moved with the others or refused as made on an old text.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from coding.ingest.offsets import offset_map, same_words
from coding.models import Coding, Document, Excerpt, ExcerptAction, ExcerptChange, TextVersion


def text_version_archive(*, document: Document, reason: str, created_by) -> TextVersion:
    """Keep the document's current text as a version (the caller holds the document lock)."""
    return TextVersion.objects.create(
        document=document,
        number=document.text_version,
        text=document.text,
        pages=document.pages,
        paragraphs=document.paragraphs,
        reason=reason[:300],
        created_by=created_by,
    )


def text_versions_load(*, document: Document, rows: list[dict]) -> None:
    """Recreate a document's earlier texts from a project export."""
    TextVersion.objects.bulk_create(
        TextVersion(
            document=document,
            number=int(row["number"]),
            text=row["text"],
            pages=row["pages"],
            paragraphs=row["paragraphs"],
            reason=row["reason"],
            excerpts_moved=int(row["excerpts_moved"]),
            excerpts_flagged=int(row["excerpts_flagged"]),
            created_at=datetime.fromisoformat(row["created_at"]),
        )
        for row in rows
    )


def excerpts_move(*, document: Document, new_text: str, user) -> tuple[int, int]:
    """Carry the document's excerpts from its current text onto ``new_text``.

    Returns (moved, flagged). The caller holds the document row lock and stores the new text.
    """
    mapping = offset_map(document.text, new_text)
    excerpts = list(Excerpt.objects.select_for_update().filter(document=document).order_by("pk"))
    codes = excerpts_codes(excerpts)
    moved = flagged = 0
    changes = []
    flag = _(
        "The words of this excerpt are not where they were after text version %(n)d of the "
        "document; check its span."
    ) % {"n": document.text_version + 1}
    for excerpt in excerpts:
        start, end = mapping.move(excerpt.start, excerpt.end)
        # Same words, perhaps with a paragraph break where there was a space: moved.
        exact = end > start and same_words(new_text[start:end], excerpt.text)
        if not exact and end <= start:  # its words are gone: a best guess of the same length
            start = min(start, len(new_text) - 1)
            end = min(len(new_text), start + max(len(excerpt.text), 1))
        if (start, end) == (excerpt.start, excerpt.end) and exact and not excerpt.text_flag:
            continue
        before = excerpt_log_state(excerpt, codes.get(excerpt.pk, []))
        excerpt.start, excerpt.end = start, end
        if exact:
            excerpt.text = new_text[start:end]
        excerpt.text_flag = "" if exact else flag
        excerpt.version += 1
        moved += exact
        flagged += not exact
        changes.append(
            excerpt_moved_entry(
                excerpt,
                project_id=document.project_id,
                before=before,
                codes=codes.get(excerpt.pk, []),
                user=user,
            )
        )
    Excerpt.objects.bulk_update(
        [e for e in excerpts if e.code in {c.excerpt_code for c in changes}],
        ["start", "end", "text", "text_flag", "version"],
    )
    ExcerptChange.objects.bulk_create(changes)
    return moved, flagged


def excerpts_codes(excerpts: list[Excerpt]) -> dict[int, list[str]]:
    """Each excerpt's codes as the excerpt log names them (UUIDs as text), in one query."""
    codes: dict[int, list[str]] = {}
    for excerpt_id, code in Coding.objects.filter(excerpt__in=excerpts).values_list(
        "excerpt_id", "code__code"
    ):
        codes.setdefault(excerpt_id, []).append(str(code))
    return codes


def excerpt_moved_entry(
    excerpt: Excerpt, *, project_id: int, before: dict, codes: list[str], user
) -> ExcerptChange:
    """The log entry of an excerpt a change of its document's text moved (not yet saved)."""
    return ExcerptChange(
        project_id=project_id,
        document_id=excerpt.document_id,
        excerpt_code=excerpt.code,
        action=ExcerptAction.UPDATE,
        version=excerpt.version,
        before=before,
        after=excerpt_log_state(excerpt, codes),
        user=user,
    )


def excerpt_log_state(excerpt: Excerpt, codes: list[str]) -> dict:
    """As the excerpt log keeps an excerpt (see coding.excerpts.services), with its text flag:
    the state before and after a text replacement moves it."""
    return {
        "coder": excerpt.coder_id,
        "start": excerpt.start,
        "end": excerpt.end,
        "text": excerpt.text,
        "memo": excerpt.memo,
        "codes": sorted(codes),
        "version": excerpt.version,
        "created_at": excerpt.created_at.isoformat(),
        "text_flag": excerpt.text_flag,
    }
