"""Headings, footnotes, comments and page headers of an uploaded DOCX, as the page shows them."""

from __future__ import annotations

import pytest

from coding.documents.reading import reading_html
from coding.models import DocumentStatus
from tests import samples
from tests.coding.documents.helpers import detail_url, upload_one
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_docx_shows_headings_keeps_footnotes_and_lists_comments_as_notes(
    lead, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, "notater.docx", samples.docx_with_notes(), django_capture_on_commit_callbacks
    )
    assert document.status == DocumentStatus.READY
    assert [document.text[s:e] for s, e, _ in document.headings] == ["Innledning", "Mål"]
    assert samples.FOOTNOTE in document.text and samples.COMMENT not in document.text

    page = client_for(lead).get(detail_url(document)).content.decode()

    assert 'role="heading" aria-level="2">Innledning</p>' in page
    assert 'role="heading" aria-level="3">Mål</p>' in page
    assert "Comment by Kari Nordmann (not part of the text)" in page
    assert "Page header (not part of the text)" in page


def test_heading_paragraphs_keep_their_offsets_in_the_reading_view():
    html = reading_html(
        text="Tittel\n\nTekst.",
        pages=[],
        paragraphs=[[0, 6], [8, 14]],
        turns=[],
        headings=[[0, 6, 1]],
    )

    assert (
        '<p class="doc-para doc-heading" id="para-1" data-number="1" data-start="0" data-end="6" '
        'role="heading" aria-level="2">Tittel</p>'
    ) in html
    assert '<p class="doc-para" id="para-2" data-number="2" data-start="8" data-end="14">' in html
