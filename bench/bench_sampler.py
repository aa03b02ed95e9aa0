"""Sampling speed of the in-tree video model: python bench/bench_sampler.py [--threads 2] [--repeats 3].

Prints a markdown table: per case, the median seconds of `Pipeline.generate`
(prompt embedding cached, as in the service after the first call), frames
and model evaluations. The issue's target: a 4 s square clip at the default
steps in <= 2 s on 2 CPU cores. A last row samples --batch 4 s square clips
at once (one prompt, one noise tensor; the default sampler's loop), for
batch throughput, which is what a GPU worker would run.

Then the same prompt through the latent model (DiT-SL drawing the spacetime
autoencoder's latent, decoded to 4x the size at 12 fps), in the same run so
the two compare: --latent-checkpoint names a trained one; without it an
untrained DiT-SL of the same size is timed (speed does not depend on the
weights), with the committed autoencoder if there is one.
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

import torch  # noqa: E402

from generation.diffusion import autoencoder, world  # noqa: E402
from generation.diffusion.latent import LatentSpace  # noqa: E402
from generation.diffusion.model import DIT_CONFIGS, DiT  # noqa: E402
from generation.diffusion.sampler import (  # noqa: E402
    DEFAULT_CAMEO_SCALE,
    DEFAULT_CHECKPOINT,
    DEFAULT_ETA,
    DEFAULT_STEPS,
    DEFAULT_TEXT_SCALE,
    Conditioning,
    Pipeline,
    load_model,
    load_pipeline,
    sample_loop,
    timesteps,
)
from generation.diffusion.text import TextEmbedding, TextEncoder  # noqa: E402

CASES = [
    # (label, aspect, duration_s, steps, method, cameos, known frames: (count, at) or None)
    ("4 s square, default", "square", 4, DEFAULT_STEPS, "euler", 0, None),
    ("4 s square + cameo", "square", 4, DEFAULT_STEPS, "euler", 1, None),
    ("4 s square + 3 cameos", "square", 4, DEFAULT_STEPS, "euler", 3, None),  # a model that draws several
    ("4 s square, heun", "square", 4, DEFAULT_STEPS, "heun", 0, None),
    ("8 s landscape", "landscape", 8, DEFAULT_STEPS, "euler", 0, None),
    ("2 s portrait", "portrait", 2, DEFAULT_STEPS, "euler", 0, None),
    ("4 s square, 16 steps", "square", 4, 16, "euler", 0, None),
    ("4 s square, extend (1 s known)", "square", 4, DEFAULT_STEPS, "euler", 0, (4, "start")),
    ("4 s square, from a picture", "square", 4, DEFAULT_STEPS, "euler", 0, (1, "start")),
]


def main(args):
    torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() and not args.cpu else "cpu"
    if Path(args.checkpoint).exists():
        model, meta = load_model(args.checkpoint, device)
        what = f"checkpoint step {meta.get('step')}"
    else:
        model, meta, what = DiT(DIT_CONFIGS["DiT-S"]()).to(device), {}, "untrained DiT-S (no checkpoint)"
    pipe = Pipeline(model, TextEncoder(), meta)
    prompt = "a big red ball bounces on the beach"
    emb = pipe.embed(prompt)
    face = world.face_reference("lfw:90")
    pipe.generate(emb, steps=2)  # warm-up: allocator, kernels
    print(
        f"device: {device} ({platform.processor() or platform.machine()}), torch threads: {args.threads}, {what}, "
        f"{sum(p.numel() for p in model.parameters()) / 1e6:.1f} M parameters"
    )
    print("| case | frames (T x H x W) | steps | model evals | median s | clips/s |")
    print("|---|---|---|---|---|---|")
    scene = world.render(
        world.SceneSpec(objects=(world.ObjectSpec("ball", "red", "big", "right"),), background="beach")
    )
    faces = [world.face_reference(f"lfw:{i}") for i in (90, 91, 92)]
    for label, aspect, dur, steps, method, cameo, known in CASES:
        if cameo > model.cfg.max_cameos:
            continue  # this checkpoint draws fewer
        times = []
        given = {} if known is None else dict(known_frames=scene[0][: known[0]], known_at=known[1])
        for r in range(args.repeats):
            t0 = time.perf_counter()
            res = pipe.generate(
                emb,
                cameo_reference=(face if cameo == 1 else faces[:cameo]) if cameo else None,
                seed=r,
                duration_s=dur,
                aspect=aspect,
                steps=steps,
                method=method,
                **given,
            )
            times.append(time.perf_counter() - t0)
        branches = 3 if cameo else 2
        evals = branches * (steps if method == "euler" else 2 * steps - 1)
        t, h, w = res.frames.shape[:3]
        med = statistics.median(times)
        print(f"| {label} | {t} x {h} x {w} | {steps} | {evals} | {med:.2f} | {1 / med:.2f} |")
    if args.batch > 1:
        med = statistics.median(batch_seconds(pipe.model, emb, args.batch, device) for _ in range(args.repeats))
        n_frames = 4 * world.FPS
        print(
            f"| 4 s square, batch of {args.batch} | {args.batch} x {n_frames} x 32 x 32 | {DEFAULT_STEPS} | "
            f"{2 * DEFAULT_STEPS} (batched) | {med:.2f} | {args.batch / med:.2f} |"
        )
    if not args.no_latent:
        latent_rows(args, pipe.encoder, emb, face)


LATENT_CASES = [
    ("latent: 4 s square", "square", 4),
    ("latent: 4 s square + cameo", "square", 4),
    ("latent: 8 s landscape", "landscape", 8),
    ("latent: 2 s portrait", "portrait", 2),
]


def latent_rows(args, encoder: TextEncoder, emb: TextEmbedding, face) -> None:
    """The latent model's rows: sampling plus decoding, and the decoding alone."""
    if args.latent_checkpoint:
        pipe = load_pipeline(args.latent_checkpoint, encoder, "cpu")
        what = f"latent checkpoint step {pipe.config.get('step')}"
    else:
        if autoencoder.CHECKPOINT.exists():
            ae, ae_meta = autoencoder.load()
            what = f"untrained DiT-SL, autoencoder step {ae_meta.get('step')}"
        else:
            ae = autoencoder.SpacetimeAutoencoder()
            ae.cfg.latent_mean, ae.cfg.latent_std = [0.0] * 16, [1.0] * 16
            what = "untrained DiT-SL and autoencoder"
        pipe = Pipeline(DiT(DIT_CONFIGS["DiT-SL"]()), encoder, {}, LatentSpace(ae))
    pipe.generate(emb, steps=2)
    print(f"\n{what}\n")
    print("| case | frames (T x H x W) | steps | model evals | median s | of which decoding s | clips/s |")
    print("|---|---|---|---|---|---|---|")
    for label, aspect, dur in LATENT_CASES:
        cameo = "cameo" in label
        times, decode = [], []
        for r in range(args.repeats):
            t0 = time.perf_counter()
            res = pipe.generate(emb, cameo_reference=face if cameo else None, seed=r, duration_s=dur, aspect=aspect)
            times.append(time.perf_counter() - t0)
            cfg = pipe.model.cfg
            gt, gh, gw = cfg.grid_scale
            h, w = world.SIZES_PX[aspect]
            z = torch.randn(1, cfg.in_channels, int(dur * world.FPS * gt), int(h * gh), int(w * gw))
            t0 = time.perf_counter()
            pipe.latent.decode(z)
            decode.append(time.perf_counter() - t0)
        steps = pipe.sampler["steps"]
        t, h, w = res.frames.shape[:3]
        med = statistics.median(times)
        print(
            f"| {label} | {t} x {h} x {w} | {steps} | {(3 if cameo else 2) * steps} | {med:.2f} | "
            f"{statistics.median(decode):.2f} | {1 / med:.2f} |"
        )


