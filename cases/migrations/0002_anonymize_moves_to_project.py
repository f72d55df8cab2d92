from django.db import migrations, models


def to_project(apps, schema_editor):
    CaseSettings = apps.get_model("cases", "CaseSettings")
    Project = apps.get_model("research", "Project")
    on = CaseSettings.objects.filter(anonymize=True).values("project_id")
    Project.objects.filter(pk__in=on).update(anonymize=True)


def to_case_settings(apps, schema_editor):
    CaseSettings = apps.get_model("cases", "CaseSettings")
    Project = apps.get_model("research", "Project")
    CaseSettings.objects.bulk_create(
        CaseSettings(project_id=pk, anonymize=True)
        for pk in Project.objects.filter(anonymize=True).values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    """Copy each project's "show pseudonyms only" into research.Project.anonymize, then drop
    CaseSettings (it held nothing else). Reversible: going back recreates the rows of the
    projects that anonymize (the others had the default)."""

    dependencies = [
        ("cases", "0001_initial"),
        ("research", "0009_project_anonymize"),
    ]

    operations = [
        migrations.RunPython(to_project, to_case_settings),
        migrations.DeleteModel(name="CaseSettings"),
    ]
