import os

import pytest
from channels.layers import channel_layers
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from sora_social.celery import app as celery_app
from tests.factories import TeenFactory, UserFactory

pytest_plugins = ["tests.error_contract"]

REDIS_URL = os.environ.get("REDIS_URL", "")


def pytest_collection_modifyitems(config, items):
    if REDIS_URL:
        return
    skip = pytest.mark.skip(reason="needs REDIS_URL (the real Redis)")
    for item in items:
        if "redis" in item.keywords:
            item.add_marker(skip)


def _clear_cache():
    # Only our own keys: the Redis of a machine may serve others too.
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # PBKDF2 at production strength costs ~0.3 s per user on this machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Auth throttling has its own test; elsewhere it must not get in the way.
    settings.SORA_AUTH_THROTTLE_RATE = "10000/min"
    settings.SORA_LOGIN_FAILURE_RATE = "10000/hour"
    _clear_cache()
    # Each test gets its own channel layer: every async test runs its own event loop, and a
    # Redis layer's receive lock belongs to the loop that first waited on it; a layer carried
    # over from an earlier test failed a later test's socket ("bound to a different event loop").
    channel_layers.backends.clear()
    yield
    _clear_cache()


@pytest.fixture
def api():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other(db):
    return UserFactory()


@pytest.fixture
def teen(db):
    return TeenFactory()


@pytest.fixture
def as_user(user):
    return client_for(user)


def _tasks_in_place(value: bool):
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = value
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture
def eager():
    """Run tasks in-process even when REDIS_URL points Celery at a broker."""
    yield from _tasks_in_place(True)


@pytest.fixture
def not_eager():
    """Tasks go to the broker (REDIS_URL's Redis), as deployed."""
    yield from _tasks_in_place(False)


@pytest.fixture
def fast_render(settings):
    # Fewer sampling steps: the tests check the plumbing, not the picture.
    settings.SORA_GENERATION_STEPS = 4
