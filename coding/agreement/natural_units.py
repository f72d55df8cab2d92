"""Split a document into natural units (paragraphs, sentences) as ``(start, end)`` offsets.

Deliberately simple, documented rules, so coders can predict the units:

* Paragraph: a maximal stretch of text between blank lines (a line break, optional
  whitespace, another line break; CRLF included). Leading/trailing whitespace is trimmed.
* Sentence: inside each paragraph, text up to and including a run of ``.``, ``!``, ``?`` or
  ``…`` (plus closing quotes or brackets) that is followed by whitespace or the paragraph's
  end. Abbreviations such as "e.g. " therefore end a sentence; that is the price of rules a
  researcher can check by eye.

Offsets are code points into the given text, 0-based, end-exclusive, like excerpts.
"""

from __future__ import annotations

import re

_BLANK_LINE = re.compile(r"\r?\n[ \t\f\v]*\r?\n\s*")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return None
    lead = len(chunk) - len(chunk.lstrip())
    return (start + lead, start + lead + len(stripped))


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph offsets: text separated by blank lines, whitespace trimmed."""
    units: list[tuple[int, int]] = []
    pos = 0
    for match in _BLANK_LINE.finditer(text):
        if (unit := _trimmed(text, pos, match.start())) is not None:
            units.append(unit)
        pos = match.end()
    if (unit := _trimmed(text, pos, len(text))) is not None:
        units.append(unit)
    return units


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence offsets within paragraphs (a sentence never crosses a blank line)."""
    units: list[tuple[int, int]] = []
    for p_start, p_end in split_paragraphs(text):
        pos = p_start
        for match in _SENTENCE_END.finditer(text, p_start, p_end):
            if (unit := _trimmed(text, pos, match.end())) is not None:
                units.append(unit)
            pos = match.end()
        if (unit := _trimmed(text, pos, p_end)) is not None:
            units.append(unit)
    return units
