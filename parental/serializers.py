from rest_framework import serializers

from sora_social.fields import StrictBooleanField, StrictCharField, StrictIntegerField

from .models import CameoCeiling, DMCeiling, ParentalControls, ParentLink
from .selectors import has_active_parent


class LinkIn(serializers.Serializer):
    teen_username = StrictCharField(max_length=30)


class LinkOut(serializers.ModelSerializer):
    id = serializers.CharField(read_only=True)
    parent = serializers.CharField(source="parent.username")
    teen = serializers.CharField(source="teen.username")

    class Meta:
        model = ParentLink
        fields = ["id", "parent", "teen", "status", "created_at", "accepted_at"]


class ControlsOut(serializers.ModelSerializer):
    feed_daily_limit = serializers.IntegerField(allow_null=True, help_text="Items per day; null: the teen default.")
    generation_daily_limit = serializers.IntegerField(
        allow_null=True, help_text="Videos per rolling 24 h; null: the teen default."
    )
    linked = serializers.SerializerMethodField(
        help_text="Whether a parent is linked. False: nobody's controls apply and these are the teen defaults."
    )
    updated_at = serializers.DateTimeField(allow_null=True, read_only=True)

    class Meta:
        model = ParentalControls
        fields = [
            "linked",
            "feed_daily_limit",
            "personalized_feed",
            "dm_policy",
            "cameo_permission_max",
            "generation_daily_limit",
            "updated_at",
        ]

    def get_linked(self, controls) -> bool:
        return has_active_parent(teen=controls.teen)


class ControlsIn(serializers.Serializer):
    feed_daily_limit = StrictIntegerField(min_value=0, max_value=10000, allow_null=True, required=False)
    personalized_feed = StrictBooleanField(required=False)
    dm_policy = serializers.ChoiceField(choices=DMCeiling.choices, required=False)
    cameo_permission_max = serializers.ChoiceField(choices=CameoCeiling.choices, required=False)
    generation_daily_limit = StrictIntegerField(min_value=0, max_value=1000, allow_null=True, required=False)
