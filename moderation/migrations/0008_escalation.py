from django.db import migrations, models


def senior_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    from moderation.roles import ensure_senior_group

    ensure_senior_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("moderation", "0007_reviewers_edit_the_registry")]
    operations = [
        migrations.AddField(
            model_name="reviewcase", name="escalated_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AlterModelOptions(
            name="reviewcase",
            options={
                "ordering": ["-status", "priority", "created_at"],
                "permissions": [("decide_escalated", "Can decide escalated cases (senior reviewer)")],
            },
        ),
        migrations.AlterField(
            model_name="decision",
            name="action",
            field=models.CharField(
                choices=[
                    ("dismiss", "Dismiss"),
                    ("remove", "Remove"),
                    ("remove_strike", "Remove + strike"),
                    ("suspend", "Suspend account"),
                    ("restore", "Restore (appeal upheld)"),
                    ("escalate", "Escalate to senior review"),
                    ("restrict", "Restrict cameo to its owner"),
                ],
                max_length=16,
            ),
        ),
        migrations.RunPython(senior_group, migrations.RunPython.noop),
    ]
