from django.db import migrations


def create_group(apps, schema_editor):
    from moderation.roles import ensure_trust_and_safety_group, groups_in_migration

    groups_in_migration(apps, ensure_trust_and_safety_group)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("generation", "0002_video_frame_hashes"),
        ("cameos", "0001_initial"),
        ("accounts", "0002_message_notification"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
