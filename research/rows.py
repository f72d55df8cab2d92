"""Model instances read with hand-written SQL, built as the ORM builds them.

Every request of a signed-in member reads its session, its user and its membership, and a
coding write reads its document and codes besides. Built by the ORM, each of these small
queries costs more Python than PostgreSQL spends running it (about half a millisecond: the
lookups resolved, the SQL compiled), which is most of what limits how many writes a server
takes. For those few reads the columns are listed once per model (:func:`columns`), the caller
writes the rest of the statement, and each row becomes an instance through the fields' own
database converters and ``Model.from_db``, exactly as iterating a queryset does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Model

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Columns(Generic[M]):
    """A model's columns as a SELECT lists them, and how to turn a row of them into one."""

    model: type[M]
    sql: str  # "alias"."column", ... in the model's field order
    attnames: tuple[str, ...]
    converters: tuple[tuple[int, tuple, Any], ...]  # (position, functions, expression)

    def __len__(self) -> int:
        return len(self.attnames)

    def build(self, values: Sequence) -> M:
        """The instance for these values (this model's part of a row, in `sql`'s order)."""
        values = list(values)
        for position, functions, expression in self.converters:
            value = values[position]
            for function in functions:
                value = function(value, expression, connection)
            values[position] = value
        return self.model.from_db(connection.alias, self.attnames, values)


@cache
def columns(model: type[M], alias: str, leave_out: tuple[str, ...] = ()) -> Columns[M]:
    """The model's concrete columns qualified by the table `alias` (the fields named in
    `leave_out` are left deferred, as ``QuerySet.defer`` leaves them). Kept per model: fields
    do not change while a process runs, nor does the database vendor."""
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if f.name not in leave_out]
    converters = []
    for position, field in enumerate(fields):
        expression = field.get_col(alias)
        functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        if functions:
            converters.append((position, tuple(functions), expression))
    return Columns(
        model=model,
        sql=", ".join(f"{quote(alias)}.{quote(field.column)}" for field in fields),
        attnames=tuple(field.attname for field in fields),
        converters=tuple(converters),
    )


def table(model: type[Model]) -> str:
    """The model's table name, quoted for SQL (the model's own: never user input)."""
    return connection.ops.quote_name(model._meta.db_table)


def param(model: type[Model], field: str, value) -> Any:
    """`value` as the ORM would send it for a lookup on this field (a UUID as SQLite keeps it,
    a datetime as the database takes it); invalid values raise as the ORM's lookup does."""
    return model._meta.get_field(field).get_db_prep_value(value, connection, prepared=False)
