"""Fast reads of the cases app. The matrix is computed from a fixed number of flat queries
(pinned in tests) and the pure `cases.matrix` module.

Who sees which numbers. Matrices, classifications and frequency tables are *results*: leads,
owners and viewers see them computed from every coder's codings. In a blind project a coder's
numbers come from their own codings only, so no count reveals another coder's work. The excerpts
behind a number (evidence) always go through `visible_excerpts`, so a viewer of a blind project
sees the numbers but no raw codings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.html import conditional_escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import exports, tables
from cases import matrix as engine
from cases.classify import ClassSpec, classify, path_ids, summarize
from cases.models import (
    AttributeDefinition,
    AttributeValue,
    Case,
    CaseSettings,
    CellOverride,
    ClassificationClass,
    ClassificationRule,
    ColumnMode,
    Footnote,
    Matrix,
    MatrixRow,
    MatrixSection,
    Source,
)
from cases.services import CITATION
from coding.excerpts.selectors import visible_excerpts
from coding.models import Assignment, Code, Coding, Document, Excerpt
from research.access import Capability, has_capability, sees_all_codings
from research.models import Membership

# --- who sees what --------------------------------------------------------------------------


def case_settings_of(project) -> CaseSettings:
    return CaseSettings.objects.filter(project=project).first() or CaseSettings(project=project)


def anonymized_for(membership: Membership, settings_row: CaseSettings | None = None) -> bool:
    """Readers without MANAGE see pseudonyms only when the project anonymizes cases."""
    settings_row = settings_row or case_settings_of(membership.project)
    return settings_row.anonymize and not has_capability(membership, Capability.MANAGE)


@dataclass
class DocumentNames:
    """What to call a document where cases are shown. Titles often carry the municipality's
    real name ("Smart Fjellstad 2022–2026"), so readers who see pseudonyms get the kind and an
    ordinal instead ("Strategy document 2 (12 pages)"). Call it with a document."""

    anonymize: bool
    ordinals: dict[int, int] = field(default_factory=dict)

    def __call__(self, document: Document) -> str:
        if not self.anonymize:
            return document.title
        name = _("%(kind)s %(number)s") % {
            "kind": document.get_kind_display(),
            "number": self.ordinals.get(document.pk, "?"),
        }
        if not document.page_count:
            return name
        pages = ngettext("%(count)d page", "%(count)d pages", document.page_count) % {
            "count": document.page_count
        }
        return f"{name} ({pages})"


def document_names(*, project, anonymize: bool) -> DocumentNames:
    """Numbers each kind's documents in upload order, so a document keeps its number on every
    page (1 query when anonymized, none otherwise)."""
    if not anonymize:
        return DocumentNames(anonymize=False)
    counters: dict[str, int] = defaultdict(int)
    ordinals = {}
    for pk, kind in (
        Document.objects.filter(project=project).order_by("pk").values_list("pk", "kind")
    ):
        counters[kind] += 1
        ordinals[pk] = counters[kind]
    return DocumentNames(anonymize=True, ordinals=ordinals)


def result_coder_scope(membership: Membership) -> int | None:
    """The only coder whose codings may feed this member's numbers, or None for everyone's."""
    if sees_all_codings(membership) or not has_capability(membership, Capability.CODE):
        return None
    return membership.user_id


# --- cases ----------------------------------------------------------------------------------


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


def attribute_table(cases: list[Case], definitions: list[AttributeDefinition]) -> list[list[str]]:
    """Per case, the display value of each definition in order (uses prefetched values)."""
    table = []
    for case in cases:
        values = {v.definition_id: v.display for v in case.attribute_values.all()}
        table.append([values.get(d.pk, "") for d in definitions])
    return table


def cases_export_rows(*, project, anonymize: bool) -> list[list[str]]:
    """The import layout; anonymized exports carry the pseudonym as the name and no names."""
    definitions = list(AttributeDefinition.objects.filter(project=project))
    cases = case_list(project=project)
    header = ["name", "pseudonym", "kind", "description", "part of"] + [d.name for d in definitions]
    rows = [header]
    for case, values in zip(cases, attribute_table(cases, definitions), strict=True):
        parent = case.parent.label(anonymize) if case.parent else ""
        name = case.label(anonymize)
        rows.append(
            [name, case.pseudonym, case.kind, case.description, parent, *values]
            if not anonymize
            else [name, "", case.kind, "", parent, *values]
        )
    return rows


def writeup_html(
    text: str, excerpts: dict[str, Excerpt], names: DocumentNames | None = None
) -> SafeString:
    """Escaped paragraphs with each [[excerpt:<uuid>]] rendered as a quote, or as a note
    when the reader may not see that excerpt. `names` says what to call the quoted document."""
    names = names or DocumentNames(anonymize=False)
    parts: list[str] = []
    position = 0
    for match in CITATION.finditer(text):
        parts.append(linebreaks(conditional_escape(text[position : match.start()])))
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
                    '<blockquote class="citation border-start ps-3" id="cite-{}">'
                    '<p class="mb-1">“{}”</p><footer class="small text-body-secondary">{}</footer>'
                    "</blockquote>",
                    excerpt.code,
                    excerpt.text,
                    names(excerpt.document),
                )
            )
        position = match.end()
    parts.append(linebreaks(conditional_escape(text[position:])))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


def cited_excerpts(*, membership: Membership, texts: list[str]) -> dict[str, Excerpt]:
    codes = {m.lower() for text in texts for m in CITATION.findall(text)}
    if not codes:
        return {}
    found = (
        visible_excerpts(membership=membership).filter(code__in=codes).select_related("document")
    )
    return {str(e.code): e for e in found}


# --- the matrix -----------------------------------------------------------------------------


@dataclass
class MatrixView:
    matrix: Matrix
    columns: list[engine.ColumnSpec]
    sections: list[tuple[MatrixSection, list[tuple[MatrixRow, list[engine.Cell]]]]]
    notes: list[Footnote]
    column_notes: dict[str, list[int]] = field(default_factory=dict)
    row_notes: dict[int, list[int]] = field(default_factory=dict)
    scoped_to_own: bool = False
    anonymized: bool = False

    def cell(self, row: MatrixRow, column_key: str) -> engine.Cell | None:
        for _section, rows in self.sections:
            for candidate, cells in rows:
                if candidate.pk == row.pk:
                    for column, cell in zip(self.columns, cells, strict=True):
                        if column.key == column_key:
                            return cell
        return None


def _class_specs(rule_ids: set[int]) -> dict[int, tuple[ClassSpec, ...]]:
    """rule id -> its ordered classes (1 query for classes + 3 for their codes)."""
    if not rule_ids:
        return {}
    classes = ClassificationClass.objects.filter(rule_id__in=rule_ids).prefetch_related(
        Prefetch("all_of", queryset=Code.objects.only("pk")),
        Prefetch("any_of", queryset=Code.objects.only("pk")),
        Prefetch("none_of", queryset=Code.objects.only("pk")),
    )
    specs: dict[int, list[ClassSpec]] = defaultdict(list)
    for item in classes:
        specs[item.rule_id].append(
            ClassSpec(
                item.name,
                frozenset(c.pk for c in item.all_of.all()),
                frozenset(c.pk for c in item.any_of.all()),
                frozenset(c.pk for c in item.none_of.all()),
            )
        )
    return {rule_id: tuple(items) for rule_id, items in specs.items()}


def coding_facts(*, project, coder_scope: int | None) -> list[engine.CodingFact]:
    """Every coding of the project as plain data (1 query)."""
    codings = Coding.objects.filter(excerpt__document__project=project)
    if coder_scope is not None:
        codings = codings.filter(excerpt__coder_id=coder_scope)
    values = codings.values_list(
        "excerpt_id",
        "excerpt__document_id",
        "excerpt__coder_id",
        "excerpt__start",
        "excerpt__end",
        "code_id",
        "code__path",
    )
    return list(map(engine.CodingFact._make, values))


def document_coders(*, project, facts: list[engine.CodingFact]) -> dict[int, set[int]]:
    """Each document's coders: those assigned to it and those who coded in it (1 query)."""
    coders: dict[int, set[int]] = defaultdict(set)
    for document_id, coder_id in Assignment.objects.filter(document__project=project).values_list(
        "document_id", "coder_id"
    ):
        coders[document_id].add(coder_id)
    for fact in facts:
        if fact.coder_id is not None:
            coders[fact.document_id].add(fact.coder_id)
    return coders


