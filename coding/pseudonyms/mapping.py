"""Replace identifying strings in a text and carry offsets onto the new text (pure: no Django).

A project keeps a list of identifying strings ("Kari Nordmann") with their replacements
("Informant 1"). `pseudonymise(text, replacements)` finds every whole-word, case-insensitive
occurrence (the longest string wins where two overlap), replaces it, and returns the new text
with the spans it replaced, which is all an offset map needs: outside a replaced span an offset
shifts by what the replacements before it added or removed; inside one it moves to the edge of
the replacement, so an excerpt that covered part of "Kari Nordmann" covers all of "Informant 1"
(an excerpt never keeps half a name, and never loses the words around it).

A replacement can make a new occurrence out of its neighbours ("Kari" -> "Informant" next to
"Nordmann" when "Informant Nordmann" is listed too), so the text is replaced again until nothing
is found, and the passes' maps are chained. A list that never settles (which `list_problems`
refuses up front in the usual cases: a replacement holding an identifying string) raises
`NeverSettles`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# A list that still finds identifying strings after this many passes is refused.
MAX_PASSES = 8


class NeverSettles(ValueError):
    """Replacing keeps producing identifying strings (e.g. "A" -> "B" and "B" -> "A")."""


@dataclass(frozen=True)
class Replacement:
    original: str
    replacement: str


@dataclass(frozen=True)
class Pass:
    """One pass of replacements: the replaced spans in the old text and their new spans."""

    old_starts: tuple[int, ...]
    old_ends: tuple[int, ...]
    new_starts: tuple[int, ...]
    new_ends: tuple[int, ...]

    def start(self, offset: int) -> int:
        """Where a span that starts at ``offset`` starts in the new text."""
        i = bisect_right(self.old_starts, offset) - 1
        if i < 0:
            return offset
        if offset < self.old_ends[i]:  # at or inside a replaced string: its replacement's start
            return self.new_starts[i]
        return self.new_ends[i] + offset - self.old_ends[i]

    def end(self, offset: int) -> int:
        """Where a span that ends at ``offset`` (exclusive) ends in the new text."""
        i = bisect_right(self.old_starts, offset - 1) - 1
        if i < 0:
            return offset
        if offset <= self.old_ends[i]:  # ends inside a replaced string: its replacement's end
            return self.new_ends[i]
        return self.new_ends[i] + offset - self.old_ends[i]


@dataclass(frozen=True)
class Pseudonymised:
    """The new text and the passes that made it (apply them in order to move an offset)."""

    text: str
    passes: tuple[Pass, ...]
    replaced: int  # how many strings were replaced, over all passes

    def move(self, start: int, end: int) -> tuple[int, int]:
        """Where the span [start, end) is in the new text, widened over replaced strings."""
        for step in self.passes:
            start, end = step.start(start), step.end(end)
        return start, max(start, end)

    @property
    def changed(self) -> bool:
        return bool(self.passes)


def _originals(replacements: Iterable[Replacement]) -> list[Replacement]:
    """The entries to look for, longest first; of two equal but for case, the first listed."""
    seen: dict[str, Replacement] = {}
    for r in replacements:
        if r.original.strip():
            seen.setdefault(r.original.casefold(), r)
    return sorted(seen.values(), key=lambda r: (-len(r.original), r.original))


def pattern(replacements: Iterable[Replacement]) -> re.Pattern[str] | None:
    """One regular expression finding every identifying string, longest first; the group
    that matched (1, 2, ...) is the entry's place in `_originals`."""
    parts = []
    for r in _originals(replacements):
        left = r"(?<!\w)" if re.match(r"\w", r.original) else ""
        right = r"(?!\w)" if re.search(r"\w$", r.original) else ""
        parts.append(f"{left}({re.escape(r.original)}){right}")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def find(text: str, replacements: Sequence[Replacement]) -> list[tuple[int, int]]:
    """The spans of identifying strings in ``text`` (left to right, never overlapping)."""
    found = pattern(replacements)
    return [m.span() for m in found.finditer(text)] if found else []


def _one_pass(text: str, found: re.Pattern[str], lookup: list[str]) -> tuple[str, Pass]:
    pieces: list[str] = []
    old_starts, old_ends, new_starts, new_ends = [], [], [], []
    last = length = 0
    for match in found.finditer(text):
        a, b = match.span()
        pieces.append(text[last:a])
        length += a - last
        replacement = lookup[(match.lastindex or 1) - 1]
        old_starts.append(a)
        old_ends.append(b)
        new_starts.append(length)
        pieces.append(replacement)
        length += len(replacement)
        new_ends.append(length)
        last = b
    pieces.append(text[last:])
    step = Pass(tuple(old_starts), tuple(old_ends), tuple(new_starts), tuple(new_ends))
    return "".join(pieces), step


def pseudonymise(text: str, replacements: Sequence[Replacement]) -> Pseudonymised:
    """Replace every identifying string in ``text``; see the module docstring."""
    found = pattern(replacements)
    if found is None:
        return Pseudonymised(text, (), 0)
    lookup = [r.replacement for r in _originals(replacements)]
    passes: list[Pass] = []
    replaced = 0
    for _number in range(MAX_PASSES):
        text, step = _one_pass(text, found, lookup)
        if not step.old_starts:
            return Pseudonymised(text, tuple(passes), replaced)
        passes.append(step)
        replaced += len(step.old_starts)
    raise NeverSettles("replacing never stops finding identifying strings")


def list_problems(replacements: Sequence[Replacement]) -> list[str]:
    """Why a list cannot be applied, in sentences (empty when it can)."""
    problems = []
    found = pattern(replacements)
    for r in replacements:
        if not r.original.strip():
            problems.append("An identifying string is empty.")
        elif not r.replacement.strip():
            problems.append(f"“{r.original}” has no replacement.")
        elif found and found.search(r.replacement):
            problems.append(
                f"The replacement “{r.replacement}” itself contains an identifying string."
            )
    return problems


def list_check(replacements: Sequence[Replacement], candidate: Replacement) -> str | None:
    """Why ``candidate`` cannot join the list (a sentence), or None."""
    everything = [*replacements, candidate]
    if any(r.original.casefold() == candidate.original.casefold() for r in replacements):
        return f"“{candidate.original}” is already on the list."
    problems = list_problems(everything)
    if problems:
        return problems[0]
    for r in replacements:  # an older entry's replacement must not become identifying
        if find(r.replacement, [candidate]):
            return f"“{candidate.original}” appears in the replacement “{r.replacement}”."
    return None
