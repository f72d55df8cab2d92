"""The reading view's HTML from offsets (no database)."""

from __future__ import annotations

import re
import time
from html import unescape

from coding.documents.reading import reading_html, speaker_summary
from coding.ingest import extract
from tests import samples


def _paragraph_texts(html: str) -> list[str]:
    bodies = re.findall(r'<p class="doc-para"[^>]*>(.*?)</p>', html, flags=re.S)
    return [unescape(re.sub(r"<[^>]+>", "", body)) for body in bodies]


def test_each_paragraph_holds_exactly_its_slice_of_the_text():
    text = "Første <avsnitt> & mer.\n\nAndre avsnitt 👩‍👩‍👧 på side to.\n\nTredje."
    paragraphs = [[m.start(), m.end()] for m in re.finditer(r"[^\n]+", text)]
    pages = [[1, 0, paragraphs[1][0]], [2, paragraphs[1][0], len(text)]]
    html = reading_html(text=text, pages=pages, paragraphs=paragraphs, turns=[])
    assert _paragraph_texts(html) == [text[s:e] for s, e in paragraphs]
    assert "&lt;avsnitt&gt; &amp;" in html
    assert html.index('id="page-1"') < html.index('id="para-1"') < html.index('id="page-2"')
    assert html.index('id="page-2"') < html.index('id="para-2"')
    assert 'data-number="3"' in html and f'data-start="{paragraphs[2][0]}"' in html


def test_a_page_break_inside_a_paragraph_becomes_an_inline_marker():
    text = "En lang setning som fortsetter på neste side."
    html = reading_html(
        text=text, pages=[[1, 0, 20], [2, 20, len(text)]], paragraphs=[[0, len(text)]], turns=[]
    )
    assert 'class="doc-page-inline" id="page-2" data-label="Page 2"' in html
    assert _paragraph_texts(html) == [text]


def test_speaker_labels_are_marked_in_a_transcript():
    extraction = extract(samples.interview_transcript_txt(), "intervju.txt")
    turns = [
        {
            "start": t.start,
            "end": t.end,
            "speaker": t.speaker,
            "timestamp": t.timestamp,
            "body_start": t.body_start,
        }
        for t in extraction.turns
    ]
    html = reading_html(
        text=extraction.text,
        pages=[list(p) for p in extraction.pages],
        paragraphs=[list(p) for p in extraction.paragraphs],
        turns=turns,
    )
    speakers = re.findall(r'<strong class="doc-speaker" id="turn-\d+" data-speaker="([^"]+)"', html)
    assert speakers == samples.TRANSCRIPT_SPEAKERS
    assert html.count("<strong") == html.count("</strong>")
    assert "".join(_paragraph_texts(html)).replace("\n", "") in extraction.text.replace("\n", "")
    assert speaker_summary(turns)[0] == ("Intervjuer", 2)


def test_a_label_left_open_at_a_paragraph_end_is_closed():
    text = "Kari: hei\n\npå deg"
    turns = [{"start": 0, "end": len(text), "speaker": "Kari", "body_start": 12}]
    html = reading_html(text=text, pages=[], paragraphs=[[0, 9], [11, 17]], turns=turns)
    assert html.count("<strong") == html.count("</strong>") == 1


def test_a_large_transcript_renders_quickly():
    line = "Informant 2: Vi startet med digitalt tilsyn, og nå har over hundre brukere det.\n"
    text = "\n".join(line * 3 for _ in range(6000))  # about 1.5 MB
    paragraphs = [[m.start(), m.end()] for m in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text)]
    turns = [
        {"start": m.start(), "end": m.end(), "speaker": "Informant 2", "body_start": m.start() + 13}
        for m in re.finditer(r"[^\n]+", text)
    ]
    pages = [
        [n + 1, n * 15000, min((n + 1) * 15000, len(text))] for n in range(len(text) // 15000 + 1)
    ]
    started = time.perf_counter()
    html = reading_html(text=text, pages=pages, paragraphs=paragraphs, turns=turns)
    elapsed = time.perf_counter() - started
    assert len(text) > 1_400_000
    assert html.count("<strong") == len(turns)
    assert elapsed < 2.0, f"rendering took {elapsed:.2f} s"
