"""Direct messages and notifications: thin views over inbox.messaging and inbox.notifications."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import user_visible_get
from sora_social.openapi import errors, page_of
from sora_social.pagination import paginate

from . import messaging, notifications
from .serializers import MarkReadIn, MessageIn, MessageOut, NotificationOut


class MessagesApi(APIView):
    @extend_schema(operation_id="messages_list", responses={200: page_of(MessageOut), **errors(400, 404)})
    def get(self, request, username: str):
        other = user_visible_get(viewer=request.user, username=username)
        return paginate(
            request=request,
            view=self,
            queryset=messaging.conversation(user=request.user, other=other),
            serializer_class=MessageOut,
        )

    @extend_schema(
        operation_id="messages_send",
        request=MessageIn,
        responses={
            201: MessageOut,
            **errors(
                400,
                403,
                404,
                422,
                429,
                e403="dm_not_allowed, teen_dm_not_allowed (an adult and a teen who is not "
                "their linked child) or video_not_shareable",
                e422="prompt_blocked {categories}",
                e429="rate_limited {kind}: too many of these writes for now (Retry-After)",
            ),
        },
    )
    def post(self, request, username: str):
        other = user_visible_get(viewer=request.user, username=username)
        data = MessageIn(data=request.data)
        data.is_valid(raise_exception=True)
        message = messaging.message_send(
            sender=request.user,
            recipient=other,
            text=data.validated_data.get("text", ""),
            video_id=data.validated_data.get("video"),
        )
        return Response(MessageOut(message).data, status=status.HTTP_201_CREATED)


class NotificationsApi(APIView):
    @extend_schema(
        operation_id="notifications_list",
        responses={
            200: inline_serializer(
                "NotificationPage",
                {
                    "results": NotificationOut(many=True),
                    "next": serializers.CharField(allow_null=True),
                    "unread": serializers.IntegerField(),
                },
            ),
            **errors(400),
        },
    )
    def get(self, request):
        response = paginate(
            request=request,
            view=self,
            queryset=notifications.notifications_for(user=request.user),
            serializer_class=NotificationOut,
        )
        response.data["unread"] = notifications.unread_count(user=request.user)
        return response


class NotificationsReadApi(APIView):
    @extend_schema(
        operation_id="notifications_mark_read",
        request=MarkReadIn,
        responses={200: inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}), **errors(400)},
    )
    def post(self, request):
        data = MarkReadIn(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data.get("ids")
        marked = notifications.notifications_mark_read(user=request.user, ids=[str(i) for i in ids] if ids else None)
        return Response({"marked": marked})
