"""Agreement runs' large columns: parts uncompressed, results' JSON lz4 (coding/runs/storage.py)."""

from django.db import migrations


def apply(apps, schema_editor):
    from coding.runs.storage import runs_column_storage

    runs_column_storage(schema_editor.connection, apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("coding", "0014_pseudonyms")]

    operations = [migrations.RunPython(apply, migrations.RunPython.noop)]
