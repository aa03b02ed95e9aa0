"""Liveness (`/healthz`) and readiness (`/readyz`) for load balancers and orchestrators."""

import asyncio
import logging
import uuid

from asgiref.sync import async_to_sync
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 2.0


@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_broker() -> None:
    from .celery import app

    if app.conf.task_always_eager:
        return  # embedded mode: tasks run in-process, there is no broker to reach
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_S)


def check_channel_layer() -> None:
    """A real round trip: send to a fresh channel and read it back.

    The probe builds its own layer from the same settings instead of borrowing the
    process's: under a threaded WSGI server every probe runs its own event loop, and
    the shared Redis layer refuses receives from two loops at once: concurrent probes
    answered 503, and their receives tied the shared layer's lock to another loop than
    the sockets'.
    """

    async def round_trip():
        layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
        try:
            channel = await layer.new_channel(prefix="readyz")
            token = uuid.uuid4().hex
            await layer.send(channel, {"type": "readyz.probe", "token": token})
            message = await asyncio.wait_for(layer.receive(channel), CHECK_TIMEOUT_S)
            if message.get("token") != token:
                raise RuntimeError("channel layer returned another message")
        finally:
            close = getattr(layer, "close_pools", None)
            if close is not None:
                await close()

    async_to_sync(round_trip)()


CHECKS = {"database": check_database, "broker": check_broker, "channel_layer": check_channel_layer}


@require_GET
def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # any failure means "not ready"; say which and why
            log.warning("readiness check %s failed: %s", name, exc)
            results[name] = f"error: {type(exc).__name__}"
    failing = [name for name, result in results.items() if result != "ok"]
    if failing:
        return JsonResponse(
            {"error": "not_ready", "detail": f"unreachable: {', '.join(failing)}", "checks": results},
            status=503,
        )
    return JsonResponse({"status": "ok", "checks": results})
