"""Admin pieces shared by the apps (the core registers no models)."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record to look things up in: writes go through the services, never an admin form."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
