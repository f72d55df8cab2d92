"""The document pages that combine a document with its cases: upload and edit details (study),
and the cases listed on the document's page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Case
from coding.models import Document
from research.models import Project
from tests import samples
from tests.coding.documents.helpers import detail_url, upload_one
from tests.conftest import client_for
from tests.factories import DocumentFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _edit_url(document) -> str:
    return reverse("study:document-edit", args=[document.project.code, document.code])


def _details(**extra) -> dict:
    return {"title": "T", "kind": "strategy", **extra}


@pytest.fixture
def towns(project):
    return (
        Case.objects.create(project=project, name="Bjørkvik", pseudonym="Alpha"),
        Case.objects.create(project=project, name="Fjellby", pseudonym="Beta"),
    )


def test_upload_links_the_cases_and_edit_replaces_them(
    lead, project, towns, django_capture_on_commit_callbacks
):
    bjorkvik, fjellby = towns
    document = upload_one(
        lead,
        project,
        "a.txt",
        samples.norwegian_txt(),
        django_capture_on_commit_callbacks,
        cases=[str(bjorkvik.code)],
    )
    assert list(document.cases.all()) == [bjorkvik]
    response = client_for(lead).post(_edit_url(document), _details(cases=[str(fjellby.code)]))
    assert response.status_code == 302
    assert list(document.cases.all()) == [fjellby]
    assert "Fjellby" in client_for(lead).get(detail_url(document)).content.decode()


def test_edit_page_preselects_the_linked_cases(lead, project, towns):
    document = DocumentFactory(project=project)
    document.cases.add(towns[1])
    response = client_for(lead).get(_edit_url(document))
    assert response.status_code == 200
    assert list(response.context["cases_form"]["cases"].initial) == [towns[1]]


def test_a_case_of_another_project_is_refused(lead, project):
    foreign = Case.objects.create(project=ProjectFactory(), name="Elsewhere")
    document = DocumentFactory(project=project, title="Gammel")
    response = client_for(lead).post(_edit_url(document), _details(cases=[str(foreign.code)]))
    assert response.status_code == 200
    assert "cases" in response.context["cases_form"].errors
    document.refresh_from_db()
    assert document.title == "Gammel" and not document.cases.exists()


def test_a_lead_edits_the_details_but_never_the_text(lead, project):
    document = DocumentFactory(project=project)
    text = document.text
    response = client_for(lead).post(
        _edit_url(document),
        {
            "title": "Ny tittel",
            "kind": "report",
            "language": "nn",
            "date": "2023-01-31",
            "source": "KS",
            "notes": "Viktig",
            "text": "hacked",
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.title, document.kind, document.language) == ("Ny tittel", "report", "nn")
    assert str(document.date) == "2023-01-31" and document.source == "KS"
    assert document.text == text


def test_editing_with_a_blank_title_shows_the_error(lead, project):
    document = DocumentFactory(project=project, title="Gammel")
    response = client_for(lead).post(_edit_url(document), {"title": "", "kind": "x"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "kind"}
    document.refresh_from_db()
    assert document.title == "Gammel"


@pytest.mark.parametrize("role", ["coder", "viewer"])
def test_coders_and_viewers_cannot_edit(role, cast, project):
    document = DocumentFactory(project=project, title="Gammel")
    response = client_for(cast[role]).post(_edit_url(document), {"title": "Ny"})
    assert response.status_code == 403


def test_outsiders_get_404_on_the_edit_page(outsider, project):
    document = DocumentFactory(project=project)
    assert client_for(outsider).get(_edit_url(document)).status_code == 404


def test_edit_page_is_get_or_post_only(lead, project):
    document = DocumentFactory(project=project)
    assert client_for(lead).put(_edit_url(document)).status_code == 405


@pytest.mark.parametrize(("role", "shown"), [("lead", "Bjørkvik"), ("viewer", "Alpha")])
def test_document_page_names_cases_by_pseudonym_for_readers_of_an_anonymized_project(
    role, shown, cast, project, towns
):
    Project.objects.filter(pk=project.pk).update(anonymize=True)
    document = DocumentFactory(project=project)
    document.cases.add(towns[0])
    page = client_for(cast[role]).get(detail_url(document)).content.decode()
    assert shown in page
    if role == "viewer":
        assert "Bjørkvik" not in page


def test_coding_never_reaches_the_cases_link():
    """The link is the cases app's: coding's document code names no case."""
    from pathlib import Path

    import coding

    root = Path(coding.__file__).parent / "documents"
    for module in root.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert ".cases" not in text and '"cases"' not in text, module.name
    assert Document._meta.get_field("cases").related_model is Case
