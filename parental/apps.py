from django.apps import AppConfig


class ParentalConfig(AppConfig):
    name = "parental"
    default_auto_field = "django.db.models.BigAutoField"
