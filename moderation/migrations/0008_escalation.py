from django.db import migrations, models


def senior_group(apps, schema_editor):
    from moderation.roles import ensure_senior_group, groups_in_migration

    groups_in_migration(apps, ensure_senior_group)


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
