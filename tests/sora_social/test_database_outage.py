"""A database that refuses connections, or accepts and never answers: 503 in bounded time, never a 500 or a hang.

Each case runs the app in a fresh interpreter pointed at a port this test owns
(nothing listening, or a socket that accepts and stays silent), so the
machine's own PostgreSQL is never touched.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.generation.workers import free_port

BASE = Path(__file__).resolve().parents[2]
CONNECT_TIMEOUT = 2

SCRIPT = r"""
import json, time, uuid, django
django.setup()
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

token = AccessToken()
token["user_id"] = str(uuid.uuid4())
client = Client(raise_request_exception=False)
out = {}
for name, call in {
    "me": lambda: client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}"),
    "login": lambda: client.post("/api/v1/auth/token", {"username": "ana", "password": "x"},
                                 content_type="application/json"),
    "video": lambda: client.get(f"/api/v1/videos/{uuid.uuid4()}", HTTP_AUTHORIZATION=f"Bearer {token}"),
    "readyz": lambda: client.get("/readyz"),
    "healthz": lambda: client.get("/healthz"),
}.items():
    started = time.monotonic()
    r = call()
    out[name] = {"status": r.status_code, "seconds": time.monotonic() - started,
                 "retry_after": r.get("Retry-After"), "body": json.loads(r.content)}
print("RESULT " + json.dumps(out))
"""


def run_against(port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="sora_social.settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/x",
        DB_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
    )
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, cwd=BASE, capture_output=True, text=True, timeout=120)
    line = next((line for line in out.stdout.splitlines() if line.startswith("RESULT ")), None)
    assert line, out.stdout[-2000:] + out.stderr[-4000:]
    return json.loads(line[len("RESULT ") :])


@pytest.fixture
def silent_server():
    """Accepts TCP connections and never says a word, like a hung database."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=2)
    for conn in held:
        conn.close()
    server.close()


def check(results: dict, bound: float):
    for name in ("me", "login", "video", "readyz"):
        r = results[name]
        assert r["status"] == 503, (name, r)
        assert r["body"]["error"] in ("unavailable", "not_ready") and r["body"]["detail"], (name, r)
        assert r["seconds"] < bound, (name, r["seconds"])
    for name in ("me", "login", "video"):
        assert int(results[name]["retry_after"]) > 0
    assert results["readyz"]["body"]["checks"]["database"].startswith("error")
    assert results["healthz"]["status"] == 200


def test_a_database_that_refuses_connections_answers_503():
    started = time.monotonic()
    results = run_against(free_port())
    check(results, bound=CONNECT_TIMEOUT + 3)
    assert time.monotonic() - started < 60


def test_a_database_that_never_answers_answers_503_within_the_connect_timeout(silent_server):
    results = run_against(silent_server)
    # Each request waits for one connect attempt (libpq may try IPv4 and IPv6: at most two).
    check(results, bound=2 * CONNECT_TIMEOUT + 3)
    assert results["me"]["seconds"] >= CONNECT_TIMEOUT - 0.5
