"""Carry offsets from one version of a document's text to the next.

When a coded document gets a new text (running lines restored, a pseudonymised copy), every
excerpt must point at the same words in the new text. The two texts are compared word by word
(difflib on words and punctuation; spacing and line breaks are ignored, because a restored line
also changes where paragraphs break). Each word the texts share maps to its place in the new
text. A span's start moves to where its first kept word starts, its end to where its last kept
word ends. The caller compares each moved excerpt's words with the new text and flags the ones
that no longer match, so an excerpt is never silently shifted onto other words.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher

_WORDS = re.compile(r"\w+|[^\w\s]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class OffsetMap:
    """The words both texts share: their (start, end) in the old text and start in the new."""

    old_starts: tuple[int, ...]
    old_ends: tuple[int, ...]
    new_starts: tuple[int, ...]
    new_length: int

    def start(self, offset: int) -> int:
        """Where a span starting at ``offset`` starts in the new text."""
        index = bisect_right(self.old_starts, offset) - 1
        if index >= 0 and offset < self.old_ends[index]:
            return self.new_starts[index] + offset - self.old_starts[index]
        # Space or removed words: start at the next kept word.
        following = index + 1
        return self.new_starts[following] if following < len(self.new_starts) else self.new_length

    def end(self, offset: int) -> int:
        """Where a span ending at ``offset`` (exclusive) ends in the new text."""
        index = bisect_left(self.old_starts, offset) - 1
        if index < 0:
            return 0
        inside = min(offset, self.old_ends[index]) - self.old_starts[index]
        return self.new_starts[index] + inside

    def move(self, start: int, end: int) -> tuple[int, int]:
        new_start = self.start(start)
        return new_start, max(new_start, self.end(end))


def offset_map(old: str, new: str) -> OffsetMap:
    """The map from offsets in ``old`` to offsets in ``new``."""
    old_words = [(m.start(), m.end()) for m in _WORDS.finditer(old)]
    new_matches = list(_WORDS.finditer(new))
    new_words = [m.start() for m in new_matches]
    matcher = SequenceMatcher(None, [old[a:b] for a, b in old_words], [m[0] for m in new_matches])
    kept: list[tuple[int, int, int]] = []
    for a, b, size in matcher.get_matching_blocks():
        kept.extend((*old_words[a + k], new_words[b + k]) for k in range(size))
    return OffsetMap(
        old_starts=tuple(start for start, _, _ in kept),
        old_ends=tuple(end for _, end, _ in kept),
        new_starts=tuple(new_start for _, _, new_start in kept),
        new_length=len(new),
    )


def same_words(a: str, b: str) -> bool:
    """Whether two passages hold the same words, whatever the spacing and line breaks."""
    return _SPACE.sub(" ", a).strip() == _SPACE.sub(" ", b).strip()
