"""Accounts, research projects, memberships with roles, invitations and background jobs."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConcordUserManager(UserManager):
    """Users log in with their e-mail address; the username mirrors it."""

    def create_user(self, username=None, email=None, password=None, **extra_fields):
        email = self.normalize_email(email or username)
        return super().create_user(email, email, password, **extra_fields)

    def create_superuser(self, username=None, email=None, password=None, **extra_fields):
        email = self.normalize_email(email or username)
        return super().create_superuser(email, email, password, **extra_fields)


class User(AbstractUser):
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Left empty, Concord follows your browser's language."),
    )

    objects = ConcordUserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.email


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    LEAD = "lead", _("Lead")
    CODER = "coder", _("Coder")
    VIEWER = "viewer", _("Viewer")


class ProjectQuerySet(models.QuerySet):
    def for_user(self, user) -> ProjectQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)

    def active(self) -> ProjectQuerySet:
        return self.filter(archived_at__isnull=True)


# Characters: a new excerpt longer than this asks for confirmation (a project may change it).
LONG_EXCERPT = 5000


class Project(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    research_question = models.TextField(_("research question"), blank=True)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=20, default="en")
    blind_coding = models.BooleanField(
        _("blind coding"),
        default=True,
        help_text=_("Coders see only their own excerpts until a lead unblinds the project."),
    )
    coders_may_create_codes = models.BooleanField(
        _("coders may propose codes"),
        default=False,
        help_text=_("Coders can create new codes while coding; they stay proposed until accepted."),
    )
    long_excerpt = models.PositiveIntegerField(
        _("confirm excerpts longer than"),
        default=LONG_EXCERPT,
        help_text=_(
            "Coding a longer passage (in characters) asks for confirmation, so a selection "
            "that ran on to the end of a document is not kept by mistake."
        ),
    )
    require_second_factor = models.BooleanField(
        _("members must use a second factor"),
        default=False,
        help_text=_(
            "For projects holding transcripts or other personal data: members without an "
            "authenticator app or security key are asked to set one up before they can open "
            "the project."
        ),
    )
    # Read through research.access.sees_real_names and coding.labels: every page and export
    # that names a document or a case asks there, so nothing shows what this hides.
    anonymize = models.BooleanField(
        _("show pseudonyms only"),
        default=False,
        help_text=_(
            "Coders, viewers and exports see each case's pseudonym instead of its name and "
            "each document by its kind and number instead of its title. Leads and owners "
            "still see both on the project's pages."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.CODER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.project}"


class Invitation(models.Model):
    """An e-mail invitation; accepting it sets the new member's password."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation for {self.user.email} to {self.project}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Job(models.Model):
    """One row per long-running task; pages poll this row, never Celery's result backend."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="jobs", null=True, blank=True
    )
    kind = models.CharField(max_length=50)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # The language of the person who asked: the worker writes progress, warnings and failures
    # in it (a worker has no request to take a language from).
    language = models.CharField(max_length=8, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The broker is only a doorbell: when the task was last sent (None: sending failed), so
    # the sweep can send again a queued job nobody picked up.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # A running job's worker touches this every few seconds; when it stops, the worker died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # claims so far, retries included

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="job_progress_max"),
        ]
        indexes = [
            models.Index(fields=["status", "started_at"], name="job_status_started"),
            models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED}

    @property
    def awaits_job_system(self) -> bool:
        """Queued and never handed to the broker: it was down when the job was made (the
        sweep sends the job once it is back)."""
        return self.status == JobStatus.QUEUED and self.dispatched_at is None


class LoginFailure(models.Model):
    """One failed log-in, counted here only while the cache (Redis) is unreachable.

    The throttle keeps its counters in the cache; when the cache raises, it counts in this
    table instead, so logging in keeps working and guessing stays limited (never fails open).
    `key` is the throttle's counter name: a hashed e-mail address or a client address.
    """

    key = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["key", "created_at"], name="login_failure_key_created")]

    def __str__(self) -> str:
        return f"{self.key} at {self.created_at:%Y-%m-%d %H:%M:%S}"


class AuditAction(models.TextChoices):
    """What the audit trail records; the labels are what owners read on the trail page."""

    SIGN_IN = "sign_in", _("Signed in")
    DOCUMENT_VIEW = "document_view", _("Viewed a document")
    DOCUMENT_DOWNLOAD = "document_download", _("Downloaded a document's file")
    EXPORT = "export", _("Exported")
    MEMBER_ADD = "member_add", _("Added a member")
    MEMBER_ROLE = "member_role", _("Changed a member's role")
    MEMBER_REMOVE = "member_remove", _("Removed a member")
    UNBLIND = "unblind", _("Unblinded the project")
    BLIND = "blind", _("Turned blind coding on")
    DOCUMENT_DELETE = "document_delete", _("Deleted a document")
    CASE_DELETE = "case_delete", _("Deleted a case")
    CODE_DELETE = "code_delete", _("Deleted a code")
    PROJECT_DELETE = "project_delete", _("Deleted the project")


class AuditEntry(models.Model):
    """One line of a project's audit trail: who did what to what, when. Append-only.

    Written by `research.audit.audit_record` (one INSERT, no reads). The project and the actor
    are references without database constraints (`db_constraint=False`, DO_NOTHING): deleting
    a project or an account never updates or deletes audit rows, so the trail outlives what it
    describes until the retention period removes it (`manage.py audit_prune`, the only deleter;
    on PostgreSQL a trigger refuses every other UPDATE and DELETE).
    """

    project = models.ForeignKey(
        Project,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    # What was acted on, as it was named then (a document's title, a member's pseudonym), and
    # its identifier (a UUID code or a primary key), kept when the object itself is gone.
    target = models.CharField(max_length=300, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["project", "at"], name="audit_project_at"),
            models.Index(fields=["at"], name="audit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id} at {self.at:%Y-%m-%d %H:%M:%S}"


class FormerMember(models.Model):
    """A member removed from a project, and the pseudonymous account their kept codings moved to.

    `number` counts former members within the project (Former coder 1, 2, ...) and never
    changes; `user_id` is the removed account (kept as a plain id: the account itself may be
    anonymised once it belongs to no project); `placeholder` is an inactive account named
    after the pseudonym, so every page and export that names a coder shows the pseudonym.
    `codings_deleted` is set when an owner chose to delete the member's codings instead.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="former_members")
    number = models.PositiveIntegerField()
    user_id = models.IntegerField()
    placeholder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    codings_deleted = models.BooleanField(default=False)
    removed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="former_member_number"),
            models.UniqueConstraint(fields=["project", "user_id"], name="former_member_user"),
        ]

    def __str__(self) -> str:
        return self.placeholder.name
