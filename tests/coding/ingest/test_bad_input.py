"""Every kind of unusable file raises IngestError with a sentence a user can act on."""

import contextlib
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coding.ingest import IngestError, extract, sniff_type
from tests import samples


def refusal(data, filename, **kwargs):
    with pytest.raises(IngestError) as caught:
        extract(data, filename, **kwargs)
    assert caught.value.__cause__ is None or not isinstance(caught.value.__cause__, IngestError)
    return str(caught.value)


def test_empty_file():
    assert refusal(samples.empty_file(), "tom.pdf") == "The file is empty."


def test_over_the_size_limit():
    message = refusal(b"x" * 318, "notat.txt", max_bytes=100)

    assert message == "The file is 318 bytes, more than the limit of 100 bytes."


def test_size_limit_message_in_megabytes():
    message = refusal(b"x" * (3 * 1024 * 1024), "stor.txt", max_bytes=2 * 1024 * 1024)

    assert message == "The file is 3 MB, more than the limit of 2 MB."


def test_password_protected_pdf():
    assert "password-protected" in refusal(samples.encrypted_pdf(), "hemmelig.pdf")


def test_pdf_with_only_an_owner_password_opens():
    extraction = extract(samples.owner_locked_pdf(), "låst.pdf")

    assert "1. Innbyggeren i sentrum" in extraction.text


def test_scanned_pdf_says_there_is_no_ocr():
    message = refusal(samples.scanned_pdf(), "skannet.pdf")

    assert "no text layer" in message
    assert "no OCR" in message


def test_truncated_pdf():
    assert "damaged or incomplete" in refusal(samples.truncated_pdf(), "avbrutt.pdf")


def test_garbage_after_pdf_header_is_damaged():
    assert "damaged or incomplete" in refusal(b"%PDF-1.7\n" + b"rubbish " * 50 + b"%%EOF", "x.pdf")


def test_pdf_named_docx_is_read_as_pdf_with_a_warning():
    extraction = extract(samples.pdf_disguised_as_docx(), "strategi.docx")

    assert extraction.file_type == "pdf"
    assert str(extraction.warnings[0]) == (
        "This file is a PDF, not a DOCX document as its name .docx says; it was read as PDF."
    )


def test_plain_text_named_pdf_is_read_as_text_with_a_note():
    extraction = extract(samples.norwegian_txt(), "strategi.pdf")

    assert extraction.file_type == "txt"
    assert "Kommunen vil være en pådriver" in extraction.text
    assert [str(w) for w in extraction.warnings] == [
        "This file is plain text, not a PDF as its name .pdf says; it was read as plain text."
    ]


@pytest.mark.parametrize(
    ("name", "start"),
    [
        (
            "rapport.docx",
            "This file is named .docx but is not a DOCX document: a DOCX file is a "
            "ZIP archive, and this file is not one.",
        ),
        (
            "plan.odt",
            "This file is named .odt but is not an ODT document: an ODT file is a ZIP archive",
        ),
        ("strategi.pdf", "This file is named .pdf but is not a PDF: it does not begin like a PDF"),
        ("notat.rtf", "This file is named .rtf but is not an RTF document"),
    ],
)
def test_binary_bytes_under_a_document_name_are_refused_for_what_they_are(name, start):
    garbage = bytes(range(256)) * 40

    assert refusal(garbage, name).startswith(start)
    with pytest.raises(IngestError, match="is not"):
        sniff_type(garbage, name)


def test_text_named_docx_is_read_as_text_not_refused_for_its_encoding():
    extraction = extract("Et kort notat om skolen.".encode("cp1252"), "notat.docx")

    assert extraction.text == "Et kort notat om skolen."
    assert str(extraction.warnings[0]).startswith("This file is plain text, not a DOCX document")


def test_docx_zip_bomb_by_ratio_is_refused_before_extraction():
    assert "zip bomb" in refusal(samples.docx_zip_bomb(uncompressed_mb=20), "bombe.docx")


def test_docx_zip_bomb_by_total_size_is_refused():
    assert "zip bomb" in refusal(samples.docx_zip_bomb(), "bombe.docx")


def test_truncated_docx():
    data = samples.norwegian_docx()

    assert "damaged or incomplete" in refusal(data[: len(data) // 2], "kuttet.docx")


def test_zip_with_docx_name_but_no_document_inside():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bilder/foto.jpg", b"\xff\xd8\xff")

    assert refusal(buffer.getvalue(), "rapport.docx").startswith("This file is a ZIP archive")


def test_old_word_format_is_refused_with_advice():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500

    assert "save it as an unprotected DOCX" in refusal(ole, "gammel.docx")


def test_image_is_refused():
    assert refusal(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "skann.pdf").startswith(
        "This file is a PNG image"
    )


def test_unknown_encoding():
    message = refusal(samples.unknown_encoding_bytes(), "notat.txt")

    assert message == (
        "The text encoding of this file could not be recognised. Please save it as UTF-8 and "
        "upload it again."
    )


def test_file_with_only_whitespace_has_no_text():
    assert refusal(b"  \r\n\t \n", "blank.txt") == "No text was found in this file."


def test_sniff_type_uses_content_before_extension():
    assert sniff_type(samples.norwegian_odt(), "plan.docx") == "odt"
    assert sniff_type(samples.norwegian_docx(), "plan.odt") == "docx"
    assert sniff_type(samples.norwegian_rtf(), "plan.txt") == "rtf"
    assert sniff_type(samples.norwegian_html(), "side.txt") == "html"
    assert sniff_type(b"# Tittel", "notat.markdown") == "md"
    assert sniff_type(b"ren tekst", "uten-endelse") == "txt"


VALID = {
    "pdf": samples.norwegian_strategy_pdf(3),
    "docx": samples.norwegian_docx(),
    "odt": samples.norwegian_odt(),
    "rtf": samples.norwegian_rtf(),
    "html": samples.norwegian_html(),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(sorted(VALID)),
    cut=st.floats(min_value=0.0, max_value=1.0),
    flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=8),
)
def test_damaged_files_raise_ingest_error_or_extract_never_anything_else(kind, cut, flips):
    data = bytearray(VALID[kind])
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    data = bytes(data[: max(1, int(len(data) * cut))])

    try:
        extraction = extract(data, f"fil.{kind}")
    except IngestError as error:
        assert str(error).endswith(".")
    else:
        assert extraction.text.strip()


@settings(max_examples=60, deadline=None)
@given(data=st.binary(min_size=1, max_size=2000), extension=st.sampled_from(["txt", "md", "pdf"]))
def test_arbitrary_bytes_raise_ingest_error_or_extract(data, extension):
    with contextlib.suppress(IngestError):
        extract(data, f"fil.{extension}")
