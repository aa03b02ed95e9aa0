"""`Video` now belongs to the videos app (same table, same rows): the job's links point
there, and the content type moves with it, so permissions and admin history follow."""

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="videos", model="video").exists():
        ContentType.objects.filter(app_label="generation", model="video").update(app_label="videos")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="generation", model="video").exists():
        ContentType.objects.filter(app_label="videos", model="video").update(app_label="generation")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("generation", "0008_video_carries"),
        ("videos", "0001_initial"),
        ("accounts", "0006_video_moved"),
        ("cameos", "0006_video_moved"),
        ("feed", "0003_video_moved"),
        ("moderation", "0010_video_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="generationjob",
                    name="remix_of",
                    field=models.ForeignKey(
                        blank=True, null=True, on_delete=models.deletion.SET_NULL, related_name="+", to="videos.video"
                    ),
                ),
                migrations.AlterField(
                    model_name="generationjob",
                    name="video",
                    field=models.OneToOneField(
                        blank=True, null=True, on_delete=models.deletion.SET_NULL, related_name="+", to="videos.video"
                    ),
                ),
                migrations.DeleteModel(name="Video"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
