"""Writes of the cases app: cases, attributes, write-ups, matrices, overrides, classifications."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import layouts, tabular
from cases.models import (
    DEFAULT_DIMENSIONS,
    DEFAULT_LEGEND,
    AttributeDefinition,
    AttributeType,
    AttributeValue,
    Case,
    CaseKind,
    CaseSettings,
    CaseWriteup,
    CellOverride,
    ClassificationClass,
    ClassificationRule,
    ColumnMode,
    Dimension,
    Footnote,
    Matrix,
    MatrixRow,
    MatrixSection,
    Source,
)
from coding.models import Code, Excerpt

CITATION = re.compile(
    r"\[\[excerpt:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\]\]"
)


# --- settings, attributes, dimensions -------------------------------------------------------


@transaction.atomic
def case_settings_update(*, project, anonymize: bool) -> CaseSettings:
    settings_row, _created = CaseSettings.objects.update_or_create(
        project=project, defaults={"anonymize": anonymize}
    )
    return settings_row


@transaction.atomic
def attribute_create(
    *, project, name: str, type: str, choices: Sequence[str] = ()
) -> AttributeDefinition:
    name = name.strip()
    if AttributeDefinition.objects.filter(project=project, name__iexact=name).exists():
        raise ValidationError(_("An attribute named “%(name)s” exists already.") % {"name": name})
    cleaned = [c.strip() for c in choices if c.strip()]
    if type == AttributeType.CHOICE and not cleaned:
        raise ValidationError(_("A choice attribute needs at least one choice."))
    position = AttributeDefinition.objects.filter(project=project).count()
    return AttributeDefinition.objects.create(
        project=project,
        name=name,
        type=type,
        choices=cleaned if type == AttributeType.CHOICE else [],
        position=position,
    )


@transaction.atomic
def attribute_delete(*, definition: AttributeDefinition) -> None:
    definition.delete()


def _typed_fields(definition: AttributeDefinition, value: Any) -> dict[str, Any]:
    """The value's column, parsed from text when it comes as text (forms and imports)."""
    if isinstance(value, str):
        try:
            value = tabular.parse_value(definition.type, value, definition.choices)
        except ValueError as exc:
            raise ValidationError(f"{definition.name}: {exc}")
    fields: dict[str, Any] = {"text": "", "number": None, "boolean": None, "date": None}
    if definition.type == AttributeType.NUMBER:
        fields["number"] = float(value)
    elif definition.type == AttributeType.BOOLEAN:
        fields["boolean"] = bool(value)
    elif definition.type == AttributeType.DATE:
        fields["date"] = value
    elif definition.type == AttributeType.CHOICE and value not in definition.choices:
        raise ValidationError(
            _("%(name)s: “%(value)s” is not one of the choices.")
            % {"name": definition.name, "value": value}
        )
    else:
        fields["text"] = str(value)
    return fields


@transaction.atomic
def attribute_values_set(*, case: Case, values: Mapping[AttributeDefinition | str, Any]) -> None:
    """Set (or, with None/blank, clear) attribute values. Keys: definitions or their names."""
    definitions = {
        d.name.casefold(): d for d in AttributeDefinition.objects.filter(project=case.project_id)
    }
    for key, value in values.items():
        if isinstance(key, AttributeDefinition):
            definition = key
            if definition.project_id != case.project_id:
                raise ValidationError(_("That attribute belongs to another project."))
        else:
            definition = definitions.get(key.casefold())
            if definition is None:
                raise ValidationError(_("No case attribute is named “%(name)s”.") % {"name": key})
        if value is None or (isinstance(value, str) and not value.strip()):
            AttributeValue.objects.filter(case=case, definition=definition).delete()
            continue
        AttributeValue.objects.update_or_create(
            case=case, definition=definition, defaults=_typed_fields(definition, value)
        )


