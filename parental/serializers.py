from rest_framework import serializers

from sora_social.fields import StrictBooleanField, StrictCharField, StrictIntegerField

from .models import CameoCeiling, DMCeiling, ParentalControls, ParentLink


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

    class Meta:
        model = ParentalControls
        fields = ["feed_daily_limit", "personalized_feed", "dm_policy", "cameo_permission_max", "updated_at"]


class ControlsIn(serializers.Serializer):
    feed_daily_limit = StrictIntegerField(min_value=0, max_value=10000, allow_null=True, required=False)
    personalized_feed = StrictBooleanField(required=False)
    dm_policy = serializers.ChoiceField(choices=DMCeiling.choices, required=False)
    cameo_permission_max = serializers.ChoiceField(choices=CameoCeiling.choices, required=False)
