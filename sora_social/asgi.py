"""One ASGI app for HTTP (Django) and WebSocket (Channels)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_social.settings")
django_asgi_app = get_asgi_application()  # before importing code that touches models

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from .consumers import EventsConsumer  # noqa: E402
from .heap import settle  # noqa: E402

websocket_urlpatterns = [path("ws/events", EventsConsumer.as_asgi())]

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # No Origin check: the socket authenticates with a bearer token, never a
        # cookie, so a foreign page gains nothing; and mobile clients send no Origin.
        "websocket": URLRouter(websocket_urlpatterns),
    }
)

settle()  # after every start-up import: full GC passes stay off the request path (heap.py)
