"""The cross-case matrix as a member sees it: computed from a fixed number of flat queries
(pinned in tests) and the pure `cases.matrix` module; its export table and a cell's evidence."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cases import exports
from cases import matrix as engine
from cases.models import (
    AttributeValue,
    Case,
    CellMode,
    CellOverride,
    ColumnMode,
    Footnote,
    Matrix,
    MatrixRow,
    MatrixSection,
)
from cases.selectors.facts import case_links, class_specs, coding_table, document_coders
from cases.selectors.readers import result_coder_scope
from coding.excerpts.selectors import visible_excerpts
from coding.labels import Labels, labels_for
from coding.models import DocumentSet, Excerpt
from coding.reconcile.selectors import reconciled_documents
from research.models import Membership


def matrix_list(*, project) -> QuerySet[Matrix]:
    return Matrix.objects.filter(project=project)


def matrix_unmapped_rows(*, matrix: Matrix) -> tuple[int, int]:
    """How many of the matrix's rows stand for neither a code nor a classification, of all."""
    rows = MatrixRow.objects.filter(section__matrix=matrix)
    return rows.filter(codebook_code__isnull=True, rule__isnull=True).count(), rows.count()


def cell_override_of(*, row: MatrixRow, column: str) -> CellOverride | None:
    return CellOverride.objects.filter(row=row, column=column).first()


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
    reconciled: int = 0  # documents whose consensus replaces the coders' codings here
    document_set: DocumentSet | None = None  # the set the cells were limited to, if any

    def cell(self, row: MatrixRow, column_key: str) -> engine.Cell | None:
        for _section, rows in self.sections:
            for candidate, cells in rows:
                if candidate.pk == row.pk:
                    for column, cell in zip(self.columns, cells, strict=True):
                        if column.key == column_key:
                            return cell
        return None


def matrix_columns(
    *, matrix: Matrix, labels: Labels, case_documents: dict[int, set[int]]
) -> list[engine.ColumnSpec]:
    """Columns: one per case (all or chosen), or one per value of the grouping attribute."""
    if matrix.column_mode == ColumnMode.CHOSEN:
        cases = list(matrix.cases.all())
    else:
        cases = list(Case.objects.filter(project_id=matrix.project_id))
    columns = [
        engine.ColumnSpec(str(c.code), labels.case(c), frozenset(case_documents.get(c.pk, ())))
        for c in cases
    ]
    if matrix.column_mode != ColumnMode.GROUPED or matrix.group_attribute is None:
        return columns
    values = AttributeValue.objects.filter(definition=matrix.group_attribute).select_related(
        "definition"
    )
    by_case = {v.case_id: v.shown for v in values}
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
    labels: Labels | None = None,
    only_row: MatrixRow | None = None,
    only_column: str | None = None,
    document_set: DocumentSet | None = None,
) -> MatrixView:
    """All cells of a matrix for this member, in a constant number of queries.
    `labels` name the cases (an export passes `coding.labels.export_labels`); by default
    they are the member's.
    `only_row` and `only_column` (a column key) narrow the work to one row and one column, for
    the pages of a single cell: the other rows and columns are left out of the view.
    `document_set` counts only the codings of its documents (each case keeps those of its
    documents that are in the set; 1 query more)."""
    project = membership.project
    labels = labels or labels_for(membership)
    sections = list(matrix.sections.all())  # 1
    rows = list(
        MatrixRow.objects.filter(section__matrix=matrix).select_related("codebook_code")  # 1
    )
    specs_by_rule = class_specs({r.rule_id for r in rows if r.rule_id})  # 0 or 4
    case_documents, chars = case_links(project=project)  # 1
    if document_set is not None:
        kept = set(document_set.documents.values_list("pk", flat=True))  # 1
        case_documents = {case: docs & kept for case, docs in case_documents.items()}
    columns = matrix_columns(matrix=matrix, labels=labels, case_documents=case_documents)
    scope = result_coder_scope(membership)
    table = coding_table(project=project, coder_scope=scope)  # 2: codings, code paths
    # Only "all" and "majority" compare a document's markers with its coders.
    coders = (
        document_coders(project=project, table=table)  # 1
        if matrix.source in (engine.ALL, engine.MAJORITY)
        else {}
    )
    # Whom blind mode limits to their own codings never gets the consensus in their place.
    reconciled = (
        frozenset(reconciled_documents(project_id=project.pk)) if scope is None else frozenset()
    )  # 1 (none for a blind coder)
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
    grid = engine.compute_rows(
        rows=row_specs,
        columns=columns,
        codings=table,
        mode=matrix.cell_mode,
        source=matrix.source,
        coder_id=matrix.coder_id,
        document_coders=coders,
        document_chars=chars,
        overrides=overrides,
        yes_symbol=yes,
        reconciled=reconciled,
    )
    notes = list(matrix.footnotes.all())  # 1
    view = MatrixView(
        matrix,
        columns,
        [],
        notes,
        scoped_to_own=scope is not None,
        anonymized=labels.disguise,
        reconciled=len(reconciled) if matrix.source in engine.ALL_CODERS else 0,
        document_set=document_set,
    )
    cells_of = {row.pk: cells for row, cells in zip(rows, grid, strict=True)}
    column_index = {column.key: i for i, column in enumerate(columns)}
    for number, note in enumerate(notes, start=1):
        if note.row_id and note.column:
            if note.row_id in cells_of and note.column in column_index:
                cells_of[note.row_id][column_index[note.column]].add_footnote(number)
        elif note.row_id:
            view.row_notes.setdefault(note.row_id, []).append(number)
        else:
            view.column_notes.setdefault(note.column, []).append(number)
    by_section: dict[int, list[tuple[MatrixRow, list[engine.Cell]]]] = defaultdict(list)
    for row in rows:
        by_section[row.section_id].append((row, cells_of[row.pk]))
    for section in sections:
        view.sections.append((section, by_section[section.pk]))
    return view


