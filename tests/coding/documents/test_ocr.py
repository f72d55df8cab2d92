"""Scanned PDFs uploaded through the page: read by OCR when Tesseract is installed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coding.ingest import ocr
from coding.models import DocumentStatus
from tests import samples
from tests.coding.documents.helpers import detail_url, page_messages, upload_one
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
needs_tesseract = pytest.mark.skipif(
    not ocr.usable_language("nor+eng"), reason="Tesseract with Norwegian and English is needed"
)


def ocr_again_url(document) -> str:
    return reverse("coding:document-ocr-again", args=[document.project.code, document.code])


@needs_tesseract
def test_a_scan_is_read_by_ocr_and_can_be_read_again_in_another_language(
    lead, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead,
        project,
        "skann.pdf",
        samples.scanned_text_pdf(),
        django_capture_on_commit_callbacks,
        language="nb",
    )
    assert document.status == DocumentStatus.READY, document.error
    assert document.text == " ".join(samples.OCR_LINES)
    assert document.ocr["language"] == "nor" and document.ocr["confidence"] > 80
    page = client_for(lead).get(detail_url(document)).content.decode()
    assert "Read by OCR" in page and "(Norwegian)" in page and ocr_again_url(document) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(lead).post(ocr_again_url(document), {"language": "eng"}, follow=True)

    assert page_messages(response) == ["The scanned pages are being read again by OCR."]
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY and document.ocr["language"] == "eng"


@needs_tesseract
def test_an_unknown_ocr_language_is_refused(
    lead, coder, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, "skann.pdf", samples.scanned_text_pdf(), django_capture_on_commit_callbacks
    )

    response = client_for(lead).post(ocr_again_url(document), {"language": "klingon"}, follow=True)

    assert page_messages(response) == ["Choose one of the OCR languages offered."]
    assert client_for(coder).post(ocr_again_url(document), {"language": "eng"}).status_code == 403


def test_without_tesseract_a_scan_fails_saying_how_to_enable_ocr(
    lead, project, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(ocr, "tesseract_path", lambda: None)

    document = upload_one(
        lead, project, "skann.pdf", samples.scanned_text_pdf(), django_capture_on_commit_callbacks
    )

    assert document.status == DocumentStatus.FAILED
    assert "OCR is not available on this server" in document.error
    assert "tesseract-ocr-nor" in document.error
    page = client_for(lead).get(detail_url(document)).content.decode()
    assert "admin guide" in page


def test_a_document_not_read_by_ocr_cannot_be_read_again_by_ocr(
    lead, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, "notat.txt", samples.norwegian_txt(), django_capture_on_commit_callbacks
    )

    response = client_for(lead).post(ocr_again_url(document), {"language": "eng"}, follow=True)

    assert page_messages(response) == ["This document was not read by OCR."]
