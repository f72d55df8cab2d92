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
    """classes: ordered (name, all_of, any_of, none_of); the first class that holds wins. The
    last class may have no condition: a catch-all for every unit no earlier class took."""
    name = _free_name(project=project, name=name)
    rule = ClassificationRule.objects.create(
        project=project, name=name, applies_to=applies_to, description=description, created_by=user
    )
    _write_classes(rule, classes)
    return rule


@transaction.atomic
def classification_update(
    *,
    rule: ClassificationRule,
    name: str,
    classes: Sequence[ClassDefinition],
    applies_to: str,
    description: str = "",
) -> ClassificationRule:
    """Rename the rule and replace its classes, under a lock on the rule so that two leads
    saving at once leave one of their versions, never a mixture of both."""
    rule = ClassificationRule.objects.select_for_update().get(pk=rule.pk)
    rule.name = _free_name(project=rule.project, name=name, exclude=rule.pk)
    rule.applies_to, rule.description = applies_to, description
    rule.save(update_fields=["name", "applies_to", "description"])
    rule.classes.all().delete()
    _write_classes(rule, classes)
    return rule


def _free_name(*, project, name: str, exclude: int | None = None) -> str:
    name = name.strip()
    taken = ClassificationRule.objects.filter(project=project, name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(
            _("A classification named “%(name)s” exists already.") % {"name": name}
        )
    return name


def _write_classes(rule: ClassificationRule, classes: Sequence[ClassDefinition]) -> None:
    if not classes:
        raise ValidationError(_("A classification needs at least one class."))
    last = len(classes) - 1
    for position, (class_name, all_of, any_of, none_of) in enumerate(classes):
        codes = [*all_of, *any_of, *none_of]
        if any(code.project_id != rule.project_id for code in codes):
            raise ValidationError(_("Conditions may use only codes of this project."))
        if not codes and position != last:
            # A class without a condition holds for every unit: any class after it is dead.
            raise ValidationError(
                _("Class “%(name)s” needs a condition: only the last class may have none.")
                % {"name": class_name}
            )
        item = ClassificationClass.objects.create(rule=rule, name=class_name, position=position)
        item.all_of.set(all_of)
        item.any_of.set(any_of)
        item.none_of.set(none_of)


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