@transaction.atomic
def dimensions_ensure(*, project) -> list[Dimension]:
    """The project's write-up dimensions, creating the study's four the first time."""
    existing = list(Dimension.objects.filter(project=project))
    if existing:
        return existing
    return [
        Dimension.objects.create(project=project, name=str(name), position=index)
        for index, name in enumerate(DEFAULT_DIMENSIONS)
    ]


@transaction.atomic
def dimension_create(*, project, name: str) -> Dimension:
    name = name.strip()
    if Dimension.objects.filter(project=project, name__iexact=name).exists():
        raise ValidationError(_("A dimension named “%(name)s” exists already.") % {"name": name})
    position = Dimension.objects.filter(project=project).count()
    return Dimension.objects.create(project=project, name=name, position=position)


@transaction.atomic
def dimension_delete(*, dimension: Dimension) -> None:
    dimension.delete()


# --- cases ----------------------------------------------------------------------------------


def _check_parent(case: Case | None, parent: Case | None, project) -> None:
    if parent is None:
        return
    if parent.project_id != project.pk:
        raise ValidationError(_("The region must be a case of this project."))
    node: Case | None = parent
    while node is not None:
        if case is not None and node.pk == case.pk:
            raise ValidationError(_("A case cannot be part of itself."))
        node = node.parent


@transaction.atomic
def case_create(
    *,
    project,
    name: str,
    pseudonym: str = "",
    kind: str = CaseKind.MUNICIPALITY,
    attributes: Mapping[AttributeDefinition | str, Any] | None = None,
    parent: Case | None = None,
    description: str = "",
) -> Case:
    name = name.strip()
    if not name:
        raise ValidationError(_("A case needs a name."))
    if Case.objects.filter(project=project, name__iexact=name).exists():
        raise ValidationError(_("A case named “%(name)s” exists already.") % {"name": name})
    _check_parent(None, parent, project)
    case = Case.objects.create(
        project=project,
        name=name,
        pseudonym=pseudonym.strip(),
        kind=kind or CaseKind.MUNICIPALITY,
        description=description,
        parent=parent,
    )
    if attributes:
        attribute_values_set(case=case, values=attributes)
    dimensions_ensure(project=project)
    return case


@transaction.atomic
def case_update(
    *,
    case: Case,
    name: str,
    pseudonym: str,
    kind: str,
    description: str,
    parent: Case | None,
    attributes: Mapping[AttributeDefinition | str, Any] | None = None,
) -> Case:
    name = name.strip()
    if Case.objects.filter(project=case.project_id, name__iexact=name).exclude(pk=case.pk).exists():
        raise ValidationError(_("A case named “%(name)s” exists already.") % {"name": name})
    _check_parent(case, parent, case.project)
    case.name, case.pseudonym, case.kind = name, pseudonym.strip(), kind
    case.description, case.parent = description, parent
    case.save()
    if attributes is not None:
        attribute_values_set(case=case, values=attributes)
    return case


@transaction.atomic
def case_delete(*, case: Case) -> None:
    case.delete()


@transaction.atomic
def case_set_documents(*, case: Case, documents: Iterable) -> None:
    documents = list(documents)
    if any(d.project_id != case.project_id for d in documents):
        raise ValidationError(_("Only documents of this project can be linked."))
    case.documents.set(documents)


@transaction.atomic
def document_set_cases(*, document, cases: Iterable[Case]) -> None:
    cases = list(cases)
    if any(c.project_id != document.project_id for c in cases):
        raise ValidationError(_("Only cases of this project can be linked."))
    document.cases.set(cases)


