"""The block rule on a seeded database: the old per-user EXISTS against today's UNION of index lookups.

Needs the database bench_feed.py seeds (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/sora_social_bench; 10,000 users at --scale 1).
Measures, for 30 viewers, the blocked set itself and the 20 newest published
videos with the rule as a subquery; with the seeded blocks, then with --blocks
random blocks added inside a transaction that is rolled back (the database is
left as it was).

    .venv/bin/python bench/bench_block_rule.py --blocks 20000
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sora_social_bench"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_social.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Exists, OuterRef  # noqa: E402

from accounts.models import Block, User  # noqa: E402
from accounts.selectors import blocked_ids_for  # noqa: E402
from videos.models import Video  # noqa: E402


def exists_per_user(user):
    """The rule as it was: a scan of every user with two correlated EXISTS."""
    return User.objects.filter(
        Exists(Block.objects.filter(blocker=user, blocked=OuterRef("pk")))
        | Exists(Block.objects.filter(blocker=OuterRef("pk"), blocked=user))
    ).values("pk")


RULES = (("EXISTS per user (before)", exists_per_user), ("UNION of two index lookups (now)", blocked_ids_for))


def _ms(fn, viewers) -> float:
    for v in viewers[:3]:
        fn(v)
    start = time.perf_counter()
    for v in viewers:
        fn(v)
    return (time.perf_counter() - start) / len(viewers) * 1000


def measure(label: str, viewers: list[User]) -> None:
    for name, rule in RULES:
        newest = _ms(
            lambda v, r=rule: list(
                Video.objects.filter(state="published")
                .exclude(owner_id__in=r(v))
                .order_by("-published_at")
                .values("pk")[:20]
            ),
            viewers,
        )
        blocked = _ms(lambda v, r=rule: set(r(v).values_list("pk", flat=True)), viewers)
        print(f"| {label} | {name} | {blocked:.2f} | {newest:.2f} |")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--blocks", type=int, default=20_000)
    p.add_argument("--viewers", type=int, default=30)
    args = p.parse_args()
    ids = list(User.objects.values_list("pk", flat=True))
    viewers = [User(pk=pk) for pk in random.Random(1).sample(ids, args.viewers)]
    print(f"{len(ids):,} users, {Video.objects.count():,} videos, {args.viewers} viewers\n")
    print("| blocks | rule | the blocked set, ms | 20 newest videos with the rule, ms |")
    print("|---|---|---|---|")
    measure(f"{Block.objects.count():,}", viewers)
    with transaction.atomic():
        rng, pairs = random.Random(2), set()
        while len(pairs) < args.blocks:
            a, b = rng.sample(ids, 2)
            pairs.add((a, b))
        Block.objects.bulk_create([Block(blocker_id=a, blocked_id=b) for a, b in pairs], batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE accounts_block")
        measure(f"+{args.blocks:,}", viewers)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
