from django.urls import path, register_converter

from . import api
from .serializers import USERNAME_PATTERN


class UsernameConverter:
    # Only well-formed usernames reach a view; anything else is a plain 404.
    regex = USERNAME_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UsernameConverter, "username")

urlpatterns = [
    path("auth/register", api.RegisterApi.as_view(), name="auth-register"),
    path("auth/token", api.TokenApi.as_view(), name="auth-token"),
    path("auth/token/refresh", api.TokenRefreshApi.as_view(), name="auth-token-refresh"),
    path("me", api.MeApi.as_view(), name="me"),
    path("me/invites", api.MyInvitesApi.as_view(), name="me-invites"),
    path("me/blocks", api.MyBlocksApi.as_view(), name="me-blocks"),
    path("users/<username:username>", api.UserApi.as_view(), name="user"),
    path("users/<username:username>/follow", api.FollowApi.as_view(), name="user-follow"),
    path("users/<username:username>/block", api.BlockApi.as_view(), name="user-block"),
]
