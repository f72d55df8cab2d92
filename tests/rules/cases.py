"""Access rules of the cases app (cases, attributes, matrices, classifications, tables)."""

from __future__ import annotations

from research.access import Capability

VIEW, MANAGE = Capability.VIEW, Capability.MANAGE

URL_RULES = {
    "cases:case-list": VIEW,
    "cases:case-create": MANAGE,
    "cases:case-settings": MANAGE,
    "cases:case-import": MANAGE,
    "cases:case-export": VIEW,
    "cases:attribute-create": MANAGE,
    "cases:attribute-delete": MANAGE,
    "cases:dimension-create": MANAGE,
    "cases:dimension-delete": MANAGE,
    "cases:document-cases": MANAGE,
    "cases:case-detail": VIEW,
    "cases:case-update": MANAGE,
    "cases:case-delete": MANAGE,
    "cases:case-documents": MANAGE,
    "cases:writeup-edit": MANAGE,
    "cases:matrix-list": VIEW,
    "cases:matrix-create": MANAGE,
    "cases:matrix-detail": VIEW,
    "cases:matrix-edit": MANAGE,
    "cases:matrix-delete": MANAGE,
    "cases:matrix-export": VIEW,
    "cases:section-create": MANAGE,
    "cases:row-create": MANAGE,
    "cases:row-update": MANAGE,
    "cases:row-move": MANAGE,
    "cases:section-move": MANAGE,
    "cases:row-delete": MANAGE,
    "cases:footnote-create": MANAGE,
    "cases:footnote-delete": MANAGE,
    "cases:cell-evidence": VIEW,
    "cases:cell-override": MANAGE,
    "cases:classification-list": VIEW,
    "cases:classification-create": MANAGE,
    "cases:classification-detail": VIEW,
    "cases:classification-edit": MANAGE,
    "cases:classification-delete": MANAGE,
    "cases:frequency-table": VIEW,
    "cases:coding-trail": VIEW,
}


def _case(world):
    from cases.models import Case
    from cases.services import cases as services

    case = Case.objects.filter(project=world["project"], name="Access case").first()
    return case or services.case_create(project=world["project"], name="Access case")


def _matrix(world):
    from cases.models import Matrix
    from cases.services import matrices as services
    from tests.factories import CodeFactory

    matrix = Matrix.objects.filter(project=world["project"], name="Access matrix").first()
    if matrix is None:
        code = CodeFactory(project=world["project"], name="Access code")
        matrix = services.matrix_create_from_template(
            project=world["project"],
            name="Access matrix",
            sections=[("Section", [("Row", code)])],
            user=world["lead"],
        )
        services.footnote_create(
            matrix=matrix, text="A note", user=world["lead"], column=str(_case(world).code)
        )
    return matrix


def _dimension(world):
    from cases.services import attributes as services

    return services.dimensions_ensure(project=world["project"])[0].code


def _attribute(world):
    from cases.models import AttributeDefinition
    from cases.services import attributes as services

    found = AttributeDefinition.objects.filter(project=world["project"]).first()
    return (
        found
        or services.attribute_create(project=world["project"], name="Population", type="number")
    ).code


def _document(world):
    from coding.models import Document
    from tests.factories import DocumentFactory

    return (
        Document.objects.filter(project=world["project"]).first()
        or DocumentFactory(project=world["project"])
    ).code


def _classification(world):
    from cases.models import ClassificationRule
    from cases.services import classifications as services
    from tests.factories import CodeFactory

    rule = ClassificationRule.objects.filter(project=world["project"]).first()
    if rule is None:
        code = CodeFactory(project=world["project"], name="Classified code")
        rule = services.classification_create(
            project=world["project"],
            name="Access rule",
            classes=[("A", [code], [], [])],
            user=world["lead"],
        )
    return rule.code


KWARG_BUILDERS = {
    "case": lambda world: _case(world).code,
    "matrix": lambda world: _matrix(world).code,
    "row": lambda world: _matrix(world).sections.get().rows.get().code,
    "column": lambda world: str(_case(world).code),
    "footnote": lambda world: _matrix(world).footnotes.get().code,
    "dimension": _dimension,
    "attribute": _attribute,
    "document": _document,
    "classification": _classification,
}
