import json
import os
import subprocess
import sys
import threading

import pytest
from channels.layers import channel_layers

from sora_social.celery import app as celery_app
from sora_social.health import check_channel_layer

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_auth(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_readyz_is_ok_when_everything_is_reachable(client):
    r = client.get("/readyz")

    assert r.status_code == 200, r.json()
    assert r.json()["checks"] == {"database": "ok", "broker": "ok", "channel_layer": "ok"}


@pytest.fixture
def dead_broker():
    keys = ["task_always_eager", "broker_url", "broker_write_url"]
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/0", broker_write_url=None)
    yield
    celery_app.conf.update(saved)


def test_readyz_names_an_unreachable_broker(client, dead_broker):
    r = client.get("/readyz")

    assert r.status_code == 503
    body = r.json()
    assert body["error"] == "not_ready" and "broker" in body["detail"]
    assert body["checks"]["broker"].startswith("error")
    assert body["checks"]["database"] == "ok"


@pytest.fixture
def dead_channel_layer(settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_readyz_names_an_unreachable_channel_layer(client, dead_channel_layer):
    r = client.get("/readyz")

    assert r.status_code == 503
    assert r.json()["checks"]["channel_layer"].startswith("error")
    assert "channel_layer" in r.json()["detail"]


def test_readyz_names_an_unreachable_database(tmp_path):
    # A separate process, so the test database of this one stays connected.
    script = (
        "import django, json; django.setup();"
        "from django.test import Client; r = Client().get('/readyz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sora_social.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "DB_CONNECT_TIMEOUT": "2",  # the pool gives up after this; the default (5 s) only makes the test slower
    }
    env.pop("REDIS_URL", None)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)

    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"] == 503
    assert result["body"]["checks"]["database"].startswith("error")
    assert result["body"]["checks"]["broker"] == "ok"


def test_concurrent_readiness_probes_from_threads_all_see_the_channel_layer():
    # A threaded WSGI server runs each probe in its own event loop; probes that shared
    # the process's layer were refused ("two event loops") and answered 503.
    failures, done = [], []

    def probe():
        for _ in range(10):
            try:
                check_channel_layer()
                done.append(1)
            except Exception as exc:  # collected and asserted below
                failures.append(repr(exc))

    threads = [threading.Thread(target=probe) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert len(done) == 40
