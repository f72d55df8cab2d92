"""Removing a member: their codings stay under a stable pseudonym, or are deleted (and the
agreement runs that used them say so); their account forgets them once no project is left."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coding.models import Excerpt, ExcerptChange
from research.models import FormerMember, Membership, Project, User
from tests.conftest import client_for
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory
from tests.rules.runs import finished_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(project, cast):
    return {"project": project, **cast}


def _remove(owner, project, user, codings="keep"):
    membership = Membership.objects.get(project=project, user=user)
    url = reverse("study:member-remove", args=[project.code, membership.pk])
    return client_for(owner).post(url, {"codings": codings})


def test_the_page_asks_whether_to_keep_or_delete_the_codings(world, project):
    ExcerptFactory(document=DocumentFactory(project=project), coder=world["coder"])
    membership = Membership.objects.get(project=project, user=world["coder"])
    url = reverse("study:member-remove", args=[project.code, membership.pk])
    page = client_for(world["owner"]).get(url).content.decode()
    assert "They coded 1 excerpt" in page
    assert 'value="keep"' in page and 'value="delete"' in page


def test_kept_codings_move_to_a_numbered_pseudonym_never_to_consensus(world, project):
    document = DocumentFactory(project=project)
    mine = ExcerptFactory(
        document=document, coder=world["coder"], codes=[CodeFactory(project=project)]
    )
    theirs = ExcerptFactory(document=document, coder=world["coder2"], start=10, end=20)
    assert _remove(world["owner"], project, world["coder"]).status_code == 302
    assert _remove(world["owner"], project, world["coder2"]).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.coder is not None and theirs.coder is not None  # NULL would mean consensus
    assert (mine.coder.name, theirs.coder.name) == ("Former coder 1", "Former coder 2")
    assert not mine.coder.is_active and not mine.coder.has_usable_password()
    assert mine.codings.count() == 1


def test_the_pseudonym_is_stable_when_a_member_is_removed_again(world, project):
    document = DocumentFactory(project=project)
    _remove(world["owner"], project, world["coder2"])  # Former coder 1
    _remove(world["owner"], project, world["viewer"])  # Former coder 2
    Membership.objects.create(project=project, user=world["viewer"], role="coder")
    ExcerptFactory(document=document, coder=world["viewer"])
    _remove(world["owner"], project, world["viewer"])
    assert Excerpt.objects.get(document=document).coder.name == "Former coder 2"
    assert FormerMember.objects.filter(project=project).count() == 2


def test_exports_show_the_pseudonym_not_the_name(world, project):
    document = DocumentFactory(project=project)
    ExcerptFactory(document=document, coder=world["coder"], codes=[CodeFactory(project=project)])
    name = world["coder"].name
    _remove(world["owner"], project, world["coder"])
    url = reverse("coding:retrieval-export", args=[project.code])
    csv = b"".join(client_for(world["lead"]).get(url, {"format": "csv"}).streaming_content)
    assert "Former coder 1" in csv.decode()
    assert name not in csv.decode()


def test_the_account_is_forgotten_when_no_project_is_left(world, project):
    coder, coder2 = world["coder"], world["coder2"]
    other = Project.objects.create(title="Other study")
    Membership.objects.create(project=other, user=coder2, role="coder")
    _remove(world["owner"], project, coder)
    _remove(world["owner"], project, coder2)
    coder.refresh_from_db()
    coder2.refresh_from_db()
    assert coder.email == f"removed-{coder.pk}@concord.invalid"
    assert (coder.display_name, coder.first_name, coder.is_active) == ("", "", False)
    assert not coder.has_usable_password()
    assert coder2.email == "coder2@example.org" and coder2.is_active  # still in another project


def test_deleting_the_codings_removes_their_excerpts_and_history(world, project):
    document = DocumentFactory(project=project)
    ExcerptFactory(document=document, coder=world["coder"])
    kept = ExcerptFactory(document=document, coder=world["coder2"], start=10, end=20)
    _remove(world["owner"], project, world["coder"], codings="delete")
    assert list(Excerpt.objects.filter(document=document)) == [kept]
    assert not ExcerptChange.objects.filter(user=world["coder"]).exists()
    assert FormerMember.objects.get(project=project).codings_deleted


def test_a_run_that_used_deleted_codings_says_so(world, project):
    run = finished_run(world)
    url = reverse("coding:agreement-run", args=[project.code, run.code])
    assert "codings deleted" not in client_for(world["lead"]).get(url).content.decode()
    name = world["coder"].name
    _remove(world["owner"], project, world["coder"], codings="delete")
    page = client_for(world["lead"]).get(url).content.decode()
    assert "1 of this run's 2 coders had their codings deleted" in page
    assert "Former coder 1" in page and name not in page


def test_a_run_names_a_removed_coder_by_the_pseudonym(world, project):
    run = finished_run(world)
    name = world["coder"].name
    _remove(world["owner"], project, world["coder"])
    page = client_for(world["lead"]).get(
        reverse("coding:agreement-run", args=[project.code, run.code])
    )
    text = page.content.decode()
    assert "Former coder 1" in text and name not in text
    assert "codings deleted" not in text


def test_only_owners_remove_members(world, project):
    membership = Membership.objects.get(project=project, user=world["coder"])
    url = reverse("study:member-remove", args=[project.code, membership.pk])
    assert client_for(world["lead"]).post(url).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=world["coder"].pk, is_active=True).exists()
