"""Running headers, footers and page numbers of paged documents: find them, drop them, say so.

A researcher codes the text Concord keeps, so a body line dropped by mistake is a sentence
nobody can code. The rules are therefore conservative:

- Only the first two and the last two *units* of a page are candidates. A unit is a line plus
  the lines joined to it by a word hyphenated across the break ("nærin-" / "gslivet"), so the
  continuation of a hyphenated word is never compared on its own.
- A candidate is running when the same unit stands at the same position on more than half of
  the pages with text (or on more than half of the odd or of the even pages, for books with
  left and right headers), and on at least three pages.
- Units are compared in lower case with spaces collapsed. Numbers are ignored only when they
  stand alone as page numbers do: in a line of nothing but page words and numbers ("Side 3 av
  12", "- 3 -", "3/9"), at the start or end of a short line ("Bjørkvik kommune 12"), or at the
  end of a longer one. "1.1 Kommunen" and "2.1 Kommunen", "3. Mål" and "4. Mål", "Tiltak 3
  gjelder" and "Tiltak 4 gjelder", and long lines that start with a number stay different.
- A unit longer than ``RUNNING_LINE_MAX_LENGTH`` is body text, however often it repeats.

Every dropped line is returned with its page number, so the document page can list it and the
user can read the document again without removal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RUNNING_LINE_EDGE = 2
RUNNING_LINE_MAX_LENGTH = 100
# In lines this short, a number that starts or ends the line is ignored; in longer lines only
# one that ends it. In a line of page words ("Side", "av", "of") every standalone one is.
PAGE_NUMBER_LINE_LENGTH = 40

_HYPHEN_END = re.compile(r"\w[-\u2010]$")
_WORD_START = re.compile(r"^[^\W\d_]")  # a letter: a lone "3" below "nærin-" is a page number
# A page number stands alone: not "1.1", not "3." (a list item), not "§ 12a", not "10:30".
_STANDALONE_NUMBER = re.compile(r"(?<![\w.,:])\d{1,4}(?:/\d{1,4})?(?![\w.])(?![,:]\w)")
_TRAILING_NUMBER = re.compile(r"(?<=\s)\d{1,4}$")
_EDGE_NUMBER = re.compile(r"^\d{1,4}(?=\s)|(?<=\s)\d{1,4}$")
_WORD = re.compile(r"[^\W\d_]+")
# Words that go with a page number; a line of only these and numbers is a page number line.
PAGE_WORDS = frozenset(
    [
        "side",
        "sida",
        "sidan",
        "page",
        "pages",
        "p",
        "s",
        "pp",
        "pg",
        "seite",
        "seiten",
        "sivu",
        "av",
        "of",
        "von",
        "de",
        "sur",
        "blad",
    ]
)
_ROMAN = re.compile(r"^[ivxlcdm]+$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class RemovedLine:
    """A line dropped as a running header or footer; ``page`` counts from 1."""

    page: int
    text: str


def signature(line: str) -> str:
    """What two running lines must share: the text, page numbers aside."""
    lowered = _SPACE.sub(" ", line.lower()).strip()
    if _ROMAN.match(lowered):
        return "#"
    if set(_WORD.findall(lowered)) <= PAGE_WORDS:  # "Side 3 av 12", "- 3 -", "3/9"
        return _STANDALONE_NUMBER.sub("#", lowered)
    if len(lowered) <= PAGE_NUMBER_LINE_LENGTH:  # "Bjørkvik kommune 12", "12 Bjørkvik kommune"
        return _EDGE_NUMBER.sub("#", lowered)
    return _TRAILING_NUMBER.sub("#", lowered)


def _units(lines: list[str]) -> list[list[int]]:
    """Indices of non-empty lines, grouped so that a hyphenated word's halves stay together."""
    units: list[list[int]] = []
    previous: int | None = None
    for index, line in enumerate(lines):
        if not line:
            previous = None
            continue
        joined = (
            previous is not None
            and _HYPHEN_END.search(lines[previous]) is not None
            and _WORD_START.match(line) is not None
        )
        if joined and units:
            units[-1].append(index)
        else:
            units.append([index])
        previous = index
    return units


def _unit_signature(lines: list[str], unit: list[int]) -> str | None:
    text = " ".join(lines[i] for i in unit)
    if len(text) > RUNNING_LINE_MAX_LENGTH:
        return None
    return signature(text)


Candidates = dict[tuple[str, str], list[int]]


def _candidates(lines: list[str]) -> Candidates:
    """(position, signature) of each edge unit of a page, to the unit's line indices."""
    units = _units(lines)
    found: Candidates = {}
    positions = [(f"top {n}", n) for n in range(RUNNING_LINE_EDGE)]
    positions += [(f"bottom {n}", len(units) - 1 - n) for n in range(RUNNING_LINE_EDGE)]
    for position, index in positions:
        if 0 <= index < len(units):
            sig = _unit_signature(lines, units[index])
            if sig is not None:
                found.setdefault((position, sig), units[index])
    return found


def _frequent(per_page: list[Candidates | None]) -> set[tuple[str, str]]:
    """Keys that stand on more than half of all pages, or of the odd or of the even pages."""
    groups = {
        "all": [i for i, c in enumerate(per_page) if c is not None],
        "odd": [i for i, c in enumerate(per_page) if c is not None and i % 2 == 0],
        "even": [i for i, c in enumerate(per_page) if c is not None and i % 2 == 1],
    }
    frequent: set[tuple[str, str]] = set()
    for members in groups.values():
        counts: dict[tuple[str, str], int] = {}
        for i in members:
            for key in per_page[i] or {}:
                counts[key] = counts.get(key, 0) + 1
        frequent |= {k for k, n in counts.items() if n >= 3 and n * 2 > len(members)}
    return frequent


def drop_running_lines(pages: list[str]) -> tuple[list[str], list[RemovedLine]]:
    """Drop running units from cleaned page texts; return the pages and what was dropped."""
    page_lines = [page.split("\n") for page in pages]
    per_page = [
        _candidates(lines) if page.strip() else None
        for page, lines in zip(pages, page_lines, strict=True)
    ]
    if sum(1 for c in per_page if c is not None) < 3:
        return pages, []
    frequent = _frequent(per_page)
    removed: list[RemovedLine] = []
    result = []
    for number, (lines, candidates) in enumerate(zip(page_lines, per_page, strict=True), 1):
        drop: set[int] = set()
        for key, indices in (candidates or {}).items():
            if key in frequent:
                drop.update(indices)
        removed.extend(RemovedLine(number, lines[i]) for i in sorted(drop))
        result.append("\n".join(line for i, line in enumerate(lines) if i not in drop))
    return result, removed


def join_across_pages(pages: list[str]) -> list[str]:
    """Move the rest of a word hyphenated at a page's end to the end of that page.

    "… samarbeid med nærin-" / "gslivet er …" on the next page: "gslivet" joins its first half
    (the hyphen itself is handled by the ordinary joining). Only a lower-case continuation moves,
    so a heading that starts the next page never does.
    """
    result = list(pages)
    for index in range(len(result) - 1):
        current, following = result[index].rstrip("\n"), result[index + 1].lstrip("\n")
        if not current or not following or not _HYPHEN_END.search(current):
            continue
        if not following[:1].islower():
            continue
        word, _, rest = following.partition("\n")
        head, space, tail = word.partition(" ")
        moved, remainder = (head, tail) if space else (word, "")
        result[index] = f"{current}\n{moved}"
        result[index + 1] = "\n".join(part for part in (remainder, rest) if part)
    return result
