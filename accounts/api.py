"""Account and social-graph endpoints: thin views that parse, call one service, render."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from sora_social.openapi import errors, page_of, public_errors
from sora_social.pagination import paginate
from sora_social.throttling import AuthRateThrottle, LoginFailureThrottle, login_failed, username_of

from . import selectors, services
from .serializers import (
    AuthOut,
    BlockOut,
    InviteOut,
    MeOut,
    MePatchIn,
    ProfileOut,
    RegisterIn,
    RelationOut,
)


class RegisterApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        operation_id="auth_register",
        request=RegisterIn,
        responses={
            201: AuthOut,
            **public_errors(
                400,
                403,
                429,
                503,
                e400="invalid input, username_taken, email_taken, weak_password, invite_required or invalid_invite",
                e403="too_young: under 13",
            ),
        },
        auth=[],
    )
    def post(self, request):
        data = RegisterIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_register(**data.validated_data)
        refresh = RefreshToken.for_user(user)
        body = {"user": MeOut(user).data, "access": str(refresh.access_token), "refresh": str(refresh)}
        return Response(body, status=status.HTTP_201_CREATED)


class TokenApi(TokenObtainPairView):
    throttle_classes = [AuthRateThrottle, LoginFailureThrottle]

    @extend_schema(
        operation_id="auth_token",
        responses={
            200: inline_serializer(
                "TokenPair", {"access": serializers.CharField(), "refresh": serializers.CharField()}
            ),
            **public_errors(
                400,
                401,
                429,
                503,
                e401="no_active_account: wrong username or password",
                e429="throttled: too many attempts from this address, or too many failed "
                "logins for this username (Retry-After says when to try again)",
            ),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            login_failed(username_of(request))
            raise


class TokenRefreshApi(TokenRefreshView):
    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        operation_id="auth_token_refresh",
        responses={
            200: inline_serializer("AccessToken", {"access": serializers.CharField()}),
            **public_errors(400, 401, 429, 503, e401="token_not_valid: the refresh token is invalid or expired"),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class MeApi(APIView):
    @extend_schema(operation_id="me_get", responses={200: MeOut, **errors()})
    def get(self, request):
        return Response(MeOut(request.user).data)

    @extend_schema(
        operation_id="me_patch",
        request=MePatchIn,
        responses={200: MeOut, **errors(400, 403, e403="teen_restricted: above the teen's ceiling")},
    )
    def patch(self, request):
        data = MePatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, **data.validated_data)
        return Response(MeOut(user).data)


class MyInvitesApi(APIView):
    @extend_schema(operation_id="me_invites", responses={200: page_of(InviteOut), **errors(400)})
    def get(self, request):
        return paginate(
            request=request,
            view=self,
            queryset=selectors.invites_of(user=request.user),
            serializer_class=InviteOut,
        )


class MyBlocksApi(APIView):
    @extend_schema(operation_id="me_blocks", responses={200: page_of(BlockOut), **errors(400)})
    def get(self, request):
        return paginate(
            request=request,
            view=self,
            queryset=selectors.blocks_of(user=request.user),
            serializer_class=BlockOut,
        )


class UserApi(APIView):
    @extend_schema(operation_id="users_get", responses={200: ProfileOut, **errors(404)})
    def get(self, request, username: str):
        user = selectors.user_profile_get(viewer=request.user, username=username)
        return Response(ProfileOut(user).data)


class FollowApi(APIView):
    @extend_schema(
        operation_id="users_follow",
        request=None,
        responses={
            200: RelationOut,
            201: RelationOut,
            **errors(
                400,
                404,
                429,
                e400="cannot_follow_self",
                e429="rate_limited {kind}: too many of these writes for now (Retry-After)",
            ),
        },
    )
    def post(self, request, username: str):
        target = selectors.user_visible_get(viewer=request.user, username=username)
        _, created = services.follow_create(follower=request.user, followee=target)
        body = {"username": target.username, "following": True}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(operation_id="users_unfollow", request=None, responses={204: None, **errors(404)})
    def delete(self, request, username: str):
        target = selectors.user_visible_get(viewer=request.user, username=username)
        services.follow_delete(follower=request.user, followee=target)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BlockApi(APIView):
    @extend_schema(
        operation_id="users_block",
        request=None,
        responses={200: RelationOut, 201: RelationOut, **errors(400, 404, e400="cannot_block_self")},
    )
    def post(self, request, username: str):
        target = selectors.user_block_target_get(viewer=request.user, username=username)
        _, created = services.block_create(blocker=request.user, blocked=target)
        body = {"username": target.username, "blocked": True}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(operation_id="users_unblock", request=None, responses={204: None, **errors(404)})
    def delete(self, request, username: str):
        target = selectors.user_block_target_get(viewer=request.user, username=username)
        services.block_delete(blocker=request.user, blocked=target)
        return Response(status=status.HTTP_204_NO_CONTENT)
