# Document sets move from study to coding. The table (study_documentset, and its
# study_documentset_documents link table) stays where study's migration 0003 made it: coding
# takes the model over in Django's state only, then adds the version column.

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('coding', '0011_excerpt_change_reverses'),
        ('research', '0004_project_long_excerpt'),
        # The table is made there; coding only takes it over.
        ('study', '0003_document_set'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DocumentSet',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('documents', models.ManyToManyField(related_name='document_sets', to='coding.document', verbose_name='documents')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='document_sets', to='research.project')),
                    ],
                    options={
                        'db_table': 'study_documentset',
                        'ordering': ['name', 'pk'],
                        'constraints': [models.UniqueConstraint(fields=('project', 'name'), name='document_set_unique_name')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name='documentset',
            name='version',
            field=models.PositiveIntegerField(default=1),
        ),
    ]
