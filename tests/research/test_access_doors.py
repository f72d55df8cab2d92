"""The per-object doors of coding/access.py and cases/access.py: they compose research.access
with their querysets, so another project's object, and a blind-hidden excerpt, are a 404."""

import pytest
from django.http import Http404

from cases import access as cases_access
from cases.models import Case, Matrix
from coding import access as coding_access
from coding.models import AgreementRun, Assignment
from research.models import Membership
from tests.factories import DocumentFactory, ExcerptFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def membership_of(user, project) -> Membership:
    return Membership.objects.select_related("project").get(project=project, user=user)


@pytest.fixture
def elsewhere(db):
    return ProjectFactory(title="Another study")


def test_document_case_matrix_and_run_doors_refuse_another_project(cast, project, elsewhere):
    lead = membership_of(cast["lead"], project)
    doors = [
        (coding_access.access_document, DocumentFactory),
        (cases_access.access_case, lambda project: Case.objects.create(project=project, name="A")),
        (
            cases_access.access_matrix,
            lambda project: Matrix.objects.create(project=project, name="M"),
        ),
        (
            coding_access.access_run,
            lambda project: AgreementRun.objects.create(project=project, name="R", unit="segment"),
        ),
    ]
    for door, make in doors:
        mine, theirs = make(project=project), make(project=elsewhere)
        assert door(lead, mine.code) == mine
        with pytest.raises(Http404):
            door(lead, theirs.code)


def test_excerpt_door_follows_blind_mode_and_editing_rights(cast, project, elsewhere):
    project.blind_coding = True
    project.save()
    document = DocumentFactory(project=project)
    others = ExcerptFactory(document=document, coder=cast["coder2"])
    own = ExcerptFactory(document=document, coder=cast["coder"])
    foreign = ExcerptFactory(document=DocumentFactory(project=elsewhere), coder=cast["coder"])
    coder, lead = membership_of(cast["coder"], project), membership_of(cast["lead"], project)

    assert coding_access.access_excerpt(coder, own.code, for_edit=True) == own
    assert coding_access.access_excerpt(lead, others.code, for_edit=True) == others
    for excerpt in (others, foreign):
        with pytest.raises(Http404):
            coding_access.access_excerpt(coder, excerpt.code)

    project.blind_coding = False
    project.save()
    coder = membership_of(cast["coder"], project)
    assert coding_access.access_excerpt(coder, others.code) == others
    with pytest.raises(Http404):
        coding_access.access_excerpt(coder, others.code, for_edit=True)
    with pytest.raises(Http404):
        coding_access.access_excerpt(
            membership_of(cast["viewer"], project), own.code, for_edit=True
        )


def test_coders_may_code_only_assigned_documents_of_their_project(cast, project, elsewhere):
    document, foreign = DocumentFactory(project=project), DocumentFactory(project=elsewhere)
    coder, lead = membership_of(cast["coder"], project), membership_of(cast["lead"], project)
    assert not coding_access.may_code_document(coder, document)
    Assignment.objects.create(document=document, coder=cast["coder"])
    assert coding_access.may_code_document(coder, document)
    assert coding_access.may_code_document(lead, document)
    assert not coding_access.may_code_document(lead, foreign)
