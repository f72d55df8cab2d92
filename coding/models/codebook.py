from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CodeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PROPOSED = "proposed", _("Proposed")


# Tableau 10: codes that came without a colour are shown in these, in turn; the first is the
# default of a new code.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
DEFAULT_COLOUR = PALETTE[0]


def new_exchange_guid() -> str:
    return str(uuid.uuid4())


class CodeQuerySet(models.QuerySet):
    def for_project(self, project) -> CodeQuerySet:
        return self.filter(project=project)

    def subtree(self, code: Code) -> CodeQuerySet:
        """The code and everything below it (one indexed prefix query)."""
        return self.filter(project_id=code.project_id, path__startswith=code.path)


class Code(models.Model):
    """A node of the project's codebook tree.

    `path` is a materialized path of ancestor ids ("/12/40/57/"), kept by the codebook services,
    so "this code and everything below it" is a single prefix query for roll-ups, matrix rows
    and retrieval.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey("research.Project", on_delete=models.CASCADE, related_name="codes")
    parent = models.ForeignKey(
        "self", on_delete=models.RESTRICT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(_("definition"), blank=True)
    inclusion = models.TextField(_("inclusion criteria"), blank=True)
    exclusion = models.TextField(_("exclusion criteria"), blank=True)
    example = models.TextField(_("typical example"), blank=True)
    colour = models.CharField(_("colour"), max_length=7, default=DEFAULT_COLOUR)
    # Whether the colour came with an imported code or was chosen by a user: only then is it
    # exported (REFI-QDA tools give uncoloured codes their own colours).
    colour_given = models.BooleanField(default=False)
    # The code's REFI-QDA guid, kept exactly as the file wrote it (braced, upper-case…) so the
    # tool that made it recognises its own code after a round trip; new codes get a fresh one.
    exchange_guid = models.CharField(max_length=64, default=new_exchange_guid)
    # REFI-QDA `isCodable`: false for folder codes that only group others.
    is_codable = models.BooleanField(_("codable"), default=True)
    shortcut = models.CharField(_("keyboard shortcut"), max_length=20, blank=True)
    position = models.PositiveIntegerField(default=0)
    memo = models.TextField(_("memo"), blank=True)
    status = models.CharField(max_length=10, choices=CodeStatus.choices, default=CodeStatus.ACTIVE)
    path = models.CharField(max_length=1000, blank=True, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CodeQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "parent", "name"], name="code_unique_name_among_siblings"
            ),
            # NULL parents are distinct in SQL, so roots need their own rule.
            models.UniqueConstraint(
                fields=["project", "name"],
                condition=models.Q(parent__isnull=True),
                name="code_unique_root_name",
            ),
            models.UniqueConstraint(
                fields=["project", "exchange_guid"], name="code_unique_exchange_guid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CodebookChange(models.Model):
    """The codebook's log: every structural or definitional change, who and when."""

    project = models.ForeignKey(
        "research.Project", on_delete=models.CASCADE, related_name="codebook_changes"
    )
    code = models.ForeignKey(
        Code, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    code_name = models.CharField(max_length=200)  # kept when the code is deleted or merged away
    action = models.CharField(max_length=30)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.code_name}"


class CodebookVersion(models.Model):
    """A named, frozen snapshot of the tree that agreement runs and matrices record."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        "research.Project", on_delete=models.CASCADE, related_name="codebook_versions"
    )
    name = models.CharField(max_length=200)
    snapshot = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="codebook_version_unique"),
        ]

    def __str__(self) -> str:
        return self.name
