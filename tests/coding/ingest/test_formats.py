"""Each supported format reads into normalized text with the expected structure."""

import unicodedata

import pytest

from coding.ingest import extract
from tests import samples


def assert_well_formed(extraction):
    text = extraction.text
    assert unicodedata.is_normalized("NFC", text)
    assert "\r" not in text
    assert "\n\n\n" not in text
    assert text == text.strip()
    assert extraction.pages[0][1] == 0
    assert extraction.pages[-1][2] == len(text)
    for (_, _, end), (_, start, _) in zip(extraction.pages, extraction.pages[1:], strict=False):
        assert end == start
    for start, end in extraction.paragraphs:
        assert 0 <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()


def test_pdf_reads_text_title_and_author():
    extraction = extract(samples.norwegian_strategy_pdf(4), "strategi.pdf")

    assert extraction.file_type == "pdf"
    assert extraction.title == samples.PDF_TITLE
    assert extraction.metadata["author"] == samples.AUTHOR
    assert [number for number, _, _ in extraction.pages] == [1, 2, 3, 4]
    assert "2. Ledelse og styring" in extraction.text
    assert extraction.warnings == []
    assert_well_formed(extraction)


def test_docx_reads_headings_paragraphs_lists_and_tables_in_order():
    extraction = extract(samples.norwegian_docx(), "strategi.docx")

    assert extraction.file_type == "docx"
    assert extraction.title == samples.PDF_TITLE
    assert extraction.metadata["author"] == samples.AUTHOR
    text = extraction.text
    assert text.startswith("Digitalisering i Bjørkvik\n\n" + samples.PARAGRAPHS[0])
    assert "Satsingen på e-helse fortsetter." in text
    assert text.index("Digitalt tilsyn") < text.index(samples.PARAGRAPHS[3])
    assert "Tiltak\nAnsvar" in text
    assert len(extraction.pages) == 1
    assert_well_formed(extraction)


def test_odt_reads_heading_paragraphs_list_and_metadata():
    extraction = extract(samples.norwegian_odt(), "plan.odt")

    assert extraction.file_type == "odt"
    assert extraction.title == "Handlingsplan for digitalisering"
    assert extraction.metadata == {"author": "Åse Ødegård", "created": "2024-03-01T10:00:00"}
    assert extraction.text.startswith("Handlingsplan for Bjørkvik\n\n" + samples.PARAGRAPHS[4])
    assert extraction.text.endswith("Digitalt tilsyn i hjemmetjenesten\n\nNy løsning for e-helse")
    assert_well_formed(extraction)


def test_rtf_decodes_codepage_escapes_and_info_group():
    extraction = extract(samples.norwegian_rtf(), "strategi.rtf")

    assert extraction.file_type == "rtf"
    assert extraction.title == "Strategi for Bjørkvik"
    assert extraction.metadata == {"author": "Åse Ødegård"}
    assert extraction.text == (
        "Digitalisering i Bjørkvik\n\n"
        "Kommunen vil styrke samarbeidet om e-helse og velferdsteknologi.\n\n"
        "Særlig viktig er at tjenestene er universelt utformet, så ingen faller utenfor."
    )
    assert len(extraction.paragraphs) == 3


def test_markdown_is_rendered_to_plain_paragraphs_with_front_matter_title():
    extraction = extract(samples.norwegian_markdown(), "notat.md")

    assert extraction.file_type == "md"
    assert extraction.title == "Notat om digital samhandling"
    assert extraction.metadata == {"author": "Åse Ødegård", "created": "2024-02-10"}
    assert extraction.text == (
        "Digital samhandling\n\n"
        "Kommunen skal styrke samarbeidet med fastlegene om e-helse.\n\n"
        "Felles journalløsning\n\nBedre meldingsflyt\n\n"
        "Neste steg\n\nVi evaluerer tiltakene høsten 2025."
    )


