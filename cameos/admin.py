from django.contrib import admin

from .models import Appearance, Cameo, CameoApproval, Enrollment


@admin.register(Cameo)
class CameoAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "kind", "permission", "created_at", "revoked_at"]
    list_filter = ["kind", "permission"]
    search_fields = ["name", "owner__username"]
    raw_id_fields = ["owner", "enrollment"]
    exclude = ["embedding"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "status", "reason_code", "created_at"]
    list_filter = ["status", "reason_code"]
    raw_id_fields = ["owner"]


admin.site.register(CameoApproval)
admin.site.register(Appearance)
