"""Writes for documents: upload, ingestion, replacing the file, editing, deleting.

Uploads are checked synchronously where that is cheap (empty, too large, not a document, zip
bomb), so a refused file never becomes a row. Everything else (reading the text) runs in a
`documents.ingest` job, one per file; a file that cannot be read leaves a visible row with status
"failed" and the reason, which a lead can delete or replace.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coding.documents import versions
from coding.ingest import IngestError, extract, ocr, sniff_type
from coding.ingest.extract import LABELS
from coding.ingest.language import detect_language
from coding.ingest.zipcheck import check_zip
from coding.models import Document, DocumentStatus, Excerpt, TextVersion
from coding.notices import notice_text
from coding.pseudonyms import services as pseudonyms
from research.audit import AuditAction, audit_record_each
from research.jobs import JobCancelled, JobError, Report, job_enqueue
from research.models import Project

INGEST = "documents.ingest"


@dataclass
class UploadOutcome:
    """What happened to each file of one upload, as sentences naming the files."""

    created: list[Document] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def file_size_text(size: int) -> str:
    """A file size as the reader writes it: 1.5 MB in English, 1,5 MB in Norwegian."""
    if size >= 1024 * 1024:
        megabytes = round(size / (1024 * 1024), 1)
        shown = number_format(megabytes, decimal_pos=0 if megabytes.is_integer() else 1)
        return _("%(size)s MB") % {"size": shown}
    if size >= 1024:
        return _("%(size)s KB") % {"size": number_format(size // 1024)}
    return ngettext("%(size)s byte", "%(size)s bytes", size) % {"size": number_format(size)}


def _base_name(name: str) -> str:
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:300] or "document"


def _stem(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return stem.strip()[:300] or _("Untitled document")


def upload_refusal(*, name: str, size: int) -> str | None:
    """The reason to refuse a file before reading it, or None. Checked before anything is stored."""
    if size == 0:
        return _("“%(name)s” is empty, so there is nothing to read.") % {"name": name}
    if size > settings.UPLOAD_MAX_BYTES:
        return _("“%(name)s” is %(size)s, more than the limit of %(limit)s per file.") % {
            "name": name,
            "size": file_size_text(size),
            "limit": file_size_text(settings.UPLOAD_MAX_BYTES),
        }
    return None


def content_refusal(*, name: str, data: bytes) -> str | None:
    """Cheap checks on the bytes: a supported type, and no zip bomb. Reading comes later."""
    try:
        file_type = sniff_type(data, name)
        if file_type in ("docx", "odt"):
            check_zip(data, LABELS[file_type])
    except IngestError as exc:
        return _("“%(name)s” was not uploaded: %(reason)s") % {
            "name": name,
            "reason": notice_text(exc.notice),
        }
    return None


def document_duplicate(*, project: Project, sha256: str) -> Document | None:
    return Document.objects.filter(project=project, sha256=sha256).order_by("pk").first()


def documents_upload(
    *,
    project: Project,
    uploaded_by,
    files: Iterable,
    metadata: dict[str, Any],
    title: str = "",
    upload_duplicates: bool = False,
) -> UploadOutcome:
    """Check each file, store the good ones and queue one ingestion job per file.

    Each file stands alone: one refused file does not stop the others. `files` are Django
    `File` objects (name, size, read()); `metadata` holds kind, language, date, source, notes.
    """
    outcome = UploadOutcome()
    files = list(files)
    for upload in files:
        name = _base_name(upload.name)
        refusal = upload_refusal(name=name, size=upload.size)
        if refusal is None:
            data = upload.read()
            refusal = upload_refusal(name=name, size=len(data)) or content_refusal(
                name=name, data=data
            )
        if refusal:
            outcome.refused.append(refusal)
            continue
        digest = hashlib.sha256(data).hexdigest()
        existing = document_duplicate(project=project, sha256=digest)
        if existing and not upload_duplicates:
            outcome.skipped.append(
                _(
                    "“%(name)s” was skipped: the same file is already in this project as "
                    "“%(title)s”. Tick “Upload duplicates anyway” to add it again."
                )
                % {"name": name, "title": existing.title}
            )
            continue
        given_title = title.strip() if len(files) == 1 else ""
        outcome.created.append(
            document_create(
                project=project,
                created_by=uploaded_by,
                name=name,
                data=data,
                sha256=digest,
                title=given_title,
                **metadata,
            )
        )
    return outcome


@transaction.atomic
def document_create(
    *,
    project: Project,
    created_by,
    name: str,
    data: bytes,
    sha256: str,
    title: str = "",
    kind: str,
    language: str = "",
    date: datetime.date | None = None,
    source: str = "",
    notes: str = "",
) -> Document:
    """Store one checked file as a queued document and queue its ingestion."""
    document = Document(
        project=project,
        title=title or _stem(name),
        kind=kind,
        language=language,
        date=date,
        source=source,
        notes=notes,
        original_name=name,
        sha256=sha256,
        size=len(data),
        status=DocumentStatus.QUEUED,
        created_by=created_by,
    )
    document.original.save(name, ContentFile(data), save=False)
    document.save()
    _queue_ingestion(document=document, requested_by=created_by, keep_title=bool(title))
    return document


def _queue_ingestion(
    *,
    document: Document,
    requested_by,
    keep_title: bool,
    keep_running_lines: bool = False,
    ocr_language: str = "",
    new_version: str = "",
) -> None:
    params = {"document": document.pk, "keep_title": keep_title, "file": document.original_name}
    if new_version:
        params["new_version"] = new_version
    if keep_running_lines:
        params["keep_running_lines"] = True
    if ocr_language:
        params["ocr_language"] = ocr_language
    job = job_enqueue(
        kind=INGEST, project=document.project, requested_by=requested_by, params=params
    )
    Document.objects.filter(pk=document.pk).update(job=job)
    document.job = job


def coded_refusal(*, excerpt_count: int) -> str:
    return ngettext(
        "This document has %(count)d excerpt. Its text cannot change once it is coded, because "
        "the excerpt would then point at different words. Upload the new file as a new "
        "document instead.",
        "This document has %(count)d excerpts. Its text cannot change once it is coded, because "
        "the excerpts would then point at different words. Upload the new file as a new "
        "document instead.",
        excerpt_count,
    ) % {"count": excerpt_count}


@transaction.atomic
def document_replace_file(*, document: Document, replaced_by, name: str, data: bytes) -> Document:
    """Swap the original of an uncoded document and read it again.

    Raises ValidationError when the document has excerpts: coded text is immutable.
    """
    locked = Document.objects.select_for_update().get(pk=document.pk)
    excerpt_count = locked.excerpts.count()
    if excerpt_count:
        raise ValidationError(coded_refusal(excerpt_count=excerpt_count))
    old_file = locked.original.name
    name = _base_name(name)
    locked.original.save(name, ContentFile(data), save=False)
    locked.original_name = name
    locked.sha256 = hashlib.sha256(data).hexdigest()
    locked.size = len(data)
    locked.status = DocumentStatus.QUEUED
    locked.error = ""
    _clear_text(locked)
    locked.running_lines_kept = False
    locked.save()
    if old_file and old_file != locked.original.name:
        storage = locked.original.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    _queue_ingestion(document=locked, requested_by=replaced_by, keep_title=True)
    return locked


def document_replace_upload(*, document: Document, replaced_by, upload) -> str:
    """Check an uploaded replacement and swap it in; the refusal sentence, or "" when the new
    file is stored and queued for reading."""
    refusal = upload_refusal(name=upload.name, size=upload.size)
    data = b"" if refusal else upload.read()
    refusal = refusal or content_refusal(name=upload.name, data=data)
    if refusal:
        return refusal
    try:
        document_replace_file(
            document=document, replaced_by=replaced_by, name=upload.name, data=data
        )
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


def _clear_text(document: Document) -> None:
    document.text = ""
    document.pages = []
    document.paragraphs = []
    document.turns = []
    document.warnings = []
    document.removed_lines = []
    document.headings = []
    document.ocr = {}
    document.file_properties = {}
    document.char_count = 0
    document.page_count = 0
    document.file_type = ""


def document_ingest_failed(*, document_id: int, reason: str) -> None:
    """Record why a document could not be read (a document read meanwhile stays ready)."""
    Document.objects.filter(pk=document_id).exclude(status=DocumentStatus.READY).update(
        status=DocumentStatus.FAILED, error=reason
    )


@transaction.atomic
def document_keep_running_lines(*, document: Document, requested_by) -> Document:
    """Read a document again without dropping running headers and footers.

    An uncoded document is simply read again. A coded one keeps its text and stays open for
    coding until the job has read the file: then the new text becomes a new text version and
    the excerpts move with their words (coding/documents/versions.py).
    """
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.status != DocumentStatus.READY or not locked.removed_lines:
        raise ValidationError(_("No running lines were removed from this document's text."))
    language = str(locked.ocr.get("language") or "")
    if locked.excerpts.exists():
        _queue_ingestion(
            document=locked,
            requested_by=requested_by,
            keep_title=True,
            keep_running_lines=True,
            ocr_language=language,
            new_version=_("Running lines restored"),
        )
        return locked
    locked.running_lines_kept = True
    _read_again(locked, requested_by=requested_by, keep_running_lines=True, ocr_language=language)
    return locked


@transaction.atomic
def document_ocr_again(*, document: Document, requested_by, language: str) -> Document:
    """Read an uncoded scanned document again by OCR in another language."""
    if language not in ocr.LANGUAGES:
        raise ValidationError(_("Choose one of the OCR languages offered."))
    locked = _lock_uncoded(document)
    if not locked.ocr:
        raise ValidationError(_("This document was not read by OCR."))
    _read_again(
        locked,
        requested_by=requested_by,
        keep_running_lines=locked.running_lines_kept,
        ocr_language=language,
    )
    return locked


def _lock_uncoded(document: Document) -> Document:
    locked = Document.objects.select_for_update().get(pk=document.pk)
    excerpt_count = locked.excerpts.count()
    if excerpt_count:
        raise ValidationError(coded_refusal(excerpt_count=excerpt_count))
    return locked


def _read_again(
    document: Document, *, requested_by, keep_running_lines: bool, ocr_language: str = ""
) -> None:
    document.status = DocumentStatus.QUEUED
    document.error = ""
    _clear_text(document)
    document.save()
    _queue_ingestion(
        document=document,
        requested_by=requested_by,
        keep_title=True,
        keep_running_lines=keep_running_lines,
        ocr_language=ocr_language,
    )


def document_ingest(
    *,
    document_id: int,
    report: Report,
    keep_title: bool,
    keep_running_lines: bool = False,
    ocr_language: str = "",
    new_version: str = "",
    requested_by=None,
) -> dict[str, Any]:
    """Read a document's stored original into text and structure (the job's body).

    Raises JobError with the researcher-facing reason; the document row records it too.
    ``new_version`` (its reason) reads a coded document into a new text version; the document
    stays ready, with its current text, until the new one is stored.
    """
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        raise JobError(_("The document was deleted before it could be read."))
    if not new_version:
        Document.objects.filter(pk=document_id).update(status=DocumentStatus.PROCESSING, error="")
    try:
        with document.original.open("rb") as handle:
            data = handle.read()
        extraction = extract(
            data,
            document.original_name,
            max_bytes=settings.UPLOAD_MAX_BYTES,
            keep_running_lines=keep_running_lines,
            # A scan is read by OCR in the document's language unless the user chose another.
            ocr_language=ocr_language or ocr.language_for(document.language),
            progress=lambda percent, notice: report(percent, notice_text(notice)),
        )
    except IngestError as exc:
        reason = notice_text(exc.notice)
        document_ingest_failed(document_id=document_id, reason=reason)
        raise JobError(reason) from exc
    except (FileNotFoundError, ValueError) as exc:
        reason = _("The stored file is missing. Replace the file or delete the document.")
        document_ingest_failed(document_id=document_id, reason=reason)
        raise JobError(reason) from exc
    except JobCancelled:
        document_ingest_failed(document_id=document_id, reason=_("Reading was cancelled."))
        raise
    except Exception:
        document_ingest_failed(
            document_id=document_id,
            reason=_("An unexpected error stopped the reading of this file."),
        )
        raise
    return _store_extraction(
        document_id=document_id,
        extraction=extraction,
        keep_title=keep_title,
        new_version=new_version,
        requested_by=requested_by,
    )


@transaction.atomic
def _store_extraction(
    *, document_id: int, extraction, keep_title: bool, new_version: str = "", requested_by=None
) -> dict[str, Any]:
    # NO KEY: excerpt log inserts (KEY SHARE on this row) must not wait for us while we wait
    # for their excerpts (coding/pseudonyms/services.py says more).
    document = Document.objects.select_for_update(no_key=True).filter(pk=document_id).first()
    if document is None:
        raise JobError(_("The document was deleted while it was being read."))
    moved = flagged = 0
    # A repeated request (a double click) finds the text already replaced: nothing to move.
    repeated = bool(new_version) and extraction.text == document.text
    if document.excerpts.exists() and not repeated:
        if not new_version:
            # Coding started while the job waited: never shift existing codings.
            raise JobError(coded_refusal(excerpt_count=document.excerpts.count()))
        versions.text_version_archive(
            document=document, reason=new_version, created_by=requested_by
        )
        moved, flagged = versions.excerpts_move(
            document=document, new_text=extraction.text, user=requested_by
        )
        TextVersion.objects.filter(document=document, number=document.text_version).update(
            excerpts_moved=moved, excerpts_flagged=flagged
        )
        document.text_version += 1
    document.text = extraction.text
    document.pages = [list(page) for page in extraction.pages]
    document.paragraphs = [list(paragraph) for paragraph in extraction.paragraphs]
    document.turns = [
        {
            "start": turn.start,
            "end": turn.end,
            "speaker": turn.speaker,
            "timestamp": turn.timestamp,
            "body_start": turn.body_start,
        }
        for turn in extraction.turns
    ]
    # Worded in the language of whoever asked for the reading (the job's language).
    document.warnings = [notice_text(warning) for warning in extraction.warnings]
    document.removed_lines = [[line.page, line.text] for line in extraction.removed_lines]
    document.headings = [list(heading) for heading in extraction.headings]
    document.ocr = dict(extraction.metadata.get("ocr") or {})
    document.running_lines_kept = extraction.running_lines_kept
    document.char_count = extraction.characters
    document.page_count = len(extraction.pages)
    document.file_type = extraction.file_type
    if not keep_title and extraction.title:
        document.title = extraction.title[:300]
    # What the file says about its author and date is shown apart, never copied into the
    # document's details: generators and templates fill those fields with their own names.
    document.file_properties = {
        key: str(extraction.metadata[key])[:300]
        for key in ("author", "created")
        if extraction.metadata.get(key)
    }
    if not document.language:
        # Only when no language was chosen; the researcher can change the guess.
        document.language = detect_language(extraction.text)
    document.status = DocumentStatus.READY
    document.error = ""
    document.save()
    if document.pseudonymised_version is not None:
        # A pseudonymised document read again (running lines, OCR, a new file) gets the list
        # again in the same transaction: its identifying words never show, even for a moment.
        pseudonyms.document_pseudonymise(document_id=document.pk, user=requested_by)
        document.refresh_from_db()
    return {
        "document": str(document.code),
        "title": document.title,
        "characters": document.char_count,
        "pages": document.page_count,
        "turns": len(document.turns),
        "warnings": document.warnings,
        "text_version": document.text_version,
        "excerpts_moved": moved,
        "excerpts_flagged": flagged,
    }


@transaction.atomic
def document_update(*, document: Document, **fields: Any) -> Document:
    """Edit a document's description; the text and its structure are never touched here."""
    allowed = {"title", "kind", "language", "date", "source", "notes"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"{name} cannot be edited")
        setattr(document, name, value)
    document.save(update_fields=sorted(fields))
    return document


def documents_excerpt_count(*, documents: Iterable[Document]) -> int:
    return Excerpt.objects.filter(document__in=list(documents)).count()


@transaction.atomic
def documents_delete(*, documents: Iterable[Document], by=None) -> tuple[int, int]:
    """Delete documents with their excerpts and stored files; returns (documents, excerpts).
    Each deleted document is one entry on the audit trail."""
    documents = list(documents)
    ids = [document.pk for document in documents]
    excerpts = Excerpt.objects.filter(document_id__in=ids).count()
    files = [(d.original.storage, d.original.name) for d in documents if d.original.name]
    Document.objects.filter(pk__in=ids).delete()
    if documents:
        audit_record_each(
            project=documents[0].project_id,
            actor=by,
            action=AuditAction.DOCUMENT_DELETE,
            targets=[(d.title, d.code, {"file": bool(d.original.name)}) for d in documents],
        )

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
    return len(ids), excerpts


@transaction.atomic
def documents_set_kind(*, documents: Iterable[Document], kind: str) -> int:
    return Document.objects.filter(pk__in=[d.pk for d in documents]).update(kind=kind)
