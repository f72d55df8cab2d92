"""Keyword in context: where a query's terms occur in a text, with words around each hit.

Pure: no Django. What counts as "the same word" is passed in as `normal` (a stemmer's
lexemes on PostgreSQL, the lower-cased word on the plain fallback) so both backends share
the hit-finding and the context windows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from study.search.query import WORD, Term


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    word: str  # lower-cased


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    before: str
    text: str
    after: str


def tokens(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group().casefold()) for m in WORD.finditer(text)]


def distinct_words(texts: Iterable[str]) -> set[str]:
    return {m.group().casefold() for text in texts for m in WORD.finditer(text)}


def _word_matches(word: str, wanted: str, prefix: bool, normal: Callable[[str], str]) -> bool:
    if prefix:
        # A prefix matches the word as written or its stem (PostgreSQL stems the prefix).
        return word.startswith(wanted) or normal(word).startswith(normal(wanted))
    return normal(word) == normal(wanted) and normal(word) != ""


def substring_normal(word: str) -> str:
    return word


def find_hits(
    text: str,
    terms: list[Term],
    *,
    normal: Callable[[str], str],
    substring: bool = False,
    width: int = 60,
) -> list[Hit]:
    """Every occurrence of any term in `text`, in text order, each with about `width`
    characters of context on both sides cut at word boundaries.

    `substring` is the plain fallback: a single word matches inside longer words.
    """
    words = tokens(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        size = len(term.words)
        for i in range(len(words) - size + 1):
            if _term_at(words, i, term, normal, substring):
                spans.append((words[i].start, words[i + size - 1].end))
    return [_hit(text, start, end, width) for start, end in sorted(set(spans))]


def _term_at(words: list[Token], i: int, term: Term, normal, substring: bool) -> bool:
    last = len(term.words) - 1
    for offset, wanted in enumerate(term.words):
        word = words[i + offset].word
        prefix = term.prefix and offset == last
        if substring and not prefix and len(term.words) == 1:
            if wanted not in word:
                return False
        elif not _word_matches(word, wanted, prefix, normal):
            return False
    return True


def _hit(text: str, start: int, end: int, width: int) -> Hit:
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
    return Hit(start, end, before + gap_before, text[start:end], gap_after + after)
