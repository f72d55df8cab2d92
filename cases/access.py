"""Per-object doors for the cases app's objects. They only compose the policy in
research/access.py with this app's querysets; every rule is decided there."""

from __future__ import annotations

import uuid

from cases.models import (
    AttributeDefinition,
    Case,
    ClassificationRule,
    Dimension,
    Footnote,
    Matrix,
    MatrixRow,
)
from research import access
from research.models import Membership


def access_case(membership: Membership, code: uuid.UUID | str) -> Case:
    return access.access_object(membership, Case.objects.all(), code=code)


def access_matrix(membership: Membership, code: uuid.UUID | str) -> Matrix:
    return access.access_object(membership, Matrix.objects.all(), code=code)


def access_row(
    membership: Membership, matrix_code: uuid.UUID | str, code: uuid.UUID | str
) -> MatrixRow:
    """A row of the matrix, with its section and matrix (`row.section.matrix`)."""
    rows = MatrixRow.objects.select_related("section__matrix")
    return access.access_object(
        membership,
        rows,
        project_field="section__matrix__project",
        section__matrix__code=matrix_code,
        code=code,
    )


def access_footnote(
    membership: Membership, matrix_code: uuid.UUID | str, code: uuid.UUID | str
) -> Footnote:
    return access.access_object(
        membership,
        Footnote.objects.all(),
        project_field="matrix__project",
        matrix__code=matrix_code,
        code=code,
    )


def access_attribute(membership: Membership, code: uuid.UUID | str) -> AttributeDefinition:
    return access.access_object(membership, AttributeDefinition.objects.all(), code=code)


def access_dimension(membership: Membership, code: uuid.UUID | str) -> Dimension:
    return access.access_object(membership, Dimension.objects.all(), code=code)


def access_classification(membership: Membership, code: uuid.UUID | str) -> ClassificationRule:
    return access.access_object(membership, ClassificationRule.objects.all(), code=code)
