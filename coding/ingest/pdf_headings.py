"""Headings in PDFs, found by font size and weight while pypdf extracts the text.

A PDF has no paragraphs, only positioned lines, so a heading set in a larger or bold font
would otherwise be rejoined with the sentence before or after it ("…solutions. 2 Focus
areas"). pypdf reports each piece of text with its font and size; a line whose every piece is
clearly larger than the body text (or bold where the body is not) and short is a heading. The
page text then gets blank lines around it, so it stays its own paragraph.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# Larger than the body text by this factor: a heading, not a body line in a slightly odd font.
HEADING_SIZE_FACTOR = 1.15
HEADING_MAX_LENGTH = 120
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


@dataclass
class FontLine:
    """One extracted line with the sizes and boldness of its characters."""

    text: str = ""
    sizes: list[float] = field(default_factory=list)
    bold: list[bool] = field(default_factory=list)


class LineCollector:
    """A pypdf ``visitor_text``: rebuilds the page's lines with their fonts."""

    def __init__(self) -> None:
        self.lines: list[FontLine] = [FontLine()]

    def __call__(self, text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]) or 1.0
        name = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
        bold = bool(_BOLD.search(name))
        for index, part in enumerate(text.split("\n")):
            if index:
                self.lines.append(FontLine())
            line = self.lines[-1]
            line.text += part
            visible = sum(1 for char in part if not char.isspace())
            line.sizes.extend([round(size * scale, 1)] * visible)
            line.bold.extend([bold] * visible)


# A size that holds this share of the characters is body text, however large it is.
BODY_SHARE = 0.25


def body_style(pages: list[LineCollector]) -> tuple[float, bool]:
    """The body text's size (the largest size holding a good share of the characters, so that
    small running headers and footnotes never make the body look like headings) and whether
    most characters are bold."""
    sizes: Counter[float] = Counter()
    bold: Counter[bool] = Counter()
    for page in pages:
        for line in page.lines:
            sizes.update(line.sizes)
            bold.update(line.bold)
    if not sizes:
        return 0.0, False
    total = sum(sizes.values())
    body = max(size for size, count in sizes.items() if count >= BODY_SHARE * total)
    return body, bold.most_common(1)[0][0]


def heading_lines(page: LineCollector, body: tuple[float, bool]) -> list[tuple[str, float]]:
    """(text, size) of the page's heading lines, in order."""
    body_size, body_bold = body
    found = []
    for line in page.lines:
        text = _SPACE.sub(" ", line.text).strip()
        if not text or not line.sizes or len(text) > HEADING_MAX_LENGTH:
            continue
        if not any(char.isalpha() for char in text) or text.endswith(("-", "\u2010")):
            continue
        larger = min(line.sizes) >= body_size * HEADING_SIZE_FACTOR
        bolder = not body_bold and all(line.bold) and min(line.sizes) >= body_size
        if larger or (bolder and not text.endswith((".", ",", ";"))):
            found.append((text, max(line.sizes)))
    return found


def set_apart(page_text: str, headings: list[str]) -> str:
    """Put blank lines around each heading line of the extracted page text."""
    if not headings:
        return page_text
    wanted = list(headings)
    out: list[str] = []
    previous = ""
    for line in page_text.split("\n"):
        continues = previous.rstrip().endswith(("-", "\u2010"))  # the end of a split word
        previous = line
        if wanted and not continues and _SPACE.sub(" ", line).strip() == wanted[0]:
            wanted.pop(0)
            out.extend(["", line, ""])
        else:
            out.append(line)
    return "\n".join(out)


def levels(sizes: list[float]) -> dict[float, int]:
    """Heading level by size: the largest size is level 1 (at most six levels)."""
    return {size: min(rank, 6) for rank, size in enumerate(sorted(set(sizes), reverse=True), 1)}
