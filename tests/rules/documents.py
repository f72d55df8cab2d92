"""Access rules for the documents pages (coding:document-*; upload and edit are study's)."""

from django.core.files.base import ContentFile

from coding.models import Document, DocumentStatus
from research.access import Capability
from tests.factories import DocumentFactory

ACCESS_TITLE = "Access rules document"


def _document(world) -> object:
    """A ready document with a stored original, created once per world."""
    document = Document.objects.filter(project=world["project"], title=ACCESS_TITLE).first()
    if document is None:
        document = DocumentFactory.build(
            project=world["project"], title=ACCESS_TITLE, status=DocumentStatus.READY
        )
        document.original_name = "strategi.txt"
        document.original.save("strategi.txt", ContentFile(document.text.encode()), save=False)
        document.save()
    return document.code


URL_RULES = {
    "coding:document-list": Capability.VIEW,
    "coding:document-bulk": Capability.MANAGE,
    "coding:document-detail": Capability.VIEW,
    "coding:document-download": Capability.VIEW,
    "coding:document-replace": Capability.MANAGE,
    "coding:document-keep-running-lines": Capability.MANAGE,
    "coding:document-ocr-again": Capability.MANAGE,
    "coding:document-delete": Capability.MANAGE,
}

KWARG_BUILDERS = {"document": _document}
