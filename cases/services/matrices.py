"""Matrices: the matrix and its legend, sections and rows (ordering, mapping to codes or
classifications, the study's Table 3 layout), cell overrides and footnotes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import layouts
from cases.models import (
    DEFAULT_LEGEND,
    AttributeDefinition,
    Case,
    CellOverride,
    ClassificationRule,
    ColumnMode,
    Footnote,
    Matrix,
    MatrixRow,
    MatrixSection,
    Source,
)
from coding.models import Code


def legend_parse(text: str) -> list[dict[str, str]]:
    """'X = yes' lines to [{"symbol": "X", "meaning": "yes"}]; '= no' is the blank symbol."""
    legend = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if "=" not in line:
            raise ValidationError(
                _("Legend line %(n)s: write it as “symbol = meaning”.") % {"n": number}
            )
        symbol, meaning = (part.strip() for part in line.split("=", 1))
        if len(symbol) > 20:
            raise ValidationError(_("Legend line %(n)s: the symbol is too long.") % {"n": number})
        legend.append({"symbol": symbol, "meaning": meaning})
    return legend


def legend_text(legend: list[dict[str, str]]) -> str:
    return "\n".join(f"{item['symbol']} = {item['meaning']}".strip() for item in legend)


def _check_matrix(
    *, project, column_mode: str, source: str, coder, cases: Iterable[Case], group_attribute
) -> None:
    if source == Source.CODER and coder is None:
        raise ValidationError(_("Choose the coder whose codings fill the matrix."))
    if column_mode == ColumnMode.GROUPED and group_attribute is None:
        raise ValidationError(_("Choose the attribute that groups the cases."))
    if group_attribute is not None and group_attribute.project_id != project.pk:
        raise ValidationError(_("That attribute belongs to another project."))
    if any(c.project_id != project.pk for c in cases):
        raise ValidationError(_("Only cases of this project can be columns."))


@transaction.atomic
def matrix_create(
    *,
    project,
    name: str,
    user,
    column_mode: str = ColumnMode.ALL,
    cell_mode: str = "presence",
    source: str = Source.ANY,
    coder=None,
    cases: Iterable[Case] = (),
    group_attribute: AttributeDefinition | None = None,
    legend: list[dict[str, str]] | None = None,
    description: str = "",
) -> Matrix:
    name = name.strip()
    cases = list(cases)
    if Matrix.objects.filter(project=project, name__iexact=name).exists():
        raise ValidationError(_("A matrix named “%(name)s” exists already.") % {"name": name})
    _check_matrix(
        project=project,
        column_mode=column_mode,
        source=source,
        coder=coder,
        cases=cases,
        group_attribute=group_attribute,
    )
    matrix = Matrix.objects.create(
        project=project,
        name=name,
        description=description,
        column_mode=column_mode,
        cell_mode=cell_mode,
        source=source,
        coder=coder if source == Source.CODER else None,
        group_attribute=group_attribute,
        legend=legend if legend is not None else list(DEFAULT_LEGEND),
        created_by=user,
    )
    matrix.cases.set(cases)
    return matrix


@transaction.atomic
def matrix_update(*, matrix: Matrix, cases: Iterable[Case] = (), **fields: Any) -> Matrix:
    cases = list(cases)
    name = fields.get("name", matrix.name).strip()
    clash = Matrix.objects.filter(project=matrix.project_id, name__iexact=name).exclude(
        pk=matrix.pk
    )
    if clash.exists():
        raise ValidationError(_("A matrix named “%(name)s” exists already.") % {"name": name})
    _check_matrix(
        project=matrix.project,
        column_mode=fields.get("column_mode", matrix.column_mode),
        source=fields.get("source", matrix.source),
        coder=fields.get("coder", matrix.coder),
        cases=cases,
        group_attribute=fields.get("group_attribute", matrix.group_attribute),
    )
    for field, value in fields.items():
        setattr(matrix, field, value)
    matrix.name = name
    if matrix.source != Source.CODER:
        matrix.coder = None
    matrix.save()
    matrix.cases.set(cases)
    return matrix


@transaction.atomic
def matrix_delete(*, matrix: Matrix) -> None:
    matrix.delete()


@transaction.atomic
def section_create(*, matrix: Matrix, title: str) -> MatrixSection:
    position = matrix.sections.count()
    return MatrixSection.objects.create(matrix=matrix, title=title.strip(), position=position)


@transaction.atomic
def row_create(
    *,
    section: MatrixSection,
    label: str = "",
    code: Code | None = None,
    include_descendants: bool = True,
    rule: ClassificationRule | None = None,
) -> MatrixRow:
    project_id = section.matrix.project_id
    if (code is None) == (rule is None):
        raise ValidationError(_("A row stands for either a code or a classification."))
    if code is not None and code.project_id != project_id:
        raise ValidationError(_("That code belongs to another project."))
    if rule is not None and rule.project_id != project_id:
        raise ValidationError(_("That classification belongs to another project."))
    label = label.strip() or (code.name if code is not None else rule.name if rule else "")
    return MatrixRow.objects.create(
        section=section,
        label=label,
        codebook_code=code,
        include_descendants=include_descendants,
        rule=rule,
        position=section.rows.count(),
    )


@transaction.atomic
def row_delete(*, row: MatrixRow) -> None:
    row.delete()


@transaction.atomic
def matrix_create_from_template(
    *,
    project,
    name: str,
    sections: list[tuple[str, list[tuple[str, Code | None]]]],
    user,
    **options: Any,
) -> Matrix:
    """A matrix with titled sections of labelled rows (the study's Table 3 layout).

    A row whose code is None is kept out (a row must stand for something); pass codes for all
    rows you want computed. Options are matrix_create's (column_mode, cell_mode, source, ...).
    """
    matrix = matrix_create(project=project, name=name, user=user, **options)
    for title, rows in sections:
        section = section_create(matrix=matrix, title=title)
        for label, code in rows:
            if code is not None:
                row_create(section=section, label=label, code=code)
    return matrix


MOVES = ("up", "down")


def _move(items: list, item, direction: str) -> bool:
    """Swap item with its neighbour in the ordered list and renumber 0..n-1 (older data may
    have gaps or ties in `position`, which would make a plain swap of two numbers do nothing).
    False when it is already first (up) or last (down)."""
    if direction not in MOVES:
        raise ValidationError(_("Move up or down."))
    index = next(i for i, candidate in enumerate(items) if candidate.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    for position, candidate in enumerate(items):
        candidate.position = position
    type(item).objects.bulk_update(items, ["position"])
    return True


@transaction.atomic
def section_move(*, section: MatrixSection, direction: str) -> bool:
    """Move a section one place up or down in its matrix; False if it cannot go further."""
    sections = list(
        MatrixSection.objects.select_for_update()
        .filter(matrix_id=section.matrix_id)
        .order_by("position", "pk")
    )
    return _move(sections, section, direction)


@transaction.atomic
def row_move(*, row: MatrixRow, direction: str) -> bool:
    """Move a row one place up or down within its section; False if it cannot go further."""
    rows = list(
        MatrixRow.objects.select_for_update()
        .filter(section_id=row.section_id)
        .order_by("position", "pk")
    )
    return _move(rows, row, direction)


@transaction.atomic
def row_update(
    *,
    row: MatrixRow,
    section: MatrixSection,
    label: str,
    code: Code | None = None,
    include_descendants: bool = True,
    rule: ClassificationRule | None = None,
) -> MatrixRow:
    """Relabel a row, move it to another section of its matrix, or map it: to a code, a
    classification, or (both empty) to nothing, which keeps it as a label-only row."""
    project_id = row.section.matrix.project_id
    if code is not None and rule is not None:
        raise ValidationError(_("A row stands for either a code or a classification."))
    if section.matrix_id != row.section.matrix_id:
        raise ValidationError(_("That section belongs to another matrix."))
    if code is not None and code.project_id != project_id:
        raise ValidationError(_("That code belongs to another project."))
    if rule is not None and rule.project_id != project_id:
        raise ValidationError(_("That classification belongs to another project."))
    label = label.strip() or (code.name if code else rule.name if rule else "")
    if not label:
        raise ValidationError(_("A row without a code needs a label."))
    if section.pk != row.section_id:
        row.position = section.rows.count()
        row.section = section
    row.label = label
    row.codebook_code = code
    row.include_descendants = include_descendants
    row.rule = rule
    row.save()
    return row


def study_layout_sections(*, project) -> list[tuple[str, list[tuple[str, Code | None]]]]:
    """The study's Table 3 layout, each row label with the project's code of the same name
    (case-insensitive, anywhere in the codebook) or None."""
    sections = layouts.read_layout()
    codes = Code.objects.filter(project=project)
    by_id = {code.pk: code for code in codes}
    found = layouts.match_codes(
        [label for _title, labels in sections for label in labels],
        [layouts.CodeName(c.pk, c.name, c.depth, c.path) for c in by_id.values()],
    )
    return [
        (
            title,
            [(label, by_id[pk] if (pk := found[label]) is not None else None) for label in labels],
        )
        for title, labels in sections
    ]


@transaction.atomic
def matrix_create_from_study_layout(*, project, name: str, user, **options: Any) -> Matrix:
    """A matrix with the sections and rows of the study's Table 3. Rows whose label matches a
    code's name are mapped to it (with the codes below it); the others are kept as label-only
    rows, blank until the lead maps them to a code or sets cells by hand."""
    matrix = matrix_create(project=project, name=name, user=user, **options)
    for title, rows in study_layout_sections(project=project):
        section = section_create(matrix=matrix, title=title)
        MatrixRow.objects.bulk_create(
            MatrixRow(section=section, label=label, codebook_code=code, position=position)
            for position, (label, code) in enumerate(rows)
        )
    return matrix


@transaction.atomic
def cell_override_set(
    *, row: MatrixRow, column: str, symbol: str, reason: str, user, computed: str = ""
) -> CellOverride:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for overriding the computed value."))
    legend = {item["symbol"] for item in row.section.matrix.legend}
    if symbol not in legend:
        raise ValidationError(_("Use a symbol from the matrix's legend."))
    override, _created = CellOverride.objects.update_or_create(
        row=row,
        column=column,
        defaults={
            "symbol": symbol,
            "reason": reason,
            "computed": computed[:50],
            "user": user,
            "at": timezone.now(),
        },
    )
    return override


@transaction.atomic
def cell_override_clear(*, row: MatrixRow, column: str) -> None:
    CellOverride.objects.filter(row=row, column=column).delete()


@transaction.atomic
def footnote_create(
    *, matrix: Matrix, text: str, user, row: MatrixRow | None = None, column: str = ""
) -> Footnote:
    if not text.strip():
        raise ValidationError(_("A footnote needs text."))
    if row is None and not column:
        raise ValidationError(_("Attach the footnote to a row, a column or a cell."))
    if row is not None and row.section.matrix_id != matrix.pk:
        raise ValidationError(_("That row belongs to another matrix."))
    return Footnote.objects.create(
        matrix=matrix, row=row, column=column, text=text.strip(), created_by=user
    )


@transaction.atomic
def footnote_delete(*, footnote: Footnote) -> None:
    footnote.delete()
