"""Agreement runs on the documents of a document set: the documents used, and the set named on
the results page and in the methods paragraph (as it was called when the run started)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coding.models import AgreementRun, DocumentSet, DocumentStatus
from coding.runs.exports import methods_paragraph
from tests.coding.runs.factories import build_world, sentences
from tests.conftest import client_for, unmarked
from tests.factories import DocumentFactory, ProjectFactory
from tests.study.test_runs import _start

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(project, coder, coder2):
    return build_world(project, [coder, coder2])


def test_a_run_on_the_documents_of_a_set_names_the_set(
    world, project, lead, coder, coder2, django_capture_on_commit_callbacks
):
    first, second, third = world["docs"]
    for doc in (first, second, third):
        world["code"](coder, doc, sentences()[0], [world["industry"]])
        world["code"](coder2, doc, sentences()[0], [world["industry"]])
    processing = DocumentFactory(
        project=project, title="Still reading", status=DocumentStatus.PROCESSING
    )
    pilot = DocumentSet.objects.create(project=project, name="Pilot")
    pilot.documents.set([first, third, processing])
    page = client_for(lead).get(reverse("study:agreement-new", kwargs={"project": project.code}))
    assert "Documents of a document set" in page.content.decode()
    data = {"coders": [coder.pk, coder2.pk], "documents_mode": "set", "document_set": pilot.code}
    with django_capture_on_commit_callbacks(execute=True):
        assert _start(client_for(lead), project, **data).status_code == 302
    run = AgreementRun.objects.get()
    # The set's ready documents, and only those.
    assert sorted(run.params["spec"]["documents"]) == sorted([first.pk, third.pk])
    assert run.params["choices"]["document_set"] == {"code": str(pilot.code), "name": "Pilot"}
    run.refresh_from_db()
    assert run.is_finished and run.results["documents"] == 2
    # Renamed later, the run still says what the set was called when it ran.
    pilot.name = "Pilot (old)"
    pilot.save()
    assert "on 2 documents (the document set “Pilot”) and" in methods_paragraph(run)
    results = (
        client_for(lead)
        .get(reverse("coding:agreement-run", kwargs={"project": project.code, "run": run.code}))
        .content.decode()
    )
    assert "the document set “Pilot”" in unmarked(results)


def test_the_set_choice_needs_a_set_of_this_project(world, project, lead, coder, coder2):
    data = {"coders": [coder.pk, coder2.pk], "documents_mode": "set"}
    response = _start(client_for(lead), project, **data)
    assert response.status_code == 400 and "Choose a document set" in response.content.decode()
    elsewhere = DocumentSet.objects.create(project=ProjectFactory(), name="Theirs")
    response = _start(client_for(lead), project, **data, document_set=elsewhere.code)
    assert response.status_code == 400
    empty = DocumentSet.objects.create(project=project, name="Empty")
    response = _start(client_for(lead), project, **data, document_set=empty.code)
    assert response.status_code == 400
    assert "No ready document matches" in response.content.decode()
    assert not AgreementRun.objects.exists()
