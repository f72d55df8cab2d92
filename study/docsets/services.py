"""Writing document sets. A set names documents of its own project only."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coding.models import Document
from research.models import Project
from study.models import DocumentSet


@transaction.atomic
def document_set_create(
    *, project: Project, user, name: str, documents: Iterable[Document]
) -> DocumentSet:
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the set a name."))
    documents = list(documents)
    if any(document.project_id != project.pk for document in documents):
        raise ValidationError(_("A set holds documents of this project only."))
    try:
        # A savepoint, so a name taken meanwhile (the unique constraint) is a message.
        with transaction.atomic():
            document_set = DocumentSet.objects.create(project=project, name=name, created_by=user)
    except IntegrityError as exc:
        raise ValidationError(
            _("There is already a set named “%(name)s”.") % {"name": name}
        ) from exc
    document_set.documents.set(documents)
    return document_set


@transaction.atomic
def document_set_delete(*, document_set: DocumentSet) -> None:
    """Delete the set; its documents stay."""
    document_set.delete()
