"""OCR of scanned PDFs: with Tesseract installed the scan is read; without, the refusal says
how to enable it. The scans are made here (text drawn into an image, the image into a PDF)."""

import pytest

from coding.ingest import IngestError, extract, ocr
from tests import samples

needs_tesseract = pytest.mark.skipif(
    not ocr.usable_language("nor+eng"), reason="Tesseract with Norwegian and English is needed"
)


@needs_tesseract
def test_a_scanned_page_is_read_by_ocr_with_progress_and_confidence():
    seen = []

    extraction = extract(
        samples.scanned_text_pdf(2),
        "skann.pdf",
        ocr_language="nor+eng",
        progress=lambda percent, message: seen.append(str(message)),
    )

    assert extraction.text.split("\n\n") == [" ".join(samples.OCR_LINES)] * 2
    assert [n for n, _, _ in extraction.pages] == [1, 2]
    assert "OCR of page 2 of 2" in seen
    details = extraction.metadata["ocr"]
    assert details["language"] == "nor+eng" and details["confidence"] > 80
    assert details["seconds_per_page"] > 0
    assert str(extraction.warnings[0]).startswith(
        "This PDF has no text layer and was read by OCR (Norwegian and English)"
    )


@needs_tesseract
def test_the_chosen_language_is_used():
    extraction = extract(samples.scanned_text_pdf(), "skann.pdf", ocr_language="eng")

    assert extraction.metadata["ocr"]["language"] == "eng"
    assert "samarbeide" in extraction.text


@needs_tesseract
def test_a_scan_without_letters_is_refused_for_that():
    with pytest.raises(IngestError, match="OCR found no readable text"):
        extract(samples.scanned_pdf(), "striper.pdf", ocr_language="nor+eng")


def test_without_tesseract_the_refusal_says_how_to_enable_ocr(monkeypatch):
    monkeypatch.setattr(ocr, "tesseract_path", lambda: None)

    with pytest.raises(IngestError) as plain:
        extract(samples.scanned_text_pdf(), "skann.pdf")
    with pytest.raises(IngestError) as asked:
        extract(samples.scanned_text_pdf(), "skann.pdf", ocr_language="nor")

    assert "no text layer" in plain.value.message
    for message in (plain.value.message, asked.value.message):
        assert "apt-get install tesseract-ocr tesseract-ocr-nor tesseract-ocr-eng" in message
        assert "admin guide" in message


def test_tesseract_tsv_becomes_lines_and_paragraphs_with_confidences():
    header = "\t".join(
        [
            "level",
            "page_num",
            "block_num",
            "par_num",
            "line_num",
            "word_num",
            "left",
            "top",
            "width",
            "height",
            "conf",
            "text",
        ]
    )
    rows = [
        "5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t95.5\tKommunen",
        "5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t90\tskal",
        "4\t1\t1\t1\t2\t0\t0\t0\t1\t1\t-1\t",
        "5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t80\tsamarbeide.",
        "5\t1\t2\t1\t1\t1\t0\t0\t1\t1\t70\tNytt",
        "5\t1\t2\t1\t1\t2\t0\t0\t1\t1\t-1\t ",
    ]

    page = ocr.parse_tsv("\n".join([header, *rows]))

    assert page.text == "Kommunen skal\nsamarbeide.\n\nNytt"
    assert page.confidences == [95.5, 90.0, 80.0, 70.0]


@pytest.mark.parametrize(
    ("setting", "language"), [("nb", "nor"), ("nn", "nor"), ("en", "eng"), ("", "nor+eng")]
)
def test_the_ocr_language_follows_the_documents_language(setting, language):
    assert ocr.language_for(setting) == language
