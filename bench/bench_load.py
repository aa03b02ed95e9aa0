"""A load run on the deployed topology: several ASGI processes and two Celery workers on PostgreSQL + Redis.

Seeds its own database (`sora_social_load`, a small catalogue through
bench_feed's seeder), starts N daphne processes (the client spreads requests
over them, as a proxy would) and two workers on queues `default` and
`generation`, then runs C concurrent clients, each signed in as its own user,
for D seconds on a mix of feed pages, video reads, likes/unlikes and
generation requests. It runs the same load against 1 web process and against
N, side by side, and prints one table.

Counted as errors: any 5xx, any connection failure or timeout, and any status
an operation does not document. An idempotent request (a read, a like or an
unlike) whose kept-alive connection the server closed just as it was reused
is sent again once, as clients and proxies do (counted as "resent"); failing
again, it is an error. A generation request is never sent twice. A 429 for a generation (two at once per
user, or the daily limit) is the API working and is counted as "limited".

    .venv/bin/python bench/bench_load.py                       # 200 clients, 1 vs 4 processes, 30 s each
    .venv/bin/python bench/bench_load.py --clients 50 --seconds 10 --processes 1 2
    .venv/bin/python bench/bench_load.py --clients 50 --seconds 15 --processes 4 --fail-on-error   # CI

With --fail-on-error it exits 1 when any row had an error: CI runs the deployed
topology this way on every change.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_feed  # noqa: E402  (the seeder, shared with the feed benchmark)

from sora_social.celery import worker_command  # noqa: E402

LOAD_DB = os.environ.get("BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sora_social_load")
LOAD_REDIS = os.environ.get("BENCH_LOAD_REDIS_URL", "redis://127.0.0.1:6379/5")
BASE_PORT = 8300
MIX = {"feed": 0.35, "video": 0.35, "like": 0.25, "generation": 0.05}
EXPECTED = {"feed": {200}, "video": {200}, "like": {200, 201}, "generation": {202, 429}}


def seed(scale: float) -> dict:
    bench_feed.BENCH_DB = LOAD_DB
    bench_feed._setup(fresh=True)
    facts = bench_feed.seed(scale, random.Random(7))
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from videos.models import Video

    users = list(User.objects.filter(username__startswith="bench_user_").order_by("username")[:1000])
    tokens = [str(AccessToken.for_user(u)) for u in users if not u.is_teen]
    videos = [str(v) for v in Video.objects.filter(visibility="public").values_list("pk", flat=True)[:5000]]
    return {"facts": facts, "tokens": tokens, "videos": videos}


def _env() -> dict:
    return dict(
        os.environ,
        DATABASE_URL=LOAD_DB,
        REDIS_URL=LOAD_REDIS,
        DEBUG="false",
        LOG_LEVEL="WARNING",
        MEDIA_ROOT=bench_feed.MEDIA,
        SORA_GENERATION_STEPS="4",
        JWT_ACCESS_MINUTES="120",
        DB_STATEMENT_TIMEOUT_MS="30000",  # the seeder lifts it for its COPYs; the served app keeps it
    )


def start_web(n: int) -> list[subprocess.Popen]:
    procs = [
        subprocess.Popen(
            [
                str(ROOT / ".venv/bin/daphne"),
                "-b",
                "127.0.0.1",
                "-p",
                str(BASE_PORT + i),
                "sora_social.asgi:application",
            ],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=open(f"/tmp/sora-load-web-{i}.log", "w"),
            start_new_session=True,
        )
        for i in range(n)
    ]
    return procs


def start_workers(n: int = 2) -> list[subprocess.Popen]:
    # Niced: on one machine they stand in for render machines of their own, so renders
    # take the CPU the web processes leave instead of starving them.
    return [
        subprocess.Popen(
            ["nice", "-n", "15", *worker_command(name=f"load{i}@%h", loglevel="error")],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for i in range(n)
    ]


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


async def wait_ready(httpx, ports: list[int], token: str) -> None:
    async with httpx.AsyncClient(timeout=60) as client:
        for port in ports:
            for _ in range(240):
                try:
                    if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.5)
            else:
                raise SystemExit(f"web process on {port} did not start")
            # Warm each process: the feed's index and the prompt policy's encoder load on first use.
            headers = {"Authorization": f"Bearer {token}"}
            await client.get(f"http://127.0.0.1:{port}/api/v1/feed", headers=headers)
            await client.post(
                f"http://127.0.0.1:{port}/api/v1/generations",
                headers=headers,
                json={"prompt": "a red ball bouncing on the beach", "duration_s": 2},
            )


async def run_load(httpx, ports: list[int], data: dict, clients: int, seconds: float) -> dict:
    results: dict[str, list] = {op: [] for op in MIX}
    counts = {"errors": 0, "limited": 0, "retried": 0, "error_samples": []}
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients + 10, max_keepalive_connections=clients + 10)

    async def one_client(i: int, client) -> None:
        rng = random.Random(i)
        token = data["tokens"][i % len(data["tokens"])]
        headers = {"Authorization": f"Bearer {token}"}
        liked: set[str] = set()

        async def idempotent(method: str, url: str):
            # A kept-alive connection the server closed just as it was reused fails before any
            # answer; a client (and a proxy) sends an idempotent request again, once. Counted.
            try:
                return await client.request(method, url, headers=headers)
            except (httpx.ReadError, httpx.RemoteProtocolError):
                counts["retried"] += 1
                return await client.request(method, url, headers=headers)

        while time.monotonic() < deadline:
            op = rng.choices(list(MIX), weights=list(MIX.values()))[0]
            base = f"http://127.0.0.1:{rng.choice(ports)}/api/v1"
            video = rng.choice(data["videos"])
            started = time.perf_counter()
            try:
                if op == "feed":
                    r = await idempotent("GET", f"{base}/feed")
                elif op == "video":
                    r = await idempotent("GET", f"{base}/videos/{video}")
                elif op == "like":  # liking twice is one like, unliking twice none: both idempotent
                    if video in liked:
                        r = await idempotent("DELETE", f"{base}/videos/{video}/like")
                        liked.discard(video)
                    else:
                        r = await idempotent("POST", f"{base}/videos/{video}/like")
                        liked.add(video)
                else:
                    r = await client.post(
                        f"{base}/generations",
                        headers=headers,
                        json={"prompt": "a blue cube sliding left at night", "duration_s": 2},
                    )
                status = r.status_code
                detail = r.text[:120] if status >= 500 else ""
            except httpx.HTTPError as exc:
                status, detail = f"{type(exc).__name__}", str(exc)[:120]
            elapsed = time.perf_counter() - started
            if status in EXPECTED[op]:
                results[op].append(elapsed)
                if status == 429:
                    counts["limited"] += 1
            else:
                counts["errors"] += 1
                if len(counts["error_samples"]) < 5:
                    counts["error_samples"].append(f"{op} -> {status} {detail}")

    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        await asyncio.gather(*(one_client(i, client) for i in range(clients)))
    return {"latencies": results, **counts}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return 1000 * values[min(len(values) - 1, int(q * len(values)))]


def main(args) -> None:
    import logging

    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)

    if args.mix:
        mix = {op: float(w) for op, w in (part.split("=") for part in args.mix.split(","))}
        if set(mix) - set(EXPECTED):
            raise SystemExit(f"--mix: ops are {sorted(EXPECTED)}")
        MIX.clear()
        MIX.update(mix)
    t = time.perf_counter()
    data = seed(args.scale)
    print(
        f"seeded in {time.perf_counter() - t:.0f} s: {json.dumps(data['facts']['videos'])} videos, "
        f"{len(data['tokens'])} adult users"
    )
    workers = start_workers(2)
    rows = []
    try:
        for n in args.processes:
            web = start_web(n)
            try:
                ports = [BASE_PORT + i for i in range(n)]
                asyncio.run(wait_ready(httpx, ports, data["tokens"][0]))
                out = asyncio.run(run_load(httpx, ports, data, args.clients, args.seconds))
            finally:
                stop(web)
            everything = [x for values in out["latencies"].values() for x in values]
            total = len(everything) + out["errors"]
            rows.append(
                {
                    "processes": n,
                    "requests": total,
                    "rps": total / args.seconds,
                    "p50": pct(everything, 0.5),
                    "p99": pct(everything, 0.99),
                    "feed_p50": pct(out["latencies"].get("feed", []), 0.5),
                    "video_p50": pct(out["latencies"].get("video", []), 0.5),
                    "errors": out["errors"],
                    "error_rate": out["errors"] / max(1, total),
                    "limited": out["limited"],
                    "retried": out["retried"],
                    "samples": out["error_samples"],
                }
            )
    finally:
        stop(workers)

    print(f"\n{args.clients} clients, {args.seconds:.0f} s per row, 2 Celery workers, PostgreSQL + Redis, mix {MIX}")
    print(
        f"{'web processes':>13} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'feed p50':>9} "
        f"{'video p50':>10} {'errors':>7} {'limited 429':>12} {'resent':>7}"
    )
    for row in rows:
        print(
            f"{row['processes']:>13} {row['requests']:>9} {row['rps']:>7.1f} {row['p50']:>8.0f} {row['p99']:>8.0f} "
            f"{row['feed_p50']:>9.0f} {row['video_p50']:>10.0f} {row['errors']:>7} {row['limited']:>12}"
            f" {row['retried']:>7}"
        )
        if row["samples"]:
            print(f"{'':>13} first errors: {row['samples']}")
    if len(rows) >= 2:
        print(
            f"\nthroughput {rows[-1]['processes']} vs {rows[0]['processes']} process(es): "
            f"{rows[-1]['rps'] / rows[0]['rps']:.2f}x"
        )
    if args.fail_on_error and any(row["errors"] or not row["requests"] for row in rows):
        raise SystemExit("load run: errors (or no request served)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 4])
    parser.add_argument(
        "--mix", default="", help="the request mix as op=weight,... (e.g. feed=1 for a feed-only load); default: MIX"
    )
    parser.add_argument("--scale", type=float, default=0.02, help="catalogue size as bench_feed's scale")
    parser.add_argument("--fail-on-error", action="store_true", help="exit 1 when any request failed")
    main(parser.parse_args())
