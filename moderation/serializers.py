from rest_framework import serializers

from sora_social.fields import StrictCharField

from .models import ReportReason, TargetType


class ReportIn(serializers.Serializer):
    target_type = serializers.ChoiceField(choices=TargetType.choices)
    target_id = StrictCharField(
        max_length=64, help_text="Video, comment, cameo or message id (a message sent to you); a username for users."
    )
    reason = serializers.ChoiceField(choices=ReportReason.choices)
    details = StrictCharField(max_length=2000, required=False, allow_blank=True)


class ReportOut(serializers.Serializer):
    id = serializers.CharField()
    target_type = serializers.CharField(source="case.target_type")
    target_id = serializers.CharField(source="case.target_id")
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class AppealIn(serializers.Serializer):
    video_id = StrictCharField(max_length=64)
    text = StrictCharField(max_length=2000, min_length=1)


class AppealOut(serializers.Serializer):
    id = serializers.CharField()
    video_id = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class ProtectedCharacterOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    owner = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    policy = serializers.CharField(help_text="blocked, verified (the accounts you verified may), parody")


class ProtectedUseOut(serializers.Serializer):
    by = serializers.CharField(source="user.username", help_text="Who wrote the prompt.")
    prompt = serializers.CharField()
    allowed = serializers.BooleanField()
    rule = serializers.CharField(help_text="The policy that decided it, or remix (named by the remixed video).")
    created_at = serializers.DateTimeField()
