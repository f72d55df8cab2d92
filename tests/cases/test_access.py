"""The doors of cases/access.py to a matrix's rows and footnotes and to a project's attributes,
dimensions and classifications: another project's object, or a row asked for through another
matrix, is a 404 exactly like a missing one."""

import uuid

import pytest
from django.http import Http404

from cases import access
from cases.services import attributes as attribute_services
from cases.services import classifications as classification_services
from cases.services import matrices as matrix_services
from research.models import Membership
from tests.factories import CodeFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def membership_of(user, project) -> Membership:
    return Membership.objects.select_related("project").get(project=project, user=user)


def _matrix(project, user, name: str):
    code = CodeFactory(project=project, name=f"{name} code")
    matrix = matrix_services.matrix_create_from_template(
        project=project, name=name, sections=[("Section", [("Row", code)])], user=user
    )
    row = matrix.sections.get().rows.get()
    note = matrix_services.footnote_create(matrix=matrix, text="A note", user=user, row=row)
    return matrix, row, note


def test_row_and_footnote_doors_need_their_own_matrix_in_the_members_project(project, lead):
    elsewhere = ProjectFactory(title="Another study")
    member = membership_of(lead, project)
    matrix, row, note = _matrix(project, lead, "Table 3")
    other_matrix, other_row, other_note = _matrix(project, lead, "Table 4")
    foreign_matrix, foreign_row, foreign_note = _matrix(elsewhere, lead, "Theirs")

    found = access.access_row(member, matrix.code, row.code)
    assert found == row
    assert found.section.matrix == matrix  # the views read the matrix from the row
    assert access.access_footnote(member, matrix.code, note.code) == note
    refused = [
        (access.access_row, matrix.code, other_row.code),
        (access.access_row, other_matrix.code, row.code),
        (access.access_row, foreign_matrix.code, foreign_row.code),
        (access.access_footnote, matrix.code, other_note.code),
        (access.access_footnote, foreign_matrix.code, foreign_note.code),
        (access.access_row, matrix.code, uuid.uuid4()),
    ]
    for door, matrix_code, code in refused:
        with pytest.raises(Http404):
            door(member, matrix_code, code)


def test_attribute_dimension_and_classification_doors_refuse_another_project(project, lead):
    elsewhere = ProjectFactory(title="Another study")
    member = membership_of(lead, project)

    def classification(project):
        code = CodeFactory(project=project)
        return classification_services.classification_create(
            project=project, name="Helix", classes=[("A", [code], [], [])], user=lead
        )

    doors = [
        (
            access.access_attribute,
            lambda project: attribute_services.attribute_create(
                project=project, name="Population", type="number"
            ),
        ),
        (
            access.access_dimension,
            lambda project: attribute_services.dimension_create(project=project, name="Aims"),
        ),
        (access.access_classification, classification),
    ]
    for door, make in doors:
        mine, theirs = make(project), make(elsewhere)
        assert door(member, mine.code) == mine
        with pytest.raises(Http404):
            door(member, theirs.code)
