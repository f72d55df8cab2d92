"""A new excerpt, its codings and its history entry, inserted together: on PostgreSQL in one
statement (INSERTs in a WITH, the codings taking the excerpt's new id). Each statement is a
round trip and, through the ORM, about half a millisecond of Python, and every write of the
coding view makes these three. The columns and values are the models' own (their fields'
Python defaults and conversions, as Model.save sends them). Elsewhere the ORM inserts them."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.db import connection

from coding.models import Code, Coding, Excerpt, ExcerptAction, ExcerptChange
from research import rows


def excerpt_insert(*, excerpt: Excerpt, codes: Iterable[Code], after: dict, user) -> ExcerptChange:
    """Insert a new excerpt (not saved yet), its codings of `codes` and its history entry
    ("create", by `user`, the excerpt's state `after`), which is returned."""
    change = ExcerptChange(
        project_id=excerpt.document.project_id,
        document_id=excerpt.document_id,
        excerpt_code=excerpt.code,
        action=ExcerptAction.CREATE,
        version=excerpt.version,
        after=after,
        user=user,
    )
    codings = [Coding(code=code) for code in codes]
    if connection.vendor != "postgresql":
        excerpt.save(force_insert=True)
        for coding in codings:
            coding.excerpt = excerpt
        Coding.objects.bulk_create(codings)
        change.save(force_insert=True)
        return change
    # Only the models' table and column names are formatted in; values are parameters.
    link = Coding._meta.get_field("excerpt")
    columns, values, params = _insert_values(excerpt)
    parts = [
        f"new_excerpt AS (INSERT INTO {_table(Excerpt)} ({columns}) VALUES ({values}) "  # noqa: S608
        "RETURNING id)"
    ]
    for number, coding in enumerate(codings):
        columns, values, more = _insert_values(coding, leave_out=link)
        parts.append(
            f"coding_{number} AS (INSERT INTO {_table(Coding)} "  # noqa: S608
            f"({connection.ops.quote_name(link.column)}, {columns}) "
            f"SELECT id, {values} FROM new_excerpt)"
        )
        params += more
    columns, values, more = _insert_values(change)
    parts.append(
        f"new_change AS (INSERT INTO {_table(ExcerptChange)} ({columns}) VALUES ({values}) "  # noqa: S608
        "RETURNING id)"
    )
    with rows.cursor() as cursor:
        cursor.execute(
            f"WITH {', '.join(parts)} "  # noqa: S608
            "SELECT (SELECT id FROM new_excerpt), (SELECT id FROM new_change)",
            [*params, *more],
        )
        excerpt.pk, change.pk = cursor.fetchone()
    for saved in (excerpt, change):
        saved._state.adding, saved._state.db = False, connection.alias
    for coding in codings:
        coding.excerpt = excerpt
    return change


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _insert_values(row, *, leave_out=None) -> tuple[str, str, list]:
    """A new row's columns, placeholders and values, as the ORM's INSERT would have them."""
    fields, columns, placeholders = _insert_columns(type(row), leave_out)
    values = [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]
    return columns, placeholders, values


@cache
def _insert_columns(model, leave_out) -> tuple[list, str, str]:
    # Per model, once: its fields do not change while a process runs.
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field is not leave_out
    ]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    return fields, columns, ", ".join(["%s"] * len(fields))
