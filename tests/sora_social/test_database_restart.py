"""PostgreSQL restarted under traffic: 503 while it is down, never a 500 or a hang, and back to
200 on the next requests once it is up, without restarting the app (its pooled connections die
with the server and must not be handed out again). The app runs as deployed (daphne) and is
called over HTTP: the test client keeps a connection across requests, a server does not.

The test starts a PostgreSQL cluster of its own on a spare port (as the postgres user when run
as root, since the server refuses to run as root), so the machine's own server is never touched.
"""

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from tests.generation.workers import free_port

BASE = Path(__file__).resolve().parents[2]
BIN = Path(shutil.which("pg_ctl") or "/nonexistent").resolve().parent

pytestmark = pytest.mark.skipif(not (BIN / "initdb").exists(), reason="PostgreSQL's server binaries are not here")


def as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="module")
def private_postgres():
    """A throwaway cluster on a free port, migrated, shared by this module's tests (each starts its
    own app); yields (port, stop, start)."""
    root = Path(tempfile.mkdtemp(prefix="sora-pg-"))
    data, port = root / "data", free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    run = lambda *cmd: subprocess.run(as_postgres([str(BIN / cmd[0]), *cmd[1:]]), check=True, capture_output=True)  # noqa: E731
    run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres")
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = lambda: run("pg_ctl", "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start")  # noqa: E731
    stop = lambda: run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")  # noqa: E731
    start()
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], env=_app_env(port), cwd=BASE, check=True, timeout=300
        )

        def start_if_down():  # a test that failed mid-outage leaves the server stopped
            status = subprocess.run(as_postgres([str(BIN / "pg_ctl"), "-D", str(data), "status"]), capture_output=True)
            if status.returncode != 0:
                start()

        yield port, stop, start, start_if_down
    finally:
        subprocess.run(
            as_postgres([str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


def _app_env(db_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="sora_social.settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{db_port}/postgres",
        DB_CONNECT_TIMEOUT="2",
    )
    return env


def _get(port: int, path: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request("POST" if body else "GET", path, body=json.dumps(body) if body else None, headers=headers)
    r = conn.getresponse()
    status, data = r.status, r.read()
    conn.close()
    return status, json.loads(data or b"{}")


def _register(port: int, username: str) -> str:
    """A new account's access token."""
    body = {"username": username, "password": "a-long-passphrase-7", "email": f"{username}@example.com"}
    status, out = _get(port, "/api/v1/auth/register", body={**body, "birthdate": "1990-01-01"})
    assert status == 201, out
    return out["access"]


@pytest.fixture
def server(private_postgres):
    """The app, as deployed (daphne), against the private cluster; yields (app port, stop db, start db)."""
    db_port, stop, start, start_if_down = private_postgres
    start_if_down()
    env = _app_env(db_port)
    port = free_port()
    daphne = Path(sys.executable).with_name("daphne")
    app = subprocess.Popen(
        [str(daphne), "-b", "127.0.0.1", "-p", str(port), "sora_social.asgi:application"],
        env=env,
        cwd=BASE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline and app.poll() is None, "the app did not start"
            time.sleep(0.2)
        yield port, stop, start
    finally:
        app.terminate()
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()


def test_a_restart_is_503_while_down_and_200_again_after(server):
    port, stop, start = server
    token = _register(port, "ana")
    calls, done = [], threading.Event()

    def traffic():
        while not done.is_set():
            started = time.monotonic()
            try:
                status, _ = _get(port, "/api/v1/me", token)
            except OSError as exc:  # the app itself must not fall over either
                status = repr(exc)
            calls.append((started, status, time.monotonic() - started))
            time.sleep(0.1)

    worker = threading.Thread(target=traffic, daemon=True)
    worker.start()
    time.sleep(3)
    down_at = time.monotonic()
    stop()
    time.sleep(6)
    start()
    up_at = time.monotonic()
    time.sleep(5)
    done.set()
    worker.join(timeout=30)

    assert {status for _, status, _ in calls} <= {200, 503}, calls  # never a 500 or a dropped connection
    assert max(seconds for _, _, seconds in calls) < 2 * 2 + 3  # never a hang: bounded by the connect timeout
    before = [status for t, status, _ in calls if t < down_at - 0.2]
    # Answered while the server was down (a request may wait up to the connect timeout for it).
    during = [status for t, status, took in calls if down_at < t and t + took < up_at]
    after = [status for t, status, _ in calls if t > up_at + 1.0]
    assert before and set(before) == {200}
    # Each answer while down waits out the connect timeout (2 s), so a 6 s outage holds two or
    # three; one, on a busy machine, is still the behaviour asked for (a clean clone's CI once had one).
    assert during and set(during) == {503}, [(round(t - down_at, 2), s, round(d, 2)) for t, s, d in calls]
    assert after and set(after) == {200}, [c for c in calls if c[0] > up_at]  # no dead pooled connection handed out


def test_a_restart_while_idle_costs_no_request(server):
    """The pool's idle connections die with the server; each is checked before it is handed out
    (CONN_HEALTH_CHECKS). Without the check every request after the restart answered 503
    (8 of 8 here). With the check alone the first one or two still timed out (PoolTimeout after
    DB_CONNECT_TIMEOUT): psycopg_pool backs off 1 s, then 2 s, between dead connections it
    finds. Now the first dead one found makes the pool drop all of them
    (sora_social/postgresql/base.py): the first request waits about a second, and answers."""
    port, stop, start = server
    token = _register(port, "bob")
    # Several requests at once, so the pool holds several connections, then a quiet restart.
    threads = [threading.Thread(target=_get, args=(port, "/api/v1/me", token)) for _ in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    stop()
    start()

    timed = []
    for _ in range(8):
        started = time.monotonic()
        timed.append((_get(port, "/api/v1/me", token)[0], round(time.monotonic() - started, 2)))

    assert [status for status, _ in timed] == [200] * 8, timed
    assert max(took for _, took in timed) < 2, timed  # inside DB_CONNECT_TIMEOUT (2 s here)


def test_after_a_long_outage_the_next_request_is_served(server):
    """While the server is down, the pool keeps retrying with a growing back-off (1, 2, 4, 8 s
    ...): after a 10 s outage its next try was up to 8 s away, so requests made a second after
    the server came back still answered 503 (DB_CONNECT_TIMEOUT, 2 s here, ran out first). The
    pool now gives up a round of retries after DB_CONNECT_TIMEOUT and the next request starts
    a fresh one at once, so no try is ever more than about a second away."""
    port, stop, start = server
    token = _register(port, "cyd")
    stop()
    down = time.monotonic()
    while time.monotonic() - down < 10:  # requests keep the pool trying through the outage
        assert _get(port, "/api/v1/me", token)[0] == 503
    start()
    time.sleep(1.0)
    timed = []
    for _ in range(4):
        started = time.monotonic()
        timed.append((_get(port, "/api/v1/me", token)[0], round(time.monotonic() - started, 2)))
        time.sleep(0.2)
    assert [status for status, _ in timed] == [200] * 4, timed
