from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from coding.models.codebook import Code


class ExcerptQuerySet(models.QuerySet):
    def by_coder(self, user) -> ExcerptQuerySet:
        return self.filter(coder=user)

    def for_project(self, project) -> ExcerptQuerySet:
        return self.filter(document__project=project)


class Excerpt(models.Model):
    """A coded span of a document's stored text.

    `start`/`end` are Unicode code points (Python slicing), end exclusive; `text` is the slice,
    checked on write. The excerpt's owner is `coder`; a reconciled (consensus) excerpt will be
    owned by the project instead (coder NULL), so consensus is one more kind of owner.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(
        "coding.Document", on_delete=models.CASCADE, related_name="excerpts"
    )
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="excerpts",
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    memo = models.TextField(blank=True)
    codes = models.ManyToManyField("coding.Code", through="Coding", related_name="excerpts")
    version = models.PositiveIntegerField(default=1)  # optimistic locking for concurrent edits
    # Set when a new version of the document's text no longer holds this excerpt's words where
    # its offsets moved to: the excerpt keeps its words and waits for a coder to fix its span.
    text_flag = models.CharField(max_length=300, blank=True)
    # The search query whose hits this excerpt was auto-coded from (study's auto-coding sets
    # it; empty when coded by hand), shown with the excerpt as its provenance.
    from_search = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ExcerptQuerySet.as_manager()

    # Not stored: the excerpt services set these on the instance they return, for the answer
    # to say which chosen codes were merged away (a CodeFate each: replaced by their target)
    # and which deleted codes a restore left off (names); a new excerpt's history entry and
    # codes, which the answer to its creation shows without reading them back.
    replaced_codes: list
    dropped_codes: list[str]
    created_change: ExcerptChange
    created_codes: list[Code]

    class Meta:
        ordering = ["document", "start", "end", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="excerpt_start_before_end"
            ),
        ]
        indexes = [
            # With the excerpt's id, a member's code counts in a document (the coding view,
            # the answer to every write: coding/excerpts/patches.py) read the member's excerpts
            # from this index alone, never from the table: ~0.3 ms instead of ~2 ms of the
            # server's time on a heavily coded document.
            models.Index(
                fields=["document", "coder"], include=["id"], name="excerpt_document_coder_id"
            ),
            models.Index(fields=["document", "start"], name="excerpt_document_start"),
            # The document's longest excerpt in one probe: coding/excerpts/overlaps.py.
            models.Index(
                models.F("document"),
                models.F("end") - models.F("start"),
                name="excerpt_document_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document}: {self.start}–{self.end}"


class Coding(models.Model):
    """One code applied to one excerpt; who coded it is the excerpt's coder."""

    excerpt = models.ForeignKey(Excerpt, on_delete=models.CASCADE, related_name="codings")
    code = models.ForeignKey("coding.Code", on_delete=models.RESTRICT, related_name="codings")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["excerpt", "code"], name="coding_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} on {self.excerpt}"


class ExcerptAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    RESTORE = "restore", _("restored")


class ExcerptChange(models.Model):
    """The excerpt log: every create, update, delete and restore, who and when.

    `before`/`after` hold the excerpt's state (coder, span, text, memo, version, created_at,
    and its codes as code UUIDs, so a code merged away later is followed through the codebook's
    merge log). Keyed by the excerpt's public `excerpt_code`, not a foreign key: the row must
    outlive the excerpt, and "Undo delete" brings the excerpt back from the last delete here.
    """

    project = models.ForeignKey(
        "research.Project", on_delete=models.CASCADE, related_name="excerpt_changes"
    )
    document = models.ForeignKey(
        "coding.Document", on_delete=models.CASCADE, related_name="excerpt_changes"
    )
    excerpt_code = models.UUIDField()
    action = models.CharField(max_length=10, choices=ExcerptAction.choices)
    version = models.PositiveIntegerField()  # the excerpt's version after (delete: at) the change
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    # Set on a change made by undo (the change it undid) or redo (the undo it undid): the
    # coding view's undo and redo stacks are read back from these links (coding/excerpts/undo.py).
    reverses = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["excerpt_code", "-id"], name="excerpt_change_excerpt"),
            models.Index(fields=["project", "user", "action", "-id"], name="excerpt_change_user"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.excerpt_code}"
