from django.db import migrations


def repair_group(apps, schema_editor):
    from moderation.roles import ensure_trust_and_safety_group, groups_in_migration

    groups_in_migration(apps, ensure_trust_and_safety_group)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0006_seed_protected_characters")]
    operations = [migrations.RunPython(repair_group, migrations.RunPython.noop)]
