"""Score a checkpoint on held-out prompts with the model-free checker: python -m generation.diffusion.evaluate.

Held-out prompts combine shape x colour x motion x background in ways the
training generator never renders (world.is_held_out), and cameos use faces
held out of training (world.face_is_held_out). Every prompt is scored three
times against the ground truth of its scene spec: the committed model, the
real rendered clip (the checker's ceiling) and an untrained network (the
floor). Writes the table (markdown + JSON) and a contact sheet PNG.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from . import checker, world
from .model import DIT_CONFIGS, DiT
from .sampler import (
    DEFAULT_CAMEO_SCALE,
    DEFAULT_CHECKPOINT,
    DEFAULT_ETA,
    DEFAULT_GUIDANCE_T_MAX,
    DEFAULT_STEPS,
    DEFAULT_TEXT_SCALE,
    Conditioning,
    Pipeline,
    add_noise,
    frames_to_tensor,
    guided_velocity,
    load_model,
    tensor_to_frames,
)
from .text import TextEncoder

METRICS = ("colour", "shape", "count", "motion", "bounce", "permanence", "cameo", "flicker")
GOALS = {
    "colour": 0.95,
    "shape": 0.85,
    "count": 0.9,
    "motion": 0.9,
    "bounce": 0.8,
    "permanence": 0.8,
    "cameo": "0.8 x ceiling",
    "flicker": "-",
}
OUT_DIR = Path(__file__).resolve().parents[2] / "docs" / "model" / "eval"


@dataclass
class EvalItem:
    group: str
    spec: world.SceneSpec
    caption: str
    reference: np.ndarray | None


# ----------------------------------------------------------------------------
# Held-out prompt sets
# ----------------------------------------------------------------------------


def _held_out_object(rng, motion: str, background: str | None = None, colour_excl=()) -> tuple[world.ObjectSpec, str]:
    for _ in range(10_000):
        bg = background or world.BACKGROUNDS[int(rng.integers(len(world.BACKGROUNDS)))]
        colours = [c for c in world.COLOUR_NAMES if c not in colour_excl]
        o = world.ObjectSpec(
            shape=world.SHAPES[int(rng.integers(len(world.SHAPES)))],
            colour=colours[int(rng.integers(len(colours)))],
            size=("small", "big")[int(rng.integers(2))],
            motion=motion,
            direction=("left", "right")[int(rng.integers(2))] if motion in ("rolling", "colliding") else "",
        )
        if world.is_held_out(o, bg):
            return o, bg
    raise RuntimeError("no held-out object")


def eval_items(n_objects: int = 20, n_each: int = 8, seed: int = 1234) -> list[EvalItem]:
    """A fixed list of held-out prompts: single objects, pairs, bounces, occlusions, cameos (all 4 s)."""
    rng = np.random.default_rng(seed)
    items: list[EvalItem] = []
    simple = ("left", "right", "up", "down", "falling", "bouncing", "rolling")

    def add(group, spec, reference=None):
        items.append(EvalItem(group, spec, world.caption(spec, rng), reference))

    for i in range(n_objects):
        o, bg = _held_out_object(rng, simple[i % len(simple)])
        add("objects", world.SceneSpec(objects=(o,), background=bg, seed=int(rng.integers(2**31))))
    for i in range(n_each):
        a, bg = _held_out_object(rng, "colliding" if i % 2 == 0 else simple[i % len(simple)])
        motion_b = "colliding" if i % 2 == 0 else ("up", "down")[i % 2]
        b = world.ObjectSpec(
            world.SHAPES[int(rng.integers(5))],
            [c for c in world.COLOUR_NAMES if c != a.colour][int(rng.integers(8))],
            "small",
            motion_b,
        )
        add("pairs", world.SceneSpec(objects=(a, b), background=bg, seed=int(rng.integers(2**31))))
    for _ in range(n_each):
        o, bg = _held_out_object(rng, "bouncing")
        add("bounce", world.SceneSpec(objects=(o,), background=bg, seed=int(rng.integers(2**31))))
    for i in range(n_each):
        o, bg = _held_out_object(rng, ("left", "right")[i % 2])
        add("occluder", world.SceneSpec(objects=(o,), background=bg, occluder=True, seed=int(rng.integers(2**31))))
    for i in range(n_each):
        face_id = f"lfw:{80 + i}" if i % 2 == 0 else f"synth:{100_000 + i}"
        cameo = world.CameoSpec(
            world.HANDLES[i % len(world.HANDLES)], world.ACTIONS[i % 3], face_id, ("left", "right")[i % 2]
        )
        bg = world.BACKGROUNDS[i % len(world.BACKGROUNDS)]
        add(
            "cameo",
            world.SceneSpec(objects=(), background=bg, cameo=cameo, seed=int(rng.integers(2**31))),
            world.face_reference(face_id),
        )
    return items


# ----------------------------------------------------------------------------
# Scoring
# ----------------------------------------------------------------------------


def score_frames(items: list[EvalItem], frames_list: list[np.ndarray]) -> dict[str, float]:
    per_metric: dict[str, list[float]] = {m: [] for m in METRICS}
    for item, frames in zip(items, frames_list):
        real, truth = world.render(item.spec)
        scores = checker.score_clip(frames, item.spec, truth, item.reference, real_frames=real)
        for k, v in scores.items():
            if not np.isnan(v):
                per_metric[k].append(v)
    return {m: float(np.mean(v)) if v else float("nan") for m, v in per_metric.items()}


def training_items(n: int = 48, seed: int = 7, cameo: bool = False) -> list[EvalItem]:
    """Training-distribution scenes (level 1, not held out, training faces, 4 s square).

    Without cameos they are where the text scale is chosen; with them (the
    clean reference of a training face), where the cameo scale is.
    """
    rng, items = np.random.default_rng(seed), []
    while len(items) < n:
        spec = world.random_spec(rng, level=1, held_out=False, aspect="square", duration_s=4)
        if (spec.cameo is not None) == cameo:
            reference = world.face_reference(spec.cameo.face_id) if cameo else None
            items.append(
                EvalItem("train", spec, world.caption(spec, np.random.default_rng(100 + len(items))), reference)
            )
    return items


def sample_all(
    pipe: Pipeline,
    items: list[EvalItem],
    steps: int,
    seed: int,
    text_scale: float = DEFAULT_TEXT_SCALE,
    eta: float | None = None,
    guidance_t_max: float = DEFAULT_GUIDANCE_T_MAX,
    cameo_scale: float = DEFAULT_CAMEO_SCALE,
) -> list[np.ndarray]:
    out = []
    for i, item in enumerate(items):
        res = pipe.generate(
            item.caption,
            cameo_reference=item.reference,
            seed=seed + i,
            text_scale=text_scale,
            cameo_scale=cameo_scale,
            duration_s=item.spec.duration_s,
            aspect=item.spec.aspect,
            steps=steps,
            eta=eta,
            guidance_t_max=guidance_t_max,
        )
        out.append(res.frames)
    return out


def format_table(results: dict[str, dict[str, float]]) -> str:
    cols = list(results)
    lines = ["| metric | " + " | ".join(cols) + " | goal |", "|---" * (len(cols) + 2) + "|"]
    for m in METRICS:
        row = [f"{results[c][m]:.2f}" if not np.isnan(results[c][m]) else "n/a" for c in cols]
        lines.append(f"| {m} | " + " | ".join(row) + f" | {GOALS[m]} |")
    if "real (ceiling)" in results:
        ceiling = max(results["real (ceiling)"]["cameo"], 1e-6)
        row = ["" if c == "untrained (floor)" else f"{results[c]['cameo'] / ceiling:.2f}" for c in cols]
        lines.append("| cameo / ceiling | " + " | ".join(row) + " | 0.8 |")
    return "\n".join(lines)


def contact_sheet(
    items: list[EvalItem], real: list[np.ndarray], model: list[np.ndarray], path: Path, n: int = 12, scale: int = 3
):
    """Rows of (real above, model below), every other frame, with the caption."""
    from PIL import Image, ImageDraw

    pick = list(range(0, len(items), max(1, len(items) // n)))[:n]
    tiles = []
    for i in pick:
        r, m = real[i][::2], model[i][::2]
        h, w = r.shape[1:3]
        strip = np.concatenate([np.concatenate(list(r), 1), np.concatenate(list(m), 1)], 0)
        img = Image.fromarray(strip).resize((strip.shape[1] * scale, strip.shape[0] * scale), Image.NEAREST)
        canvas = Image.new("RGB", (max(img.width, 8 * 56 * scale // 2 + 4), img.height + 14), (0, 0, 0))
        canvas.paste(img, (0, 14))
        ImageDraw.Draw(canvas).text((2, 1), f"[{items[i].group}] {items[i].caption}"[:110], fill=(255, 255, 255))
        tiles.append(canvas)
    width = max(t.width for t in tiles)
    sheet = Image.new("RGB", (width, sum(t.height + 4 for t in tiles)), (30, 30, 30))
    y = 0
    for t in tiles:
        sheet.paste(t, (0, y))
        y += t.height + 4
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path)


def untrained_model(name: str) -> DiT:
    """The floor: a fresh network with its zero-initialised (adaLN-Zero) layers nudged to small random values.

    Left at zero it would render one flat grey video, which scores a perfect
    flicker and nothing else; nudged, it renders what random weights render.
    """
    torch.manual_seed(0)
    model = DiT(DIT_CONFIGS[name]())
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    return model.eval()


def choose_cfg(args) -> dict[float, dict[str, float]]:
    """Score each text scale on training-distribution scenes (never the held-out set) and print the table."""
    model, meta = load_model(args.checkpoint)
    pipe, items = Pipeline(model, TextEncoder(), meta), training_items(args.n_scenes)
    results = {
        s: score_frames(
            items,
            sample_all(pipe, items, args.steps, 100, text_scale=s, eta=args.eta, guidance_t_max=args.guidance_t_max),
        )
        for s in args.choose_cfg
    }
    print(
        f"training-distribution scenes: {len(items)}; checkpoint step {meta.get('step')}; {args.steps} Euler steps, "
        f"eta {args.eta:g}, guidance at t <= {args.guidance_t_max:g}"
    )
    print(format_table({f"text scale {s:g}": r for s, r in results.items()}))
    return results


def choose_cameo_scale(args) -> dict[str, dict[str, float]]:
    """Score each cameo scale on training-distribution cameo scenes (training faces, never the held-out ones)."""
    model, meta = load_model(args.checkpoint)
    pipe, items = Pipeline(model, TextEncoder(), meta), training_items(args.n_scenes, seed=11, cameo=True)
    results = {
        f"cameo scale {s:g}": score_frames(
            items,
            sample_all(pipe, items, args.steps, 100, eta=args.eta, guidance_t_max=args.guidance_t_max, cameo_scale=s),
        )
        for s in args.choose_cameo_scale
    }
    results["real (ceiling)"] = score_frames(items, [world.render(item.spec)[0] for item in items])
    print(
        f"training-distribution cameo scenes: {len(items)}; checkpoint step {meta.get('step')}; {args.steps} Euler "
        f"steps, eta {args.eta:g}, text scale {DEFAULT_TEXT_SCALE:g}"
    )
    print(format_table(results))
    return results


@torch.no_grad()
def denoise_check(args) -> dict[str, dict[float, float]]:
    """Shape and colour of the network's one-step clean prediction from real clips noised to each t.

    Training-distribution scenes, no sampler: it separates what the network
    knows at a noise level (from a real noisy clip) from what sampling makes
    of it (from its own earlier steps). Unguided and at the default text scale.
    """
    model, meta = load_model(args.checkpoint)
    pipe, items = Pipeline(model, TextEncoder(), meta), training_items(args.n_scenes)
    rendered = [world.render(item.spec) for item in items]  # once, not per noise level and scale
    results: dict[str, dict[float, float]] = {}
    for scale in (1.0, DEFAULT_TEXT_SCALE):
        for metric in ("shape", "colour"):
            results[f"{metric}, text scale {scale:g}"] = {}
        for t in args.denoise_check:
            gen, scores = torch.Generator().manual_seed(0), {"shape": [], "colour": []}
            for item, (real, truth) in zip(items, rendered):
                x0 = frames_to_tensor(real)[None]
                x_t = add_noise(x0, torch.randn(x0.shape, generator=gen), torch.tensor([t]))
                v = guided_velocity(model, x_t, t, Conditioning(pipe.embed(item.caption), None), scale, 0.0)
                verdict = checker.score_clip(tensor_to_frames((x_t - t * v)[0]), item.spec, truth)
                for m in scores:
                    if m in verdict:
                        scores[m].append(verdict[m])
            for m, v in scores.items():
                results[f"{m}, text scale {scale:g}"][t] = float(np.mean(v)) if v else float("nan")
    print(
        f"one-step clean prediction from real clips noised to t; {len(items)} training-distribution scenes; "
        f"checkpoint step {meta.get('step')}"
    )
    ts = list(args.denoise_check)
    print("| | " + " | ".join(f"t = {t:g}" for t in ts) + " |")
    print("|---" * (len(ts) + 1) + "|")
    for name, row in results.items():
        print(f"| {name} | " + " | ".join(f"{row[t]:.2f}" for t in ts) + " |")
    return results


def main(args) -> dict:
    torch.set_num_threads(args.threads)
    if args.choose_cfg:
        return choose_cfg(args)
    if args.choose_cameo_scale:
        return choose_cameo_scale(args)
    if args.denoise_check:
        return denoise_check(args)
    t0 = time.time()
    items = eval_items(args.n_objects, args.n_each)
    encoder = TextEncoder()
    real = [world.render(it.spec)[0] for it in items]
    results: dict[str, dict[str, float]] = {}
    samples = {}
    if Path(args.checkpoint).exists():
        model, meta = load_model(args.checkpoint)
        samples["model"] = sample_all(
            Pipeline(model, encoder, meta),
            items,
            args.steps,
            args.seed,
            eta=args.eta,
            guidance_t_max=args.guidance_t_max,
        )
        results["model"] = score_frames(items, samples["model"])
        step = meta.get("step")
    else:
        print(f"no checkpoint at {args.checkpoint}; scoring ceiling and floor only")
        step = None
    results["real (ceiling)"] = score_frames(items, real)
    untrained = untrained_model(args.floor_model)
    samples["untrained"] = sample_all(
        Pipeline(untrained, encoder), items, args.steps, args.seed, eta=args.eta, guidance_t_max=args.guidance_t_max
    )
    results["untrained (floor)"] = score_frames(items, samples["untrained"])
    table = format_table(results)
    header = (
        f"held-out prompts: {len(items)} ({', '.join(sorted({i.group for i in items}))}); "
        f"checkpoint step {step}; {args.steps} Euler steps; {time.time() - t0:.0f} s"
    )
    print(header)
    print(table)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(
        json.dumps({"step": step, "steps": args.steps, "n_prompts": len(items), "results": results}, indent=2)
    )
    (out / "results.md").write_text(header + "\n\n" + table + "\n")
    if "model" in samples:
        contact_sheet(items, real, samples["model"], out / "contact_sheet.png")
        print(f"wrote {out / 'contact_sheet.png'}")
    return results


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT))
    p.add_argument("--steps", type=int, default=DEFAULT_STEPS)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--n-objects", type=int, default=21)
    p.add_argument("--n-each", type=int, default=8)
    p.add_argument("--floor-model", default="DiT-S", choices=sorted(DIT_CONFIGS))
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out-dir", default=str(OUT_DIR))
    p.add_argument(
        "--choose-cfg",
        type=float,
        nargs="+",
        metavar="SCALE",
        help="instead: score these text scales on training-distribution scenes (how DEFAULT_TEXT_SCALE is chosen)",
    )
    p.add_argument(
        "--choose-cameo-scale",
        type=float,
        nargs="+",
        metavar="SCALE",
        help="instead: score these cameo scales on training-distribution cameo scenes (DEFAULT_CAMEO_SCALE)",
    )
    p.add_argument(
        "--n-scenes",
        type=int,
        default=192,
        help="training-distribution scenes for --choose-cfg / --choose-cameo-scale / --denoise-check "
        "(48 left ~0.1 of seed noise on shape)",
    )
    p.add_argument("--eta", type=float, default=DEFAULT_ETA, help="fresh-noise share of the Euler sampler (sampler.py)")
    p.add_argument(
        "--guidance-t-max",
        type=float,
        default=DEFAULT_GUIDANCE_T_MAX,
        help="guide only at t <= this (sampler.py); 1 guides every step",
    )
    p.add_argument(
        "--denoise-check",
        type=float,
        nargs="+",
        metavar="T",
        help="instead: score the one-step clean prediction from real clips noised to these t",
    )
    return p.parse_args(argv)


if __name__ == "__main__":
    main(parse_args())
