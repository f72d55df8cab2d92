from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Pseudonym(models.Model):
    """An identifying string of a project and what replaces it in pseudonymised texts.

    The list itself is personal data: it is shown to leads and owners only and never leaves
    the server in an export (see coding/pseudonyms/services.py).
    """

    project = models.ForeignKey(
        "research.Project", on_delete=models.CASCADE, related_name="pseudonyms"
    )
    original = models.CharField(_("identifying string"), max_length=200)
    replacement = models.CharField(_("replacement"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "original", "pk"]
        constraints = [
            models.UniqueConstraint("project", Lower("original"), name="pseudonym_original_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.original} → {self.replacement}"


class PseudonymPolicy(models.Model):
    """A project's choices about its original (identifying) texts."""

    project = models.OneToOneField(
        "research.Project", on_delete=models.CASCADE, related_name="pseudonym_policy"
    )
    # Owners may download a document's original text, labelled as such. Off: nobody may.
    original_export = models.BooleanField(_("owners may download original texts"), default=False)

    def __str__(self) -> str:
        return f"{self.project}: original export {'on' if self.original_export else 'off'}"
