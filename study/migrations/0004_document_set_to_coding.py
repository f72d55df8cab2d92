# Document sets moved to coding (coding/migrations/0012_document_set.py): study lets go of the
# model in Django's state only; the table and its rows stay, now coding's.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('study', '0003_document_set'),
        ('coding', '0012_document_set'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='DocumentSet')],
            database_operations=[],
        ),
    ]
