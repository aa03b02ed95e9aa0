from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from accounts.serializers import UserOut
from sora_social.fields import StrictCharField, StrictIntegerField
from videos.serializers import VideoOut

from .models import Comment
from .steering.schema import NOTES_MAX, OBJECTIVES, SOURCES
from .topics import TOPICS


class LikeOut(serializers.Serializer):
    video = serializers.CharField()
    liked = serializers.BooleanField()
    like_count = serializers.IntegerField()


class CommentIn(serializers.Serializer):
    text = StrictCharField(max_length=1000, min_length=1, trim_whitespace=True)


class CommentOut(serializers.ModelSerializer):
    id = serializers.CharField(read_only=True)
    author = UserOut()
    video = serializers.CharField(source="video_id")

    class Meta:
        model = Comment
        fields = ["id", "video", "author", "text", "created_at"]


class ViewIn(serializers.Serializer):
    watch_ms = StrictIntegerField(min_value=0, max_value=2**31 - 1)


class ViewOut(serializers.Serializer):
    video = serializers.CharField()
    watch_ms = serializers.IntegerField()


class SteeringIn(serializers.Serializer):
    instruction = StrictCharField(max_length=500, min_length=1, trim_whitespace=True)


@extend_schema_field({"type": "string", "enum": list(TOPICS), "description": "A topic of the fixed taxonomy."})
class TopicField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=TOPICS, **kwargs)


class ParsedOut(serializers.Serializer):
    boost = serializers.ListField(child=TopicField())
    avoid = serializers.ListField(child=TopicField())
    sources = serializers.ChoiceField(choices=SOURCES)
    objective = serializers.ChoiceField(choices=OBJECTIVES)
    notes = serializers.CharField(max_length=NOTES_MAX, allow_blank=True)


class SteeringOut(serializers.Serializer):
    instruction = serializers.CharField(allow_null=True)
    parsed = ParsedOut()
    parser = serializers.CharField(allow_null=True, help_text="embedded or llm")
    updated_at = serializers.DateTimeField(allow_null=True)


class CheckinCardOut(serializers.Serializer):
    id = serializers.CharField()
    prompt = serializers.CharField()
    created_at = serializers.DateTimeField()


def _kind(value: str) -> serializers.CharField:
    """The `type` of one feed item variant: a one-value enum, the union's discriminator."""

    @extend_schema_field({"type": "string", "enum": [value]})
    class Kind(serializers.CharField):
        pass

    return Kind()


class VideoItemOut(serializers.Serializer):
    type = _kind("video")
    video = VideoOut()
    reason = serializers.CharField(help_text="Why it is in your feed, in words.")


class CheckinItemOut(serializers.Serializer):
    type = _kind("checkin")
    checkin = CheckinCardOut(help_text="Answer with POST /feed/checkins/{id}.")


class LimitReachedItemOut(serializers.Serializer):
    type = _kind("limit_reached")
    detail = serializers.CharField(help_text="Why the feed stops here today, in words.")


class SuggestionOut(serializers.Serializer):
    """A next step to offer: after a check-in, and on the feed's end card."""

    optional_in_response = ("prompt", "username", "video")  # each type carries the one it needs

    type = serializers.CharField(help_text="create | remix | follow | message | calm | break")
    detail = serializers.CharField()
    prompt = serializers.CharField(required=False, help_text="create: a prompt the model draws.")
    username = serializers.CharField(required=False, help_text="follow, message: whom.")
    video = serializers.CharField(required=False, help_text="remix: the video's id.")


class YourVideosOut(serializers.Serializer):
    published = serializers.IntegerField()
    likes = serializers.IntegerField()
    comments = serializers.IntegerField()
    remixes = serializers.IntegerField()


class EndItemOut(serializers.Serializer):
    type = _kind("end")
    reason = serializers.ChoiceField(
        choices=["caught_up", "nothing_yet"],
        help_text="caught_up: nothing new left that you have not seen; nothing_yet: nothing to show you yet.",
    )
    detail = serializers.CharField(help_text="Why the feed ends here, in words.")
    actions = SuggestionOut(many=True, help_text="What to do next: create, remix, follow.")
    your_videos = YourVideosOut(allow_null=True, help_text="How your own published videos are doing (null: none).")


FEED_ITEM = PolymorphicProxySerializer(
    component_name="FeedItem",
    serializers={
        "video": VideoItemOut,
        "checkin": CheckinItemOut,
        "limit_reached": LimitReachedItemOut,
        "end": EndItemOut,
    },
    resource_type_field_name="type",
    many=True,
)


@extend_schema_field(FEED_ITEM)
class FeedItemsField(serializers.ListField):
    pass


class FeedPageOut(serializers.Serializer):
    results = FeedItemsField(help_text="Feed items, a union keyed on `type`.")
    next = serializers.CharField(allow_null=True, help_text="Cursor of the next page (pass as ?cursor=), or null.")


class CheckinIn(serializers.Serializer):
    mood = StrictIntegerField(min_value=1, max_value=5)
    note = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class CheckinOut(serializers.Serializer):
    suggestions = SuggestionOut(many=True)
