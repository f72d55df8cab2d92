"""Reads for the document pages, with fixed query counts (pinned in tests)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from coding.documents.forms import language_label
from coding.models import Assignment, Document, DocumentStatus, Excerpt
from research.models import JobStatus, Project

BUSY = (DocumentStatus.QUEUED, DocumentStatus.PROCESSING)
# The list never needs the text or its structure; a project may hold hundreds of megabytes.
HEAVY_FIELDS = ("text", "pages", "paragraphs", "turns", "notes", "removed_lines", "headings")


@dataclass(frozen=True)
class CoderProgress:
    name: str
    status: str
    label: str


@dataclass(frozen=True)
class DocumentRow:
    document: Document
    status: str
    status_label: str
    error: str
    progress: int
    message: str
    coders: list[CoderProgress]
    excerpt_count: int | None  # None when the viewer may not see others' excerpts (blind)

    @property
    def language(self) -> str:
        return language_label(self.document.language)

    @property
    def busy(self) -> bool:
        return self.status in BUSY


def _status_of(document: Document) -> tuple[str, str]:
    """The document's status, corrected by its job when the job ended without telling it
    (cancelled, or failed by the sweep after a worker died)."""
    job = document.job
    if document.status not in BUSY or job is None:
        return document.status, document.error
    if job.status in (JobStatus.FAILED, JobStatus.CANCELLED):
        return DocumentStatus.FAILED, job.error or job.get_status_display()
    return document.status, document.error


def document_rows(
    *, project: Project, kind: str | None = None, with_excerpt_counts: bool
) -> list[DocumentRow]:
    """The document list: two queries (documents with job, then assignments with coders)."""
    documents: QuerySet[Document] = (
        Document.objects.for_project(project)
        .select_related("job")
        .defer(*HEAVY_FIELDS)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("coder").order_by(
                    "coder__display_name", "coder__email"
                ),
            )
        )
        .order_by("title", "pk")
    )
    if kind:
        documents = documents.filter(kind=kind)
    if with_excerpt_counts:
        documents = documents.annotate(excerpt_total=Count("excerpts"))
    rows = []
    for document in documents:
        status, error = _status_of(document)
        job = document.job
        rows.append(
            DocumentRow(
                document=document,
                status=status,
                status_label=str(DocumentStatus(status).label),
                error=error,
                progress=job.progress if job and status in BUSY else 0,
                message=job.message if job and status in BUSY else "",
                coders=[
                    CoderProgress(
                        name=assignment.coder.name,
                        status=assignment.status,
                        label=str(assignment.get_status_display()),
                    )
                    for assignment in document.assignments.all()
                ],
                # Annotated above only when asked for.
                excerpt_count=getattr(document, "excerpt_total", None),
            )
        )
    return rows


def documents_for_action(*, project: Project, codes: Iterable) -> list[Document]:
    """The chosen documents of one project with their excerpt counts (for confirmations)."""
    return list(
        Document.objects.for_project(project)
        .filter(code__in=list(codes))
        .defer(*HEAVY_FIELDS)
        .annotate(excerpt_total=Count("excerpts"))
        .order_by("title", "pk")
    )


def document_for_reading(*, project: Project, code, with_text: bool = True) -> Document | None:
    """One document with its excerpt count and how many excerpts a new text version flagged;
    `with_text=False` leaves the heavy fields unread."""
    documents = Document.objects.for_project(project).select_related("job", "created_by")
    if not with_text:
        documents = documents.defer(*HEAVY_FIELDS)
    return (
        documents.annotate(
            excerpt_total=Count("excerpts"),
            excerpts_flagged=Count("excerpts", filter=~Q(excerpts__text_flag="")),
        )
        .filter(code=code)
        .first()
    )


def flagged_excerpts(*, document: Document) -> list[dict]:
    """Excerpts a new text version could not carry over word for word, for a lead to check:
    the words each excerpt holds and the words now at its offsets (one query)."""
    if not getattr(document, "excerpts_flagged", 1):
        return []
    rows = (
        Excerpt.objects.filter(document=document)
        .exclude(text_flag="")
        .select_related("coder")
        .order_by("start", "pk")
    )
    return [
        {
            "coder": str(excerpt.coder) if excerpt.coder else "",
            "words": excerpt.text,
            "now": document.text[excerpt.start : excerpt.end],
            "start": excerpt.start,
        }
        for excerpt in rows
    ]


def document_reading_fields(data: dict) -> dict:
    """What reading a file recorded beyond its text, from a `document_export` row, as model
    fields (for restoring a project; exports made before these existed lack them)."""
    return {
        "removed_lines": data.get("removed_lines", []),
        "headings": data.get("headings", []),
        "running_lines_kept": bool(data.get("running_lines_kept", False)),
        "file_properties": data.get("file_properties", {}),
        "ocr": data.get("ocr", {}),
        "text_version": int(data.get("text_version", 1)),
        "pseudonymised_version": data.get("pseudonymised_version"),
    }


def document_export(*, project: Project) -> list[dict]:
    """Metadata, text and structure of every document, for the project export (the original
    file stays on the server; `sha256` names it)."""
    documents = (
        Document.objects.for_project(project)
        .select_related("created_by")
        .prefetch_related("text_versions")
        .order_by("created_at", "code")
    )
    return [
        {
            "code": str(document.code),
            "title": document.title,
            "kind": document.kind,
            "language": document.language,
            "date": document.date.isoformat() if document.date else None,
            "source": document.source,
            "notes": document.notes,
            "original_name": document.original_name,
            "sha256": document.sha256,
            "size": document.size,
            "file_type": document.file_type,
            "status": document.status,
            "error": document.error,
            "warnings": document.warnings,
            "characters": document.char_count,
            "text": document.text,
            "pages": document.pages,
            "paragraphs": document.paragraphs,
            "turns": document.turns,
            "removed_lines": document.removed_lines,
            "headings": document.headings,
            "running_lines_kept": document.running_lines_kept,
            "file_properties": document.file_properties,
            "ocr": document.ocr,
            "text_version": document.text_version,
            "pseudonymised_version": document.pseudonymised_version,
            # Texts from before pseudonymisation stay on the server (owners only).
            "text_versions": [
                {
                    "number": version.number,
                    "text": version.text,
                    "pages": version.pages,
                    "paragraphs": version.paragraphs,
                    "reason": version.reason,
                    "excerpts_moved": version.excerpts_moved,
                    "excerpts_flagged": version.excerpts_flagged,
                    "created_at": version.created_at.isoformat(),
                }
                for version in document.text_versions.all()
                if not version.private
            ],
            "created_at": document.created_at.isoformat(),
            "created_by": document.created_by.email if document.created_by else None,
        }
        for document in documents.iterator(chunk_size=20)
    ]
