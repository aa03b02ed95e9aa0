from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models are loaded only now, so the services are imported here (not at module top).
        from cameos.services import register_revoke_hook

        from .services import pictures_forget

        # A revoked likeness is deleted everywhere: the uploaded pictures that show it too.
        register_revoke_hook(pictures_forget)
