# ruff: noqa: E501
"""Document sets through their pages, and as a filter in search and documents × codes."""

import pytest
from django.urls import reverse

from study.models import DocumentSet
from tests.conftest import client_for
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
    assert again.status_code == 200 and "already a set named" in again.content.decode()
    elsewhere = DocumentFactory()
    wrong = client.post(
        url("document-set-create", project), {"name": "X", "documents": [elsewhere.pk]}
    )
    assert wrong.status_code == 200 and "Select a valid choice" in wrong.content.decode()
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
