"""The results' JSON that is only read whole (coding.models.agreement.WholeJSONField) as
``text`` rather than ``json`` on PostgreSQL: the server no longer checks the megabytes of JSON
a run's pooling writes (the app wrote them with ``json.dumps``). The stored text is kept as it
is, both ways; changing a column's type drops its compression setting, so lz4 is set again
after the change, in either direction (coding/runs/storage.py). The field's class is the same,
so the change is SQL of its own, on PostgreSQL only (elsewhere the columns are the
database's JSON type, as before)."""

from django.db import migrations

COLUMNS = [
    ("coding_agreementcoderesult", "disagreements"),
    ("coding_agreementrun", "disagreement_excerpts"),
    ("coding_agreementrun", "excerpt_versions"),
]


def _retype(schema_editor, kind: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for table, column in COLUMNS:
        schema_editor.execute(
            f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} "
            f"TYPE {kind} USING {quote(column)}::{kind}"
        )


def to_text(apps, schema_editor):
    _retype(schema_editor, "text")


def to_json(apps, schema_editor):
    _retype(schema_editor, "json")


def storage(apps, schema_editor):
    from coding.runs.storage import runs_column_storage

    runs_column_storage(schema_editor.connection, apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("coding", "0019_excerpt_document_coder_id")]

    operations = [
        # Undone last: sets the compression again once the columns are json again.
        migrations.RunPython(migrations.RunPython.noop, storage),
        migrations.RunPython(to_text, to_json),
        migrations.RunPython(storage, migrations.RunPython.noop),
    ]
