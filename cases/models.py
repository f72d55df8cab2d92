"""Cases, their typed attributes and write-ups, classification rules and cross-case matrices."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_DIMENSIONS = [
    _("Focus areas"),
    _("Current projects"),
    _("Actors in the ecosystem"),
    _("Challenges"),
]
DEFAULT_LEGEND = [
    {"symbol": "X", "meaning": "yes"},
    {"symbol": "*", "meaning": "exploring the idea / pilot project"},
    {"symbol": "", "meaning": "no"},
]


class CaseKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region of municipalities")
    ORGANIZATION = "organization", _("Organization")
    PERSON = "person", _("Person")
    OTHER = "other", _("Other")


class CaseQuerySet(models.QuerySet):
    def for_project(self, project) -> CaseQuerySet:
        return self.filter(project=project)


class Case(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey("research.Project", on_delete=models.CASCADE, related_name="cases")
    name = models.CharField(_("name"), max_length=200)
    pseudonym = models.CharField(
        _("pseudonym"), max_length=200, blank=True, help_text=_("Shown when cases are anonymized.")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=CaseKind.choices, default=CaseKind.MUNICIPALITY
    )
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("part of (region)"),
    )
    documents = models.ManyToManyField(
        "coding.Document", related_name="cases", blank=True, verbose_name=_("documents")
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="case_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def label(self, anonymize: bool) -> str:
        """The name to show: the pseudonym when anonymized (the name only if none is set)."""
        if anonymize:
            return self.pseudonym or _("Case %(number)s") % {"number": self.pk}
        return self.name


class AttributeType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    BOOLEAN = "boolean", _("Yes/no")
    CHOICE = "choice", _("Choice")
    DATE = "date", _("Date")


class AttributeDefinition(models.Model):
    """A typed case attribute of a project, e.g. population (number) or county (choice)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        "research.Project", on_delete=models.CASCADE, related_name="case_attributes"
    )
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(
        _("type"), max_length=10, choices=AttributeType.choices, default=AttributeType.TEXT
    )
    choices = models.JSONField(_("choices"), default=list, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="case_attribute_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class AttributeValue(models.Model):
    """One case's value of one attribute, stored in the column of its type."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attribute_values")
    definition = models.ForeignKey(
        AttributeDefinition, on_delete=models.CASCADE, related_name="values"
    )
    text = models.TextField(blank=True)  # text and choice
    number = models.FloatField(null=True, blank=True)
    boolean = models.BooleanField(null=True, blank=True)
    date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "definition"], name="attribute_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.definition}: {self.display}"

    @property
    def value(self):
        kind = self.definition.type
        if kind == AttributeType.NUMBER:
            return self.number
        if kind == AttributeType.BOOLEAN:
            return self.boolean
        if kind == AttributeType.DATE:
            return self.date
        return self.text

    @property
    def display(self) -> str:
        from cases.tabular import format_value

        return format_value(self.definition.type, self.value)

    @property
    def shown(self) -> str:
        """The value as a page or a person's export shows it: yes or no in the reader's
        language (`display` keeps the words of the import format, for the CSV export)."""
        if self.definition.type == AttributeType.BOOLEAN and self.boolean is not None:
            return str(_("yes") if self.boolean else _("no"))
        return self.display


class Dimension(models.Model):
    """An analysis dimension of the within-case write-ups (e.g. "Challenges")."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        "research.Project", on_delete=models.CASCADE, related_name="case_dimensions"
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="dimension_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class CaseWriteup(models.Model):
    """One section of a case's within-case analysis. Excerpts are cited in the text as
    [[excerpt:<uuid>]] and rendered as quotes (only for readers who may see the excerpt)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="writeups")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="writeups")
    text = models.TextField(_("text"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "dimension"], name="writeup_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case} – {self.dimension}"


class AppliesTo(models.TextChoices):
    DOCUMENT = "document", _("Documents")
    CASE = "case", _("Cases")


class ClassificationRule(models.Model):
    """Ordered classes over code presence; a unit gets the first class whose condition holds."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        "research.Project", on_delete=models.CASCADE, related_name="classification_rules"
    )
    name = models.CharField(_("name"), max_length=200)
    applies_to = models.CharField(
        _("applies to"), max_length=10, choices=AppliesTo.choices, default=AppliesTo.DOCUMENT
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="classification_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ClassificationClass(models.Model):
    """One class of a rule. A code counts as present when it or any code below it is coded."""

    rule = models.ForeignKey(ClassificationRule, on_delete=models.CASCADE, related_name="classes")
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    all_of = models.ManyToManyField("coding.Code", blank=True, related_name="+")
    any_of = models.ManyToManyField("coding.Code", blank=True, related_name="+")
    none_of = models.ManyToManyField("coding.Code", blank=True, related_name="+")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class ColumnMode(models.TextChoices):
    ALL = "all", _("All cases")
    CHOSEN = "chosen", _("Chosen cases")
    GROUPED = "grouped", _("Cases grouped by an attribute")


class CellMode(models.TextChoices):
    PRESENCE = "presence", _("Presence mark")
    EXCERPTS = "excerpts", _("Number of excerpts")
    DOCUMENTS = "documents", _("Number of documents")
    COVERAGE = "coverage", _("Coverage (share of characters coded)")


class Source(models.TextChoices):
    ANY = "any", _("All coders: present if any coder coded it")
    ALL = "all", _("All coders: present only if every coder coded it")
    MAJORITY = "majority", _("All coders: present if most coders coded it")
    CODER = "coder", _("One chosen coder")
    CONSENSUS = "consensus", _("Consensus (reconciled codings)")


class Matrix(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        "research.Project", on_delete=models.CASCADE, related_name="matrices"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    column_mode = models.CharField(
        _("columns"), max_length=10, choices=ColumnMode.choices, default=ColumnMode.ALL
    )
    cases = models.ManyToManyField(Case, blank=True, related_name="+", verbose_name=_("cases"))
    group_attribute = models.ForeignKey(
        AttributeDefinition,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group by attribute"),
    )
    cell_mode = models.CharField(
        _("cells show"), max_length=10, choices=CellMode.choices, default=CellMode.PRESENCE
    )
    source = models.CharField(
        _("whose codings"), max_length=10, choices=Source.choices, default=Source.ANY
    )
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coder"),
    )
    legend = models.JSONField(_("legend"), default=list, blank=True)
    codebook_version = models.ForeignKey(
        "coding.CodebookVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "matrices"
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="matrix_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class MatrixSection(models.Model):
    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class MatrixRow(models.Model):
    """A row stands for a code (optionally with its descendants) or a classification rule."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    section = models.ForeignKey(MatrixSection, on_delete=models.CASCADE, related_name="rows")
    label = models.CharField(_("label"), max_length=300)
    codebook_code = models.ForeignKey(
        "coding.Code",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("code"),
    )
    include_descendants = models.BooleanField(_("include codes below it"), default=True)
    rule = models.ForeignKey(
        ClassificationRule,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("classification"),
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(codebook_code__isnull=False, rule__isnull=False),
                name="matrix_row_code_or_rule",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class CellOverride(models.Model):
    """A lead's symbol for a cell, with the reason; the computed value stays beside it.

    `column` is the column key: a case's UUID, or "group-<hex of value>" for grouped columns.
    """

    row = models.ForeignKey(MatrixRow, on_delete=models.CASCADE, related_name="overrides")
    column = models.CharField(max_length=300)
    symbol = models.CharField(_("symbol"), max_length=20, blank=True)
    reason = models.TextField(_("reason"))
    computed = models.CharField(max_length=50, blank=True)  # the computed value when overridden
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["row", "column"], name="cell_override_unique"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="cell_override_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.row} / {self.column}: {self.symbol!r}"


class Footnote(models.Model):
    """A note on a cell (row and column), a row (no column) or a column (no row)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="footnotes")
    row = models.ForeignKey(
        MatrixRow, on_delete=models.CASCADE, null=True, blank=True, related_name="footnotes"
    )
    column = models.CharField(max_length=300, blank=True)
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(row__isnull=False) | ~models.Q(column=""),
                name="footnote_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:50]
