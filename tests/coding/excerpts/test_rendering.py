"""The segment renderer: every text node starts at a known code point, markers carry no text."""

import re
from html import unescape

from coding.excerpts.rendering import Span, render_text


def _segments(html: str) -> list[tuple[int, str, str]]:
    pattern = r'<span class="([^"]*)" data-start="(\d+)"(?: data-ex="([^"]*)")?>([^<]*)</span>'
    return [
        (int(start), unescape(text), ids) for _cls, start, ids, text in re.findall(pattern, html)
    ]


def test_segments_tile_the_text_and_start_at_their_code_point():
    text = "Æ 🚲 e\u0301 <b>&\nslutt"
    html = render_text(text, spans=[Span(1, 2, 3, "a"), Span(2, 0, 5, "b")])
    segments = _segments(html)
    assert "".join(piece for _s, piece, _i in segments) == text
    for start, piece, _ids in segments:
        assert text[start : start + len(piece)] == piece
    assert "<b>" not in html  # escaped


def test_overlapping_and_nested_excerpts_list_every_covering_excerpt():
    text = "abcdefghij"
    html = render_text(text, spans=[Span(1, 0, 6), Span(2, 2, 4), Span(3, 5, 9)])
    covering = {start: set(ids.split()) if ids else set() for start, _p, ids in _segments(html)}
    assert covering == {
        0: {"1"},
        2: {"1", "2"},
        4: {"1"},
        5: {"1", "3"},
        6: {"3"},
        9: set(),
    }


def test_markers_are_empty_elements_outside_the_text():
    text = "Intervjuer: Hei.\n\nSvar: Ja.\n\nSide to."
    html = render_text(
        text,
        spans=[Span(7, 0, 3, "00000000-0000-0000-0000-000000000001")],
        paragraphs=[[0, 16], [18, 27], [29, 37]],
        pages=[[1, 0, 29], [2, 29, 37]],
        turns=[{"start": 0, "end": 16, "speaker": "Intervjuer", "body_start": 12}],
    )
    assert 'data-para="3"' in html and 'data-page="2"' in html
    assert 'id="excerpt-00000000-0000-0000-0000-000000000001"' in html
    assert 'class="seg speaker hl"' in html
    stripped = re.sub(r"<[^>]+>", "", html)
    assert unescape(stripped) == text


def test_empty_document_still_has_a_segment():
    assert 'data-start="0"' in render_text("")
