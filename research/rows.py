"""Model instances read with hand-written SQL, built as the ORM builds them.

Every request of a signed-in member reads its session, its user and its membership, and a
coding write reads its document and codes besides. Built by the ORM, each of these small
queries costs more Python than PostgreSQL spends running it (about half a millisecond: the
lookups resolved, the SQL compiled), which is most of what limits how many writes a server
takes. For those few reads the columns are listed once per model (:func:`columns`), the caller
writes the rest of the statement, and each row becomes an instance through the fields' own
database converters and ``Model.from_db``, exactly as iterating a queryset does.

They and the few other statements of every coding write run through :func:`cursor`, which on
PostgreSQL prepares them: parsing and planning each again was half of PostgreSQL's time a write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.utils import CursorWrapper
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


#: The most parameters PostgreSQL binds to one statement (the protocol counts them in 16 bits).
MAX_BOUND_PARAMS = 65_535

#: psycopg prepares a statement on its own after this many runs when the connection's threshold
#: is set; only :func:`cursor`'s statements are to be prepared, and they ask for it each time.
_NEVER_BY_COUNT = 2**31 - 1


def cursor() -> CursorWrapper:
    """A cursor for the statements every request or coding write runs, each of a fixed shape
    with a handful of parameters: on PostgreSQL (psycopg 3) they are bound on the server and
    prepared on the connection, so that PostgreSQL parses and plans each once per connection
    (gunicorn's processes keep theirs, ``CONN_MAX_AGE``), not on every write; elsewhere it is
    ``connection.cursor()``. Django's wrapper is kept: its query log and execute wrappers see
    these statements as any other.

    Only here, not for the whole connection (``OPTIONS["server_side_binding"]``): Django 5.2
    does not bound a query's parameters to PostgreSQL's 65,535 under server-side binding, and
    the ORM's bulk writes and ``IN`` lists can pass that on a large project. Here a statement
    with more parameters than that is sent with its values written in, as Django sends every
    statement; the ones that run on every write take a list from an address as one array
    parameter (``= ANY(%s)``), and a form's lists are bounded by Django's
    DATA_UPLOAD_MAX_NUMBER_FIELDS. psycopg forgets (and the server deallocates) the prepared
    statements after a rollback; they are prepared again. A connection pooler between Django
    and PostgreSQL must keep prepared statements (PgBouncer 1.21+ in transaction mode:
    ``max_prepared_statements``); the deployment has none."""
    db = connections[DEFAULT_DB_ALIAS]  # the thread's connection, looked up once
    if db.vendor != "postgresql":
        return db.cursor()
    # What connection.cursor() does (Django's BaseDatabaseWrapper._cursor), with our cursor.
    db.close_if_health_check_failed()
    db.ensure_connection()
    raw = db.connection
    # Django turns psycopg's preparing off (None: for connection poolers), which also ignores
    # prepare=True; with a threshold no count reaches, psycopg prepares only what asks for it.
    # Django's own cursors bind on the client and never prepare.
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _NEVER_BY_COUNT
    with db.wrap_database_errors:
        preparing = _preparing_cursor()(raw)
        preparing.logged = db.queries_logged
        return db._prepare_cursor(preparing)


@dataclass(frozen=True)
class _Sent:
    query: bytes  # what Django's query log reads of a psycopg cursor (its `_query.query`)


@cache
def _preparing_cursor() -> type:
    # Imported here: the PostgreSQL backend imports psycopg, which SQLite does not need.
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg import ClientCursor

    class PreparingCursor(ServerBindingCursor):
        """Django's server-binding cursor, preparing every statement it runs."""

        logged = False  # whether Django logs this cursor's statements (DEBUG, tests)

        def execute(self, query, params=None, *, prepare=True, binary=None):
            if params is not None and len(params) > MAX_BOUND_PARAMS:
                # More than the server binds: the values go in as literals, as Django's own
                # cursors send every statement (and it is not prepared).
                with ClientCursor(self.connection) as composing:
                    query = composing.mogrify(query, params)
                params, prepare = None, False
            if not self.logged:
                return super().execute(query, params, prepare=prepare, binary=binary)
            # A prepared statement is sent by name: psycopg keeps no text of it for Django's
            # log, which then shows it with its values, as a client-side cursor sends it (a
            # failed one too).
            with ClientCursor(self.connection) as composing:
                sent = _Sent(composing.mogrify(query, params).encode())
            try:
                return super().execute(query, params, prepare=prepare, binary=binary)
            finally:
                self._query = sent

    return PreparingCursor
