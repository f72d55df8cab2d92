# ruff: noqa: E501
"""Project memos through their pages: write, link, list, search, change one's own, blind."""

import pytest
from django.urls import reverse

from cases.models import Case
from research.models import Project
from study.memos.services import memo_create
from study.models import ProjectMemo
from tests.conftest import client_for
from tests.factories import CodeFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def url(name, project, memo=None):
    kwargs = {"project": project.code} | ({"memo": memo.code} if memo else {})
    return reverse(f"study:{name}", kwargs=kwargs)


def test_a_coder_writes_a_linked_memo_that_the_list_shows_and_search_finds(project, coder):
    document = DocumentFactory(project=project, title="Strategi")
    code = CodeFactory(project=project, name="Academia")
    case = Case.objects.create(project=project, name="Bjørkvik")
    client = client_for(coder)
    response = client.post(
        url("memo-create", project),
        {
            "title": "Open coding",
            "text": "Universities appear early.",
            "documents": [document.pk],
            "codes": [code.pk],
            "cases": [case.pk],
        },
    )
    assert response.status_code == 302
    memo = ProjectMemo.objects.get(project=project)
    assert memo.created_by == coder and list(memo.codes.all()) == [code]
    memo_create(project=project, user=coder, title="Other", text="Sensors in water.")
    page = client.get(url("memo-list", project)).content.decode()
    assert "Open coding" in page and "Strategi" in page and "Bjørkvik" in page
    found = client.get(url("memo-list", project) + "?q=universities early").content.decode()
    assert "Open coding" in found and "Sensors" not in found


def test_a_memo_needs_a_title_and_a_viewer_may_not_write(project, coder, viewer):
    response = client_for(coder).post(url("memo-create", project), {"title": " ", "text": "x"})
    assert response.status_code == 200 and not ProjectMemo.objects.exists()
    assert client_for(viewer).get(url("memo-create", project)).status_code == 403
    assert client_for(viewer).get(url("memo-list", project)).status_code == 200


def test_a_coder_changes_only_their_own_memo_and_a_lead_any(project, lead, coder):
    mine = memo_create(project=project, user=coder, title="Mine")
    theirs = memo_create(project=project, user=lead, title="Lead's")
    client = client_for(coder)
    assert client.get(url("memo-edit", project, theirs)).status_code == 404
    assert client.post(url("memo-delete", project, theirs)).status_code == 404
    response = client.post(url("memo-edit", project, mine), {"title": "Mine, revised", "text": ""})
    assert response.status_code == 302
    assert ProjectMemo.objects.get(pk=mine.pk).title == "Mine, revised"
    assert client_for(lead).post(url("memo-delete", project, mine)).status_code == 302
    assert list(ProjectMemo.objects.values_list("title", flat=True)) == ["Lead's"]


def test_in_a_blind_project_a_coder_reads_only_their_own_memos(project, lead, coder, coder2):
    project.blind_coding = True
    project.save(update_fields=["blind_coding"])
    memo_create(project=project, user=coder, title="First impressions")
    assert (
        "First impressions"
        not in client_for(coder2).get(url("memo-list", project)).content.decode()
    )
    assert "First impressions" in client_for(coder).get(url("memo-list", project)).content.decode()
    assert "First impressions" in client_for(lead).get(url("memo-list", project)).content.decode()


def test_anonymized_cases_show_their_pseudonym_to_coders(project, coder):
    Project.objects.filter(pk=project.pk).update(anonymize=True)
    case = Case.objects.create(project=project, name="Bjørkvik", pseudonym="Alpha")
    memo = memo_create(project=project, user=coder, title="Cases")
    memo.cases.set([case])
    client = client_for(coder)
    for page in (url("memo-list", project), url("memo-edit", project, memo)):
        body = client.get(page).content.decode()
        assert "Alpha" in body and "Bjørkvik" not in body
