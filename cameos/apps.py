from django.apps import AppConfig


class CameosConfig(AppConfig):
    name = "cameos"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models are loaded only now, so these are imported here (not at module top).
        from sora_social.media import register_guard
        from videos.plugins import register_consent, register_publish_check

        from .selectors import VideoConsent, cameo_media_servable
        from .services import publish_check

        register_guard("cameo", cameo_media_servable)
        # A video is shown and published only as the likenesses it carries allow.
        register_consent(VideoConsent())
        register_publish_check(publish_check)
