"""Reconciliation: the coders' independent codings of some documents turned into the project's
consensus layer (excerpts whose coder is NULL), every decision and its reason kept.

These tables live in coding, not in study, because the excerpt write door (coding) must know
which documents are under reconciliation (the reconciled coders' own excerpts there are
read-only) and which coders a reconciliation unblinds; coding may not import study.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReconcilerMode(models.TextChoices):
    LEAD = "lead", _("The lead decides")
    CODERS = "coders", _("The coders decide together")


class Reconciliation(models.Model):
    """A lead's round of reconciling some documents between two or more coders."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        "research.Project", on_delete=models.CASCADE, related_name="reconciliations"
    )
    coders = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    reconcilers = models.CharField(
        max_length=10, choices=ReconcilerMode.choices, default=ReconcilerMode.LEAD
    )
    # The excerpt-matching rule of the agreement runs: same code, overlapping at least this
    # share of the checked excerpt.
    overlap = models.FloatField(default=0.9)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(overlap__gt=0) & models.Q(overlap__lte=1),
                name="reconciliation_overlap_fraction",
            ),
        ]

    def __str__(self) -> str:
        return f"Reconciliation {self.code}"


class DocumentState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    RECONCILED = "reconciled", _("Reconciled")


class ReconciliationDocument(models.Model):
    """One document of a reconciliation. `active` while the reconciliation is open: a document
    is in at most one open reconciliation, and its reconciled coders' excerpts are frozen."""

    reconciliation = models.ForeignKey(
        Reconciliation, on_delete=models.CASCADE, related_name="documents"
    )
    document = models.ForeignKey(
        "coding.Document", on_delete=models.CASCADE, related_name="reconciliations"
    )
    state = models.CharField(
        max_length=20, choices=DocumentState.choices, default=DocumentState.NOT_STARTED
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["document__title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document"],
                condition=models.Q(active=True),
                name="reconciliation_document_one_open",
            ),
            models.UniqueConstraint(
                fields=["reconciliation", "document"], name="reconciliation_document_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} in {self.reconciliation}"


class CandidateKind(models.TextChoices):
    AGREE = "agree", _("Coders agree")
    CODE_DIFFERS = "code_differs", _("Codes differ")
    ONLY_SOME = "only_some", _("Only some coded")
    SPAN_DIFFERS = "span_differs", _("Spans differ")


class Candidate(models.Model):
    """A place in the document where the coders' codings are lined up for one decision.

    `sources` is stored when the reconciliation opens (or the document is reopened): each
    source excerpt as {excerpt, version, coder, start, end, text, codes (UUIDs)}, so the
    decision's provenance survives later edits. A reopen marks candidates it no longer finds
    `superseded` (kept with their decisions, never lost).
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(
        ReconciliationDocument, on_delete=models.CASCADE, related_name="candidates"
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=CandidateKind.choices)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    sources = models.JSONField(default=list)
    superseded = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)  # optimistic locking of decisions

    class Meta:
        ordering = ["item", "position", "pk"]
        indexes = [models.Index(fields=["item", "superseded"], name="candidate_item_live")]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}–{self.end}"


class DecisionKind(models.TextChoices):
    KEEP = "keep", _("Keep one coder's version")
    KEEP_SEVERAL = "keep_several", _("Keep several coders' versions")
    UNION = "union", _("Union of the spans")
    INTERSECTION = "intersection", _("Intersection of the spans")
    ADJUST = "adjust", _("Adjusted span")
    RECODE = "recode", _("Changed or added code")
    NOTHING = "nothing", _("Nothing is coded here")


class Decision(models.Model):
    """How a candidate was resolved. Undone decisions stay (undone_at set): the log keeps them.
    `consensus` lists the public codes of the consensus excerpts the decision created;
    `batch` groups the decisions of one bulk accept, undone together."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    kept_coders = models.JSONField(default=list, blank=True)  # user ids, for keep / keep several
    reason = models.TextField(blank=True)
    against_every_coder = models.BooleanField(default=False)
    # The coders whose version the result follows (user ids): the drift signal of the
    # reconciliation (how often disagreements were resolved towards each coder).
    follows = models.JSONField(default=list, blank=True)
    consensus = models.JSONField(default=list, blank=True)
    batch = models.UUIDField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            # The database's word on "one live decision per candidate", whatever the locks do.
            models.UniqueConstraint(
                fields=["candidate"],
                condition=models.Q(undone_at__isnull=True),
                name="decision_one_live_per_candidate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.candidate_id}"


class CandidateComment(models.Model):
    """A short threaded discussion on a candidate, kept with its decision."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]
