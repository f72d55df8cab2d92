"""The search read: documents whose text holds every term, with keyword-in-context hits.

On PostgreSQL the documents are found with full-text search in each document's language
configuration ('norwegian', 'english', …, 'simple' when the language is unset), and the hits
are located in Python with the same configuration's lexemes, asked of PostgreSQL for the
words of the found documents in one query per configuration. Elsewhere (the embedded SQLite
default) it is a plain case-insensitive substring search, a prefix `word*` matching the start
of words. Search shows document text only, never codings, so the blind rule does not apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Case, CharField, F, QuerySet, Value, When

from coding.models import Document
from research.models import Membership
from study.search.kwic import Hit, distinct_words, find_hits, substring_normal
from study.search.query import Term, parse_query, tsquery

# PostgreSQL text search configurations for the document languages the upload form offers.
# Nynorsk has no stemmer of its own; the Bokmål one ('norwegian') is the closest there is.
CONFIGS = {
    "nb": "norwegian",
    "nn": "norwegian",
    "no": "norwegian",
    "en": "english",
    "sv": "swedish",
    "da": "danish",
    "fi": "finnish",
    "de": "german",
}
SIMPLE = "simple"
HITS_SHOWN = 20  # per document; the count says how many there are in all


@dataclass
class DocumentHits:
    document: Document
    hits: list[Hit] = field(default_factory=list)
    count: int = 0


def config_for(language: str) -> str:
    return CONFIGS.get(language, SIMPLE)


def search_documents(
    *,
    membership: Membership,
    query: str,
    documents: QuerySet[Document] | None = None,
    shown: int | None = HITS_SHOWN,
) -> list[DocumentHits]:
    """The project's ready documents (within `documents` when given: the page's filters)
    holding every term of `query`, by title, with their first `shown` hits (None: all).
    Raises QueryError for a query with no words."""
    terms = parse_query(query)
    scope = Document.objects.for_project(membership.project_id).ready()
    if documents is not None:
        scope = scope.filter(pk__in=documents.values("pk"))
    scope = scope.only("code", "title", "kind", "language", "text").order_by("title", "pk")
    if connection.vendor != "postgresql":
        found = [
            _hits(doc, terms, normal=substring_normal, substring=True, shown=shown) for doc in scope
        ]
        return [result for result in found if result.count]
    docs = list(_fulltext(scope, terms))
    lexemes = _lexemes(docs, terms)
    found = [
        _hits(doc, terms, normal=_normal(lexemes[config_for(doc.language)]), shown=shown)
        for doc in docs
    ]
    return [result for result in found if result.count]


def _fulltext(scope: QuerySet[Document], terms: list[Term]) -> QuerySet[Document]:
    config = Case(
        *[When(language=code, then=Value(name)) for code, name in CONFIGS.items()],
        default=Value(SIMPLE),
        output_field=CharField(),
    )
    search = SearchQuery(tsquery(terms), search_type="raw", config=F("search_config"))
    return (
        scope.annotate(search_config=config)
        .annotate(vector=SearchVector("text", config=F("search_config")))
        .filter(vector=search)
    )


def _lexemes(docs: list[Document], terms: list[Term]) -> dict[str, dict[str, str]]:
    """Per configuration in use, each word of its documents (and of the query) → its lexeme
    ('' for a stop word), one query per configuration."""
    by_config: dict[str, list[str]] = {}
    for doc in docs:
        by_config.setdefault(config_for(doc.language), []).append(doc.text)
    query_words = {word for term in terms for word in term.words}
    lexemes: dict[str, dict[str, str]] = {}
    with connection.cursor() as cursor:
        for config, texts in by_config.items():
            words = sorted(distinct_words(texts) | query_words)
            cursor.execute(
                "SELECT w, array_to_string(tsvector_to_array(to_tsvector(%s::regconfig, w)), ' ')"
                " FROM unnest(%s::text[]) AS w",
                [config, words],
            )
            lexemes[config] = dict(cursor.fetchall())
    return lexemes


def _normal(lexemes: dict[str, str]):
    return lambda word: lexemes.get(word, word)


def _hits(
    doc: Document, terms: list[Term], *, normal, substring: bool = False, shown: int | None
) -> DocumentHits:
    per_term = [find_hits(doc.text, [term], normal=normal, substring=substring) for term in terms]
    # A document must hold every term, as the PostgreSQL query demands.
    if not all(per_term):
        return DocumentHits(document=doc)
    hits = sorted(
        {(hit.start, hit.end): hit for found in per_term for hit in found}.values(),
        key=lambda hit: (hit.start, hit.end),
    )
    return DocumentHits(document=doc, hits=hits[:shown], count=len(hits))
