from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coding.agreement.disagreements import compact_json


class AgreementUnit(models.TextChoices):
    DOCUMENT = "document", _("Document: was the code applied anywhere in the document")
    SEGMENT = "segment", _("Natural units: sentences, paragraphs or speaker turns")
    EXCERPT = "excerpt", _("Excerpt matching with an overlap threshold (two coders)")
    CHARACTER = "character", _("Characters: coded / not coded, and the unitized α family")


class SegmentKind(models.TextChoices):
    SENTENCE = "sentence", _("Sentences")
    PARAGRAPH = "paragraph", _("Paragraphs")
    TURN = "turn", _("Speaker turns")


class EncodedJSON:
    """A value with its compact JSON text, made already (a code's disagreements, put together
    from the text its documents' parts carry): a ``WholeJSONField`` stores the text on
    PostgreSQL instead of encoding the value again, elsewhere the value."""

    __slots__ = ("text", "value")

    def __init__(self, value, text: str) -> None:
        self.value = value
        self.text = text


class WholeJSONField(models.JSONField):
    """JSON that is only ever written and read whole (never queried into): on PostgreSQL a
    ``text`` column holding the compact JSON this app wrote (``compact_json``), decoded when
    read. Neither ``jsonb`` (whose tree building, keys sorted and numbers converted, was most
    of a run's pooling) nor ``json``, whose check of the text on every write (about 10 ms a
    megabyte) was some 15 of the 35 ms of PostgreSQL's CPU that storing a run's results took at
    the segment and character units; the text is ``json.dumps``'s own. Elsewhere the same as a
    ``JSONField``. The column cannot be queried as JSON, filtered on or grouped by value."""

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "text"
        return super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if isinstance(value, EncodedJSON):
            if connection.vendor == "postgresql":
                return value.text
            value = value.value
        if connection.vendor != "postgresql" or hasattr(value, "as_sql"):
            return super().get_db_prep_value(value, connection, prepared)
        if not prepared:
            value = self.get_prep_value(value)
        return compact_json(value)

    def from_db_value(self, value, expression, connection):
        # PostgreSQL gives the text; a json column (before migration 0020) psycopg decoded
        # itself. The values are lists and objects, never a bare string.
        if connection.vendor == "postgresql" and not isinstance(value, str):
            return value
        return super().from_db_value(value, expression, connection)


class AgreementRunQuerySet(models.QuerySet):
    def for_project(self, project) -> AgreementRunQuerySet:
        return self.filter(project=project)


class AgreementRun(models.Model):
    """One inter-coder agreement computation and everything needed to reproduce it.

    `params` holds the researcher's choices (document / code selection, unit parameters,
    coefficients) and the resolved inputs (coder ids, document ids, the code → row mapping);
    `excerpt_versions` the (id, version) of every excerpt the run read; `codebook_version`
    (or `codebook_summary` when the project has no named version) the state of the codebook.
    Per-code values live in `AgreementCodeResult`; `results` holds pooled values, the pairwise
    coder matrix and the unitized α family. The run's progress and failure are its job's.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        "research.Project", on_delete=models.CASCADE, related_name="agreement_runs"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    job = models.ForeignKey(
        "research.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unit = models.CharField(_("unit"), max_length=20, choices=AgreementUnit.choices)
    coders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="agreement_runs", verbose_name=_("coders")
    )
    params = models.JSONField(default=dict, blank=True)
    codebook_version = models.ForeignKey(
        "coding.CodebookVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreement_runs",
    )
    codebook_summary = models.JSONField(default=dict, blank=True)
    excerpt_versions = WholeJSONField(default=list, blank=True)  # [[id, version], ...]
    # The excerpts the stored disagreements name, as the run read them (one table for all
    # codes): {"id": [uuid, start, end, [code ids]]}. Large; pages that list runs defer it.
    disagreement_excerpts = WholeJSONField(default=dict, blank=True)
    results = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = AgreementRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["project", "created_at"], name="agreement_run_project")]

    def __str__(self) -> str:
        return self.name or f"{self.get_unit_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class AgreementCodeResult(models.Model):
    """One row of a run's table: a code (or the category a level roll-up mapped codes to).

    `values` holds the coefficients (None where undefined, with the reason in `reasons`);
    `disagreements` the first units where coders disagreed, compactly:
    ``{"items": [[document id, start, end, page, [value per coder], [[excerpt ids] per coder]],
    ...], "documents": {"id": [uuid, title]}}`` (the excerpts are the run's
    ``disagreement_excerpts``; runs stored before this form hold a list of spelled-out dicts).
    ``coding.runs.selectors.disagreement_items`` spells them out for pages and exports.
    """

    run = models.ForeignKey(AgreementRun, on_delete=models.CASCADE, related_name="code_results")
    code = models.ForeignKey(
        "coding.Code", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    code_name = models.CharField(max_length=200)  # kept when the code is renamed or deleted
    code_path = models.CharField(max_length=1000, blank=True)  # "Parent › Child" at run time
    position = models.PositiveIntegerField(default=0)
    units = models.FloatField(default=0)  # pairable units (characters at character level)
    prevalence = models.FloatField(null=True, blank=True)
    values = models.JSONField(default=dict, blank=True)
    reasons = models.JSONField(default=dict, blank=True)
    disagreements = WholeJSONField(default=list, blank=True)
    disagreement_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "code"], name="agreement_code_result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code_name} in {self.run}"


class AgreementRunPart(models.Model):
    """One document's partial result of a run, kept until the run is pooled.

    Stored in the database, not in the broker, so that a run whose worker died or whose broker
    restarted resumes from what is stored and computes only the missing documents. `data` is
    the partial as JSON text: exactly what the pooling step reads, key order included.
    """

    run = models.ForeignKey(AgreementRun, on_delete=models.CASCADE, related_name="parts")
    document = models.ForeignKey("coding.Document", on_delete=models.CASCADE, related_name="+")
    data = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "document"], name="agreement_run_part_unique"),
        ]

    def __str__(self) -> str:
        return f"Document {self.document_id} of {self.run}"
