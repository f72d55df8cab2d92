"""Titles come from the file name unless the file's own title says something."""

import io

import pytest

from coding.ingest import extract
from coding.ingest.titles import document_title, meaningful
from tests import samples


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "untitled",
        "Untitled Document",
        "Microsoft Word - strategi.docx",
        "rapport.pdf",
        "python-docx",
        "ReportLab",
        "Microsoft Office User",
        "LibreOffice Writer",
        "Dokument",
        "1234",
        "--",
        "ab",
    ],
)
def test_generic_values_are_not_meaningful(value):
    assert meaningful(value) is None


def test_real_titles_and_authors_are_kept():
    assert meaningful("  Digitaliseringsstrategi   2024 ") == "Digitaliseringsstrategi 2024"
    assert meaningful("Bjørkvik kommune") == "Bjørkvik kommune"
    assert document_title("untitled", "strategi-2024") == "strategi-2024"
    assert document_title("Plan for skolen", "plan") == "Plan for skolen"


def test_a_docx_titled_untitled_by_python_docx_takes_the_file_name():
    import docx

    document = docx.Document()
    document.core_properties.title = "untitled"
    document.core_properties.author = "python-docx"
    document.add_paragraph("Kommunen skal samarbeide med innbyggerne.")
    buffer = io.BytesIO()
    document.save(buffer)

    extraction = extract(buffer.getvalue(), "Plan for skolen 2025.docx")

    assert extraction.title == "Plan for skolen 2025"
    assert "author" not in extraction.metadata


def test_a_pdf_titled_after_its_word_file_takes_the_file_name():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(samples.norwegian_strategy_pdf(3))))
    writer.add_metadata({"/Title": "Microsoft Word - strategi_v3_final.docx"})
    out = io.BytesIO()
    writer.write(out)

    extraction = extract(out.getvalue(), "Digitaliseringsstrategi.pdf")

    assert extraction.title == "Digitaliseringsstrategi"
    assert extraction.metadata["author"] == samples.AUTHOR