def case_links(*, project) -> tuple[dict[int, set[int]], dict[int, int]]:
    """case id -> document ids, and document id -> character count (1 query)."""
    documents: dict[int, set[int]] = defaultdict(set)
    chars: dict[int, int] = {}
    through = Case.documents.through.objects.filter(case__project=project)
    for case_id, document_id, char_count in through.values_list(
        "case_id", "document_id", "document__char_count"
    ):
        documents[case_id].add(document_id)
        chars[document_id] = char_count
    return documents, chars


def matrix_columns(
    *, matrix: Matrix, anonymize: bool, case_documents: dict[int, set[int]]
) -> list[engine.ColumnSpec]:
    """Columns: one per case (all or chosen), or one per value of the grouping attribute."""
    if matrix.column_mode == ColumnMode.CHOSEN:
        cases = list(matrix.cases.all())
    else:
        cases = list(Case.objects.filter(project_id=matrix.project_id))
    columns = [
        engine.ColumnSpec(str(c.code), c.label(anonymize), frozenset(case_documents.get(c.pk, ())))
        for c in cases
    ]
    if matrix.column_mode != ColumnMode.GROUPED or matrix.group_attribute is None:
        return columns
    values = AttributeValue.objects.filter(definition=matrix.group_attribute).select_related(
        "definition"
    )
    by_case = {v.case_id: v.display for v in values}
    group_of = {str(c.code): by_case.get(c.pk, "") for c in cases}
    return engine.group_columns(
        [(col.key, col.label, col.document_ids) for col in columns],
        group_of,
        missing_label=_("(no value)"),
    )


