from django.apps import AppConfig


class CameosConfig(AppConfig):
    name = "cameos"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models are loaded only now, so the check is imported here (not at module top).
        from sora_social.media import register_guard

        from .selectors import cameo_media_servable

        register_guard("cameo", cameo_media_servable)
