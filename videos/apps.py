from django.apps import AppConfig


class VideosConfig(AppConfig):
    """A video's life: its row, who may see it, publish, edit, remove, restore.

    Low in the stack: it knows accounts and the core only. The apps above it
    (cameos, generation, moderation, feed) call its services; the ones that
    have a say in a video's life plug in when Django starts (`videos.plugins`).
    """

    name = "videos"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models are loaded only now, so the check is imported here (not at module top).
        from sora_social.media import register_guard

        from .selectors import video_media_servable

        register_guard("video", video_media_servable)
