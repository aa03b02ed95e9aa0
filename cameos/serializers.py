from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sora_social.fields import StrictBooleanField, StrictCharField
from sora_social.media import signed_url
from videos.serializers import VideoOut

from .models import ApprovalState, Cameo, CharacterForm, Enrollment, GrantScope, Permission, RefusalRule


class ChallengeOut(serializers.Serializer):
    digits = serializers.CharField(help_text="Say these digits on camera.")
    moves = serializers.ListField(child=serializers.CharField(), help_text="Turn your head this way, in order.")


class CameoOut(serializers.ModelSerializer):
    id = serializers.CharField(read_only=True)
    owner = serializers.CharField(source="owner.username")
    preview_url = serializers.SerializerMethodField()

    class Meta:
        model = Cameo
        fields = [
            "id",
            "owner",
            "name",
            "kind",
            "form",
            "permission",
            "restrictions",
            "approve_before_publish",
            "preview_url",
            "created_at",
        ]

    def get_preview_url(self, cameo) -> str | None:
        name = cameo.preview or cameo.reference
        return signed_url(name, request=self.context.get("request"), guard=("cameo", cameo.pk)) if name else None


class EnrollmentOut(serializers.ModelSerializer):
    id = serializers.CharField(read_only=True)
    challenge = serializers.SerializerMethodField()
    reason = serializers.CharField(allow_blank=True)
    cameo = serializers.SerializerMethodField()

    class Meta:
        model = Enrollment
        fields = ["id", "status", "challenge", "expires_at", "reason", "reason_code", "cameo", "created_at"]

    def get_challenge(self, enrollment) -> ChallengeOut:
        return {"digits": enrollment.digits, "moves": list(enrollment.moves)}

    @extend_schema_field(CameoOut(allow_null=True))
    def get_cameo(self, enrollment):
        cameo = getattr(enrollment, "cameo", None)
        return CameoOut(cameo, context=self.context).data if cameo else None


class CaptureIn(serializers.Serializer):
    video = serializers.FileField(allow_empty_file=False)


class CharacterIn(serializers.Serializer):
    image = serializers.FileField(allow_empty_file=False)
    name = StrictCharField(max_length=50, min_length=1)
    form = serializers.ChoiceField(
        choices=CharacterForm.choices,
        required=False,
        default=CharacterForm.FIGURE,
        help_text="What it is: a pet (cat, dog, horse) is drawn as that animal where the model knows it.",
    )


class CameoPatchIn(serializers.Serializer):
    name = StrictCharField(max_length=50, min_length=1, required=False)
    permission = serializers.ChoiceField(choices=Permission.choices, required=False)
    restrictions = StrictCharField(max_length=1000, required=False, allow_blank=True)
    approve_before_publish = StrictBooleanField(
        required=False, help_text="Videos by others that carry this cameo wait for your approval before publishing."
    )


class GrantIn(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=GrantScope.choices,
        required=False,
        default=GrantScope.BOTH,
        help_text="What of your likeness they may use. A video uses the face.",
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class DecisionIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "decline"])
    message = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class AppearanceOut(serializers.Serializer):
    cameo = serializers.CharField(source="cameo_id")
    video = serializers.SerializerMethodField()
    inherited_from = serializers.CharField(
        source="inherited_from_id",
        allow_null=True,
        help_text="The remix parent the likeness came with; null when this video's own request named it.",
    )
    approval = serializers.ChoiceField(
        choices=ApprovalState.choices,
        help_text="not_needed, or (approve before publish) pending until you decide, then approved or declined.",
    )
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_message = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()

    @extend_schema_field(VideoOut)
    def get_video(self, appearance):
        return VideoOut(appearance.video, context=self.context).data


class RefusalOut(serializers.Serializer):
    by = serializers.CharField(source="user.username", help_text="Who tried.")
    rule = serializers.ChoiceField(choices=RefusalRule.choices)
    detail = serializers.CharField(help_text="restriction: the owner's rule it broke, as written; else empty.")
    prompt = serializers.CharField()
    created_at = serializers.DateTimeField()
