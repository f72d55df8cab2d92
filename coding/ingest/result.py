"""Plain data returned by ingestion: no behaviour, no Django."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coding.wording import Notice

from .running import RemovedLine


@dataclass(frozen=True)
class Turn:
    """One speaker turn, as code-point offsets into the normalized text (end exclusive).

    ``start`` is where the turn's line begins (timestamp or label included), ``body_start``
    where the spoken words begin, after the label and colon.
    """

    start: int
    end: int
    speaker: str
    timestamp: str | None = None
    body_start: int | None = None


@dataclass(frozen=True)
class RawDocument:
    """What a format reader hands to normalization: raw page texts plus what it learned."""

    pages: list[str]
    title: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[Notice] = field(default_factory=list)
    encoding: str | None = None
    # Line breaks inside paragraphs are layout, not meaning (PDF): rejoin them.
    reflow: bool = False
    # Pages come from a paged format: look for running headers and footers.
    paged: bool = False
    # Headings the reader recognised: (page index from 0, text, level from 1).
    headings: list[tuple[int, str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Extraction:
    """A normalized document.

    ``pages`` tile the text: the first starts at 0, each ends where the next starts, the last
    ends at ``len(text)``; the blank line between two pages belongs to the earlier page. A page
    without text has ``start == end``.
    """

    text: str
    file_type: str
    title: str
    pages: list[tuple[int, int, int]]
    paragraphs: list[tuple[int, int]]
    turns: list[Turn]
    warnings: list[Notice]
    encoding: str | None
    metadata: dict[str, Any]
    # Lines dropped as running headers and footers, with their pages (empty when kept).
    removed_lines: list[RemovedLine] = field(default_factory=list)
    running_lines_kept: bool = False
    # Paragraphs that are headings: (start, end, level), each also in ``paragraphs``.
    headings: list[tuple[int, int, int]] = field(default_factory=list)

    @property
    def characters(self) -> int:
        return len(self.text)

    def page_at(self, offset: int) -> int | None:
        """The page number that holds ``offset``, for citing an excerpt as "p. 12"."""
        for number, start, end in self.pages:
            if start <= offset < end:
                return number
        return None