def matrix_compute(
    *,
    matrix: Matrix,
    membership: Membership,
    anonymize: bool | None = None,
    only_row: MatrixRow | None = None,
    only_column: str | None = None,
) -> MatrixView:
    """All cells of a matrix for this member, in a constant number of queries.
    `anonymize` forces pseudonyms (exports); by default it follows the member's role.
    `only_row` and `only_column` (a column key) narrow the work to one row and one column, for
    the pages of a single cell: the other rows and columns are left out of the view."""
    project = membership.project
    if anonymize is None:
        anonymize = anonymized_for(membership)  # 1 query: case settings
    sections = list(matrix.sections.all())  # 1
    rows = list(
        MatrixRow.objects.filter(section__matrix=matrix).select_related("codebook_code")  # 1
    )
    specs_by_rule = _class_specs({r.rule_id for r in rows if r.rule_id})  # 0 or 4
    case_documents, chars = case_links(project=project)  # 1
    columns = matrix_columns(matrix=matrix, anonymize=anonymize, case_documents=case_documents)
    scope = result_coder_scope(membership)
    facts = coding_facts(project=project, coder_scope=scope)  # 1
    coders = document_coders(project=project, facts=facts)  # 1
    overrides = {
        (str(o.row_id), o.column): (o.symbol, o.reason)
        for o in CellOverride.objects.filter(row__section__matrix=matrix)  # 1
    }
    if only_row is not None:
        rows = [r for r in rows if r.pk == only_row.pk]
    if only_column is not None:
        columns = [c for c in columns if c.key == only_column]
    # Label-only rows (no code mapped yet) are computed too: blank, but a lead may override.
    row_specs = [
        engine.RowSpec(
            key=str(r.pk),
            label=r.label,
            code_id=r.codebook_code_id,
            descendants=r.include_descendants,
            classes=specs_by_rule.get(r.rule_id, ()) if r.rule_id else None,
        )
        for r in rows
    ]
    yes = next((item["symbol"] for item in matrix.legend if item.get("symbol")), "X")
    cells = engine.compute_matrix(
        rows=row_specs,
        columns=columns,
        codings=facts,
        mode=matrix.cell_mode,
        source=matrix.source,
        coder_id=matrix.coder_id,
        document_coders=coders,
        document_chars=chars,
        overrides=overrides,
        yes_symbol=yes,
    )
    notes = list(matrix.footnotes.all())  # 1
    view = MatrixView(
        matrix, columns, [], notes, scoped_to_own=scope is not None, anonymized=anonymize
    )
    for number, note in enumerate(notes, start=1):
        if note.row_id and note.column:
            key = (str(note.row_id), note.column)
            if key in cells:
                cells[key].footnotes.append(number)
        elif note.row_id:
            view.row_notes.setdefault(note.row_id, []).append(number)
        else:
            view.column_notes.setdefault(note.column, []).append(number)
    by_section: dict[int, list[MatrixRow]] = defaultdict(list)
    for row in rows:
        by_section[row.section_id].append(row)
    empty = engine.Cell(None, "")
    for section in sections:
        view.sections.append(
            (
                section,
                [
                    (row, [cells.get((str(row.pk), c.key), empty) for c in columns])
                    for row in by_section[section.pk]
                ],
            )
        )
    return view


