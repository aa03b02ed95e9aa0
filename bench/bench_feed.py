"""GET /feed over HTTP against a seeded PostgreSQL, and a bare DRF list of 20 videos in the same run.

Seeds its own database (`sora_social_bench` on the server named by
BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/sora_social_bench):
at --scale 1, 100k videos, 10k users, 1M interactions (views, likes,
comments: COPY, not the ORM) plus 20 follows per user; then labels and
embeds the videos (a pool of real MiniLM prompt embeddings, as in
bench_index.py), builds the faiss index, starts `manage.py runserver` (no
reloader, one thread) on it and requests:

- GET /api/v1/feed for --requests requests from many viewers (each viewer
  asks for page 1 and then follows `next` once),
- GET /api/v1/users/<creator>/videos?limit=20 (a bare DRF list of 20 videos
  through the same serializer) as many times, interleaved.

The viewers' feed pools are ranked first, in this process, by the code a
worker runs (`feed.pool.pool_refresh`), and timed: that is the worker's cost
per viewer. The server is told not to re-rank during the run
(SORA_FEED_POOL_MAX_AGE_S=3600), so the HTTP figures are the serving path.
Pools live in the Redis named by BENCH_REDIS_URL (default db 4 of the local
Redis), shared by this process and the server.

Also in this process: queries per feed page (other viewers than the timed
ones), and the bare list against a plain `ModelSerializer` view of the same
20 rows (no visibility rule, no media URLs), both through DRF's request
cycle with the user already authenticated.

    .venv/bin/python bench/bench_feed.py --scale 0.1 --requests 500
    .venv/bin/python bench/bench_feed.py --scale 0.1 --requests 500 --no-seed   # reuse the seeded database
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BENCH_DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sora_social_bench")
MEDIA = os.environ.get("BENCH_MEDIA_ROOT", "/tmp/sora-bench-media")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")


def _setup(fresh: bool) -> None:
    os.environ["DATABASE_URL"] = BENCH_DB
    os.environ["MEDIA_ROOT"] = MEDIA
    os.environ["REDIS_URL"] = REDIS
    # Seeding COPYs millions of rows in one statement; the served app keeps its 30 s limit.
    os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_social.settings")
    import psycopg

    base, name = BENCH_DB.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()


def _copy(model, rows) -> int:
    """COPY rows (dicts by attname) into a model's table, every other column at its
    default: ~20x the ORM's bulk_create on this machine, and indifferent to columns
    other apps add later."""
    from django.db import connection
    from django.db.models import AutoField, BigAutoField

    fields = [f for f in model._meta.concrete_fields]
    count = 0
    with connection.cursor() as cursor:
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return 0
        fields = [f for f in fields if not (isinstance(f, (AutoField, BigAutoField)) and f.attname not in first)]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        defaults = {f.attname: f.get_default() for f in fields}
        with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for row in itertools.chain([first], rows):
                copy.write_row(
                    [f.get_db_prep_save(row.get(f.attname, defaults[f.attname]), connection) for f in fields]
                )
                count += 1
    return count


def seed(scale: float, rng: random.Random) -> dict:
    import numpy as np
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from feed import services, topics

    timings = {}
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    timings["migrate"] = time.perf_counter() - t

    n_users, n_videos, n_inter = int(10_000 * scale), int(100_000 * scale), int(1_000_000 * scale)
    now = timezone.now()
    t = time.perf_counter()
    users = [uuid.uuid4() for _ in range(n_users)]
    from accounts.models import Follow, User

    _copy(
        User,
        (
            {
                "id": u,
                "password": "!",
                "username": f"bench_user_{i}",
                "email": f"u{i}@example.com",
                "date_joined": now,
                "birthdate": "2008-06-01" if i % 10 == 0 else "1995-01-01",
                "display_name": f"U{i}",
                "dm_policy": "followers",
                "created_at": now,
            }
            for i, u in enumerate(users)
        ),
    )
    # Creators are a minority with most of the videos (a power law, roughly).
    creators = users[: max(1, n_users // 5)]
    weights = [1 / (i + 1) ** 0.8 for i in range(len(creators))]
    owners = rng.choices(creators, weights, k=n_videos)
    from bench_index import ACTIONS, PLACES, SUBJECTS

    # A pool of distinct prompts, each embedded once: encoding every video's text
    # would cost minutes of CPU at scale 1 and measure the encoder, not the feed.
    combos = [f"{s} {a} {p}" for s in SUBJECTS for a in ACTIONS for p in PLACES]
    pool = rng.sample(combos, min(len(combos), 1500))
    texts = [rng.choice(pool) for _ in range(n_videos)]
    videos = [uuid.uuid4() for _ in range(n_videos)]
    published = [now - timedelta(hours=rng.uniform(0, 24 * 20)) for _ in range(n_videos)]
    from videos.models import Video

    _copy(
        Video,
        (
            {
                "id": v,
                "owner_id": owners[i],
                "prompt": texts[i],
                "state": "published",
                "visibility": "public" if i % 20 else "followers",
                "file": f"videos/b{i}.mp4",
                "thumbnail": f"videos/b{i}.jpg",
                "duration_s": 4.0,
                "width": 256,
                "height": 256,
                "has_c2pa": True,
                "model_version": "bench",
                "created_at": published[i],
                "published_at": published[i],
            }
            for i, v in enumerate(videos)
        ),
    )
    # Remix lineage for 5% of videos.
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE videos_video v SET remix_of_id = p.id
            FROM (SELECT id, row_number() OVER () AS rn FROM videos_video) p,
                 (SELECT id, row_number() OVER () AS rn FROM videos_video) c
            WHERE v.id = c.id AND c.rn % 20 = 7 AND p.rn = c.rn - 3""")
    follows = set()
    for u in users:
        for c in rng.sample(creators, min(20, len(creators))):
            if c != u:
                follows.add((u, c))
    _copy(Follow, ({"follower_id": a, "followee_id": b, "created_at": now} for a, b in follows))
    timings["users+videos+follows"] = time.perf_counter() - t

    t = time.perf_counter()
    hot = videos[: max(1, n_videos // 10)]  # a tenth of the videos draw half of the attention

    def pick():
        return rng.choice(hot) if rng.random() < 0.5 else rng.choice(videos)

    n_views, n_likes = int(n_inter * 0.6), int(n_inter * 0.35)
    n_comments = n_inter - n_views - n_likes
    from feed.models import Comment, Like, VideoFeatures, VideoTopic, View

    _copy(
        View,
        (
            {
                "user_id": rng.choice(users),
                "video_id": pick(),
                "watch_ms": rng.randint(200, 30_000),
                "created_at": now - timedelta(days=rng.uniform(0, 20)),
            }
            for _ in range(n_views)
        ),
    )
    likes = set()
    while len(likes) < n_likes:
        likes.add((rng.choice(users), pick()))
    _copy(
        Like, ({"user_id": u, "video_id": v, "created_at": now - timedelta(days=rng.uniform(0, 20))} for u, v in likes)
    )
    _copy(
        Comment,
        (
            {
                "id": uuid.uuid4(),
                "video_id": pick(),
                "author_id": rng.choice(users),
                "text": "so good",
                "created_at": now,
            }
            for _ in range(n_comments)
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("""UPDATE videos_video v SET like_count = c.n
                          FROM (SELECT video_id, count(*) n FROM feed_like GROUP BY video_id) c WHERE v.id = c.video_id""")
        cursor.execute("""UPDATE videos_video v SET comment_count = c.n FROM
                          (SELECT video_id, count(*) n FROM feed_comment GROUP BY video_id) c WHERE v.id = c.video_id""")
        cursor.execute("""UPDATE videos_video v SET remix_count = c.n FROM
                          (SELECT remix_of_id, count(*) n FROM videos_video WHERE remix_of_id IS NOT NULL
                           GROUP BY remix_of_id) c WHERE v.id = c.remix_of_id""")
        cursor.execute("ANALYZE")
    timings["interactions"] = time.perf_counter() - t

    # Features: real MiniLM vectors for the distinct prompts (a few thousand), labels per text.
    t = time.perf_counter()
    from sora_social.embedder import embed

    distinct = sorted(set(texts))
    vectors = {}
    for i in range(0, len(distinct), 128):
        vectors.update(zip(distinct[i : i + 128], embed(distinct[i : i + 128])))
    labels = {text: topics.label(text, vectors[text]) for text in distinct}
    _copy(
        VideoFeatures,
        (
            {
                "video_id": v,
                "embedding": np.asarray(vectors[texts[i]], np.float32).tobytes(),
                "primary_topic": (labels[texts[i]] or [("", 0)])[0][0],
                "topics": " ".join(t for t, _ in labels[texts[i]]),
                "teen_safe": topics.is_teen_safe([t for t, _ in labels[texts[i]]]),
                "removed": False,
                "created_at": now,
            }
            for i, v in enumerate(videos)
        ),
    )
    _copy(
        VideoTopic,
        (
            {"video_id": v, "topic": topic, "score": score}
            for i, v in enumerate(videos)
            for topic, score in labels[texts[i]]
        ),
    )
    timings["labels+embeddings"] = time.perf_counter() - t
    t = time.perf_counter()
    services.index_rebuild()
    timings["index"] = time.perf_counter() - t
    return {
        "users": n_users,
        "videos": n_videos,
        "interactions": n_views + n_likes + n_comments,
        "follows": len(follows),
        "distinct_prompts": len(distinct),
        "timings": timings,
    }


def _server(port: int) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=BENCH_DB,
        MEDIA_ROOT=MEDIA,
        DEBUG="False",
        LOG_LEVEL="WARNING",
        DB_CONN_MAX_AGE="600",
        REDIS_URL=REDIS,
        SORA_FEED_POOL_MAX_AGE_S="3600",
        DB_STATEMENT_TIMEOUT_MS="30000",
    )
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(120):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not start")


def _get(conn: http.client.HTTPConnection, path: str, token: str) -> tuple[float, dict]:
    t = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - t
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status} {body[:300]!r}")
    return elapsed, json.loads(body)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return 1000 * values[min(len(values) - 1, int(q * len(values)))]


def rank_pools(viewers: list) -> list[float]:
    """Each viewer's pool, ranked by the worker's code; seconds per viewer."""
    from feed.pool import pool_refresh

    out = []
    for pk in viewers:
        t = time.perf_counter()
        pool_refresh(pk)
        out.append(time.perf_counter() - t)
    return out


def queries_per_page(viewers: list) -> list[int]:
    """Queries of page 1 and page 2 for each viewer (pools ranked), in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.models import User

    out = []
    for pk in viewers:
        client = Client(HTTP_HOST="localhost")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {RefreshToken.for_user(User(pk=pk)).access_token}"}
        cursor = None
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                body = client.get("/api/v1/feed", {"cursor": cursor} if cursor else {}, **auth).json()
            out.append(len(queries.captured_queries))
            cursor = body["next"]
            if not cursor:
                break
    return out


def list_vs_plain(creator_name: str, viewer_pk, n: int) -> tuple[list[float], list[float]]:
    """The bare list view against a plain ModelSerializer ListAPIView of the same rows, in process."""
    from django.urls import resolve
    from rest_framework import generics, serializers

    from accounts.models import User
    from videos.models import Video

    viewer = User.objects.get(pk=viewer_pk)
    path = f"/api/v1/users/{creator_name}/videos"
    match = resolve(path)
    ids = [row["id"] for row in match.func(_request(path, viewer, limit=20), **match.kwargs).data["results"]]

    class PlainVideo(serializers.ModelSerializer):
        class Meta:
            model = Video
            fields = "__all__"

    class PlainList(generics.ListAPIView):
        serializer_class = PlainVideo
        pagination_class = None

        def get_queryset(self):
            return Video.objects.filter(pk__in=ids).order_by("-published_at")

    plain = PlainList.as_view()
    real_t, plain_t = [], []
    for _ in range(n):
        t = time.perf_counter()
        response = match.func(_request(path, viewer, limit=20), **match.kwargs)
        response.render()
        real_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        response = plain(_request(path, viewer))
        response.render()
        plain_t.append(time.perf_counter() - t)
    assert len(response.data) == len(ids)
    return real_t, plain_t


def _request(path: str, user, **params):
    from rest_framework.test import APIRequestFactory, force_authenticate

    request = APIRequestFactory().get(path, params, HTTP_HOST="localhost")
    force_authenticate(request, user=user)
    return request


def main(args) -> None:
    _setup(fresh=not args.no_seed)
    from django.core.cache import cache
    from django.db import connection
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.models import User
    from feed.models import FeedDay, FeedSession, Impression
    from videos.models import Video

    rng = random.Random(args.seed)
    info = None
    if not args.no_seed:
        t = time.perf_counter()
        info = seed(args.scale, rng)
        info["seed_s"] = time.perf_counter() - t
        print(json.dumps(info, indent=1, default=str))
    # Every run starts from nobody having seen anything.
    Impression.objects.all().delete()
    FeedDay.objects.all().delete()
    FeedSession.objects.all().delete()
    adults = list(
        User.objects.filter(birthdate__lt="2000-01-01").order_by("?").values_list("pk", flat=True)[: args.requests]
    )
    creator = (
        Video.objects.filter(visibility="public")
        .values("owner_id")
        .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id"))
        .order_by("-n")
        .first()
    )["owner_id"]
    creator_name = User.objects.get(pk=creator).username
    tokens = {pk: str(RefreshToken.for_user(User(pk=pk)).access_token) for pk in adults}
    cache.clear()  # the bench's own Redis database: no pools from an earlier run
    rank_t = rank_pools(adults)
    counted = list(
        User.objects.filter(birthdate__lt="2000-01-01").exclude(pk__in=adults).values_list("pk", flat=True)[:20]
    )
    rank_pools(counted)
    queries = queries_per_page(counted)
    real_t, plain_t = list_vs_plain(creator_name, counted[0], args.requests // 2)
    connection.close()

    proc = _server(args.port)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        warm = tokens[adults[0]]
        for _ in range(5):
            _get(conn, "/api/v1/feed", warm)
            _get(conn, f"/api/v1/users/{creator_name}/videos?limit=20", warm)
        feed_t, list_t, items = [], [], 0
        viewers = iter(adults[1:])
        while len(feed_t) < args.requests:
            token = tokens[next(viewers)]
            elapsed, body = _get(conn, "/api/v1/feed", token)
            feed_t.append(elapsed)
            items += len(body["results"])
            list_t.append(_get(conn, f"/api/v1/users/{creator_name}/videos?limit=20", token)[0])
            if body["next"] and len(feed_t) < args.requests:
                elapsed, body = _get(conn, f"/api/v1/feed?cursor={body['next']}", token)
                feed_t.append(elapsed)
                items += len(body["results"])
                list_t.append(_get(conn, f"/api/v1/users/{creator_name}/videos?limit=20", token)[0])
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    counts = (
        f"{Video.objects.count():,} videos, {User.objects.count():,} users"
        if info is None
        else f"{info['videos']:,} videos, {info['users']:,} users, {info['interactions']:,} interactions, "
        f"{info['follows']:,} follows (seeded in {info['seed_s']:.0f} s)"
    )
    print(
        f"\nGET /feed over HTTP (runserver, 1 thread, PostgreSQL), scale {args.scale}: {counts}; "
        f"{len(feed_t)} feed requests from {len(feed_t) // 2} viewers, {items / len(feed_t):.1f} items/page\n"
    )
    print("| endpoint | requests | p50 ms | p90 ms | p99 ms | mean ms |")
    print("|---|---|---|---|---|---|")
    for name, ts in (("GET /feed", feed_t), ("GET /users/{u}/videos?limit=20 (bare DRF list)", list_t)):
        print(
            f"| {name} | {len(ts)} | {pct(ts, 0.5):.1f} | {pct(ts, 0.9):.1f} | {pct(ts, 0.99):.1f} | "
            f"{1000 * sum(ts) / len(ts):.1f} |"
        )
    print(
        f"\nratio feed / bare list: p50 {pct(feed_t, 0.5) / pct(list_t, 0.5):.2f}x, "
        f"p99 {pct(feed_t, 0.99) / pct(list_t, 0.99):.2f}x"
    )
    print(
        f"queries per feed page ({len(queries)} pages, pools ranked): max {max(queries)}, "
        f"min {min(queries)}, mean {sum(queries) / len(queries):.1f}"
    )
    print(
        f"ranking a pool (the worker's cost per viewer, {len(rank_t)} viewers): "
        f"p50 {pct(rank_t, 0.5):.1f} ms, p99 {pct(rank_t, 0.99):.1f} ms"
    )
    print("\nin process, 20 rows, user already authenticated:\n")
    print("| view | calls | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    for name, ts in (("bare list (UserVideosApi, VideoOut)", real_t), ("plain ModelSerializer ListAPIView", plain_t)):
        print(f"| {name} | {len(ts)} | {pct(ts, 0.5):.2f} | {pct(ts, 0.99):.2f} |")
    print(f"\nratio bare list / plain: p50 {pct(real_t, 0.5) / pct(plain_t, 0.5):.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.1, help="1.0: 100k videos, 10k users, 1M interactions")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--no-seed", action="store_true", help="reuse the already seeded database")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=0)
    main(parser.parse_args())
