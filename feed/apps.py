from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "feed"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models are loaded only now, so these are imported here (not at module top).
        from accounts.services import register_follow_listener
        from moderation.models import TargetType
        from moderation.review import register_target
        from videos.plugins import register_listener

        from .pool import viewer_changed
        from .selectors import comment_for_report, comment_get
        from .services import comment_take_down, video_published, video_removed

        # The feed labels, embeds and indexes a video once its publish (or new caption, or
        # restore) commits, and takes it out of the index once its removal commits.
        register_listener(published=video_published, removed=video_removed)
        # Whom a viewer follows shapes their ranked pool: re-rank it when that changes.
        register_follow_listener(viewer_changed)
        # Comments are the feed's: reviewers decide reports about them through moderation.
        register_target(TargetType.COMMENT, resolve=comment_for_report, load=comment_get, remove=comment_take_down)
