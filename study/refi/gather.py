"""Read a project into a `RefiProject` for the REFI-QDA export (selectors; no writes).

What maps to what: members (and anyone who coded) → users, the consensus layer → one more user
named "Consensus"; the codebook with each code's exchange guid; every ready document → a text
source whose guid is the document's UUID; every excerpt → one selection (guid: the excerpt's
UUID) with a coding per code; an excerpt's memo and a document's notes → notes; attributes →
variables and cases → cases with their values and documents; project memos → stand-alone
notes (their links to documents, codes and cases are not exported); document sets → sets of
sources (their ready documents). Case nesting has no place in REFI-QDA and is not exported.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from django.db.models import Prefetch
from django.utils import translation

from cases.models import AttributeDefinition, AttributeType, Case
from coding.codebook.selectors import codebook_exchange_nodes
from coding.labels import export_labels
from coding.models import Code, Coding, Document, DocumentSet, DocumentStatus, Excerpt
from research.models import Project, User
from study.models import ProjectMemo
from study.refi.model import (
    RefiCase,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSet,
    RefiSource,
    RefiUser,
    RefiVariable,
    Value,
    derived_guid,
)

VARIABLE_TYPE: dict[str, str] = {
    AttributeType.TEXT: "Text",
    AttributeType.CHOICE: "Text",
    AttributeType.NUMBER: "Float",
    AttributeType.BOOLEAN: "Boolean",
    AttributeType.DATE: "Date",
}
CONSENSUS_NAME = "Consensus"


def user_guid(user: User) -> str:
    """The same person gets the same guid in every export, from any Concord server."""
    return derived_guid("user", user.email.lower())


def consensus_guid(project: Project) -> str:
    return derived_guid("consensus", project.code)


def refi_project(
    *, project: Project, report: Callable[[int, str], None] | None = None
) -> RefiProject:
    result = RefiProject(name=project.title, description=project.description)
    users = {m.user.pk: m.user for m in project.memberships.select_related("user")}
    excerpts = list(
        Excerpt.objects.for_project(project).select_related("coder").order_by("start", "end", "pk")
    )
    users.update({e.coder.pk: e.coder for e in excerpts if e.coder is not None})
    result.users = [
        RefiUser(guid=user_guid(u), name=str(u)) for u in sorted(users.values(), key=str)
    ]
    if any(e.coder_id is None for e in excerpts):
        result.users.append(RefiUser(guid=consensus_guid(project), name=CONSENSUS_NAME))
    result.codes = codebook_exchange_nodes(project=project)
    if report:
        report(20, "codebook")
    # The file is language-neutral: disguised names ("Strategy document 2") are English
    # whatever the language of the person who asked for it.
    with translation.override("en"):
        result.sources = _sources(project, excerpts)
    if report:
        report(70, "sources")
    with translation.override("en"):
        result.variables, result.cases = _cases(project)
    memos = ProjectMemo.objects.filter(project=project).select_related("created_by")
    result.notes = [
        RefiNote(str(m.code), m.title, m.text, user_guid(m.created_by) if m.created_by else None)
        for m in memos.order_by("created_at", "pk")
    ]
    result.sets = _sets(project)
    return result


def _sets(project: Project) -> list[RefiSet]:
    """Each document set with its ready documents (only those are sources). 2 queries."""
    ready = Document.objects.filter(status=DocumentStatus.READY).only("pk", "code")
    sets = DocumentSet.objects.filter(project=project).prefetch_related(
        Prefetch("documents", queryset=ready)
    )
    return [
        RefiSet(str(s.code), s.name, source_guids=sorted(str(d.code) for d in s.documents.all()))
        for s in sets.order_by("name", "pk")
    ]


def _sources(project: Project, excerpts: list[Excerpt]) -> list[RefiSource]:
    guids = dict(Code.objects.filter(project=project).values_list("pk", "exchange_guid"))
    codes: dict[int, list[int]] = {}
    for excerpt_id, code_id in Coding.objects.filter(
        excerpt__document__project=project
    ).values_list("excerpt_id", "code_id"):
        codes.setdefault(excerpt_id, []).append(code_id)
    by_document: dict[int, list[Excerpt]] = {}
    for excerpt in excerpts:
        by_document.setdefault(excerpt.document_id, []).append(excerpt)
    consensus = consensus_guid(project)
    sources = []
    # A project that shows pseudonyms only names documents by kind and number here too, and
    # leaves out their notes (which may name what the titles did).
    labels = export_labels(project)
    documents = Document.objects.filter(project=project, status=DocumentStatus.READY)
    for document in documents.select_related("created_by").order_by("title", "pk"):
        label = labels.document(document)
        source = RefiSource(
            guid=str(document.code),
            name=label,
            text=document.text,
            user_guid=user_guid(document.created_by) if document.created_by else None,
        )
        if document.notes and not labels.disguise:
            source.notes.append(
                RefiNote(derived_guid("notes", document.code), label, document.notes)
            )
        for excerpt in by_document.get(document.pk, []):
            coder = user_guid(excerpt.coder) if excerpt.coder else consensus
            selection = RefiSelection(
                guid=str(excerpt.code), start=excerpt.start, end=excerpt.end, user_guid=coder
            )
            for code_id in sorted(codes.get(excerpt.pk, [])):
                selection.codings.append(
                    RefiCoding(derived_guid(excerpt.code, code_id), guids[code_id], coder)
                )
            if excerpt.memo:
                name = excerpt.text[:50]
                selection.notes.append(
                    RefiNote(derived_guid("memo", excerpt.code), name, excerpt.memo, coder)
                )
            source.selections.append(selection)
        sources.append(source)
    return sources


def _non_finite(value: object) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def _cases(project: Project) -> tuple[list[RefiVariable], list[RefiCase]]:
    definitions = list(AttributeDefinition.objects.filter(project=project).order_by("position"))
    variables = [RefiVariable(str(d.code), d.name, VARIABLE_TYPE[d.type]) for d in definitions]
    cases = []
    # A project that shows case pseudonyms only ("anonymize") shares no case names or
    # descriptions in a file that leaves the server either.
    labels = export_labels(project)
    rows = Case.objects.for_project(project).prefetch_related(
        "attribute_values__definition", "documents"
    )
    for case in rows.order_by("name", "pk"):
        values: list[tuple[str, Value]] = []
        for value in case.attribute_values.all():
            # A number REFI cannot write (infinity) is left out like an empty value.
            if value.value not in (None, "") and not _non_finite(value.value):
                values.append((str(value.definition.code), value.value))
        cases.append(
            RefiCase(
                guid=str(case.code),
                name=labels.case(case),
                description="" if labels.disguise else case.description,
                values=values,
                source_guids=sorted(
                    str(d.code) for d in case.documents.all() if d.status == DocumentStatus.READY
                ),
            )
        )
    return variables, cases
