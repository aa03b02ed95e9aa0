"""The table takes this app's name (`videos_video`), and its indexes theirs."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("videos", "0001_initial"),
        ("generation", "0009_video_moved"),
    ]

    operations = [
        migrations.AlterModelTable(name="video", table=None),
        migrations.RenameIndex(
            model_name="video", new_name="videos_vide_owner_i_6c34fc_idx", old_name="generation__owner_i_0fcd88_idx"
        ),
        migrations.RenameIndex(
            model_name="video", new_name="videos_vide_state_d894ee_idx", old_name="generation__state_3e5a39_idx"
        ),
    ]
