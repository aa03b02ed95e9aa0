from django.apps import AppConfig


class InboxConfig(AppConfig):
    """Direct messages and the read side of notifications: above accounts, videos, moderation and
    parental controls, which they consult; accounts itself depends on none of them."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "inbox"