def matrix_table(view: MatrixView) -> exports.MatrixTable:
    """The computed matrix as plain strings for the export formats. An overridden cell gets
    a numbered note with the lead's reason and the computed value, as a journal would print."""
    notes = [note.text for note in view.notes]
    sections = []
    for section, rows in view.sections:
        table_rows = []
        for row, cells in rows:
            table_cells = []
            for column, cell in zip(view.columns, cells, strict=True):
                marks = list(cell.footnotes)
                if cell.overridden:
                    notes.append(
                        _("%(row)s, %(column)s: set by a lead (computed: %(computed)s). %(reason)s")
                        % {
                            "row": row.label,
                            "column": column.label,
                            "computed": cell.display or _("blank"),
                            "reason": cell.reason,
                        }
                    )
                    marks.append(len(notes))
                table_cells.append(
                    exports.TableCell(
                        text=cell.shown,
                        overridden=cell.overridden,
                        computed=cell.display,
                        reason=cell.reason,
                        footnotes=marks,
                    )
                )
            table_rows.append(
                exports.TableRow(row.label, table_cells, view.row_notes.get(row.pk, []))
            )
        sections.append(exports.TableSection(section.title, table_rows))
    return exports.MatrixTable(
        title=view.matrix.name,
        columns=[c.label for c in view.columns],
        sections=sections,
        column_footnotes=[view.column_notes.get(c.key, []) for c in view.columns],
        notes=notes,
        legend=[(i["symbol"], i["meaning"]) for i in view.matrix.legend],
    )


def cell_evidence(
    *, view: MatrixView, row: MatrixRow, column_key: str, membership: Membership
) -> tuple[engine.Cell | None, QuerySet[Excerpt]]:
    """The cell and the excerpts behind it that this member may see."""
    cell = view.cell(row, column_key)
    ids = cell.excerpt_ids if cell else ()
    excerpts = (
        visible_excerpts(membership=membership)
        .filter(pk__in=ids)
        .select_related("document", "coder")
        .prefetch_related("codes")
        .order_by("document__title", "start", "pk")
    )
    return cell, excerpts


