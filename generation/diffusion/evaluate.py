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
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from . import checker, checkpoint_meta, world
from .autoencoder import CHECKPOINT as AE_CHECKPOINT
from .autoencoder import psnr
from .latent import LatentSpace, to_world
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
    load_pipeline,
    tensor_to_frames,
)
from .text import TextEncoder

METRICS = ("colour", "shape", "count", "motion", "bounce", "permanence", "cameo", "people", "flicker")
GOALS = {
    "colour": 0.95,
    "shape": 0.85,
    "count": 0.9,
    "motion": 0.9,
    "bounce": 0.8,
    "permanence": 0.8,
    "cameo": "0.8 x ceiling",
    "people": "0.8 x ceiling",
    "flicker": "-",
}
OUT_DIR = Path(__file__).resolve().parents[2] / "docs" / "model" / "eval"


@dataclass
class EvalItem:
    group: str
    spec: world.SceneSpec
    caption: str
    reference: np.ndarray | list[np.ndarray] | None  # one per cameo, in the caption's order, for several


FAMILIES = ("grown", "people")  # groups scored in tables of their own, apart from version 1's held-out set


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


def eval_items(
    n_objects: int = 20, n_each: int = 8, seed: int = 1234, world_version: int = 1, people: int = 0
) -> list[EvalItem]:
    """A fixed list of held-out prompts: single objects, pairs, bounces, occlusions, cameos (all 4 s).

    For a model of the grown world (world_version 2), also n_objects held-out scenes of its
    animals and vehicles ("grown"), drawn from their own seed so the version 1 list is unchanged.
    `people` adds that many scenes of two or three people's cameos, every face held out ("people").
    """
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
    if world_version >= 2:
        grown = np.random.default_rng(seed + 2)
        while sum(it.group == "grown" for it in items) < n_objects:
            spec = world.random_spec(grown, level=2, held_out=True, aspect="square", duration_s=4, world_version=2)
            if any(o.shape in world.SPRITES for o in spec.objects):
                items.append(EvalItem("grown", spec, world.caption(spec, grown), None))
    several = np.random.default_rng(seed + 3)
    while sum(it.group == "people" for it in items) < people:
        spec = world.random_spec(several, level=1, held_out=True, aspect="square", duration_s=4, max_cameos=3)
        if len(spec.cameos) != 2 + sum(it.group == "people" for it in items) % 2:  # two and three people in turn
            continue
        refs = [world.face_reference(c.face_id) for c in spec.cameos]
        items.append(EvalItem("people", spec, world.caption(spec, several), refs))
    return items


def checkpoint_world(path) -> int:
    """The world version a checkpoint learnt (its JSON's "world"; 1 before checkpoints said)."""
    return int(checkpoint_meta(path).get("world", 1))


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
        reference = item.reference
        if isinstance(reference, list):  # a model that draws fewer is given the first ones, as the service would
            reference = reference[: pipe.model.cfg.max_cameos]
        res = pipe.generate(
            item.caption,
            cameo_reference=reference,
            seed=seed + i,
            text_scale=text_scale,
            cameo_scale=cameo_scale,
            duration_s=item.spec.duration_s,
            aspect=item.spec.aspect,
            steps=steps,
            eta=eta,
            guidance_t_max=guidance_t_max,
        )
        frames = res.frames
        if pipe.latent is not None:  # the checker works at the world's own size and rate
            frames = to_world(frames, pipe.latent.cfg.scale, pipe.latent.fps)
        out.append(frames)
    return out