def batch_seconds(model, emb: TextEmbedding, batch: int, device: str) -> float:
    """Seconds for the default sampler's loop over `batch` 4 s square clips of one prompt."""
    cond = Conditioning(TextEmbedding(emb.tokens.to(device), emb.mask.to(device), emb.pooled.to(device)), None)
    gen = torch.Generator().manual_seed(0)
    h, w = world.SIZES_PX["square"]
    x = torch.randn((batch, 3, 4 * world.FPS, h, w), generator=gen).to(device)
    t0 = time.perf_counter()
    out = sample_loop(
        model,
        x,
        timesteps(DEFAULT_STEPS),
        cond,
        "euler",
        DEFAULT_TEXT_SCALE,
        DEFAULT_CAMEO_SCALE,
        eta=DEFAULT_ETA,
        generator=gen,
    )
    out.cpu()  # waits for the device
    return time.perf_counter() - t0


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "2")))
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT))
    p.add_argument("--cpu", action="store_true")
    p.add_argument("--batch", type=int, default=16, help="clips in the batch-throughput row (1: no such row)")
    p.add_argument("--latent-checkpoint", default=None, help="a trained latent model (DiT-SL) to time")
    p.add_argument("--no-latent", action="store_true", help="skip the latent model's rows")
    main(p.parse_args())
