from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Block, Follow, Invite, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "display_name", "birthdate", "is_active", "is_staff", "created_at"]
    search_fields = ["username", "email", "display_name"]
    ordering = ["-created_at"]
    fieldsets = BaseUserAdmin.fieldsets + (("Profile", {"fields": ["birthdate", "display_name", "bio", "dm_policy"]}),)
    # Who may only look (trust-and-safety reviewers) sees the account, never its
    # credentials: no password hash summary, no reset link, no permissions.
    view_only_fieldsets = (
        (None, {"fields": ["username", "display_name", "bio", "birthdate", "is_active", "last_login"]}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return self.view_only_fieldsets
        return super().get_fieldsets(request, obj)


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ["code", "owner", "used_by", "used_at", "created_at"]
    search_fields = ["code", "owner__username", "used_by__username"]
    raw_id_fields = ["owner", "used_by"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["follower", "followee", "created_at"]
    raw_id_fields = ["follower", "followee"]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    raw_id_fields = ["blocker", "blocked"]
