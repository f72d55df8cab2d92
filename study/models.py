"""The top app's models: project memos (they span documents, codes and cases), the search index,
auto-coding batches and saved searches."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProjectMemo(models.Model):
    """An analytic memo written during the analysis (open coding, reflections), linked to the
    documents, codes and cases it is about. REFI-QDA's stand-alone notes come in as these."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey("research.Project", on_delete=models.CASCADE, related_name="memos")
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    documents = models.ManyToManyField(
        "coding.Document", blank=True, related_name="memos", verbose_name=_("documents")
    )
    codes = models.ManyToManyField(
        "coding.Code", blank=True, related_name="project_memos", verbose_name=_("codes")
    )
    cases = models.ManyToManyField(
        "cases.Case", blank=True, related_name="memos", verbose_name=_("cases")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "pk"]

    def __str__(self) -> str:
        return self.title


class SearchIndexState(models.Model):
    """Which text of a document the search index holds (study.search.index): the search
    re-indexes a document whose text version or language no longer match."""

    document = models.OneToOneField(
        "coding.Document", on_delete=models.CASCADE, primary_key=True, related_name="search_index"
    )
    text_version = models.PositiveIntegerField()
    language = models.CharField(max_length=20, blank=True)
    digest = models.CharField(max_length=64)  # sha256 of the indexed text
    indexed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.document_id} v{self.text_version}"


class SearchUnit(models.Model):
    """One paragraph of a document's current text (a long one in stretches of at most
    study.search.index.UNIT_WORDS words), indexed for full-text search. On PostgreSQL `vector`
    holds its stems (GIN-indexed); on SQLite the stems live in the FTS5 table
    study_searchunit_fts under the same id (see the migration)."""

    document = models.ForeignKey(
        "coding.Document", on_delete=models.CASCADE, related_name="search_units"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    config = models.CharField(max_length=20)  # the Snowball stemmer, or 'simple'
    # The unit's text, for the hits' context: reading it never reads the document's whole text.
    text = models.TextField()
    vector = SearchVectorField(null=True)

    class Meta:
        ordering = ["document", "start"]

    def __str__(self) -> str:
        return f"{self.document_id}:{self.start}-{self.end}"


class AutoCodeBatch(models.Model):
    """One auto-coding of search hits: the excerpts it created (with the version each had, so
    undo deletes only those nobody changed since), what was searched, and whether it was undone.
    The excerpts' own history (ExcerptChange) records each create and delete as usual."""

    class Unit(models.TextChoices):
        HIT = "hit", _("The hit")
        SENTENCE = "sentence", _("Its sentence")
        PARAGRAPH = "paragraph", _("Its paragraph")
        TURN = "turn", _("Its speaker turn")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        "research.Project", on_delete=models.CASCADE, related_name="autocode_batches"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="autocode_batches"
    )
    coding_code = models.ForeignKey(
        "coding.Code", on_delete=models.SET_NULL, null=True, related_name="autocode_batches"
    )
    query = models.CharField(max_length=500)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    excerpts = models.JSONField(default=list)  # [[excerpt UUID, version after creation], ...]
    skipped = models.PositiveIntegerField(default=0)  # duplicates of existing codings
    created_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.query


class SavedSearch(models.Model):
    """A named search (query and filters) the project's members rerun to see what is new.

    Shared by the project: a team's standing searches ("velferdsteknolog*" over each new round
    of interviews) are agreed on together. What is new is per member (SavedSearchLook), so one
    member's look hides nothing from another."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        "research.Project", on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=200)
    query = models.CharField(_("search for"), max_length=500)
    filters = models.JSONField(default=dict, blank=True)  # kind, case, document_set as given
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="saved_search_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class SavedSearchLook(models.Model):
    """What one member saw when they last ran a saved search: per document (public code) its
    text version and its hits' offsets. A hit is new to them when its document is new to the
    search, its text changed since, or it was not among the hits then."""

    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="looks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    looked_at = models.DateTimeField(default=timezone.now)
    seen = models.JSONField(default=dict)  # {document code: {"v": version, "hits": ["s:e"]}}

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["search", "user"], name="saved_search_look_unique")
        ]

    def __str__(self) -> str:
        return f"{self.search} ({self.looked_at:%Y-%m-%d %H:%M})"
