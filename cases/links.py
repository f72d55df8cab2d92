"""Reads of the document–case link (which cases a document represents), for the pages in
`study` that show a document with its cases. The one writer of the link is
`cases.services.cases.document_set_cases`; the documents side never touches it."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Case
from coding.models import Document


def document_cases(*, document: Document) -> list[Case]:
    """The cases a document represents, by name (one query)."""
    return list(Case.objects.filter(documents=document).order_by("name", "pk"))


def project_cases(*, project) -> QuerySet[Case]:
    """The cases a document of the project may be linked to (a queryset, for form pickers)."""
    return Case.objects.for_project(project).order_by("name", "pk")
