"""Keyword in context: where a query's terms occur in a text, with words around each hit.

Pure: no Django. A word matches a query word when their stems (study.search.stemming, the
document language's Snowball stemmer) are equal; a prefix `digitalis*` matches every word whose
stem starts with the prefix's stem. These are the rules the index applies too, so the hits shown
are the hits the database found.
"""

from __future__ import annotations

from dataclasses import dataclass

from study.search.query import Term, stemmed
from study.search.stemming import SIMPLE, Token, analyse, stemmer


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    before: str
    text: str
    after: str


def find_spans(
    text: str, terms: list[Term], *, config: str = SIMPLE, start: int = 0, end: int | None = None
) -> dict[Term, list[tuple[int, int]]]:
    """Each term's occurrences in text[start:end] as (start, end) offsets into `text`."""
    words = analyse(text, config, start, end)
    stem = stemmer(config)
    found: dict[Term, list[tuple[int, int]]] = {}
    for term in terms:
        wanted = stemmed(term, stem)
        spans = [
            (words[i].start, words[i + len(wanted) - 1].end)
            for i in range(len(words) - len(wanted) + 1)
            if _term_at(words, i, wanted, term.prefix)
        ]
        if spans:
            found[term] = spans
    return found


def _term_at(words: list[Token], i: int, wanted: tuple[str, ...], prefix: bool) -> bool:
    last = len(wanted) - 1
    for offset, stem in enumerate(wanted):
        word = words[i + offset].stem
        if not (word.startswith(stem) if prefix and offset == last else word == stem):
            return False
    return True


def find_hits(text: str, terms: list[Term], *, config: str = SIMPLE, width: int = 60) -> list[Hit]:
    """Every occurrence of any term in `text`, in text order, each with about `width`
    characters of context on both sides cut at word boundaries."""
    spans = {span for found in find_spans(text, terms, config=config).values() for span in found}
    return [hit_in(text, start, end, width) for start, end in sorted(spans)]


def hit_in(text: str, start: int, end: int, width: int = 60, offset: int = 0) -> Hit:
    """The hit text[start:end] with its context; `offset` is where `text` starts in the
    document, added to the hit's offsets."""
    left = max(0, start - width)
    if left > 0:
        # Start at the next word boundary so no word is cut in half.
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    right = min(len(text), end + width)
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    before = ("…" if left > 0 else "") + " ".join(text[left:start].split())
    after = " ".join(text[end:right].split()) + ("…" if right < len(text) else "")
    gap_before = " " if text[left:start][-1:].isspace() else ""
    gap_after = " " if text[end:right][:1].isspace() else ""
    return Hit(
        start + offset, end + offset, before + gap_before, text[start:end], gap_after + after
    )
