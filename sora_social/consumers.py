"""The event socket: `ws://HOST/ws/events?token=<access JWT>`."""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import AccessToken

from .events import user_group

# Like HTTP 401: the client should refresh its token and reconnect.
CLOSE_UNAUTHORIZED = 4401


@database_sync_to_async
def user_for_token(raw: str):
    try:
        token = AccessToken(raw)
    except TokenError:
        return None
    user_id = token.get(jwt_settings.USER_ID_CLAIM)
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


class EventsConsumer(AsyncJsonWebsocketConsumer):
    group = None

    async def connect(self):
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        raw = (query.get("token") or [""])[0]
        user = await user_for_token(raw) if raw else None
        # Accept first: a close before accept becomes an HTTP 403 and the
        # client would never see the 4401 that tells it to refresh its token.
        await self.accept()
        if user is None:
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send_json({"type": "hello", "data": {"user": str(user.pk)}})

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        # The socket is server-to-client; a ping keeps proxies from idling it out.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def event_send(self, message):
        await self.send_json(message["event"])
