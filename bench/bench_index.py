"""The feed's vector index: HNSW recall@k against exact search, and queries per second.

Vectors: real MiniLM embeddings of a pool of generated prompts (a few
thousand, embedded with the shipped encoder), then the corpus is made of
random pairwise mixtures of pool vectors plus a little noise, renormalised:
MiniLM-shaped and clustered like real prompts, without encoding 100k texts
(about 5 minutes of CPU on this machine). Queries are fresh mixtures.

    .venv/bin/python bench/bench_index.py --n 100000 --queries 500
    .venv/bin/python bench/bench_index.py --scale 0.1        # 10k vectors

Single-threaded on purpose (faiss.omp_set_num_threads(1)): a web process
answers one query at a time and the machine is shared.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SUBJECTS = [
    "a cat",
    "a puppy",
    "an astronaut",
    "a dragon",
    "a chef",
    "a robot",
    "a skateboarder",
    "a whale",
    "a ghost",
    "a race car",
    "a ballerina",
    "a knight",
    "a fox",
    "a guitarist",
    "a grandmother",
    "a wizard",
    "a surfer",
    "a drone",
    "a zombie",
    "a painter",
    "an owl",
    "a news reporter",
    "a gamer",
    "a toddler",
    "a penguin",
    "a scientist",
    "a model on a runway",
    "a tourist",
    "an anime hero",
]
ACTIONS = [
    "dancing",
    "running",
    "cooking pasta",
    "flying",
    "sleeping",
    "painting",
    "singing",
    "exploring",
    "jumping",
    "laughing",
    "fighting",
    "racing",
    "building a tower",
    "swimming",
    "reading",
]
PLACES = [
    "on the moon",
    "in a haunted house",
    "on a beach at sunset",
    "in a neon city",
    "in a forest",
    "under the sea",
    "in a kitchen",
    "on a stage",
    "in a castle",
    "in the snow",
    "in a lab",
    "in Tokyo",
]


def pool_vectors(size: int, seed: int) -> np.ndarray:
    from sora_social.embedder import embed

    rng = random.Random(seed)
    texts = [" ".join(t) for t in itertools.product(SUBJECTS, ACTIONS, PLACES)]
    rng.shuffle(texts)
    texts = texts[:size]
    out = [embed(texts[i : i + 128]) for i in range(0, len(texts), 128)]
    return np.concatenate(out)


def mixtures(pool: np.ndarray, n: int, rng: np.random.Generator, noise: float = 0.03) -> np.ndarray:
    a = pool[rng.integers(0, len(pool), n)]
    b = pool[rng.integers(0, len(pool), n)]
    w = rng.uniform(0.5, 1.0, (n, 1)).astype(np.float32)
    x = w * a + (1 - w) * b + noise * rng.standard_normal(a.shape).astype(np.float32)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def qps(index, queries: np.ndarray, k: int) -> tuple[float, np.ndarray, float]:
    """Queries per second one at a time (as the feed asks), the ids, p50 latency in ms."""
    ids, times = [], []
    for q in queries:
        t = time.perf_counter()
        _, found = index.search(q[None, :], k)
        times.append(time.perf_counter() - t)
        ids.append(found[0])
    return len(queries) / sum(times), np.stack(ids), 1000 * float(np.median(times))


def main(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_social.settings")
    import django

    django.setup()
    import faiss

    from feed.index import DIM, HNSW_EF_CONSTRUCTION, HNSW_M

    faiss.omp_set_num_threads(args.threads)
    n = int(args.n * args.scale)
    rng = np.random.default_rng(args.seed)
    t = time.perf_counter()
    pool = pool_vectors(args.pool, args.seed)
    embed_s = time.perf_counter() - t
    corpus = mixtures(pool, n, rng)
    queries = mixtures(pool, args.queries, rng)

    exact = faiss.IndexFlatIP(DIM)
    exact.add(corpus)
    exact_qps, truth, exact_p50 = qps(exact, queries, args.k)

    t = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(DIM, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    hnsw.add(corpus)
    build_s = time.perf_counter() - t

    print(
        f"\nfeed vector index, n={n:,} vectors x {DIM}d, {args.queries} queries, k={args.k}, "
        f"{args.threads} thread(s); pool of {len(pool)} real MiniLM prompt embeddings ({embed_s:.1f} s), "
        f"HNSW M={HNSW_M} efConstruction={HNSW_EF_CONSTRUCTION} built in {build_s:.1f} s\n"
    )
    print(f"| index | efSearch | recall@{args.k} | QPS (1 query at a time) | p50 ms | x exact QPS |")
    print("|---|---|---|---|---|---|")
    print(f"| exact (IndexFlatIP) | - | 1.000 | {exact_qps:,.0f} | {exact_p50:.2f} | 1.0 |")
    for ef in args.ef:
        hnsw.hnsw.efSearch = ef
        hnsw_qps, found, p50 = qps(hnsw, queries, args.k)
        recall = np.mean([len(set(f) & set(t)) / args.k for f, t in zip(found, truth)])
        print(f"| HNSW | {ef} | {recall:.3f} | {hnsw_qps:,.0f} | {p50:.2f} | {hnsw_qps / exact_qps:.1f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies --n")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--pool", type=int, default=3000, help="real prompt embeddings to mix from")
    parser.add_argument("--ef", type=int, nargs="+", default=[128, 200, 300])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    main(parser.parse_args())
