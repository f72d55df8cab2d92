"""Headings stay their own paragraphs; DOCX footnotes are text, comments and headers notes."""

import pytest

from coding.ingest import extract
from tests import samples

FULL = "Kommunen vil bruke felles løsninger der det gir bedre tjenester for alle innbyggere i"


def heading_texts(extraction):
    return [(extraction.text[start:end], level) for start, end, level in extraction.headings]


def paragraph_texts(extraction):
    return [extraction.text[start:end] for start, end in extraction.paragraphs]


def test_pdf_headings_set_in_a_larger_font_are_their_own_paragraphs():
    pages = [
        [
            FULL,
            "hele kommunen og i regionen, med nye digitale løsninger.",
            ("heading", "2 Fokus"),
            FULL,
            "kommunen.",
            ("heading", "2.1 Ledelse og styring"),
            FULL,
            "hele regionen.",
        ],
        [FULL, "hele kommunen.", ("heading", "3 Gevinster"), FULL, "hele regionen."],
        [FULL, "hele kommunen.", ("heading", "4 Oppfølging"), FULL, "hele regionen."],
    ]
    data = samples.layout_pdf(pages, header="Rapport", footer="Side {page}")

    extraction = extract(data, "fokus.pdf")

    paragraphs = paragraph_texts(extraction)
    for heading in ("2 Fokus", "2.1 Ledelse og styring", "3 Gevinster", "4 Oppfølging"):
        assert heading in paragraphs
    assert heading_texts(extraction) == [
        ("2 Fokus", 1),
        ("2.1 Ledelse og styring", 1),
        ("3 Gevinster", 1),
        ("4 Oppfølging", 1),
    ]
    assert "med nye digitale løsninger." in paragraphs[0]


def test_pdf_heading_levels_follow_font_sizes():
    pages = [[FULL, "slutt.", ("heading", "Underkapittel"), FULL, "slutt."], [FULL, "slutt."]]
    data = samples.layout_pdf(pages, headings={1: "Kapittel", 2: "Kapittel to"})

    extraction = extract(data, "nivåer.pdf")

    assert heading_texts(extraction) == [("Kapittel", 1), ("Underkapittel", 2), ("Kapittel to", 1)]


def test_the_strategy_pdf_marks_each_page_heading():
    extraction = extract(samples.norwegian_strategy_pdf(4), "strategi.pdf")

    assert [text for text, _ in heading_texts(extraction)] == [
        f"{n}. {samples.topic_for_page(n)}" for n in range(1, 5)
    ]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("plan.odt", samples.norwegian_odt(), [("Handlingsplan for Bjørkvik", 1)]),
        ("notat.md", samples.norwegian_markdown(), [("Digital samhandling", 1), ("Neste steg", 2)]),
        ("data.html", samples.norwegian_html(), [("Åpne data", 1)]),
        ("strategi.docx", samples.norwegian_docx(), [("Digitalisering i Bjørkvik", 1)]),
    ],
)
def test_heading_styles_and_tags_become_headings(name, content, expected):
    extraction = extract(content, name)

    assert heading_texts(extraction) == expected
    for text, _ in expected:
        assert text in paragraph_texts(extraction)


def test_docx_footnote_follows_its_paragraph_and_comments_and_headers_are_notes():
    extraction = extract(samples.docx_with_notes(), "notater.docx")

    paragraphs = paragraph_texts(extraction)
    cited = paragraphs.index("Kommunen har 4 200 innbyggere.")
    assert paragraphs[cited + 1] == f"[1] {samples.FOOTNOTE}"
    assert samples.COMMENT not in extraction.text
    assert samples.DOCX_HEADER not in extraction.text and "Utkast 3" not in extraction.text
    assert [str(w) for w in extraction.warnings] == [
        f"Comment by Kari Nordmann (not part of the text): “{samples.COMMENT}”",
        f"Page header (not part of the text): “{samples.DOCX_HEADER}”",
        "Page footer (not part of the text): “Utkast 3”",
    ]
    assert heading_texts(extraction) == [("Innledning", 1), ("Mål", 2)]
