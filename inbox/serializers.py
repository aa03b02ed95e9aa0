from rest_framework import serializers

from sora_social.fields import StrictCharField, StrictUUIDField


class MessageIn(serializers.Serializer):
    text = StrictCharField(max_length=2000, required=False, allow_blank=True, trim_whitespace=True)
    video = StrictCharField(max_length=64, required=False)

    def validate(self, data):
        if not data.get("text") and not data.get("video"):
            raise serializers.ValidationError("Send some text or a video.")
        return data


class MessageOut(serializers.Serializer):
    id = serializers.CharField()
    sender = serializers.CharField(source="sender.username")
    text = serializers.CharField()
    video = serializers.CharField(source="video_id", allow_null=True)
    created_at = serializers.DateTimeField()


class NotificationOut(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.CharField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    video = serializers.CharField(source="video_id", allow_null=True)
    data = serializers.JSONField()
    created_at = serializers.DateTimeField()
    read = serializers.SerializerMethodField()

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class MarkReadIn(serializers.Serializer):
    ids = serializers.ListField(child=StrictUUIDField(), required=False, max_length=500)
