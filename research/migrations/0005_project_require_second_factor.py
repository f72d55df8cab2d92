from django.db import migrations, models


def verified_addresses(apps, schema_editor):
    """People who accepted an invitation proved their address (the link came by e-mail): record
    it as verified, so single sign-on may match their account by it."""
    Invitation = apps.get_model("research", "Invitation")
    EmailAddress = apps.get_model("account", "EmailAddress")
    users = {i.user for i in Invitation.objects.filter(accepted_at__isnull=False).select_related("user")}
    for user in users:
        if not EmailAddress.objects.filter(user=user).exists():
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class Migration(migrations.Migration):
    dependencies = [
        ("research", "0004_project_long_excerpt"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="require_second_factor",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "For projects holding transcripts or other personal data: members without an "
                    "authenticator app or security key are asked to set one up before they can "
                    "open the project."
                ),
                verbose_name="members must use a second factor",
            ),
        ),
        migrations.RunPython(verified_addresses, migrations.RunPython.noop),
    ]