# --- classifications and the study's tables --------------------------------------------------


@dataclass
class ClassificationResult:
    rule: ClassificationRule
    units: list[tuple[Any, str | None]]
    counts: list


def classification_result(
    *, rule: ClassificationRule, membership: Membership
) -> ClassificationResult:
    """Each document (or case) with its class, and the counts per class, from any coder's
    codings (a code counts when any coder applied it or a code below it)."""
    project = membership.project
    specs = _class_specs({rule.pk}).get(rule.pk, ())
    facts = engine.select_source(
        coding_facts(project=project, coder_scope=result_coder_scope(membership)), Source.ANY
    )
    paths_by_document: dict[int, set[int]] = defaultdict(set)
    for fact in facts:
        paths_by_document[fact.document_id].update(path_ids(fact.code_path))
    anonymize = anonymized_for(membership)
    if rule.applies_to == "case":
        case_documents, _chars = case_links(project=project)
        units = []
        for case in Case.objects.filter(project=project):
            present: set[int] = set()
            for document_id in case_documents.get(case.pk, ()):
                present |= paths_by_document.get(document_id, set())
            units.append((case.label(anonymize), classify(present, specs), case))
    else:
        names = document_names(project=project, anonymize=anonymize)
        units = [
            (names(d), classify(paths_by_document.get(d.pk, set()), specs), d)
            for d in Document.objects.filter(project=project)
            .ready()
            .only("pk", "title", "code", "kind", "page_count")
        ]
    counts = summarize({i: unit[1] for i, unit in enumerate(units)}, specs)
    for count in counts:
        # labels: what the page prints (pseudonyms and document numbers when anonymized)
        count.labels = [units[i][0] for i in count.units]
        count.units = [units[i][2] for i in count.units]
    return ClassificationResult(rule, [(u[2], u[0], u[1]) for u in units], counts)


def code_nodes(*, project) -> list[tables.CodeNode]:
    return [
        tables.CodeNode(*values)
        for values in Code.objects.filter(project=project).values_list(
            "id", "name", "path", "depth", "parent_id", "position"
        )
    ]


def frequency_rows(
    *, membership: Membership, level: int = 1, document_kind: str = "", coder: str = ""
) -> list[tables.FrequencyRow]:
    """The study's code frequency table (2 queries). coder: "" all, "consensus", or a user id."""
    project = membership.project
    codings = Coding.objects.filter(excerpt__document__project=project)
    scope = result_coder_scope(membership)
    if scope is not None:
        codings = codings.filter(excerpt__coder_id=scope)
    if coder == "consensus":
        codings = codings.filter(excerpt__coder__isnull=True)
    elif coder.isdigit():
        codings = codings.filter(excerpt__coder_id=int(coder))
    if document_kind:
        codings = codings.filter(excerpt__document__kind=document_kind)
    refs = [
        tables.CodingRef(*v)
        for v in codings.values_list("excerpt_id", "excerpt__document_id", "code_id")
    ]
    return tables.frequency_table(code_nodes(project=project), refs, level=level)


def coding_trail(*, membership: Membership, limit: int = 500) -> list[dict[str, Any]]:
    """Open-coding trail: passage → memo (paraphrase) → concept → category (1 query, 3 when
    the reader sees pseudonyms: settings and document numbers)."""
    names = document_names(project=membership.project, anonymize=anonymized_for(membership))
    rows = (
        Coding.objects.filter(excerpt__in=visible_excerpts(membership=membership))
        .select_related("excerpt__document", "code__parent")
        .order_by("excerpt__document__title", "excerpt__start", "code__path")[:limit]
    )
    return [
        {
            "document": names(c.excerpt.document),
            "passage": c.excerpt.text,
            "memo": c.excerpt.memo,
            "concept": c.code.name,
            "category": c.code.parent.name if c.code.parent else "",
            "excerpt": c.excerpt.code,
        }
        for c in rows
    ]
