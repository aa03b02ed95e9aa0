"""Before `Video` moves to the `videos` app: the video keeps what it carries (its seed and
every cameo in it) and the job points down at the video it made, instead of the video
pointing up at its job."""

from django.db import migrations, models


def forward(apps, schema_editor):
    Job = apps.get_model("generation", "GenerationJob")
    Video = apps.get_model("generation", "Video")
    for video in Video.objects.filter(job__isnull=False).select_related("job").iterator():
        job = video.job
        video.seed = job.seed
        video.cameo_ids = list(job.cameo_ids or []) + list(job.inherited_cameo_ids or [])
        video.save(update_fields=["seed", "cameo_ids"])
        Job.objects.filter(pk=job.pk).update(video=video)


def backward(apps, schema_editor):
    Job = apps.get_model("generation", "GenerationJob")
    Video = apps.get_model("generation", "Video")
    for job_id, video_id in Job.objects.filter(video__isnull=False).values_list("pk", "video_id").iterator():
        Video.objects.filter(pk=video_id).update(job_id=job_id)


class Migration(migrations.Migration):
    dependencies = [
        ("generation", "0007_invisible_mark"),
    ]

    operations = [
        migrations.AddField(
            model_name="video",
            name="seed",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="video",
            name="cameo_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        # The job's new `video` field must not meet the old reverse accessor of the same name.
        migrations.AlterField(
            model_name="video",
            name="job",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="+",
                to="generation.generationjob",
            ),
        ),
        migrations.AddField(
            model_name="generationjob",
            name="video",
            field=models.OneToOneField(
                blank=True, null=True, on_delete=models.deletion.SET_NULL, related_name="+", to="generation.video"
            ),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="video", name="job"),
    ]
