"""Parsing a researcher's search query into terms, and writing it as a PostgreSQL tsquery.

Pure: no Django. A query is words, "quoted phrases" and prefixes (`digitalisering*`); every
term must occur in a document. No stemmer splits compounds, so `digitalisering*` is how
"digitaliseringsstrategi" is found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words as PostgreSQL's parser and our keyword-in-context tokenizer both see them: letters and
# digits (æøå included); everything else separates words, so nothing else reaches a tsquery.
WORD = re.compile(r"\w+", re.UNICODE)
_TERM = re.compile(r'"([^"]*)"|(\S+)')


class QueryError(ValueError):
    """A query with nothing to search for; the message is for the researcher."""


@dataclass(frozen=True)
class Term:
    """Consecutive words (one, or a phrase); `prefix` when the last word ends in `*`."""

    words: tuple[str, ...]
    prefix: bool = False


def parse_query(raw: str) -> list[Term]:
    """The terms of `raw`, lower-cased; raises QueryError when no word is left."""
    terms = []
    for phrase, single in _TERM.findall(raw):
        text = phrase or single
        words = tuple(word.casefold() for word in WORD.findall(text))
        if words:
            terms.append(Term(words=words, prefix=text.rstrip().endswith("*")))
    if not terms:
        raise QueryError("Type a word to search for.")
    return terms


def tsquery(terms: list[Term]) -> str:
    """The terms as a raw tsquery: all terms (&), phrase words adjacent (<->), prefix `:*`.

    Safe to pass as a raw query because terms hold only \\w characters.
    """
    parts = []
    for term in terms:
        words = list(term.words)
        if term.prefix:
            words[-1] = f"{words[-1]}:*"
        parts.append("(" + " <-> ".join(words) + ")" if len(words) > 1 else words[0])
    return " & ".join(parts)
