"""Reads for the case pages: the case list, one case with its write-ups, attributes and
dimensions, the export rows, and write-ups rendered with the excerpts they cite."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.html import conditional_escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cases.models import (
    AttributeDefinition,
    AttributeValue,
    Case,
    CaseWriteup,
    Dimension,
)
from cases.services.writeups import CITATION
from cases.tabular import FIXED_COLUMNS
from coding.excerpts.selectors import visible_excerpts
from coding.labels import Labels, export_labels, labels_for
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


def case_column_names() -> list[str]:
    """The fixed columns of the case table in the active language (`tabular.FIXED_COLUMNS`)."""
    return [
        pgettext("case table column", "name"),
        pgettext("case table column", "pseudonym"),
        pgettext("case table column", "kind"),
        pgettext("case table column", "description"),
        pgettext("case table column", "part of"),
    ]


def cases_export_rows(*, project, typed: bool = False) -> list[list[Any]]:
    """The import layout; a project that shows pseudonyms only exports the pseudonym as the
    name, and no names or descriptions.

    The CSV (`typed` false) is a machine format: English column names, stored kinds, values as
    text. The workbook (`typed`) is read by a person: column names and kinds in the active
    language, numbers, dates and yes/no as typed cells; the import reads it back either way."""
    labels = export_labels(project)
    definitions = list(AttributeDefinition.objects.filter(project=project))
    cases = case_list(project=project)
    fixed = list(FIXED_COLUMNS)
    if typed:
        taken = {d.name.casefold() for d in definitions}
        # A translated name that an attribute already has stays English: no column twice.
        fixed = [
            english if local.casefold() in taken else local
            for english, local in zip(FIXED_COLUMNS, case_column_names(), strict=True)
        ]
    rows: list[list[Any]] = [fixed + [d.name for d in definitions]]
    # The CSV keeps the import format's words (yes/no as the import reads them).
    values_of = (
        _typed_values(cases, definitions)
        if typed
        else attribute_table(cases, definitions, machine=True)
    )
    for case, values in zip(cases, values_of, strict=True):
        parent = labels.case(case.parent) if case.parent else ""
        name = labels.case(case)
        kind = case.get_kind_display() if typed else case.kind
        rows.append(
            [name, case.pseudonym, kind, case.description, parent, *values]
            if not labels.disguise
            else [name, "", kind, "", parent, *values]
        )
    return rows


def _typed_values(cases: list[Case], definitions: list[AttributeDefinition]) -> list[list[Any]]:
    """Per case, the typed value of each definition (number, date, yes/no, text; None if
    blank), from the prefetched values."""
    table = []
    for case in cases:
        values = {v.definition_id: v.value for v in case.attribute_values.all()}
        table.append([values.get(d.pk) for d in definitions])
    return table


def case_table(*, membership: Membership) -> dict[str, Any]:
    """The case list page: each case with its label, its region's label and its attribute
    values, under the reader's pseudonyms when the project anonymizes (5 queries)."""
    definitions = list(attribute_definitions(project=membership.project))
    cases = case_list(project=membership.project)
    labels = labels_for(membership)
    rows = [
        (case, labels.case(case), labels.case(case.parent) if case.parent else "", values)
        for case, values in zip(cases, attribute_table(cases, definitions), strict=True)
    ]
    return {"rows": rows, "definitions": definitions, "anonymize": labels.disguise}


def case_page(*, membership: Membership, case: Case) -> dict[str, Any]:
    """One case as its page shows it: attributes, documents, member cases and the write-up of
    each dimension, with names the reader may see."""
    names = labels_for(membership)
    writeups = {w.dimension_id: w for w in CaseWriteup.objects.filter(case=case)}
    cited = cited_excerpts(membership=membership, texts=[w.text for w in writeups.values()])
    sections = [
        (d, writeup_html(writeups[d.pk].text, cited, names) if d.pk in writeups else "")
        for d in dimensions(project=membership.project)
    ]
    return {
        "case": case,
        "values": case.attribute_values.select_related("definition"),
        "documents": [(d, names(d)) for d in case.documents.all()],
        "sections": sections,
        "anonymize": names.disguise,
        "title": names.case(case),
        "members": [(m, names.case(m)) for m in case.members.all()],
        "parent_label": names.case(case.parent) if case.parent else "",
    }


def writeup_of(*, case: Case, dimension: Dimension) -> CaseWriteup | None:
    return CaseWriteup.objects.filter(case=case, dimension=dimension).first()


def writeup_html(
    text: str, excerpts: dict[str, Excerpt], names: Labels | None = None
) -> SafeString:
    """Escaped paragraphs with each [[excerpt:<uuid>]] rendered as a quote, or as a note
    when the reader may not see that excerpt. `names` says what to call the quoted document.
    The lead's words and the quotes are marked translate="no"; the note is the interface's."""
    names = names or Labels(project_id=0, disguise=False)
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
    names = labels_for(membership)
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
