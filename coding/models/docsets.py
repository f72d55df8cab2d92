"""Document sets: named groups of documents of one project.

Here in coding (not in study, where they began) because a set is about documents only, and every
page that filters by one sits at or above coding: retrieval (coding), the cross-case matrix
(cases), search, explore and agreement runs (study). The table keeps its first name
(``study_documentset``), so moving the model moved no data.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentSet(models.Model):
    """A named group of documents ("pilot municipalities", "round 2 interviews"), a filter for
    search, retrieval, exploring, the cross-case matrix and agreement runs."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        "research.Project", on_delete=models.CASCADE, related_name="document_sets"
    )
    name = models.CharField(_("name"), max_length=200)
    documents = models.ManyToManyField(
        "coding.Document", related_name="document_sets", verbose_name=_("documents")
    )
    # Raised by every edit, so two leads editing the same set at once cannot overwrite each
    # other unseen (study/docsets/services.py checks it under a row lock).
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "study_documentset"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="document_set_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
