"""Words and their stems, the same on every database: the one analysis search relies on.

Pure: no Django. Both search backends index what this module makes of a text (PostgreSQL a
`tsvector` of these stems, SQLite an FTS5 table of them) and the keyword-in-context lines use
it again, so a query finds the same passages whichever database runs it.

The stemmers are the Snowball algorithms, from `snowballstemmer` (BSD): the same algorithms
PostgreSQL's 'norwegian', 'english', … text search configurations use, so a search behaves as
PostgreSQL's own full-text search would, without its stop words (every word is searchable).
Stemming happens here in Python rather than in the database because Python's sqlite3 cannot
register a custom FTS5 tokenizer. snowballstemmer rather than PyStemmer: it is pure Python
(no compiler, one wheel for every platform) and it is fast enough with the per-word cache below,
since a text has far fewer distinct words than words.

Nynorsk has no Snowball stemmer of its own: Nynorsk documents use the Norwegian (Bokmål) one,
which knows many but not all Nynorsk endings ("kommunane" → "kommun", "tenestene" does not
meet "tenester"). No stemmer splits compounds: "digitaliseringsstrategi" is found by the
prefix `digitalisering*`, not by `digitalisering`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer

# A word: letters and digits (æøå and every other script included). Underscores and everything
# else separate words; both FTS5's tokenizer and the tsvector see exactly these words.
WORD = re.compile(r"[^\W_]+")
# Longer "words" (base64, hashes) are not indexed: PostgreSQL refuses very long lexemes.
LONGEST_WORD = 100

# The document languages the upload form offers, by their Snowball stemmer; any other
# language (Northern Sami, "other", not set) is searched word for word, unstemmed.
STEMMERS = {
    "nb": "norwegian",
    "nn": "norwegian",  # no Nynorsk stemmer exists; the Bokmål one is the closest
    "no": "norwegian",
    "en": "english",
    "sv": "swedish",
    "da": "danish",
    "fi": "finnish",
    "de": "german",
}
SIMPLE = "simple"


class Token(NamedTuple):
    # A tuple, not a dataclass: a search makes thousands and a tuple is cheaper to build.
    start: int
    end: int
    stem: str


def config_for(language: str) -> str:
    """The stemmer a document in `language` is searched with ('simple': none)."""
    return STEMMERS.get((language or "").lower().split("-")[0], SIMPLE)


@lru_cache(maxsize=16)
def stemmer(config: str) -> Callable[[str], str]:
    """A word (any case) → its stem in `config`; cached per word."""
    if config == SIMPLE:
        return str.casefold
    algorithm = snowballstemmer.stemmer(config)
    cache: dict[str, str] = {}

    def stem(word: str) -> str:
        found = cache.get(word)  # by the word as written: most words recur with one spelling
        if found is None:
            folded = word.casefold()
            found = algorithm.stemWord(folded) or folded
            if len(cache) < 200_000:
                cache[word] = found
        return found

    return stem


def analyse(text: str, config: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The indexed words of text[start:end], with their stems, offsets into `text`."""
    stem = stemmer(config)
    found = []
    for match in WORD.finditer(text, start, len(text) if end is None else end):
        first, last = match.span()
        if last - first <= LONGEST_WORD:
            found.append(Token(first, last, stem(match.group())))
    return found
