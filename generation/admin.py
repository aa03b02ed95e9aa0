"""Videos and generation jobs, read-only: the record staff look things up in.

Writes go through the services (publish, remove, restore), never through an
admin form, so nothing here can change a video's state behind the rules.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse

from moderation.selectors import is_reviewer
from sora_social.admin import ReadOnlyAdmin
from sora_social.errors import ApplicationError
from videos.models import Video

from .models import GenerationJob


@admin.register(Video)
class VideoAdmin(ReadOnlyAdmin):
    list_display = ["prompt_short", "owner_name", "state", "visibility", "has_c2pa", "remix_count", "created_at"]
    list_filter = ["state", "visibility", "has_c2pa", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["prompt", "caption", "owner__username"]
    fields = [
        "id",
        "owner_name",
        "prompt",
        "caption",
        "state",
        "visibility",
        "remix_of",
        "remix_count",
        "like_count",
        "comment_count",
        "duration_s",
        "width",
        "height",
        "has_c2pa",
        "mark_key",
        "sha256",
        "model_version",
        "seed_shown",
        "created_at",
        "published_at",
        "removed_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner")

    def get_urls(self):
        verify = path("verify/", self.admin_site.admin_view(self.verify_view), name="videos_video_verify")
        return [verify, *super().get_urls()]

    def verify_view(self, request):
        """Reviewers check a clip found elsewhere: our mark, C2PA, and removed-video matches."""
        if not is_reviewer(request.user):
            raise PermissionDenied
        from .services import verify_clip

        context = {**self.admin_site.each_context(request), "title": "Verify a clip", "opts": self.model._meta}
        if request.method == "POST":
            try:
                result = verify_clip(viewer=request.user, upload=request.FILES.get("file"))
            except ApplicationError as exc:
                context["error"] = exc.detail
            else:
                context["result"] = result
                video = result["video"]
                if video is not None:
                    context["video_admin_url"] = reverse("admin:videos_video_change", args=[video.pk])
                    context["video_title"] = f"{video.prompt[:60]} (by {video.owner.username})"
        return TemplateResponse(request, "admin/videos/video/verify.html", context)

    @admin.display(description="prompt")
    def prompt_short(self, obj):
        return obj.prompt[:80]

    @admin.display(description="owner")
    def owner_name(self, obj):
        return obj.owner.username  # text: the account record is not a reviewer's to open from here

    @admin.display(description="seed")
    def seed_shown(self, obj):
        return obj.seed if obj.seed is not None else "—"


@admin.register(GenerationJob)
class GenerationJobAdmin(ReadOnlyAdmin):
    list_display = ["id", "owner", "status", "progress", "attempts", "created_at", "finished_at"]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["prompt", "owner__username"]
    readonly_fields = [
        "id",
        "owner",
        "prompt",
        "cameo_ids",
        "inherited_cameo_ids",
        "remix_of",
        "seed",
        "duration_s",
        "aspect",
        "status",
        "progress",
        "error",
        "attempts",
        "model_version",
        "timings",
        "created_at",
        "started_at",
        "finished_at",
        "enqueued_at",
        "heartbeat_at",
    ]
    fields = readonly_fields
