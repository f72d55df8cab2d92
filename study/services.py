"""Writes that combine a document with the cases it represents (the upload and edit pages)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from cases.models import Case
from cases.services.cases import document_set_cases
from coding.documents import services as document_services
from coding.documents.services import UploadOutcome
from coding.models import Document


def documents_upload(*, cases: Iterable[Case], **upload: Any) -> UploadOutcome:
    """Upload files (see `coding.documents.services.documents_upload`; each file stands alone)
    and link each new document to the cases it represents."""
    cases = list(cases)
    outcome = document_services.documents_upload(**upload)
    for document in outcome.created:
        document_set_cases(document=document, cases=cases)
    return outcome


@transaction.atomic
def document_details_update(*, document: Document, cases: Iterable[Case], **fields: Any) -> None:
    """Save a document's description and the cases it represents together."""
    document_services.document_update(document=document, **fields)
    document_set_cases(document=document, cases=cases)
