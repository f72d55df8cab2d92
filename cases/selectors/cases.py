"""Reads for the case pages: the case list, one case with its write-ups, attributes and
dimensions, the export rows, and write-ups rendered with the excerpts they cite."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.html import conditional_escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cases.models import (
    AttributeDefinition,
    AttributeValue,
    Case,
    CaseWriteup,
    Dimension,
)
from cases.selectors.readers import DocumentNames, anonymized_for, document_names
from cases.services.writeups import CITATION
from coding.excerpts.selectors import visible_excerpts
from coding.models import Document, Excerpt
from research.models import Membership


def attribute_definitions(*, project) -> QuerySet[AttributeDefinition]:
    return AttributeDefinition.objects.filter(project=project)


def dimensions(*, project) -> QuerySet[Dimension]:
    return Dimension.objects.filter(project=project)


def case_list(*, project) -> list[Case]:
    """Cases with their attribute values and document counts (3 queries)."""
    return list(
        Case.objects.filter(project=project)
        .select_related("parent")
        .annotate(document_count=Count("documents", distinct=True))
        .prefetch_related(
            Prefetch(
                "attribute_values",
                queryset=AttributeValue.objects.select_related("definition"),
            )
        )
    )


def case_documents(*, project, cases) -> list[Document]:
    """The project's documents linked to any of ``cases``, each once (one query)."""
    linked = Document.objects.for_project(project).filter(cases__in=list(cases))
    return list(linked.distinct().order_by("pk"))


def attribute_table(
    cases: list[Case], definitions: list[AttributeDefinition], *, machine: bool = False
) -> list[list[str]]:
    """Per case, the value of each definition in order (uses prefetched values): as a page
    shows it, or in the import format's words (`machine`, the CSV export)."""
    table = []
    for case in cases:
        values = {
            v.definition_id: v.display if machine else v.shown for v in case.attribute_values.all()
        }
        table.append([values.get(d.pk, "") for d in definitions])
    return table


def cases_export_rows(*, project, anonymize: bool) -> list[list[str]]:
    """The import layout; anonymized exports carry the pseudonym as the name and no names."""
    definitions = list(AttributeDefinition.objects.filter(project=project))
    cases = case_list(project=project)
    header = ["name", "pseudonym", "kind", "description", "part of"] + [d.name for d in definitions]
    rows = [header]
    for case, values in zip(cases, attribute_table(cases, definitions, machine=True), strict=True):
        parent = case.parent.label(anonymize) if case.parent else ""
        name = case.label(anonymize)
        rows.append(
            [name, case.pseudonym, case.kind, case.description, parent, *values]
            if not anonymize
            else [name, "", case.kind, "", parent, *values]
        )
    return rows


def case_table(*, membership: Membership) -> dict[str, Any]:
    """The case list page: each case with its label, its region's label and its attribute
    values, under the reader's pseudonyms when the project anonymizes (5 queries)."""
    definitions = list(attribute_definitions(project=membership.project))
    cases = case_list(project=membership.project)
    anonymize = anonymized_for(membership)
    rows = [
        (case, case.label(anonymize), case.parent.label(anonymize) if case.parent else "", values)
        for case, values in zip(cases, attribute_table(cases, definitions), strict=True)
    ]
    return {"rows": rows, "definitions": definitions, "anonymize": anonymize}


def case_page(*, membership: Membership, case: Case) -> dict[str, Any]:
    """One case as its page shows it: attributes, documents, member cases and the write-up of
    each dimension, with names the reader may see."""
    anonymize = anonymized_for(membership)
    writeups = {w.dimension_id: w for w in CaseWriteup.objects.filter(case=case)}
    cited = cited_excerpts(membership=membership, texts=[w.text for w in writeups.values()])
    names = document_names(project=membership.project, anonymize=anonymize)
    sections = [
        (d, writeup_html(writeups[d.pk].text, cited, names) if d.pk in writeups else "")
        for d in dimensions(project=membership.project)
    ]
    return {
        "case": case,
        "values": case.attribute_values.select_related("definition"),
        "documents": [(d, names(d)) for d in case.documents.all()],
        "sections": sections,
        "anonymize": anonymize,
        "title": case.label(anonymize),
        "members": [(m, m.label(anonymize)) for m in case.members.all()],
        "parent_label": case.parent.label(anonymize) if case.parent else "",
    }


