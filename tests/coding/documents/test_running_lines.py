"""Running lines removed from an uploaded PDF are listed on its page and can be restored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coding.models import Document, DocumentStatus
from tests import samples
from tests.coding.documents.helpers import detail_url, page_messages, upload_one
from tests.conftest import client_for
from tests.factories import ExcerptFactory

pytestmark = pytest.mark.django_db


def restore_url(document) -> str:
    return reverse(
        "coding:document-keep-running-lines", args=[document.project.code, document.code]
    )


def report_pdf() -> bytes:
    pages = [
        [f"{n}.1 Kommunen og næringslivet", f"Tiltak {n} gjelder hele året."] for n in range(6)
    ]
    return samples.layout_pdf(pages, header=samples.HEADER, footer=samples.FOOTER)


def test_removed_lines_are_listed_with_their_pages_and_can_be_restored(
    lead, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, "rapport.pdf", report_pdf(), django_capture_on_commit_callbacks
    )
    assert document.status == DocumentStatus.READY
    assert document.removed_lines[:2] == [[1, samples.HEADER], [1, "Side 1 av 6"]]
    assert samples.HEADER not in document.text

    page = client_for(lead).get(detail_url(document)).content.decode()
    assert "12 running lines removed" in page
    assert "Side 6 av 6" in page
    assert restore_url(document) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(lead).post(restore_url(document), follow=True)

    assert page_messages(response) == [
        "The text is being read again, with its running headers and footers."
    ]
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert document.running_lines_kept and document.removed_lines == []
    assert document.text.count(samples.HEADER) == 6 and "Side 6 av 6" in document.text
    assert "without removing running headers" in response.content.decode()


def test_a_coded_document_keeps_its_text_and_says_why(
    lead, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, "rapport.pdf", report_pdf(), django_capture_on_commit_callbacks
    )
    ExcerptFactory(document=document, coder=lead, start=0, end=5)
    text = document.text

    page = client_for(lead).get(detail_url(document)).content.decode()
    assert restore_url(document) not in page
    assert "The document is coded" in page
    response = client_for(lead).post(restore_url(document), follow=True)

    assert "Its text cannot change once it is coded" in page_messages(response)[0]
    assert Document.objects.get(pk=document.pk).text == text


def test_coders_cannot_restore_and_a_get_is_refused(
    lead, coder, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, "rapport.pdf", report_pdf(), django_capture_on_commit_callbacks
    )

    assert client_for(coder).post(restore_url(document)).status_code == 403
    assert client_for(lead).get(restore_url(document)).status_code == 405
    assert "Restore them" not in client_for(coder).get(detail_url(document)).content.decode()
