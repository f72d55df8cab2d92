"""Classification rules: ordered classes of code conditions (the helix model and others)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import ClassificationClass, ClassificationRule
from coding.models import Code

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
