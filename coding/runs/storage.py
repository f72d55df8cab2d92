"""How PostgreSQL stores the large columns of agreement runs (set by a migration, and by the
benchmark harness, which builds its tables from the models).

- A run's per-document parts (``AgreementRunPart.data``, up to a few hundred kB each) live
  only until the run is pooled: stored uncompressed (``STORAGE EXTERNAL``). Compressing them
  with PostgreSQL's default (pglz) took ten times as long as writing them.
- The results' large JSON (each code's disagreements, the excerpts they name, the excerpts a
  run read) is kept, so it stays compressed, with lz4 where the server has it: a fraction of
  pglz's time at a little more space.
"""

from __future__ import annotations

from django.db import DatabaseError, transaction

#: (model label, column, clause of ALTER COLUMN)
COLUMNS = [
    ("coding.AgreementRunPart", "data", "SET STORAGE EXTERNAL"),
    ("coding.AgreementCodeResult", "disagreements", "SET COMPRESSION lz4"),
    ("coding.AgreementRun", "disagreement_excerpts", "SET COMPRESSION lz4"),
    ("coding.AgreementRun", "excerpt_versions", "SET COMPRESSION lz4"),
]


def runs_column_storage(connection, get_model) -> list[str]:
    """Apply COLUMNS on PostgreSQL (elsewhere nothing); returns the clauses applied. A server
    built without lz4 keeps its default compression for those columns."""
    if connection.vendor != "postgresql":
        return []
    done = []
    for label, column, clause in COLUMNS:
        table = connection.ops.quote_name(get_model(label)._meta.db_table)
        sql = f"ALTER TABLE {table} ALTER COLUMN {connection.ops.quote_name(column)} {clause}"
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute(sql)
        except DatabaseError:  # no lz4: "compression method lz4 not supported"
            continue
        done.append(f"{label}.{column}: {clause}")
    return done
