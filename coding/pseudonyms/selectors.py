"""Reads for the pseudonym page: the list, the documents' state and the suggestions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q

from coding.models import Code, Document, Pseudonym, PseudonymPolicy
from coding.pseudonyms.suggestions import Suggestion, suggestions
from research.models import Project


@dataclass(frozen=True)
class DocumentState:
    code: str
    title: str
    pseudonymised: bool  # the list was applied to its current text
    has_original: bool  # earlier texts or the uploaded file hold identifying text


def pseudonym_list(*, project: Project) -> list[Pseudonym]:
    return list(Pseudonym.objects.filter(project=project).order_by("original", "pk"))


def original_export_allowed(*, project: Project) -> bool:
    return PseudonymPolicy.objects.filter(project=project, original_export=True).exists()


def document_states(*, project: Project) -> list[DocumentState]:
    rows = (
        Document.objects.for_project(project)
        .ready()
        .annotate(current=Q(pseudonymised_version=F("text_version")))
        .values_list("code", "title", "current", "pseudonymised_version")
        .order_by("title", "pk")
    )
    return [
        DocumentState(str(code), title, bool(current), version is not None)
        for code, title, current, version in rows
    ]


def project_suggestions(*, project: Project) -> list[Suggestion]:
    """Suggestions from the texts and speaker labels of the project's ready documents that
    the list does not yet hide (so applied documents suggest what is still left)."""
    documents = Document.objects.for_project(project).ready().only("text", "turns")
    texts: list[str] = []
    speakers: list[str] = []
    for document in documents.iterator(chunk_size=20):
        texts.append(document.text)
        speakers.extend(turn.get("speaker") or "" for turn in document.turns)
    return suggestions(
        texts=texts,
        speakers=speakers,
        listed=Pseudonym.objects.filter(project=project).values_list("original", flat=True),
        codebook_words=Code.objects.filter(project=project).values_list("name", flat=True),
    )
