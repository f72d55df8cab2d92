"""The SQL condition for a document's excerpts overlapping a span, in a form PostgreSQL finds
through an index. `start < high AND "end" > low` alone bounds `start` from above only: the
scan reads every excerpt of the document before `high` (half a heavily coded document, about
a millisecond of the server's time on every write). No excerpt is longer than the document's
longest, so an overlapping one starts after `low` minus that length: the scan of
(document, start) reads only the excerpts near the span. The longest is one probe of the
index on (document, end - start) (coding.models.Excerpt's `excerpt_document_length`)."""

from __future__ import annotations

from collections.abc import Sequence

from coding.models import Excerpt

_LONGEST = (
    f'(SELECT max(x."end" - x.start) FROM {Excerpt._meta.db_table} x '  # noqa: S608 (the model's)
    "WHERE x.document_id = %s)"
)


def overlapping(
    alias: str, *, document_id: int, spans: Sequence[tuple[int, int]]
) -> tuple[str, list]:
    """The condition (in parentheses) that an excerpt `alias` of the document overlaps one of
    the [low, high) `spans`, and its parameters. The document's excerpt condition
    (`alias.document_id = ...`) is the caller's. Exact: it adds only what overlapping implies
    (and a document without excerpts has none to find)."""
    one = f'({alias}.start < %s AND {alias}."end" > %s AND {alias}.start > %s - {_LONGEST})'
    sql = "(" + " OR ".join(one for _span in spans) + ")"
    params = [value for low, high in spans for value in (high, low, low, document_id)]
    return sql, params
