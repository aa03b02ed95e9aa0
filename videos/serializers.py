from rest_framework import serializers

from accounts.serializers import UserOut
from sora_social.fields import StrictCharField
from sora_social.media import signed_url

from .models import Video, Visibility


class MediaOut(serializers.Serializer):
    video_url = serializers.CharField()
    thumbnail_url = serializers.CharField()


class ProvenanceFlagOut(serializers.Serializer):
    c2pa = serializers.BooleanField()
    mark = serializers.BooleanField(help_text="The frames carry our invisible mark (POST /verify finds it).")


# How every datetime field renders (ISO 8601 in the current time zone); used without
# binding VideoOut's fields, which cost as much to build as a page to render.
_STAMP = serializers.DateTimeField().to_representation


class VideoOut(serializers.ModelSerializer):
    id = serializers.CharField(read_only=True)
    understood = serializers.ListField(child=serializers.CharField())
    ignored = serializers.ListField(child=serializers.CharField())
    owner = UserOut()
    remix_of = serializers.CharField(source="remix_of_id", allow_null=True)
    media = serializers.SerializerMethodField()
    cameos = serializers.SerializerMethodField()
    provenance = serializers.SerializerMethodField()

    class Meta:
        model = Video
        fields = [
            "id",
            "owner",
            "prompt",
            "understood",
            "ignored",
            "caption",
            "state",
            "visibility",
            "media",
            "remix_of",
            "remix_count",
            "like_count",
            "comment_count",
            "cameos",
            "provenance",
            "duration_s",
            "width",
            "height",
            "model_version",
            "created_at",
            "published_at",
        ]

    def to_representation(self, video) -> dict:
        """The generic field loop unrolled for this hot path (every list, feed page and
        video read renders it). It answers exactly what the declared fields would
        (tests/videos/test_serializers.py compares them); adding a field means adding it
        here too. The declared fields stay the schema."""
        stamp = _STAMP
        owner = video.owner
        published_at = video.published_at
        return {
            "id": str(video.pk),
            "owner": {
                "id": str(owner.pk),
                "username": owner.username,
                "display_name": owner.display_name,
                "bio": owner.bio,
                "created_at": stamp(owner.created_at),
            },
            "prompt": video.prompt,
            "understood": _strings(video.understood),
            "ignored": _strings(video.ignored),
            "caption": video.caption,
            "state": video.state,
            "visibility": video.visibility,
            "media": self.get_media(video),
            "remix_of": None if video.remix_of_id is None else str(video.remix_of_id),
            "remix_count": video.remix_count,
            "like_count": video.like_count,
            "comment_count": video.comment_count,
            "cameos": self.get_cameos(video),
            "provenance": self.get_provenance(video),
            "duration_s": float(video.duration_s),
            "width": video.width,
            "height": video.height,
            "model_version": video.model_version,
            "created_at": stamp(video.created_at),
            "published_at": None if published_at is None else stamp(published_at),
        }

    def get_media(self, video) -> MediaOut:
        request = self.context.get("request")
        return {
            "video_url": signed_url(video.file, request=request, guard=("video", video.pk)),
            "thumbnail_url": signed_url(video.thumbnail, request=request, guard=("video", video.pk))
            if video.thumbnail
            else None,
        }

    def get_cameos(self, video) -> list[str]:
        """Every cameo the video carries: those its request named, then those inherited from its parent."""
        return [str(c) for c in video.cameo_ids]

    def get_provenance(self, video) -> ProvenanceFlagOut:
        return {"c2pa": video.has_c2pa, "mark": video.mark_key is not None}


def _strings(values) -> list[str] | None:
    return None if values is None else [None if v is None else str(v) for v in values]


class PublishIn(serializers.Serializer):
    caption = StrictCharField(max_length=500, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