def format_table(results: dict[str, dict[str, float]]) -> str:
    cols = list(results)
    lines = ["| metric | " + " | ".join(cols) + " | goal |", "|---" * (len(cols) + 2) + "|"]
    for m in METRICS:
        if all(np.isnan(results[c][m]) for c in cols):
            continue  # nothing in this set tests it
        row = [f"{results[c][m]:.2f}" if not np.isnan(results[c][m]) else "n/a" for c in cols]
        lines.append(f"| {m} | " + " | ".join(row) + f" | {GOALS[m]} |")
    if "real (ceiling)" in results and not np.isnan(results["real (ceiling)"]["cameo"]):
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
    pipe, items = load_pipeline(args.checkpoint, TextEncoder(), "cpu"), training_items(args.n_scenes)
    results = {
        s: score_frames(
            items,
            sample_all(pipe, items, args.steps, 100, text_scale=s, eta=args.eta, guidance_t_max=args.guidance_t_max),
        )
        for s in args.choose_cfg
    }
    print(
        f"training-distribution scenes: {len(items)}; checkpoint step {pipe.config.get('step')}; {args.steps} Euler steps, "
        f"eta {args.eta:g}, guidance at t <= {args.guidance_t_max:g}"
    )
    print(format_table({f"text scale {s:g}": r for s, r in results.items()}))
    return results


