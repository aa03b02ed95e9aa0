"""The compose files describe the whole system, checked without a Docker daemon.

CI machines have no Docker; these tests read the files the way an operator
relies on them: every queue consumed, start order by health, secrets
required, Redis persistent and password-protected, beat with a schedule.
"""

import re
from pathlib import Path

import yaml
from django.conf import settings

from sora_social.celery import app

DOCKER = Path(__file__).resolve().parents[2] / "docker"
APP_SERVICES = ("migrate", "web", "worker", "beat")


def load(name: str) -> dict:
    return yaml.safe_load((DOCKER / name).read_text())


def queues_of(command: str) -> set[str]:
    match = re.search(r"-Q\s+(\S+)", command)
    return set(match.group(1).split(",")) if match else set()


def test_a_plain_up_renders_videos_every_queue_has_a_consumer():
    services = load("compose.yml")["services"]
    consumed = set().union(
        *(queues_of(s.get("command", "")) for s in services.values() if isinstance(s.get("command"), str))
    )
    assert {q.name for q in app.conf.task_queues} <= consumed
    assert not any(s.get("profiles") for s in services.values()), "nothing essential hides behind a profile"


def test_web_runs_as_replicas_behind_a_proxy_that_is_the_one_trusted_hop():
    services = load("compose.yml")["services"]
    assert "replicas" in services["web"]["deploy"] and "ports" not in services["web"]
    assert services["web"]["environment"]["SORA_TRUSTED_PROXIES"] == "1"
    assert services["proxy"]["ports"] and services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"
    caddyfile = (DOCKER / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile


def test_services_start_in_order_of_health():
    services = load("compose.yml")["services"]
    for name in ("postgres", "redis", "web"):
        assert services[name].get("healthcheck", {}).get("test"), name
    for name in APP_SERVICES:
        deps = services[name]["depends_on"]
        if name == "migrate":
            assert deps["postgres"]["condition"] == deps["redis"]["condition"] == "service_healthy"
        else:
            assert deps["migrate"]["condition"] == "service_completed_successfully", name


def test_secrets_are_required_and_nothing_is_open_by_default():
    services = load("compose.yml")["services"]
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert re.fullmatch(r"\$\{SECRET_KEY:\?.+\}", env["SECRET_KEY"]), name
        assert env["ALLOWED_HOSTS"] != "*" and "*" not in env["ALLOWED_HOSTS"].split(",")
        assert ":?" in env["REDIS_URL"] and ":?" in env["DATABASE_URL"]
    redis = services["redis"]["command"]
    assert "--appendonly yes" in redis and "--requirepass" in redis


def test_one_signing_certificate_is_shared_by_every_worker():
    services = load("compose.yml")["services"]
    for name in APP_SERVICES:
        assert "c2pa:/c2pa" in services[name]["volumes"] and services[name]["environment"]["C2PA_CERT_DIR"]
    assert "make_signing_cert" in services["migrate"]["command"]


def test_beat_has_a_schedule_of_registered_tasks():
    services = load("compose.yml")["services"]
    assert "beat" in services["beat"]["command"]
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"generation.sweep", "feed.index_rebuild", "feed.videos_backfill"} <= scheduled
    assert scheduled <= set(app.tasks)


def test_the_gpu_override_moves_generation_to_the_gpu_worker():
    services = load("compose.gpu.yml")["services"]
    assert queues_of(services["worker"]["command"]) == {"default"}
    assert queues_of(services["worker-gpu"]["command"]) == {"generation"}
    assert services["worker-gpu"]["build"]["dockerfile"] == "docker/Dockerfile.gpu"


def test_images_never_carry_local_state():
    ignored = (DOCKER.parent / ".dockerignore").read_text().split()
    assert {".venv", "var", ".git"} <= set(ignored)
    gpu = (DOCKER / "Dockerfile.gpu").read_text()
    assert "FROM python:3.11" in gpu and "torch==2.13.0" in gpu
