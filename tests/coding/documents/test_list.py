"""The document list: rows, status, coder progress, filter, polling, and a fixed query count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coding.models import AssignmentStatus, DocumentKind, DocumentStatus
from research.models import Job, JobStatus
from tests.coding.documents.factories import AssignmentFactory
from tests.conftest import client_for, unmarked
from tests.factories import DocumentFactory, ExcerptFactory, UserFactory

pytestmark = pytest.mark.django_db

UNREAD = {"text": "", "pages": [], "paragraphs": [], "char_count": 0, "page_count": 0}


def _url(project, **query) -> str:
    url = reverse("coding:document-list", args=[project.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_list_shows_each_document_with_its_numbers(lead, project):
    DocumentFactory(project=project, title="Strategi Bjørkvik", page_count=12, char_count=34567)
    response = client_for(lead).get(_url(project))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Strategi Bjørkvik" in page and "34567" in page and "12" in page
    assert "Norwegian Bokmål" in page
    assert "Ready" in page
    assert "hx-trigger" not in page  # nothing to wait for: no polling


def test_coder_progress_is_shown_per_assignment(lead, project):
    document = DocumentFactory(project=project)
    kari = UserFactory(email="kari@example.org", display_name="Kari")
    anders = UserFactory(email="anders@example.org", display_name="Anders")
    AssignmentFactory(document=document, coder=kari, status=AssignmentStatus.DONE)
    AssignmentFactory(document=document, coder=anders, status=AssignmentStatus.IN_PROGRESS)
    page = client_for(lead).get(_url(project)).content.decode()
    assert "Anders: in progress, Kari: done" in unmarked(page)


def test_the_list_polls_while_a_document_is_being_read(lead, project):
    job = Job.objects.create(
        project=project,
        kind="documents.ingest",
        status=JobStatus.RUNNING,
        progress=40,
        message="Reading the PDF file",
    )
    DocumentFactory(project=project, status=DocumentStatus.PROCESSING, job=job, **UNREAD)
    page = client_for(lead).get(_url(project)).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "40 %" in page and "Reading the PDF file" in page


def test_htmx_polling_gets_only_the_table(lead, project):
    DocumentFactory(project=project, title="Strategi")
    response = client_for(lead).get(_url(project), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="document-table"')
    assert "Strategi" in page and "<html" not in page


def test_a_document_whose_job_died_shows_as_failed_with_the_reason(lead, project):
    job = Job.objects.create(
        project=project,
        kind="documents.ingest",
        status=JobStatus.FAILED,
        error="Stopped: the job ran longer than its limit.",
    )
    DocumentFactory(project=project, status=DocumentStatus.PROCESSING, job=job, **UNREAD)
    page = client_for(lead).get(_url(project)).content.decode()
    assert "Failed" in page and "Stopped: the job ran longer than its limit." in page
    assert "hx-trigger" not in page


def test_the_list_filters_by_kind(viewer, project):
    DocumentFactory(project=project, title="Strategi", kind=DocumentKind.STRATEGY)
    DocumentFactory(project=project, title="Intervju", kind=DocumentKind.TRANSCRIPT)
    page = client_for(viewer).get(_url(project, kind="transcript")).content.decode()
    assert "Intervju" in page and "Strategi<" not in page
    # An unknown kind is ignored rather than an error.
    assert client_for(viewer).get(_url(project, kind="poem")).status_code == 200


def test_blind_coders_see_no_excerpt_counts(coder, coder2, lead, project):
    project.blind_coding = True
    project.save()
    document = DocumentFactory(project=project)
    ExcerptFactory(document=document, coder=coder2)
    coder_page = client_for(coder).get(_url(project)).content.decode()
    assert "Excerpts" not in coder_page
    lead_page = client_for(lead).get(_url(project))
    assert lead_page.context["rows"][0].excerpt_count == 1


def test_bulk_controls_are_for_leads_only(coder, lead, project):
    DocumentFactory(project=project)
    assert b"bulk-form" in client_for(lead).get(_url(project)).content
    assert b"bulk-form" not in client_for(coder).get(_url(project)).content


def test_the_list_query_count_does_not_grow_with_documents(
    lead, coder, project, django_assert_num_queries
):
    client = client_for(lead)
    for number in range(30):
        document = DocumentFactory(project=project, title=f"Dokument {number:02}")
        AssignmentFactory(document=document, coder=coder, status=AssignmentStatus.DONE)
        ExcerptFactory(document=document, coder=coder)
    # 1 session, 2 user, 3 membership with project, 4 documents with jobs and excerpt counts,
    # 5 assignments with their coders.
    with django_assert_num_queries(5):
        response = client.get(_url(project))
    assert len(response.context["rows"]) == 30


@pytest.mark.parametrize("role", ["owner", "lead", "coder", "viewer"])
def test_every_member_may_see_the_list(role, cast, project):
    assert client_for(cast[role]).get(_url(project)).status_code == 200


def test_outsiders_get_404_on_the_list(outsider, project):
    assert client_for(outsider).get(_url(project)).status_code == 404


def test_the_list_refuses_post(lead, project):
    assert client_for(lead).post(_url(project)).status_code == 405
