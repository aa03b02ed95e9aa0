from django.apps import AppConfig


class ParentalConfig(AppConfig):
    name = "parental"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.services import register_dm_policy_ceiling

        from .selectors import teen_allowances

        def teen_ceiling(user):
            allowances = teen_allowances(user=user)
            return allowances.dm_policy_max if allowances else None

        # A teen's message setting stays under their parent's (or the teen default) ceiling.
        register_dm_policy_ceiling(teen_ceiling)
