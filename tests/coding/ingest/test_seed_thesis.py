"""The real, long, OCR'd thesis of the shared material (`seed/`) ingests cleanly."""

import unicodedata

import pytest

from coding.ingest import extract
from tests.shared import shared_path


@pytest.fixture(scope="module")
def thesis():
    path = shared_path("seed", "thesis-municipal-digitalization.txt")
    return extract(path.read_bytes(), path.name)


def test_thesis_ingests_as_nfc_text_of_more_than_100k_characters(thesis):
    assert len(thesis.text) > 100_000
    assert unicodedata.is_normalized("NFC", thesis.text)
    assert thesis.encoding == "utf-8"
    assert thesis.title == "thesis-municipal-digitalization"
    assert thesis.warnings == []


def test_thesis_hyphenated_line_ends_are_joined(thesis):
    assert "Emerging technologies and new ways" in thesis.text
    assert "tech-\nnologies" not in thesis.text
    assert "multi-billion" in thesis.text


def test_thesis_structure(thesis):
    assert thesis.pages == [(1, 0, len(thesis.text))]
    assert len(thesis.paragraphs) > 300
    assert thesis.turns == []
    for start, end in thesis.paragraphs:
        assert thesis.text[start:end].strip()
