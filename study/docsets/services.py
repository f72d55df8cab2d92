"""Writing document sets. A set names documents of its own project only.

Two leads may edit the same set at once: an edit carries the version it was made from, and
`document_set_update` checks it under a row lock (the set's row, then its links), so the later
of two edits from the same version is refused with the set as it now is, never applied over
the other unseen.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from coding.models import Document, DocumentSet
from research.models import Project


class DocumentSetConflict(Exception):
    """The set changed since the editor loaded it; `current` is the set as it is now."""

    def __init__(self, current: DocumentSet):
        super().__init__("stale document set")
        self.current = current


def _clean(project: Project, name: str, documents: Iterable[Document]) -> tuple[str, list]:
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the set a name."))
    documents = list(documents)
    if any(document.project_id != project.pk for document in documents):
        raise ValidationError(_("A set holds documents of this project only."))
    return name, documents


def _taken(name: str) -> ValidationError:
    return ValidationError(_("There is already a set named “%(name)s”.") % {"name": name})


@transaction.atomic
def document_set_create(
    *, project: Project, user, name: str, documents: Iterable[Document]
) -> DocumentSet:
    name, documents = _clean(project, name, documents)
    try:
        # A savepoint, so a name taken meanwhile (the unique constraint) is a message.
        with transaction.atomic():
            document_set = DocumentSet.objects.create(project=project, name=name, created_by=user)
    except IntegrityError as exc:
        raise _taken(name) from exc
    document_set.documents.set(documents)
    return document_set


@transaction.atomic
def document_set_update(
    *, document_set: DocumentSet, version: int, name: str, documents: Iterable[Document]
) -> DocumentSet:
    """Rename the set and make `documents` its documents (adding and removing), if nobody
    changed it since `version`; otherwise raise DocumentSetConflict with the current set."""
    project = document_set.project
    name, documents = _clean(project, name, documents)
    locked = DocumentSet.objects.select_for_update().get(pk=document_set.pk)
    if locked.version != version:
        raise DocumentSetConflict(locked)
    if DocumentSet.objects.filter(project=project, name=name).exclude(pk=locked.pk).exists():
        raise _taken(name)
    try:
        with transaction.atomic():
            DocumentSet.objects.filter(pk=locked.pk).update(name=name, version=F("version") + 1)
    except IntegrityError as exc:  # a set given this name meanwhile
        raise _taken(name) from exc
    locked.documents.set(documents)
    locked.refresh_from_db(fields=["name", "version"])
    return locked


@transaction.atomic
def document_set_delete(*, document_set: DocumentSet) -> None:
    """Delete the set; its documents stay."""
    document_set.delete()
