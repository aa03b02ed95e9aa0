"""Small per-endpoint serializers: inputs validate shape, outputs render."""

from django.core.validators import RegexValidator
from rest_framework import serializers

from sora_social.fields import StrictCharField

from .models import DMPolicy, Invite, User

USERNAME_PATTERN = r"[A-Za-z0-9_.]{3,30}"
username_validator = RegexValidator(
    rf"^{USERNAME_PATTERN}$", "3 to 30 characters: letters, digits, underscore and dot."
)


class UserOut(serializers.ModelSerializer):
    id = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "bio", "created_at"]


class ProfileOut(UserOut):
    followers_count = serializers.IntegerField()
    following_count = serializers.IntegerField()
    is_following = serializers.BooleanField(help_text="The caller follows this user.")
    follows_you = serializers.BooleanField(help_text="This user follows the caller.")

    class Meta(UserOut.Meta):
        fields = UserOut.Meta.fields + ["followers_count", "following_count", "is_following", "follows_you"]


class MeOut(UserOut):
    is_teen = serializers.BooleanField(read_only=True)

    class Meta(UserOut.Meta):
        fields = UserOut.Meta.fields + ["email", "birthdate", "is_teen", "dm_policy"]


class RegisterIn(serializers.Serializer):
    username = StrictCharField(validators=[username_validator])
    password = StrictCharField(max_length=128, write_only=True, style={"input_type": "password"})
    email = serializers.EmailField(max_length=254)
    birthdate = serializers.DateField()
    invite_code = StrictCharField(max_length=32, required=False, allow_blank=True)


class AuthOut(serializers.Serializer):
    user = MeOut()
    access = serializers.CharField()
    refresh = serializers.CharField()


class MePatchIn(serializers.Serializer):
    display_name = StrictCharField(max_length=50, required=False, allow_blank=True)
    bio = StrictCharField(max_length=280, required=False, allow_blank=True)
    dm_policy = serializers.ChoiceField(choices=DMPolicy.choices, required=False)


class InviteOut(serializers.ModelSerializer):
    used = serializers.SerializerMethodField()
    used_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Invite
        fields = ["code", "used", "used_by", "used_at", "created_at"]

    def get_used(self, obj) -> bool:
        return obj.used_by_id is not None


class RelationOut(serializers.Serializer):
    username = serializers.CharField()
    following = serializers.BooleanField(required=False)
    blocked = serializers.BooleanField(required=False)


class BlockOut(serializers.Serializer):
    user = UserOut(source="blocked")
    created_at = serializers.DateTimeField()
