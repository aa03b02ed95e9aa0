from django.contrib import admin

from .models import Checkin, Comment, Steering, VideoTopic


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "author", "video", "created_at"]
    search_fields = ["text", "author__username"]
    raw_id_fields = ["author", "video"]


@admin.register(Steering)
class SteeringAdmin(admin.ModelAdmin):
    list_display = ["user", "instruction", "parser", "updated_at"]
    raw_id_fields = ["user"]


@admin.register(Checkin)
class CheckinAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "created_at", "mood", "answered_at"]
    raw_id_fields = ["user"]


@admin.register(VideoTopic)
class VideoTopicAdmin(admin.ModelAdmin):
    list_display = ["video", "topic", "score"]
    list_filter = ["topic"]
    raw_id_fields = ["video"]