def writeup_of(*, case: Case, dimension: Dimension) -> CaseWriteup | None:
    return CaseWriteup.objects.filter(case=case, dimension=dimension).first()


def writeup_html(
    text: str, excerpts: dict[str, Excerpt], names: DocumentNames | None = None
) -> SafeString:
    """Escaped paragraphs with each [[excerpt:<uuid>]] rendered as a quote, or as a note
    when the reader may not see that excerpt. `names` says what to call the quoted document.
    The lead's words and the quotes are marked translate="no"; the note is the interface's."""
    names = names or DocumentNames(anonymize=False)
    parts: list[str] = []
    position = 0
    for match in CITATION.finditer(text):
        parts.append(_written(text[position : match.start()]))
        excerpt = excerpts.get(match.group(1).lower())
        if excerpt is None:
            parts.append(
                format_html(
                    '<p class="text-body-secondary small">{}</p>',
                    _("[A cited excerpt you cannot see]"),
                )
            )
        else:
            parts.append(
                format_html(
                    '<blockquote class="citation border-start ps-3" id="cite-{}" translate="no">'
                    '<p class="mb-1">“{}”</p><footer class="small text-body-secondary">{}</footer>'
                    "</blockquote>",
                    excerpt.code,
                    excerpt.text,
                    names(excerpt.document),
                )
            )
        position = match.end()
    parts.append(_written(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


def _written(text: str) -> str:
    paragraphs = linebreaks(conditional_escape(text))  # escaped: plain str, not SafeString
    return f'<div translate="no">{paragraphs}</div>' if text.strip() else ""


def cited_excerpts(*, membership: Membership, texts: list[str]) -> dict[str, Excerpt]:
    codes = {m.lower() for text in texts for m in CITATION.findall(text)}
    if not codes:
        return {}
    found = (
        visible_excerpts(membership=membership).filter(code__in=codes).select_related("document")
    )
    return {str(e.code): e for e in found}


def _case_documents(case: Case) -> Q:
    # A region's write-up may cite its member cases' documents as well as its own.
    return Q(document__cases=case) | Q(document__cases__parent=case)


def citable_excerpts(*, membership: Membership, case: Case, limit: int = 300) -> list[dict]:
    """The excerpts a write-up of `case` may cite through the picker: those of the case's
    (and its member cases') documents the reader may see, in reading order, with their codes
    (2 queries)."""
    names = document_names(project=membership.project, anonymize=anonymized_for(membership))
    found = (
        visible_excerpts(membership=membership)
        .filter(_case_documents(case))
        .distinct()
        .select_related("document", "coder")
        .prefetch_related("codes")
        .order_by("document__title", "start", "pk")[:limit]
    )
    return [
        {
            "code": str(e.code),
            "document": names(e.document),
            "coder": e.coder.name if e.coder else _("Consensus"),
            "codes": ", ".join(c.name for c in e.codes.all()),
            "text": e.text,
            "citation": f"[[excerpt:{e.code}]]",
        }
        for e in found
    ]


def citations_outside_case(*, case: Case, text: str) -> int:
    """How many excerpts `text` cites from documents that are not the case's (nor its member
    cases'): allowed (a write-up may contrast cases) but worth a warning, as it is usually a
    slip of the picker or of a pasted code."""
    cited = {m.lower() for m in CITATION.findall(text)}
    if not cited:
        return 0
    inside = Excerpt.objects.filter(code__in=cited).filter(_case_documents(case)).distinct()
    return len(cited) - inside.count()