def matrix_table(view: MatrixView) -> exports.MatrixTable:
    """The computed matrix as plain strings for the export formats. An overridden cell gets
    a numbered note with the lead's reason and the computed value, as a journal would print."""
    notes = [note.text for note in view.notes]
    coverage = view.matrix.cell_mode == CellMode.COVERAGE
    # Looked up once: per cell, the format look-up was a third of a large export's time.
    decimal = get_format("DECIMAL_SEPARATOR")
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
                            "computed": _computed(cell, decimal) or _("blank"),
                            "reason": cell.reason,
                        }
                    )
                    marks.append(len(notes))
                table_cells.append(_table_cell(cell, marks, share=coverage, decimal=decimal))
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
        words=exports.TableWords(
            sheet=pgettext("sheet name", "Matrix"),
            notes=_("Notes"),
            legend=_("Legend"),
            blank=_("(blank)"),
            computed=_("Computed"),
            reason=_("Reason"),
            override_note=_(
                "Cells in bold (italics in LaTeX) were set by a lead; reasons are in the notes."
            ),
        ),
    )


def _table_cell(
    cell: engine.Cell, marks: list[int], *, share: bool, decimal: str
) -> exports.TableCell:
    """A computed cell for the exports: a count or share keeps its number (a number in the
    workbook) and its text is written with the reader's decimal mark (12,5 % in Norwegian)."""
    computed = _computed(cell, decimal)
    number = None
    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
        number = None if cell.overridden else cell.value
    return exports.TableCell(
        text=cell.override if cell.override is not None else computed,
        overridden=cell.overridden,
        computed=computed,
        reason=cell.reason,
        footnotes=marks,
        number=number,
        share=share,
    )


def _computed(cell: engine.Cell, decimal: str) -> str:
    """The computed value as text, with the reader's decimal mark when it is a number."""
    if isinstance(cell.value, float):
        return cell.display.replace(".", decimal)
    return cell.display


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


@dataclass
class MatrixCell:
    """One cell of a matrix, computed alone (the pages of a single cell)."""

    view: MatrixView
    cell: engine.Cell
    column_label: str


def matrix_cell(
    *,
    row: MatrixRow,
    column_key: str,
    membership: Membership,
    document_set: DocumentSet | None = None,
) -> MatrixCell | None:
    """The cell of this row and column for this member, or None when the matrix has no such
    column (a stale link, a case no longer chosen). The row comes with its matrix."""
    view = matrix_compute(
        matrix=row.section.matrix,
        membership=membership,
        only_row=row,
        only_column=column_key,
        document_set=document_set,
    )
    cell = view.cell(row, column_key)
    if cell is None:
        return None
    label = next(c.label for c in view.columns if c.key == column_key)
    return MatrixCell(view, cell, label)


def cell_evidence_page(
    *,
    row: MatrixRow,
    column_key: str,
    membership: Membership,
    document_set: DocumentSet | None = None,
) -> dict[str, Any] | None:
    """A cell with the excerpts behind it that the member may see, each with the name the
    member may read for its document, and how many are hidden; None for an unknown column."""
    found = matrix_cell(
        row=row, column_key=column_key, membership=membership, document_set=document_set
    )
    if found is None:
        return None
    _cell, excerpts = cell_evidence(
        view=found.view, row=row, column_key=column_key, membership=membership
    )
    names = labels_for(membership)
    shown = [(excerpt, names(excerpt.document)) for excerpt in excerpts]
    return {
        "cell": found.cell,
        "excerpts": shown,
        "hidden": len(found.cell.excerpt_ids) - len(shown),
        "column_label": found.column_label,
    }
