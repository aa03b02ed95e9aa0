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


class PublishIn(serializers.Serializer):
    caption = StrictCharField(max_length=500, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
