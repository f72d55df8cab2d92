import uuid

from django.db import migrations, models

import coding.models.codebook


def fill(apps, schema_editor):
    """Existing codes keep exporting the guid they were exported with (their UUID), and a colour
    other than the default counts as chosen by a user."""
    Code = apps.get_model("coding", "Code")
    codes = list(Code.objects.only("pk", "code", "colour"))
    for code in codes:
        code.exchange_guid = str(code.code or uuid.uuid4())
        code.colour_given = code.colour.lower() != "#4e79a7"
    Code.objects.bulk_update(codes, ["exchange_guid", "colour_given"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("coding", "0007_reconciliation")]

    operations = [
        migrations.AddField(
            model_name="code",
            name="colour_given",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="code",
            name="exchange_guid",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="code",
            name="is_codable",
            field=models.BooleanField(default=True, verbose_name="codable"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="code",
            name="exchange_guid",
            field=models.CharField(
                default=coding.models.codebook.new_exchange_guid, max_length=64
            ),
        ),
        migrations.AddConstraint(
            model_name="code",
            constraint=models.UniqueConstraint(
                fields=("project", "exchange_guid"), name="code_unique_exchange_guid"
            ),
        ),
    ]
