from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models are loaded only now, so the check is imported here (not at module top).
        from sora_social.media import register_guard

        from .selectors import review_media_servable

        register_guard("review", review_media_servable)
