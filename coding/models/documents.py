from __future__ import annotations

import uuid
from bisect import bisect_right
from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.db.models.functions import MD5, Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    STRATEGY = "strategy", _("Strategy document")
    TRANSCRIPT = "transcript", _("Interview transcript")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other")


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def original_upload_to(document: Document, filename: str) -> str:
    return f"documents/{document.project.code}/{document.code}/{filename}"


class DocumentQuerySet(models.QuerySet):
    def for_project(self, project) -> DocumentQuerySet:
        return self.filter(project=project)

    def ready(self) -> DocumentQuerySet:
        return self.filter(status=DocumentStatus.READY)


class Document(models.Model):
    """A source document. Its normalized `text` is immutable once any excerpt exists;
    structure (pages, paragraphs, speaker turns) is kept as code-point offsets into it."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        "research.Project", on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.STRATEGY
    )
    language = models.CharField(_("language"), max_length=20, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    source = models.CharField(_("source or author"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    original = models.FileField(upload_to=original_upload_to, max_length=500, blank=True)
    original_name = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    file_type = models.CharField(max_length=20, blank=True)

    status = models.CharField(
        max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED
    )
    error = models.TextField(blank=True)
    job = models.ForeignKey(
        "research.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    text = models.TextField(blank=True)
    pages = models.JSONField(default=list, blank=True)  # [[number, start, end], ...]
    paragraphs = models.JSONField(default=list, blank=True)  # [[start, end], ...]
    turns = models.JSONField(default=list, blank=True)  # [{start, end, speaker, timestamp}]
    headings = models.JSONField(default=list, blank=True)  # [[start, end, level], ...]
    warnings = models.JSONField(default=list, blank=True)
    # Lines dropped as running headers and footers: [[page, text], ...]; shown on the
    # document page so nothing leaves the text unseen.
    removed_lines = models.JSONField(default=list, blank=True)
    # Author and creation date as the file states them: shown, never trusted as `source`/`date`.
    file_properties = models.JSONField(default=dict, blank=True)
    # Set when the text was read by OCR: {"language", "confidence", "seconds_per_page"}.
    ocr = models.JSONField(default=dict, blank=True)
    # The user chose to read the file again without dropping running lines.
    running_lines_kept = models.BooleanField(default=False)
    # Which version of the text `text` is; earlier versions are kept as TextVersion rows.
    text_version = models.PositiveIntegerField(default=1)
    # The text version the project's pseudonym list was last applied to (None: never). When it
    # is set, earlier versions and the uploaded file hold identifying text: owners only.
    pseudonymised_version = models.PositiveIntegerField(null=True, blank=True)
    char_count = models.PositiveIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)
    # A digest of the text and its structure, kept by the database at every write, so the
    # coding view can tell whether a browser's copy of the highlighted text is current without
    # reading (and hashing) megabytes of text. The JSON arrays come first: each delimits itself.
    text_digest = models.GeneratedField(
        expression=MD5(
            Concat(
                Cast("pages", models.TextField()),
                Cast("paragraphs", models.TextField()),
                Cast("turns", models.TextField()),
                "text",
                output_field=models.TextField(),
            )
        ),
        output_field=models.CharField(max_length=32),
        db_persist=True,
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["project", "sha256"], name="document_project_hash")]

    def __str__(self) -> str:
        return self.title

    def page_at(self, offset: int) -> int | None:
        """The page number holding a text offset (for "p. 12" in excerpts and exports)."""
        for number, start, end in self.pages:
            if start <= offset < end:
                return number
        # len(self.text) last: the retrieval page defers the text and rarely needs it.
        return self.pages[-1][0] if self.pages and offset == len(self.text) else None


def page_finder(pages: list, length: int) -> Callable[[int], int | None]:
    """`Document.page_at` for a text of `length` characters split into `pages`, by bisection
    (the exports look up thousands of offsets in a document of hundreds of pages, and read
    its pages and length but never its text)."""
    starts = [start for _number, start, _end in pages]

    def at_end(offset: int) -> int | None:
        return pages[-1][0] if pages and offset == length else None

    if starts != sorted(starts):  # pages as imported are in order; be exact if ever not

        def scan(offset: int) -> int | None:
            return next((n for n, start, end in pages if start <= offset < end), at_end(offset))

        return scan

    def find(offset: int) -> int | None:
        i = bisect_right(starts, offset) - 1
        # Several pages may start at one offset (empty pages): the first that holds it wins.
        while i > 0 and starts[i - 1] == starts[i]:
            i -= 1
        for number, start, end in pages[max(i, 0) :]:
            if start > offset:
                break
            if start <= offset < end:
                return number
        return at_end(offset)

    return find


class TextVersion(models.Model):
    """An earlier text of a coded document, kept when the text was replaced.

    The document's excerpts were moved onto the new text (see coding.ingest.offsets); this row
    keeps what agreement runs and exports made before the change read (`number` is the
    `Document.text_version` it had).
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="text_versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    pages = models.JSONField(default=list, blank=True)
    paragraphs = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=300)
    # Holds identifying text (it came before pseudonymisation): owners only, never exported.
    private = models.BooleanField(default=False)
    excerpts_moved = models.PositiveIntegerField(default=0)
    excerpts_flagged = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="text_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Assignment(models.Model):
    """A coder is asked to code a document. Unassigned means *missing* for agreement."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="assignments")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    status = models.CharField(
        max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "coder"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.coder}"
