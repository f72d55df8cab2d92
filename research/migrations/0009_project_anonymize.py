from django.db import migrations, models


class Migration(migrations.Migration):
    """The "show pseudonyms only" setting moves from cases.CaseSettings to the project, so
    coding's pages and exports can read it too (cases/migrations/0002 copies the values)."""

    dependencies = [
        ("research", "0008_job_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="anonymize",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Coders, viewers and exports see each case's pseudonym instead of its name "
                    "and each document by its kind and number instead of its title. Leads and "
                    "owners still see both on the project's pages."
                ),
                verbose_name="show pseudonyms only",
            ),
        ),
    ]
