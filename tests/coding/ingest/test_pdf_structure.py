"""PDF pages: running headers and footers dropped, offsets exact, hyphens joined, columns."""

import pytest

from coding.ingest import extract
from tests import samples


@pytest.fixture(scope="module")
def strategy():
    return extract(samples.norwegian_strategy_pdf(12, scanned_pages=(7,)), "strategi.pdf")


def test_running_header_and_page_number_footers_are_dropped(strategy):
    assert samples.HEADER not in strategy.text
    assert "Side " not in strategy.text
    text_pages = [n for n in range(1, 13) if n != 7]
    assert [(line.page, line.text) for line in strategy.removed_lines] == [
        pair for n in text_pages for pair in ((n, samples.HEADER), (n, f"Side {n} av 12"))
    ]


def test_pages_tile_the_text_without_gaps_or_overlaps(strategy):
    assert [number for number, _, _ in strategy.pages] == list(range(1, 13))
    assert strategy.pages[0][1] == 0
    assert strategy.pages[-1][2] == len(strategy.text)
    for (_, _, end), (_, start, _) in zip(strategy.pages, strategy.pages[1:], strict=False):
        assert end == start


def test_each_page_slice_is_that_pages_text(strategy):
    for number, start, end in strategy.pages:
        page = strategy.text[start:end]
        if number == 7:
            assert page == ""
            continue
        assert page.startswith(f"{number}. {samples.topic_for_page(number)}\n\n")
        assert page.strip() == page.rstrip("\n")
        assert strategy.page_at(start) == number


def test_blank_line_between_pages_belongs_to_the_earlier_page(strategy):
    _, start, end = strategy.pages[0]

    assert strategy.text[start:end].endswith(".\n\n")


def test_page_without_text_layer_is_a_warning(strategy):
    assert [str(w) for w in strategy.warnings] == [
        "Pages with no text layer (a scanned image or a blank page), so no text was taken from "
        "them: 7."
    ]


def test_hyphenation_across_lines_is_joined_and_compound_hyphens_kept(strategy):
    assert samples.HYPHENATED_JOINED in strategy.text
    assert "digitali-" not in strategy.text


def test_paragraphs_are_separated_by_blank_lines(strategy):
    paragraphs = [strategy.text[s:e] for s, e in strategy.paragraphs]

    assert "1. Innbyggeren i sentrum" in paragraphs
    assert samples.HYPHENATED_JOINED in paragraphs
    assert samples.PARAGRAPHS[3] in paragraphs
    assert all("\n" not in paragraph for paragraph in paragraphs)


def test_paragraphs_stay_within_pages(strategy):
    for start, end in strategy.paragraphs:
        assert strategy.page_at(end - 1) == strategy.page_at(start)
    page_starts = {start for _, start, end in strategy.pages if end > start}
    assert page_starts <= {start for start, _ in strategy.paragraphs}


def test_two_column_page_reads_left_column_before_right(strategy):
    text = strategy.text
    _, start, end = strategy.pages[1]
    page = text[start:end]

    left_start = page.index("Venstre spalte handler om innbyggerdialog")
    left_end = page.index("Slutten på venstre spalte.")
    right_start = page.index("Høyre spalte handler om datadeling")
    assert left_start < left_end < right_start < page.index("Slutten på høyre spalte.")


def test_long_pdf_keeps_every_page():
    extraction = extract(samples.norwegian_strategy_pdf(40), "lang.pdf")

    assert len(extraction.pages) == 40
    assert all(end > start for _, start, end in extraction.pages)
    assert "Side " not in extraction.text
