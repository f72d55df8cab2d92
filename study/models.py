"""Project memos: what spans documents, codes and cases, so it lives in the top app."""

from __future__ import annotations

import uuid

from django.conf import settings
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
