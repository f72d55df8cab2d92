"""The results' JSON that is only read whole as ``json`` rather than ``jsonb`` on PostgreSQL
(coding.models.agreement.WholeJSONField): a run's pooling no longer has PostgreSQL build jsonb
from megabytes of JSON. The stored values convert both ways (json and jsonb cast to each
other); changing a column's type drops its compression setting, so lz4 is set again after the
change, in either direction (coding/runs/storage.py)."""

from django.db import migrations

import coding.models.agreement


def storage(apps, schema_editor):
    from coding.runs.storage import runs_column_storage

    runs_column_storage(schema_editor.connection, apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("coding", "0016_document_text_digest")]

    operations = [
        # Undone last: sets the compression again once the columns are jsonb again.
        migrations.RunPython(migrations.RunPython.noop, storage),
        migrations.AlterField(
            model_name="agreementcoderesult",
            name="disagreements",
            field=coding.models.agreement.WholeJSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name="agreementrun",
            name="disagreement_excerpts",
            field=coding.models.agreement.WholeJSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name="agreementrun",
            name="excerpt_versions",
            field=coding.models.agreement.WholeJSONField(blank=True, default=list),
        ),
        migrations.RunPython(storage, migrations.RunPython.noop),
    ]
