"""Parsing a researcher's search query, and writing it for each search backend.

Pure: no Django. A query is words, "quoted phrases" and prefixes (`digitalisering*`), joined by
OR (`velferdsteknologi OR helseteknologi`) or excluded by NOT or a minus
(`kommune NOT fylkeskommune`, `kommune -fylkeskommune`); every other term must occur in a
document. OR binds tighter than the implied AND: `digital* kommune OR fylke` is
digital* AND (kommune OR fylke). The operators are written in capitals; a lower-case "or" is
a word like any other. No stemmer splits compounds, so `digitalisering*` is how
"digitaliseringsstrategi" is found.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from study.search.stemming import LONGEST_WORD, WORD

_ITEM = re.compile(r'-?"[^"]*"?\*?|\S+')


class QueryError(ValueError):
    """A query with nothing to search for; the message is for the researcher."""


@dataclass(frozen=True)
class Term:
    """Consecutive words (one, or a phrase); `prefix` when the last word ends in `*`."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Clause:
    """Terms of which one must occur (OR), or, negated, none may occur."""

    terms: tuple[Term, ...]
    negated: bool = False


@dataclass(frozen=True)
class Query:
    clauses: tuple[Clause, ...]

    @property
    def terms(self) -> list[Term]:
        """Every distinct term, in query order."""
        return list(dict.fromkeys(term for clause in self.clauses for term in clause.terms))

    @property
    def wanted(self) -> list[Term]:
        """The terms whose occurrences are hits (not the excluded ones)."""
        return list(
            dict.fromkeys(t for clause in self.clauses if not clause.negated for t in clause.terms)
        )

    def matches(self, present: set[Term]) -> bool:
        """Whether a document holding the terms `present` answers the query."""
        return all(
            any(term in present for term in clause.terms) != clause.negated
            for clause in self.clauses
        )


def _term(text: str) -> Term | None:
    words = tuple(word.casefold() for word in WORD.findall(text) if len(word) <= LONGEST_WORD)
    return Term(words=words, prefix=text.rstrip().endswith("*")) if words else None


def parse_query(raw: str) -> Query:
    """The clauses of `raw`, lower-cased; raises QueryError when no word is left to find."""
    clauses: list[Clause] = []
    join = negate = False
    for item in _ITEM.findall(raw):
        if item == "OR":
            join = bool(clauses)
            continue
        if item == "NOT":
            negate = True
            continue
        negated = negate or (item.startswith("-") and len(item) > 1)
        term = _term(item[1:] if item.startswith("-") else item)
        if term is None:
            continue
        if join and not negated and not clauses[-1].negated:
            clauses[-1] = Clause(terms=(*clauses[-1].terms, term))
        else:
            clauses.append(Clause(terms=(term,), negated=negated))
        join = negate = False
    if not any(not clause.negated for clause in clauses):
        raise QueryError("Type a word to search for.")
    return Query(clauses=tuple(clauses))


def stemmed(term: Term, stem: Callable[[str], str]) -> tuple[str, ...]:
    return tuple(stem(word) for word in term.words)


def tsquery(term: Term, stem: Callable[[str], str]) -> str:
    """One term as a PostgreSQL tsquery of stems: phrase words adjacent (<->), prefix `:*`.

    Stems hold only letters and digits, so quoting them is all the escaping needed.
    """
    parts = [f"'{word}'" for word in stemmed(term, stem)]
    if term.prefix:
        parts[-1] += ":*"
    return " <-> ".join(parts)


def fts5_query(term: Term, stem: Callable[[str], str]) -> str:
    """One term as an SQLite FTS5 query of stems: a "phrase", a prefix `"phrase" *`."""
    phrase = '"' + " ".join(stemmed(term, stem)) + '"'
    return f"{phrase} *" if term.prefix else phrase
