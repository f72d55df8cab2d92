# ruff: noqa: E501
"""Document sets through their pages, and as a filter in search and documents × codes."""

import pytest
from django.urls import reverse

from coding.models import DocumentSet
from tests.conftest import client_for, unmarked
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory

pytestmark = pytest.mark.django_db


def url(name, project, **kwargs):
    return reverse(f"study:{name}", kwargs={"project": project.code, **kwargs})


def test_a_lead_makes_a_set_that_filters_search_and_the_matrix(project, lead, viewer):
    pilot = DocumentFactory(project=project, title="Pilot Bjørkvik")
    other = DocumentFactory(project=project, title="Other Fjellvik")
    response = client_for(lead).post(
        url("document-set-create", project),
        {"name": "Pilot municipalities", "documents": [pilot.pk]},
    )
    assert response.status_code == 302
    docset = DocumentSet.objects.get(project=project)
    assert list(docset.documents.all()) == [pilot]
    client = client_for(viewer)
    assert "Pilot municipalities" in client.get(url("document-set-list", project)).content.decode()
    page = client.get(
        url("search", project), {"q": "kommunen", "document_set": str(docset.code)}
    ).content.decode()
    assert "Pilot Bjørkvik" in page and "Other Fjellvik" not in page
    project.blind_coding = False
    project.save()
    code = CodeFactory(project=project, name="Alpha")
    ExcerptFactory(document=other, codes=[code])
    csv = client.get(
        url("code-matrix", project), {"format": "csv", "document_set": str(docset.code)}
    ).content.decode()
    assert "Other Fjellvik" not in csv


def test_bad_input_roles_and_deleting(project, lead, coder, outsider):
    document = DocumentFactory(project=project)
    client = client_for(lead)
    client.post(
        url("document-set-create", project), {"name": "Round 2", "documents": [document.pk]}
    )
    again = client.post(
        url("document-set-create", project), {"name": "Round 2", "documents": [document.pk]}
    )
    assert again.status_code == 400 and "already a set named" in again.content.decode()
    elsewhere = DocumentFactory()
    wrong = client.post(
        url("document-set-create", project), {"name": "X", "documents": [elsewhere.pk]}
    )
    assert wrong.status_code == 400 and "Select a valid choice" in wrong.content.decode()
    assert DocumentSet.objects.count() == 1
    assert (
        client_for(coder)
        .post(url("document-set-create", project), {"name": "Y", "documents": [document.pk]})
        .status_code
        == 403
    )
    docset = DocumentSet.objects.get()
    delete = url("document-set-delete", project, docset=docset.code)
    assert client_for(coder).post(delete).status_code == 403
    assert client_for(outsider).post(delete).status_code == 404
    assert client.get(delete).status_code == 405
    assert client.post(delete).status_code == 302 and not DocumentSet.objects.exists()
    assert (
        "Select a valid choice"
        in client.get(
            url("search", project),
            {"q": "x", "document_set": "7b1f4c1e-0000-4000-8000-000000000000"},
        ).content.decode()
    )


def _set(project, name, documents, lead):
    from study.docsets.services import document_set_create

    return document_set_create(project=project, user=lead, name=name, documents=documents)


def test_a_lead_renames_a_set_and_adds_and_removes_documents(project, lead, viewer):
    one, two, three = (DocumentFactory(project=project, title=t) for t in ("One", "Two", "Three"))
    docset = _set(project, "Round 1", [one, two], lead)
    edit = url("document-set-edit", project, docset=docset.code)
    page = client_for(lead).get(edit)
    assert page.status_code == 200 and "Edit the set “Round 1”" in unmarked(page.content.decode())
    response = client_for(lead).post(
        edit, {"name": "Round 2", "documents": [two.pk, three.pk], "version": 1}
    )
    assert response.status_code == 302
    docset.refresh_from_db()
    assert docset.name == "Round 2" and docset.version == 2
    assert sorted(d.title for d in docset.documents.all()) == ["Three", "Two"]
    # The document's page names its sets; a document in none says so.
    detail = (
        client_for(viewer)
        .get(
            reverse(
                "coding:document-detail", kwargs={"project": project.code, "document": two.code}
            )
        )
        .content.decode()
    )
    assert "Round 2" in detail
    assert (
        "Round 2"
        not in client_for(viewer)
        .get(
            reverse(
                "coding:document-detail", kwargs={"project": project.code, "document": one.code}
            )
        )
        .content.decode()
    )


def test_two_leads_editing_one_set_the_later_is_told_and_nothing_is_lost(project, lead, owner):
    one, two = (
        DocumentFactory(project=project, title="One"),
        DocumentFactory(project=project, title="Two"),
    )
    docset = _set(project, "Pilot", [one], lead)
    edit = url("document-set-edit", project, docset=docset.code)
    first = client_for(lead).post(
        edit, {"name": "Pilot A", "documents": [one.pk, two.pk], "version": 1}
    )
    assert first.status_code == 302
    # The owner loaded the page at version 1 too, and saves after the lead.
    stale = client_for(owner).post(edit, {"name": "Pilot B", "documents": [], "version": 1})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Another lead changed this set" in page and "Pilot A" in page
    assert 'name="version" value="2"' in page  # saving again now replaces the set knowingly
    docset.refresh_from_db()
    assert docset.name == "Pilot A" and docset.documents.count() == 2
    again = client_for(owner).post(edit, {"name": "Pilot B", "documents": [], "version": 2})
    assert again.status_code == 302
    docset.refresh_from_db()
    assert docset.name == "Pilot B" and docset.documents.count() == 0 and docset.version == 3


def test_editing_refuses_bad_input_and_other_roles(project, lead, coder, viewer, outsider):
    document = DocumentFactory(project=project)
    docset = _set(project, "Kept", [document], lead)
    _set(project, "Taken", [], lead)
    edit = url("document-set-edit", project, docset=docset.code)
    client = client_for(lead)
    taken = client.post(edit, {"name": "Taken", "documents": [document.pk], "version": 1})
    assert taken.status_code == 400 and "already a set named" in taken.content.decode()
    blank = client.post(edit, {"name": " ", "documents": [], "version": 1})
    assert blank.status_code == 400
    elsewhere = DocumentFactory()
    wrong = client.post(edit, {"name": "Kept", "documents": [elsewhere.pk], "version": 1})
    assert wrong.status_code == 400 and "Select a valid choice" in wrong.content.decode()
    no_version = client.post(edit, {"name": "Kept", "documents": []})
    assert no_version.status_code == 400
    for user, status in ((coder, 403), (viewer, 403), (outsider, 404)):
        assert client_for(user).get(edit).status_code == status
        assert client_for(user).post(edit, {"name": "X", "version": 1}).status_code == status
    assert client.put(edit).status_code == 405
    docset.refresh_from_db()
    assert docset.name == "Kept" and docset.version == 1 and docset.documents.count() == 1