def choose_cameo_scale(args) -> dict[str, dict[str, float]]:
    """Score each cameo scale on training-distribution cameo scenes (training faces, never the held-out ones)."""
    pipe = load_pipeline(args.checkpoint, TextEncoder(), "cpu")
    items = training_items(args.n_scenes, seed=11, cameo=True)
    results = {
        f"cameo scale {s:g}": score_frames(
            items,
            sample_all(pipe, items, args.steps, 100, eta=args.eta, guidance_t_max=args.guidance_t_max, cameo_scale=s),
        )
        for s in args.choose_cameo_scale
    }
    results["real (ceiling)"] = score_frames(items, [world.render(item.spec)[0] for item in items])
    print(
        f"training-distribution cameo scenes: {len(items)}; checkpoint step {pipe.config.get('step')}; {args.steps} Euler "
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


EXTEND_KNOWN = 4  # frames given (one second, one temporal patch of the model)
EXTEND_CLIP_S = 4  # the clip drawn around them
EXTEND_TRUTH_S = 6  # the scene they are cut from


def extend_items(n: int, seed: int, held_out: bool) -> list[EvalItem]:
    """Scenes (level 1, 6 s) to cut known frames from: held-out combinations, or training ones for choosing."""
    rng = np.random.default_rng(seed)
    items = []
    while len(items) < n:
        spec = world.random_spec(rng, level=1, held_out=held_out, duration_s=EXTEND_TRUTH_S)
        if spec.objects:  # continuity is judged on objects; a cameo alone has none
            items.append(EvalItem("extend", spec, world.caption(spec, rng), None))
    return items


SHEET_CLIPS = 6
RECON_SEED = 6_120_226  # held-out scenes for the autoencoder; no other check draws from this seed


def recon_items(n: int, seed: int = RECON_SEED) -> list[EvalItem]:
    """Held-out scenes (level 2: every aspect, 2-8 s, pans, occluders, held-out faces) for the autoencoder."""
    rng = np.random.default_rng(seed)
    items = []
    for _ in range(n):
        spec = world.random_spec(rng, level=2, held_out=True)
        reference = world.face_reference(spec.cameo.face_id) if spec.cameo else None
        items.append(EvalItem("held-out", spec, world.caption(spec, rng), reference))
    return items


REST_TOL = 8.0  # rest_unchanged: mean absolute difference (of 255) away from the edited object
REMIX_SEED = 4_410_521  # held-out scenes for remix edits; no other check draws from this seed
REMIX_SIMPLE = ("left", "right", "up", "down", "falling", "bouncing", "rolling")


def remix_items(n: int, seed: int = REMIX_SEED, held_out: bool = True) -> list[tuple[EvalItem, EvalItem, str]]:
    """(parent, edited, edit) triples: a one-object scene, the same scene with the object in another
    colour (same seed: the same motion), and the edit as a person types it ("make it blue").

    Held out: the parent is a held-out combination. Otherwise (to choose settings on) both are
    training-distribution ones, from another seed. Both captions come from the same phrasing
    seed, so they differ only in the colour word."""
    rng = np.random.default_rng(seed if held_out else seed + 777)
    out = []
    while len(out) < n:
        motion = REMIX_SIMPLE[len(out) % len(REMIX_SIMPLE)]
        if held_out:
            o, bg = _held_out_object(rng, motion)
        else:
            o, bg = _training_object(rng, motion)
        spec = world.SceneSpec(objects=(o,), background=bg, seed=int(rng.integers(2**31)))
        colour = [c for c in world.COLOUR_NAMES if c != o.colour][int(rng.integers(len(world.COLOUR_NAMES) - 1))]
        edited = replace(spec, objects=(replace(o, colour=colour),))
        # held out: the parent is a held-out combination (its edit, in another colour, cannot also
        # be: the rule holds out one colour per shape, motion and place); to choose on: neither is
        if held_out != world.is_held_out(o, bg) or (not held_out and world.is_held_out(edited.objects[0], bg)):
            continue
        phrasing = int(rng.integers(2**31))
        parent = EvalItem("parent", spec, world.caption(spec, np.random.default_rng(phrasing)), None)
        target = EvalItem("edited", edited, world.caption(edited, np.random.default_rng(phrasing)), None)
        out.append((parent, target, f"make it {colour}"))
    return out


def _training_object(rng, motion: str) -> tuple[world.ObjectSpec, str]:
    while True:
        spec = world.random_spec(rng, level=1, aspect="square", duration_s=4)
        if len(spec.objects) == 1 and spec.cameo is None and not spec.occluder:
            return replace(
                spec.objects[0], motion=motion, direction=spec.objects[0].direction or "right"
            ), spec.background


def edit_verdict(frames: np.ndarray, parent: EvalItem, target: EvalItem) -> tuple[bool, bool]:
    """(applied, kept) for a remix of parent meant to be target.

    Applied: the object is found in its new colour at its size and there is one object, and the
    old colour is gone (the failure where the red ball stays and a blue one is added fails here).
    Kept: the object in its new colour still moves as the parent's did and keeps its shape
    (scored against target's truth, which has the parent's motion); nothing is kept of an edit
    that drew nothing in the new colour."""
    _, truth = world.render(target.spec)
    s = checker.score_clip(frames, target.spec, truth)
    old = parent.spec.objects[0]
    area = checker.expected_area(old.shape, truth.radii[0])
    old_area, _, _ = checker.track(checker.colour_labels(frames), old.colour, 0.35 * area)
    gone = np.mean(old_area < 0.35 * area) >= 0.8
    applied = s.get("colour", 0.0) == 1.0 and s.get("count", 1.0) == 1.0 and bool(gone)
    kept = s.get("motion", 0.0) == 1.0 and s.get("shape", 0.0) == 1.0
    return applied, kept


def rest_unchanged(frames: np.ndarray, parent: EvalItem, target: EvalItem, tol: float = REST_TOL) -> bool:
    """Is everything but the edited object as the parent had it? The mean absolute difference from
    the parent's frames, away from where the object is in the parent and in the edit (grown by two
    pixels), is under `tol` (of 255)."""
    from scipy import ndimage

    real, parent_truth = world.render(parent.spec)
    _, target_truth = world.render(target.spec)
    near = ndimage.binary_dilation((parent_truth.mask > 0.1) | (target_truth.mask > 0.1), np.ones((1, 5, 5), bool))
    return bool(np.abs(frames.astype(np.float32) - real)[~near].mean() < tol)


def remix_check(args) -> dict[str, dict[str, float]]:
    """Remix edits ("make it blue") on held-out scenes: is the edit applied while the rest is kept?

    The parent is the rendered scene. The model remixes it at the service's strength, prompted
    either with the edit alone (what a remix prompt is on its own) or with the parent's caption
    with the edit applied (what generation.capabilities.remix_prompt gives the model). The
    ceiling is the edited scene rendered; the floor is the parent returned unchanged.
    """
    pipe = load_pipeline(args.checkpoint)
    triples = remix_items(args.remix_check, seed=args.remix_seed, held_out=args.remix_set == "heldout")
    recolour = {} if args.recolour_grow < 0 else {"edit_grow": args.recolour_grow}
    rows: dict[str, dict[str, list[bool]]] = {}
    t0 = time.time()
    for i, (parent, target, edit) in enumerate(triples):
        real, _ = world.render(parent.spec)
        cases = {"ceiling (edited scene rendered)": world.render(target.spec)[0], "floor (parent unchanged)": real}
        for name, prompt in (("model, the edit alone", edit), ("model, the parent's caption edited", target.caption)):
            if recolour and name.endswith("edited"):  # the service's recolouring: only the old colour drawn again
                name = f"model, caption edited, recolour (grow {args.recolour_grow})"
                extra = {**recolour, "edit_colours": (parent.spec.objects[0].colour,)}
            else:
                extra = {}
            res = pipe.generate(
                prompt,
                seed=args.seed + i,
                duration_s=parent.spec.duration_s,
                aspect=parent.spec.aspect,
                steps=args.steps,
                init_video=real,
                strength=args.strength,
                **extra,
            )
            frames = res.frames
            if pipe.latent is not None:
                frames = to_world(frames, pipe.latent.cfg.scale, pipe.latent.fps)
            cases[name] = frames
        for name, frames in cases.items():
            applied, kept = edit_verdict(frames, parent, target)
            row = rows.setdefault(name, {"applied": [], "kept": [], "both": [], "rest": []})
            row["applied"].append(applied)
            row["kept"].append(kept)
            row["both"].append(applied and kept)
            row["rest"].append(rest_unchanged(frames, parent, target))
    table = {name: {k: float(np.mean(v)) for k, v in row.items()} for name, row in rows.items()}
    print(
        f"{len(triples)} {args.remix_set} scenes, colour edits, strength {args.strength}, {args.steps} steps, "
        f"{time.time() - t0:.0f} s"
    )
    print("| case | edit applied | object kept | both | everything else unchanged |\n|---|---:|---:|---:|---:|")
    for name, r in table.items():
        print(f"| {name} | {r['applied']:.2f} | {r['kept']:.2f} | {r['both']:.2f} | {r['rest']:.2f} |")
    return table


def recon_check(args) -> dict:
    """The autoencoder on held-out clips: PSNR at its own size and rate, and the checker on its reconstructions.

    The checker reads both the rendered clip and its reconstruction brought to
    the world's size and rate (latent.to_world), against the scene's truth;
    the goal is reconstructions scoring >= 0.98 of the rendered clips.
    """
    space = LatentSpace.load(args.autoencoder)
    scale, fps = space.cfg.scale, space.fps
    items = recon_items(args.recon_check)
    psnrs, object_psnrs, seconds, clip_seconds = [], [], 0.0, 0
    per: dict[str, dict[str, list[float]]] = {"rendered": {}, "reconstructed": {}}
    shown: list[tuple[np.ndarray, np.ndarray]] = []  # the sheet's clips, two frames a second
    for item in items:
        frames, fine_truth = space.render(item.spec, item.reference)
        t0 = time.time()
        recon = space.decode(space.encode([frames]))[0]
        seconds += time.time() - t0
        clip_seconds += item.spec.duration_s
        psnrs.append(psnr(frames, recon))
        on = fine_truth.mask > 0.5  # the objects' and the face's pixels
        if on.any():
            object_psnrs.append(psnr(frames[on], recon[on]))
        if len(shown) < SHEET_CLIPS:
            step = max(1, fps // 2)
            shown.append((frames[::step], recon[::step]))
        _, truth = world.render(item.spec, item.reference)
        scores = {
            name: checker.score_clip(to_world(clip, scale, fps), item.spec, truth, item.reference)
            for name, clip in (("rendered", frames), ("reconstructed", recon))
        }
        for k, v in scores["rendered"].items():  # a scene counts where both verdicts exist
            w = scores["reconstructed"].get(k, float("nan"))
            if not (np.isnan(v) or np.isnan(w)):
                per["rendered"].setdefault(k, []).append(v)
                per["reconstructed"].setdefault(k, []).append(w)
    metrics = [m for m in METRICS if m in per["rendered"]]
    table = {m: {name: float(np.mean(per[name][m])) for name in per} for m in metrics}
    for m in metrics:
        table[m]["ratio"] = table[m]["reconstructed"] / max(table[m]["rendered"], 1e-9)
        table[m]["scenes"] = len(per["rendered"][m])
    p = np.array(psnrs)
    result = {
        "clips": len(items),
        "psnr_mean": float(p.mean()),
        "psnr_min": float(p.min()),
        "psnr_p10": float(np.percentile(p, 10)),
        "psnr_objects_mean": float(np.mean(object_psnrs)) if object_psnrs else float("nan"),
        "seconds_per_clip_second": seconds / clip_seconds,
        "checker": table,
    }
    print(
        f"{len(items)} held-out clips at {scale}x, {fps} fps: PSNR mean {p.mean():.2f} dB, "
        f"10th percentile {result['psnr_p10']:.2f}, min {p.min():.2f}, on the objects' pixels "
        f"{result['psnr_objects_mean']:.2f}; encode + decode "
        f"{result['seconds_per_clip_second']:.3f} s per clip-second"
    )
    print("| metric | scenes | rendered | reconstructed | ratio |\n|---|---:|---:|---:|---:|")
    for m in metrics:
        r = table[m]
        print(f"| {m} | {r['scenes']} | {r['rendered']:.3f} | {r['reconstructed']:.3f} | {r['ratio']:.3f} |")
    if args.recon_json:
        Path(args.recon_json).write_text(json.dumps(result, indent=2))
    if args.recon_sheet:  # rendered above, reconstructed below, one frame a second
        rendered, reconstructed = zip(*shown)
        contact_sheet(items[: len(shown)], list(rendered), list(reconstructed), Path(args.recon_sheet), scale=1)
    return result


def extend_check(args) -> dict[str, dict[str, float]]:
    """Seam continuity of extensions forwards and backwards, and image to video, with floor and ceiling.

    From a 6 s scene, one second is given: forwards, its frames 8-11 become the
    first four of a 4 s clip (the rest is drawn: truth frames 12-23); backwards,
    its frames 12-15 become the last four (drawn: truth 0-11). Image to video
    is given frame 0 and draws truth frames 1-15. The floor draws the same
    prompt and seed without the known frames; the ceiling is the real frames.
    Scored by checker.seam_continuity / image_kept, and drawn_motion on the drawn frames.
    """
    pipe = load_pipeline(args.checkpoint)
    held_out = args.extend_check == "heldout"
    items = extend_items(args.n_scenes, args.seed + (0 if held_out else 777), held_out)
    k, n = EXTEND_KNOWN, EXTEND_CLIP_S * world.FPS
    # case -> (known_at, the truth's frame for the clip's frame 0, the known frames' slice, judge, drawn frames)
    cases = {
        "forward": (
            "start",
            2 * k,
            slice(2 * k, 3 * k),
            lambda f, it, tr: checker.seam_continuity(f, it.spec, tr, 2 * k, (k, k + 1)),
            range(k, n),
        ),
        "backward": (
            "end",
            0,
            slice(n - k, n),
            lambda f, it, tr: checker.seam_continuity(f, it.spec, tr, 0, (n - k - 1, n - k - 2)),
            range(0, n - k),
        ),
        "image": (
            "start",
            0,
            slice(0, 1),
            lambda f, it, tr: checker.image_kept(f, it.spec, tr, range(1, 4)),
            range(1, n),
        ),
    }
    rows: dict[str, dict[str, float]] = {}
    t0 = time.time()
    for name, (at, offset, given, judge, drawn) in cases.items():
        scores: dict[str, list[float]] = {"model": [], "floor": [], "ceiling": [], "motion": [], "floor motion": []}
        for i, item in enumerate(items):
            real, truth = world.render(item.spec)
            common = dict(seed=args.seed + i, duration_s=EXTEND_CLIP_S, aspect=item.spec.aspect, steps=args.steps)
            out = pipe.generate(
                item.caption,
                known_frames=real[given],
                known_at=at,
                skill="image" if name == "image" else "extend",  # as the service asks it
                resample=args.known_resample,
                hold=args.known_hold,
                **common,
            ).frames
            plain = pipe.generate(item.caption, **common).frames
            for key, frames in (("model", out), ("floor", plain), ("ceiling", real[offset : offset + n])):
                v = judge(frames, item, truth)
                if v is not None:
                    scores[key].append(v)
            for key, frames in (("motion", out), ("floor motion", plain)):
                v = checker.drawn_motion(frames, item.spec, truth, offset, drawn)
                if v is not None:
                    scores[key].append(v)
        rows[name] = {key: float(np.mean(v)) if v else float("nan") for key, v in scores.items()}
        rows[name]["judged"] = len(scores["model"])
    print(f"known frames ({args.extend_check}, {len(items)} scenes, {args.steps} steps, {time.time() - t0:.0f} s)")
    print("| case | model | without known frames (floor) | real (ceiling) | scenes judged | drawn motion (floor) |")
    print("|---|---|---|---|---|---|")
    for name, r in rows.items():
        print(
            f"| {name} | {r['model']:.3f} | {r['floor']:.2f} | {r['ceiling']:.2f} | {r['judged']} | "
            f"{r['motion']:.3f} ({r['floor motion']:.2f}) |"
        )
    return rows


def main(args) -> dict:
    torch.set_num_threads(args.threads)
    if args.extend_check:
        return extend_check(args)
    if args.choose_cfg:
        return choose_cfg(args)
    if args.choose_cameo_scale:
        return choose_cameo_scale(args)
    if args.denoise_check:
        return denoise_check(args)
    if args.recon_check:
        return recon_check(args)
    if args.remix_check:
        return remix_check(args)
    t0 = time.time()
    world_version = args.world or checkpoint_world(args.checkpoint)
    items = eval_items(args.n_objects, args.n_each, world_version=world_version, people=args.people)
    encoder = TextEncoder()
    real = [world.render(it.spec)[0] for it in items]
    results: dict[str, dict[str, float]] = {}
    samples = {}
    if Path(args.checkpoint).exists():
        pipe = load_pipeline(args.checkpoint, encoder, "cpu")
        meta = pipe.config
        samples["model"] = sample_all(
            pipe,
            items,
            args.steps,
            args.seed,
            eta=args.eta,
            guidance_t_max=args.guidance_t_max,
        )
        step = meta.get("step")
    else:
        print(f"no checkpoint at {args.checkpoint}; scoring ceiling and floor only")
        step = None
    untrained = untrained_model(args.floor_model)
    samples["untrained"] = sample_all(
        Pipeline(untrained, encoder), items, args.steps, args.seed, eta=args.eta, guidance_t_max=args.guidance_t_max
    )
    # version 1's held-out set is one table (comparable with every earlier one); each added family its own
    families = {"": [i for i, it in enumerate(items) if it.group not in FAMILIES]}
    families.update({f: [i for i, it in enumerate(items) if it.group == f] for f in FAMILIES})
    columns = {"model": "model", "real (ceiling)": "real", "untrained (floor)": "untrained"}
    samples["real"] = real
    by_family: dict[str, dict[str, dict[str, float]]] = {}
    for family, idx in families.items():
        if not idx:
            continue
        subset = [items[i] for i in idx]
        by_family[family] = {
            col: score_frames(subset, [samples[key][i] for i in idx]) for col, key in columns.items() if key in samples
        }
    results = by_family[""]
    header = (
        f"held-out prompts: {len(items)} ({', '.join(sorted({i.group for i in items}))}); "
        f"checkpoint step {step}; {args.steps} Euler steps; {time.time() - t0:.0f} s"
    )
    tables = [format_table(results)]
    for family in FAMILIES:
        if family in by_family:
            tables.append(f"{family} ({len(families[family])} prompts):\n\n" + format_table(by_family[family]))
    print(header)
    print("\n\n".join(tables))
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    record = {"step": step, "steps": args.steps, "n_prompts": len(families[""]), "results": results}
    record.update({f"results_{f}": by_family[f] for f in FAMILIES if f in by_family})
    (out / "results.json").write_text(json.dumps(record, indent=2))
    (out / "results.md").write_text(header + "\n\n" + "\n\n".join(tables) + "\n")
    if "model" in samples:
        contact_sheet(items, real, samples["model"], out / "contact_sheet.png")
        print(f"wrote {out / 'contact_sheet.png'}")
        for family in FAMILIES:
            if families[family]:
                idx = families[family]
                path = out / f"contact_sheet_{family}.png"
                contact_sheet([items[i] for i in idx], [real[i] for i in idx], [samples["model"][i] for i in idx], path)
                print(f"wrote {path}")
    return results


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument(
        "--world",
        type=int,
        default=0,
        choices=(0, *world.WORLD_VERSIONS),
        help="held-out prompts of this world version (0: the one the checkpoint learnt)",
    )
    p.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT))
    p.add_argument("--steps", type=int, default=DEFAULT_STEPS)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--n-objects", type=int, default=21)
    p.add_argument("--n-each", type=int, default=8)
    p.add_argument("--people", type=int, default=0, help="also this many held-out scenes of 2-3 people's cameos")
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
        "--extend-check",
        choices=("choose", "heldout"),
        help="instead: seam continuity of extensions (training scenes to choose with, or the held-out ones)",
    )
    p.add_argument(
        "--known-resample",
        type=int,
        default=1,
        help="--extend-check: take each step this many times, re-noised between (RePaint); 1 = once",
    )
    p.add_argument(
        "--known-hold",
        type=float,
        default=None,
        help="--extend-check: start the drawn frames from the nearest given frame held still, noised to this t",
    )
    p.add_argument(
        "--denoise-check",
        type=float,
        nargs="+",
        metavar="T",
        help="instead: score the one-step clean prediction from real clips noised to these t",
    )
    p.add_argument(
        "--recon-check",
        type=int,
        metavar="N",
        help="instead: the spacetime autoencoder's reconstructions of N held-out clips (PSNR, and the checker's ratio)",
    )
    p.add_argument(
        "--remix-check",
        type=int,
        metavar="N",
        help="instead: colour edits by remix on N held-out scenes (edit applied, rest kept)",
    )
    p.add_argument("--strength", type=float, default=0.9, help="--remix-check: the remix strength (the service's)")
    p.add_argument(
        "--recolour-grow",
        type=int,
        default=-1,
        help="--remix-check: also recolour (draw again only the old colour's pixels, grown by this many; -1: off)",
    )
    p.add_argument(
        "--remix-seed", type=int, default=REMIX_SEED, help="--remix-check: another seed is another set of scenes"
    )
    p.add_argument(
        "--remix-set",
        choices=("choose", "heldout"),
        default="heldout",
        help="--remix-check: training-distribution scenes to choose settings on, or the held-out ones",
    )
    p.add_argument("--autoencoder", default=str(AE_CHECKPOINT), help="--recon-check: the autoencoder to check")
    p.add_argument("--recon-json", default=None, help="--recon-check: also write the figures to this JSON file")
    p.add_argument(
        "--recon-sheet", default=None, help="--recon-check: also draw the first clips and their reconstructions"
    )
    return p.parse_args(argv)


if __name__ == "__main__":
    main(parse_args())
