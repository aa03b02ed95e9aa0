from django.db import migrations


def repair_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    from moderation.roles import ensure_trust_and_safety_group

    ensure_trust_and_safety_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("moderation", "0006_seed_protected_characters")]
    operations = [migrations.RunPython(repair_group, migrations.RunPython.noop)]
