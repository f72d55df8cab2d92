"""Case attributes (definitions and typed values) and the dimensions of the write-ups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases import tabular
from cases.models import (
    DEFAULT_DIMENSIONS,
    AttributeDefinition,
    AttributeType,
    AttributeValue,
    Case,
    Dimension,
)
from coding.notices import notice_text

# Attribute values keyed by their definitions (forms) or by the definitions' names (imports).
AttributeValues = Mapping[AttributeDefinition, Any] | Mapping[str, Any]


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
        except tabular.CellError as exc:
            raise ValidationError(
                _("%(name)s: %(problem)s")
                % {"name": definition.name, "problem": notice_text(exc.notice)}
            ) from exc
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
def attribute_values_set(*, case: Case, values: AttributeValues) -> None:
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
            found = definitions.get(key.casefold())
            if found is None:
                raise ValidationError(_("No case attribute is named “%(name)s”.") % {"name": key})
            definition = found
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
