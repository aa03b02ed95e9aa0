"""The signing key: a deployment never runs on a key anyone else knows.

Each case starts a fresh interpreter, because settings are read once at import.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sora_social.settings import PUBLISHED_SECRET_KEYS

BASE = Path(__file__).resolve().parents[2]
PRINT_KEY = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
A_GOOD_KEY = "k" * 20 + "-a-random-enough-value-for-tests-0123456789"


def start(tmp_path, **env_vars) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG"}}
    # No key file unless the case names one: the checkout's own var/secret_key must not leak in.
    env.update(
        {"DJANGO_SETTINGS_MODULE": "sora_social.settings", "SECRET_KEY_FILE": str(tmp_path / "none"), **env_vars}
    )
    return subprocess.run(
        [sys.executable, "-c", PRINT_KEY], env=env, cwd=BASE, capture_output=True, text=True, timeout=60
    )


def test_no_key_with_debug_off_refuses_to_start(tmp_path):
    out = start(tmp_path, DEBUG="false")
    assert out.returncode != 0
    assert "ImproperlyConfigured" in out.stderr and "No SECRET_KEY" in out.stderr


@pytest.mark.parametrize("key", sorted(PUBLISHED_SECRET_KEYS))
def test_a_published_key_is_refused(tmp_path, key):
    out = start(tmp_path, DEBUG="false", SECRET_KEY=key)
    assert out.returncode != 0 and "published key" in out.stderr


def test_a_published_key_is_refused_even_with_debug_on(tmp_path):
    out = start(tmp_path, DEBUG="true", SECRET_KEY=sorted(PUBLISHED_SECRET_KEYS)[0])
    assert out.returncode != 0 and "published key" in out.stderr


def test_a_short_key_is_refused_in_production(tmp_path):
    out = start(tmp_path, DEBUG="false", SECRET_KEY="short-key-123")
    assert out.returncode != 0 and "shorter than" in out.stderr


def test_the_environment_key_is_used(tmp_path):
    out = start(tmp_path, DEBUG="false", SECRET_KEY=A_GOOD_KEY)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == A_GOOD_KEY


def test_a_key_file_is_used_when_the_variable_is_unset(tmp_path):
    key_file = tmp_path / "secret"
    key_file.write_text(A_GOOD_KEY + "\n")
    out = start(tmp_path, DEBUG="false", SECRET_KEY_FILE=str(key_file))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == A_GOOD_KEY


def test_debug_without_a_key_gets_a_random_one_per_process(tmp_path):
    first, second = start(tmp_path, DEBUG="true"), start(tmp_path, DEBUG="true")
    assert first.returncode == 0 and second.returncode == 0
    keys = {first.stdout.strip().splitlines()[-1], second.stdout.strip().splitlines()[-1]}
    assert len(keys) == 2 and all(len(k) >= 50 for k in keys)


def test_make_writes_a_private_random_key_for_the_checkout():
    key_file = BASE / "var" / "secret_key"
    assert key_file.is_file(), "make install writes var/secret_key"
    assert key_file.stat().st_mode & 0o077 == 0
    key = key_file.read_text().strip()
    assert len(key) >= 50 and key not in PUBLISHED_SECRET_KEYS


def check_deploy(**settings_env) -> subprocess.CompletedProcess:
    """`manage.py check --deploy --fail-level WARNING` with DEBUG off, a good key and these variables."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(DJANGO_SETTINGS_MODULE="sora_social.settings", DEBUG="false", SECRET_KEY=A_GOOD_KEY, **settings_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=BASE,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_production_settings():
    out = check_deploy(
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_COOKIES="true",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        SECURE_HSTS_PRELOAD="true",
        SECURE_PROXY_SSL_HEADER="true",
        ALLOWED_HOSTS="api.example.com",
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_check_deploy_warns_without_them():
    out = check_deploy()
    assert out.returncode != 0 and "SECURE_SSL_REDIRECT" in out.stderr + out.stdout