def test_html_drops_head_scripts_and_comments_and_keeps_blocks():
    extraction = extract(samples.norwegian_html(), "side.html")

    assert extraction.file_type == "html"
    assert extraction.title == "Åpne data i Bjørkvik"
    assert extraction.metadata == {"author": "Bjørkvik kommune"}
    assert extraction.text == (
        "Åpne data\n\n"
        "Kommunen publiserer data om kollektivtrafikk og luftkvalitet.\n\n"
        "Alle kan bruke dataene fritt.\nLisensen er åpen.\n\n"
        "Sanntidsdata\n\nHistoriske målinger"
    )


def test_txt_title_defaults_to_the_file_name_stem():
    extraction = extract(samples.norwegian_txt(), "C:\\Users\\kari\\Notat om åpne data.txt")

    assert extraction.title == "Notat om åpne data"
    assert extraction.file_type == "txt"
    assert_well_formed(extraction)


EXPECTED_TEXT = samples.NORWEGIAN_TEXT.strip()


@pytest.mark.parametrize(
    ("encoding", "bom", "detected"),
    [
        ("utf-8", False, "utf-8"),
        ("utf-8", True, "utf-8"),
        ("utf-16", False, "utf-16"),
        ("utf-16-be", False, "utf_16_be"),
        ("cp1252", False, "cp1252"),
    ],
)
def test_txt_encodings_are_detected(encoding, bom, detected):
    data = samples.norwegian_txt(encoding, bom=bom)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
        detected = "utf-16"

    extraction = extract(data, "notat.txt")

    assert extraction.encoding == detected
    assert extraction.text == EXPECTED_TEXT
    assert extraction.paragraphs == [(0, 25), (27, 179), (181, 316)]


def test_latin1_text_with_norwegian_letters_reads_correctly():
    extraction = extract(samples.norwegian_txt("latin-1"), "notat.txt")

    assert extraction.encoding in ("cp1252", "latin_1", "iso8859_15")
    assert extraction.text == EXPECTED_TEXT.replace("–", "-")


def test_short_cp1252_text_is_not_mistaken_for_central_european():
    data = "Søknad om støtte til økt digitalisering på Ålesund rådhus".encode("cp1252")

    extraction = extract(data, "kort.txt")

    assert extraction.text == "Søknad om støtte til økt digitalisering på Ålesund rådhus"


def test_crlf_and_decomposed_letters_are_normalized():
    data = "Tromso\u0308 og Ba\u030aru\r\n\r\nNeste avsnitt\r\n".encode()

    extraction = extract(data, "notat.txt")

    assert extraction.text == "Tromsø og Båru\n\nNeste avsnitt".replace("ø", "\u00f6")


def test_form_feeds_in_text_mark_pages():
    data = "Første side.\fAndre side.\fTredje side.".encode()

    extraction = extract(data, "sider.txt")

    assert [extraction.text[s:e].strip() for _, s, e in extraction.pages] == [
        "Første side.",
        "Andre side.",
        "Tredje side.",
    ]


def test_emoji_and_astral_characters_survive_with_code_point_offsets():
    data = "Innbyggerne 👍 liker løsningen.\n\nNeste 𝔸 avsnitt.".encode()

    extraction = extract(data, "emoji.txt")

    start, end = extraction.paragraphs[1]
    assert extraction.text[start:end] == "Neste 𝔸 avsnitt."


def test_progress_is_reported_per_pdf_page_and_ends_at_100():
    calls = []

    extract(samples.norwegian_strategy_pdf(5), "s.pdf", progress=lambda p, m: calls.append((p, m)))

    page_messages = [str(m) for _, m in calls if str(m).startswith("Read page")]
    assert page_messages == [f"Read page {n} of 5" for n in range(1, 6)]
    percents = [p for p, _ in calls]
    assert percents == sorted(percents)
    assert (calls[-1][0], str(calls[-1][1])) == (100, "Done")
