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


def _chunks(html: str) -> list[str]:
    chunk = r'<div class="chunk" data-lines="\d+" translate="no">(.*?)</div>'
    return re.findall(chunk, html, flags=re.S)


def test_long_texts_are_cut_into_chunks_just_after_line_breaks(monkeypatch):
    monkeypatch.setattr("coding.excerpts.rendering.CHUNK_CHARS", 10)
    text = "Første avsnitt om æøå.\nAndre 🚲 avsnitt.\n\nTredje e\u0301 avsnitt uten slutt"
    html = render_text(text, spans=[Span(1, 5, 30, mine=True, colour=4)])
    chunks = _chunks(html)
    assert len(chunks) == 3
    pieces = [unescape(re.sub(r"<[^>]+>", "", chunk)) for chunk in chunks]
    assert "".join(pieces) == text
    assert all(piece.endswith("\n") for piece in pieces[:-1])  # no visible line is split
    # A segment never crosses a chunk: the excerpt continues in the next chunk's segments.
    assert all(_segments(chunk) for chunk in chunks)
    assert _segments(html)[1][0] == 5


def test_short_text_is_one_chunk_with_a_line_estimate():
    html = render_text("kort\n" + "x" * 200)
    assert html.startswith('<div class="chunk" data-lines="4" translate="no">')
    assert html.endswith("</div>")
    assert len(_chunks(html)) == 1


def test_highlight_classes_come_from_the_server():
    text = "abcdefghij"
    html = render_text(
        text,
        spans=[
            Span(1, 0, 8, mine=True, colour=11),
            Span(2, 2, 4, mine=True, colour=12),  # innermost: its colour wins
            Span(3, 3, 9, layer=1),
            Span(4, 5, 6, layer=7),  # more than five overlaid coders share the last pattern
        ],
    )
    classes = {
        int(start): cls
        for cls, start in re.findall(r'<span class="([^"]*)" data-start="(\d+)"', html)
    }
    assert classes[0] == "seg hl mine c11"
    assert classes[2] == "seg hl mine overlap c12"
    assert classes[3] == "seg hl mine overlap c12 layer-1"
    assert classes[5] == "seg hl mine c11 layer-1 layer-5"
    assert classes[8] == "seg hl layer-1"
    assert classes[9] == "seg"
