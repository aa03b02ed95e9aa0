from django.apps import AppConfig


class ParentalConfig(AppConfig):
    name = "parental"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models are loaded only now, so the selectors are imported here (not at module top).
        from accounts.services import register_dm_policy_ceiling
        from cameos.services import register_permission_ceiling

        from .selectors import teen_allowances

        def teen_dm_ceiling(user):
            allowances = teen_allowances(user=user)
            return allowances.dm_policy_max if allowances else None

        def teen_cameo_ceiling(user):
            allowances = teen_allowances(user=user)
            return allowances.cameo_permission_max if allowances else None

        # A teen's message setting and how widely they share their cameo stay under their
        # parent's (or the teen default) ceilings.
        register_dm_policy_ceiling(teen_dm_ceiling)
        register_permission_ceiling(teen_cameo_ceiling)
