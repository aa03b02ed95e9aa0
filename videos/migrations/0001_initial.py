"""`Video` moves here from `generation`: the same table and rows, only Django's record of
which app owns them changes (nothing is written to the database). The next migration
gives the table this app's name."""

import uuid

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("generation", "0008_video_carries"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Video",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("prompt", models.TextField()),
                        ("understood", models.JSONField(blank=True, default=list)),
                        ("ignored", models.JSONField(blank=True, default=list)),
                        ("seed", models.BigIntegerField(blank=True, null=True)),
                        ("cameo_ids", models.JSONField(blank=True, default=list)),
                        ("caption", models.CharField(blank=True, max_length=500)),
                        (
                            "state",
                            models.CharField(
                                choices=[("draft", "Draft"), ("published", "Published"), ("removed", "Removed")],
                                default="draft",
                                max_length=16,
                            ),
                        ),
                        (
                            "visibility",
                            models.CharField(
                                choices=[("public", "Public"), ("followers", "Followers"), ("private", "Private")],
                                default="public",
                                max_length=16,
                            ),
                        ),
                        ("remix_count", models.PositiveIntegerField(default=0)),
                        ("like_count", models.PositiveIntegerField(default=0)),
                        ("comment_count", models.PositiveIntegerField(default=0)),
                        ("file", models.CharField(help_text="Storage name of the signed MP4.", max_length=255)),
                        ("thumbnail", models.CharField(blank=True, max_length=255)),
                        ("sha256", models.CharField(blank=True, max_length=64)),
                        ("duration_s", models.FloatField(default=0)),
                        ("width", models.PositiveIntegerField(default=0)),
                        ("height", models.PositiveIntegerField(default=0)),
                        ("has_c2pa", models.BooleanField(default=False)),
                        ("mark_key", models.BigIntegerField(blank=True, null=True, unique=True)),
                        (
                            "frame_hashes",
                            models.JSONField(blank=True, default=list, help_text="Perceptual hashes (moderation.phash)."),
                        ),
                        ("model_version", models.CharField(blank=True, max_length=64)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("published_at", models.DateTimeField(blank=True, null=True)),
                        ("removed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=models.deletion.CASCADE,
                                related_name="videos",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "remix_of",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=models.deletion.SET_NULL,
                                related_name="remixes",
                                to="videos.video",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "generation_video",
                        "indexes": [
                            models.Index(fields=["owner", "created_at"], name="generation__owner_i_0fcd88_idx"),
                            models.Index(
                                fields=["state", "visibility", "published_at"], name="generation__state_3e5a39_idx"
                            ),
                            models.Index(
                                condition=models.Q(("state", "published")),
                                fields=["owner", "-published_at"],
                                name="video_owner_published",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
