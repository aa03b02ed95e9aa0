from django.contrib import admin

from .models import ParentalControls, ParentLink


@admin.register(ParentLink)
class ParentLinkAdmin(admin.ModelAdmin):
    list_display = ["parent", "teen", "status", "created_at", "accepted_at"]
    raw_id_fields = ["parent", "teen"]


@admin.register(ParentalControls)
class ParentalControlsAdmin(admin.ModelAdmin):
    list_display = ["teen", "feed_daily_limit", "personalized_feed", "dm_policy", "cameo_permission_max"]
    raw_id_fields = ["teen", "updated_by"]
