"""Latency of finding protected characters and brands in a prompt: python bench/bench_characters.py [--n 400]

Times `moderation.characters.characters_named` (what every generation request
runs beside the prompt policy) on distinct prompts from the policy's labelled
dataset cut to 300 characters, one at a time, against the seeded registry in
the database named by DATABASE_URL (migrated first). The registry's version
check is one small aggregate query per call; it is in the timing. Prints a
markdown table (p50 / p95 / p99 / max), and the registry's size.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_social.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402

from moderation.characters import characters_named  # noqa: E402
from moderation.models import ProtectedCharacter  # noqa: E402
from moderation.policy.dataset import load  # noqa: E402


def main(args) -> None:
    call_command("migrate", verbosity=0)
    prompts = list(dict.fromkeys(row.text[:300] for row in load()))[: args.n]
    start = time.perf_counter()
    characters_named("warm up: compiles the registry")
    compile_s = time.perf_counter() - start
    timings, hits = [], 0
    for p in prompts:
        t = time.perf_counter()
        hits += bool(characters_named(p))
        timings.append((time.perf_counter() - t) * 1000)
    q = lambda v: float(np.percentile(np.array(timings), v))  # noqa: E731
    entries = ProtectedCharacter.objects.count()
    aliases = sum(len(a) for a in ProtectedCharacter.objects.values_list("aliases", flat=True))
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"registry: {entries} entries, {aliases} aliases; compiled in {compile_s * 1000:.0f} ms")
    print()
    print("| what | n | p50 ms | p95 ms | p99 ms | max ms | prompts naming one |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(
        f"| characters_named | {len(timings)} | {q(50):.2f} | {q(95):.2f} | {q(99):.2f} | {max(timings):.2f} | {hits} |"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=400)
    main(parser.parse_args())