@transaction.atomic
def cases_import(*, project, records: Sequence[tabular.CaseRecord]) -> dict[str, int]:
    """Create or update (by name) every case of a checked import, all or nothing."""
    existing = {c.name.casefold(): c for c in Case.objects.filter(project=project)}
    created = updated = 0
    cases: dict[str, Case] = {}
    for record in records:
        case = existing.get(record.name.casefold())
        if case is None:
            case = Case.objects.create(
                project=project,
                name=record.name,
                pseudonym=record.pseudonym,
                kind=record.kind or CaseKind.MUNICIPALITY,
                description=record.description,
            )
            created += 1
        else:
            case.pseudonym = record.pseudonym or case.pseudonym
            case.kind = record.kind or case.kind
            case.description = record.description or case.description
            case.save()
            updated += 1
        cases[record.name.casefold()] = case
        attribute_values_set(case=case, values=record.attributes)
    known = {**existing, **cases}
    for record in records:
        if record.parent:
            parent = known.get(record.parent.casefold())
            if parent is None:
                raise ValidationError(
                    _("Row %(row)s, column part of: no case is named “%(name)s”.")
                    % {"row": record.row, "name": record.parent}
                )
            case = cases[record.name.casefold()]
            _check_parent(case, parent, project)
            case.parent = parent
            case.save(update_fields=["parent"])
    dimensions_ensure(project=project)
    return {"created": created, "updated": updated}


# --- write-ups ------------------------------------------------------------------------------


def cited_excerpt_codes(text: str) -> list[str]:
    return [m.lower() for m in CITATION.findall(text)]


@transaction.atomic
def writeup_save(*, case: Case, dimension: Dimension, text: str, user) -> CaseWriteup:
    """Save a write-up section; every cited excerpt must be an excerpt of the project."""
    if dimension.project_id != case.project_id:
        raise ValidationError(_("That dimension belongs to another project."))
    cited = set(cited_excerpt_codes(text))
    if cited:
        found = {
            str(code)
            for code in Excerpt.objects.filter(
                document__project_id=case.project_id, code__in=cited
            ).values_list("code", flat=True)
        }
        missing = sorted(cited - found)
        if missing:
            raise ValidationError(
                _("No excerpt of this project has the code %(codes)s.")
                % {"codes": ", ".join(missing)}
            )
    writeup, _created = CaseWriteup.objects.update_or_create(
        case=case,
        dimension=dimension,
        defaults={"text": text, "updated_by": user, "updated_at": timezone.now()},
    )
    return writeup


# --- matrices -------------------------------------------------------------------------------


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
    label = label.strip() or (code.name if code is not None else rule.name)
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
        (title, [(label, by_id.get(found[label])) for label in labels])
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


# --- classification rules -------------------------------------------------------------------

ClassDefinition = tuple[str, Sequence[Code], Sequence[Code], Sequence[Code]]


@transaction.atomic
def classification_create(
    *,
    project,
    name: str,
    classes: Sequence[ClassDefinition],
    user,
    applies_to: str = "document",
    description: str = "",
) -> ClassificationRule:
    """classes: ordered (name, all_of, any_of, none_of); the first class that holds wins."""
    name = name.strip()
    if ClassificationRule.objects.filter(project=project, name__iexact=name).exists():
        raise ValidationError(
            _("A classification named “%(name)s” exists already.") % {"name": name}
        )
    if not classes:
        raise ValidationError(_("A classification needs at least one class."))
    rule = ClassificationRule.objects.create(
        project=project, name=name, applies_to=applies_to, description=description, created_by=user
    )
    for position, (class_name, all_of, any_of, none_of) in enumerate(classes):
        codes = [*all_of, *any_of, *none_of]
        if any(code.project_id != project.pk for code in codes):
            raise ValidationError(_("Conditions may use only codes of this project."))
        if not codes:
            raise ValidationError(_("Class “%(name)s” needs a condition.") % {"name": class_name})
        item = ClassificationClass.objects.create(rule=rule, name=class_name, position=position)
        item.all_of.set(all_of)
        item.any_of.set(any_of)
        item.none_of.set(none_of)
    return rule


def helix_classes(
    *, government: Code, industry: Code, academia: Code, society: Code, environment: Code
) -> list[ClassDefinition]:
    """The helix model, highest class first."""
    triple = [government, industry, academia]
    return [
        ("Quintuple helix", [*triple, society, environment], [], []),
        ("Quadruple helix", [*triple, society], [], []),
        ("Triple helix", triple, [], []),
    ]


@transaction.atomic
def classification_delete(*, rule: ClassificationRule) -> None:
    rule.delete()
