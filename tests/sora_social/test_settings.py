"""The environment picks the backends: nothing set means the embedded default."""

import json
import os
import subprocess
import sys

SCRIPT = """
import json, django
django.setup()
from django.conf import settings
from sora_social.celery import app
from feed.conf import feed_settings
print(json.dumps({
    "db": settings.DATABASES["default"]["ENGINE"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "acks_late": app.conf.task_acks_late,
    "reject_on_worker_lost": app.conf.task_reject_on_worker_lost,
    "time_limit": app.conf.task_time_limit,
    "queues": sorted(q.name for q in app.conf.task_queues),
    "invites": settings.SORA_INVITES_REQUIRED,
    "media": str(settings.MEDIA_ROOT),
    "hosts": settings.ALLOWED_HOSTS,
    "user_model": settings.AUTH_USER_MODEL,
    "c2pa_dir": settings.C2PA_CERT_DIR,
    "c2pa_chain": settings.C2PA_SIGN_CERT_PATH,
    "beat": sorted(e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()),
    "db_options": settings.DATABASES["default"].get("OPTIONS", {}),
    "feed": feed_settings().__dict__,
}))
"""


def configured(**env_vars) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SORA_INVITES_REQUIRED", "MEDIA_ROOT", "ALLOWED_HOSTS"}
    }
    env.update(DJANGO_SETTINGS_MODULE="sora_social.settings", **env_vars)
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_embedded_default_needs_no_services():
    conf = configured()

    assert conf["db"] == "django.db.backends.sqlite3"
    assert conf["cache"].endswith("LocMemCache")
    assert conf["layer"] == "channels.layers.InMemoryChannelLayer"
    assert conf["eager"] is True
    assert conf["invites"] is False
    assert conf["user_model"] == "accounts.User"


def test_redis_url_moves_celery_channels_and_cache_together():
    conf = configured(REDIS_URL="redis://127.0.0.1:6379/3", DATABASE_URL="postgres://postgres@127.0.0.1:5432/x")

    assert conf["db"] == "sora_social.postgresql"  # Django's backend, its pool drains dead connections at once
    assert conf["cache"] == "django_redis.cache.RedisCache"
    assert conf["layer"] == "channels_redis.core.RedisChannelLayer"
    assert conf["eager"] is False
    assert conf["broker"] == "redis://127.0.0.1:6379/3"


def test_worker_settings_survive_a_dead_worker():
    conf = configured()

    assert conf["acks_late"] is True and conf["reject_on_worker_lost"] is True
    assert conf["time_limit"] > 0
    assert conf["queues"] == ["default", "generation"]


def test_plain_settings_come_from_the_environment(tmp_path):
    conf = configured(SORA_INVITES_REQUIRED="true", MEDIA_ROOT=str(tmp_path), ALLOWED_HOSTS="a.example,b.example")

    assert conf["invites"] is True
    assert conf["media"] == str(tmp_path)
    assert conf["hosts"] == ["a.example", "b.example"]


def test_c2pa_paths_come_from_the_environment(tmp_path):
    conf = configured(C2PA_CERT_DIR=str(tmp_path / "c2pa"), C2PA_SIGN_CERT_PATH=str(tmp_path / "chain.pem"))
    assert conf["c2pa_dir"] == str(tmp_path / "c2pa") and conf["c2pa_chain"] == str(tmp_path / "chain.pem")


def test_beat_has_a_schedule_and_postgres_has_bounded_waits():
    conf = configured(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x", DB_CONNECT_TIMEOUT="3", DB_STATEMENT_TIMEOUT_MS="1500"
    )
    assert conf["beat"] == [
        "feed.index_rebuild",
        "feed.pools_refresh_active",
        "feed.videos_backfill",
        "generation.pictures_sweep",
        "generation.sweep",
    ]
    assert conf["db_options"]["connect_timeout"] == 3
    assert "statement_timeout=1500" in conf["db_options"]["options"]


def test_the_feed_knobs_are_settings_read_from_the_environment():
    default = configured()["feed"]
    assert default["page_size"] == 20 and default["adult_daily_limit"] == 0
    assert default["index_dir"].endswith("var/feed-index") and default["steering_parser"] == "embedded"

    tuned = configured(
        SORA_FEED_PAGE_SIZE="30",
        SORA_FEED_DAILY_LIMIT="200",
        SORA_FEED_SEEN_DAYS="7",
        SORA_FEED_INDEX_DIR="/srv/feed-index",
        SORA_FEED_INDEX_CHECK_S="2.5",
    )["feed"]
    assert tuned["page_size"] == 30 and tuned["adult_daily_limit"] == 200 and tuned["seen_days"] == 7
    assert tuned["index_dir"] == "/srv/feed-index" and tuned["index_check_s"] == 2.5


def test_an_unknown_model_backend_or_encoder_engine_or_a_backend_without_its_folder_stops_the_start():
    for env_vars, said in (
        ({"SORA_MODEL_BACKEND": "comfy"}, "SORA_MODEL_BACKEND must be in-tree or diffusers"),
        ({"SORA_MODEL_BACKEND": "diffusers"}, "needs SORA_MODEL_CHECKPOINT"),
        ({"SORA_E5_ENGINE": "fp4"}, "SORA_E5_ENGINE must be blocks or int8"),
    ):
        env = {k: v for k, v in os.environ.items() if k not in {"SORA_MODEL_CHECKPOINT"}}
        env.update(DJANGO_SETTINGS_MODULE="sora_social.settings", **env_vars)
        out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60)

        assert out.returncode != 0 and "ImproperlyConfigured" in out.stderr and said in out.stderr
