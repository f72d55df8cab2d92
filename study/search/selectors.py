"""The search read: documents answering a query, with keyword-in-context hits.

Both databases search the same index of stems (study.search.index), so they find the same
documents and hits; only the lookup differs: a GIN-indexed `tsvector` match on PostgreSQL,
FTS5 on the embedded SQLite default. Each term is looked up once, in every stemmer the
documents in scope use (the query's words are stemmed per document language); whether a
document answers the query (AND, OR, NOT) is then decided here from the terms it holds, and
its hits are located in the matching paragraphs only. Search shows document text only, never
codings; the one filter that reads codings (hits or documents coded with a code) counts only
the excerpts the member may see, so a blinded coder filters by their own codings alone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from coding.models import Code, Document, Excerpt
from research.access import limit_to_scope
from research.models import Membership
from study.models import SearchUnit
from study.search.index import configs_in
from study.search.kwic import Hit, find_spans, hit_in
from study.search.query import Query, Term, fts5_query, parse_query, tsquery
from study.search.stemming import stemmer

HITS_SHOWN = 20  # per document; the count says how many there are in all
CONTEXT = 60  # characters of context on either side of a hit, within its paragraph


@dataclass(frozen=True)
class CodedFilter:
    """Keep the hits inside ("in") or outside ("out") excerpts coded with `code`, or the
    documents coded ("doc") or not coded ("nodoc") with it; by `coder` when given."""

    code: Code
    where: str
    coder_id: int | None = None


@dataclass
class DocumentHits:
    document: Document
    hits: list[Hit] = field(default_factory=list)
    count: int = 0


def search_documents(
    *,
    membership: Membership,
    query: str,
    documents: QuerySet[Document] | None = None,
    shown: int | None = HITS_SHOWN,
    limit: int | None = None,
    coded: CodedFilter | None = None,
) -> list[DocumentHits]:
    """The project's ready documents (within `documents` when given: the page's filters)
    answering `query`, by title, with their first `shown` hits (None: all) and, when `limit`
    is given, no more than `limit` hits in context in all. Raises QueryError for a query
    with no words to find."""
    parsed = parse_query(query)
    scope = Document.objects.for_project(membership.project_id).ready()
    if documents is not None:
        scope = scope.filter(pk__in=documents.values("pk"))
    configs = set(configs_in(scope).values())
    if not configs:
        return []
    units, present = _matching_units(scope, parsed, configs)
    answering = {doc for doc, terms in present.items() if parsed.matches(terms)}
    spans: dict[int, list[tuple[int, int]]] = {}
    if coded is not None and answering:
        spans = _coded_spans(membership, coded, answering)
        if coded.where in ("doc", "nodoc"):
            answering = {doc for doc in answering if (doc in spans) == (coded.where == "doc")}
    wanted = set(parsed.wanted)
    unit_ids = [pk for pk, (doc, terms) in units.items() if doc in answering and terms & wanted]
    keep = None
    if coded is not None and coded.where in ("in", "out"):
        keep = _keep_hits(spans, inside=coded.where == "in")
    return _with_hits(unit_ids, parsed, shown, limit, keep)


def _coded_spans(
    membership: Membership, coded: CodedFilter, docs: set[int]
) -> dict[int, list[tuple[int, int]]]:
    """The spans of the excerpts coded with the code that the member may see, per document."""
    excerpts = limit_to_scope(
        Excerpt.objects.filter(document_id__in=docs, codings__code=coded.code), membership
    )
    if coded.coder_id is not None:
        excerpts = excerpts.filter(coder_id=coded.coder_id)
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for doc, start, end in excerpts.values_list("document_id", "start", "end").distinct():
        spans[doc].append((start, end))
    return spans


def _keep_hits(spans: dict[int, list[tuple[int, int]]], *, inside: bool):
    def keep(doc: int, start: int, end: int) -> bool:
        within = any(s <= start and end <= e for s, e in spans.get(doc, ()))
        return within == inside

    return keep


def _matching_units(
    scope: QuerySet[Document], parsed: Query, configs: set[str]
) -> tuple[dict[int, tuple[int, set[Term]]], dict[int, set[Term]]]:
    """Per unit holding a term: its document and the terms; per document: the terms it holds.
    One query: the units holding any term, with a column per term saying whether it is there."""
    terms = parsed.terms
    conditions = [_matches(term, configs) for term in terms]
    sql = " OR ".join(condition.sql for condition in conditions)
    params = [param for condition in conditions for param in condition.params]
    rows = (
        SearchUnit.objects.filter(document__in=scope.values("pk"))
        .filter(RawSQL(f"({sql})", params, output_field=BooleanField()))  # noqa: S611 (constant)
        .annotate(**{f"term{n}": condition for n, condition in enumerate(conditions)})
        .values_list("pk", "document_id", *(f"term{n}" for n in range(len(terms))))
    )
    units: dict[int, tuple[int, set[Term]]] = {}
    present: dict[int, set[Term]] = defaultdict(set)
    for pk, doc, *holds in rows:
        held = {term for term, there in zip(terms, holds, strict=True) if there}
        units[pk] = (doc, held)
        present[doc] |= held
    return units, present


def _matches(term: Term, configs: set[str]) -> RawSQL:
    """SQL true for the units holding `term`, its words stemmed in each unit's stemmer."""
    parts, params = [], []
    for config in sorted(configs):
        stem = stemmer(config)
        if connection.vendor == "postgresql":
            parts.append(
                '("study_searchunit"."config" = %s AND "study_searchunit"."vector" @@ %s::tsquery)'
            )
            params += [config, tsquery(term, stem)]
        else:
            parts.append(
                '("study_searchunit"."config" = %s AND "study_searchunit"."id" IN '
                "(SELECT rowid FROM study_searchunit_fts WHERE study_searchunit_fts MATCH %s))"
            )
            params += [config, fts5_query(term, stem)]
    # Constant SQL; the stems travel as parameters.
    return RawSQL("(" + " OR ".join(parts) + ")", params, output_field=BooleanField())  # noqa: S611


def _with_hits(
    unit_ids: list[int], parsed: Query, shown: int | None, limit: int | None, keep=None
) -> list[DocumentHits]:
    """The hits in the units, by document title, with their context within the paragraph:
    the units' own text, so no document's whole text is read (this is what ts_headline would
    do, done here so that both databases mark the same words)."""
    rows = (
        SearchUnit.objects.filter(pk__in=unit_ids)
        .select_related("document")
        .only(
            "start",
            "text",
            "config",
            "document__code",
            "document__title",
            "document__kind",
            "document__page_count",  # coding.labels names documents by kind and pages
            "document__language",
        )
        .order_by("document__title", "document_id", "start")
    )
    results: dict[int, DocumentHits] = {}
    terms = parsed.wanted
    budget = limit
    for unit in rows:
        result = results.setdefault(unit.document_id, DocumentHits(document=unit.document))
        found = find_spans(unit.text, terms, config=unit.config)
        spans = sorted({span for each in found.values() for span in each})
        if keep is not None:
            at = unit.start
            spans = [(s, e) for s, e in spans if keep(unit.document_id, s + at, e + at)]
        result.count += len(spans)
        room = len(spans) if shown is None else min(len(spans), shown - len(result.hits))
        if budget is not None:
            room = min(room, budget)
            budget -= room
        result.hits += [hit_in(unit.text, s, e, CONTEXT, unit.start) for s, e in spans[:room]]
    return [result for result in results.values() if result.count]
