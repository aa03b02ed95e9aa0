"""Train the DiT on the procedural world: python -m generation.diffusion.train --minutes 60 [--resume].

The loop is a visible recipe (nanoGPT): a batch of freshly rendered clips of
one (aspect, duration) bucket, flow-matching loss, clipping, AdamW, EMA, and a
checkpoint every few minutes, so whatever exists when the clock stops can be
committed. The checkpoint (safetensors, fp16) holds the EMA weights the
product samples with and the raw weights a resumed run continues from; the
JSON beside it holds the config and the training history.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch

from . import world
from .autoencoder import CHECKPOINT as AE_CHECKPOINT
from .model import (
    DIT_CONFIGS,
    DiT,
    DiTConfig,
    count_parameters,
    known_input,
    widen_for_cameos,
    widen_for_known_frames,
)
from .sampler import (
    DEFAULT_CHECKPOINT,
    DEFAULT_ETA,
    DEFAULT_STEPS,
    DEFAULT_TEXT_SCALE,
    add_noise,
    euler_step,
    frames_to_tensor,
    sample_train_t,
    timesteps,
    velocity,
)
from .text import TextEmbedding, TextEncoder, random_embedding

# ----------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------


def curriculum_level(
    step: int, schedule: tuple[int, int], rng: np.random.Generator | None = None, mix: float = 0.0
) -> int:
    """Level 0 (one object, few backgrounds) until schedule[0], level 1 until schedule[1], then everything.

    With mix > 0, that share of level-2 batches is drawn from level 1 again: short
    single-scene clips, more distinct scenes per step than level 2's long ones.
    """
    level = 0 if step < schedule[0] else 1 if step < schedule[1] else 2
    if level == 2 and mix > 0 and rng is not None and rng.random() < mix:
        return 1
    return level


def bucket_tokens(aspect: str, duration_s: int, model_cfg: DiTConfig) -> int:
    """Spacetime patches of one clip of this bucket (256 for a 4 s square clip with 4x4x4 patches)."""
    pt, ph, pw = model_cfg.patch
    gt, gh, gw = model_cfg.grid_scale  # a latent model's grid is coarser than the world's frames
    h, w = world.SIZES_PX[aspect]
    return max(1, int(duration_s * world.FPS * gt) // pt) * (int(h * gh) // ph) * (int(w * gw) // pw)


def pick_bucket(
    rng: np.random.Generator, level: int, batch_size: int, model_cfg: DiTConfig, by_tokens: bool
) -> tuple[str, int, int]:
    """The batch's (aspect, duration, clips) for a curriculum level; by tokens, every bucket costs about the same."""
    if level == 0:
        aspect, duration = "square", int(rng.choice((2, 4)))
    else:
        aspect = "square" if rng.random() < 0.5 else world.ASPECTS[int(rng.integers(3))]
        duration = int(rng.choice((2, 4))) if level == 1 else int(rng.choice((2, 3, 4, 4, 6, 8)))
    if by_tokens:
        budget = batch_size * bucket_tokens("square", 4, model_cfg)
        batch_size = max(2, round(budget / bucket_tokens(aspect, duration, model_cfg)))
    return aspect, duration, batch_size


# What get_batch says each clip is to be given (known_frames_batch reads it): a second drawn there, the
# first frame alone, the first second (extended forwards), the last second (extended backwards).
GIVEN_ANY, GIVEN_PICTURE, GIVEN_FORWARD, GIVEN_BACKWARD = 0, 1, 2, 3
# known_frames_batch's draw: below FIRST_SECOND the first second, below SECONDS the last, else the first frame
FIRST_SECOND, SECONDS = 0.4, 0.7
FORWARD_OF_SECONDS = FIRST_SECOND / SECONDS  # of the clips given a second, the first (4 : 3)
_GIVEN_DRAW = {GIVEN_PICTURE: 1.0, GIVEN_FORWARD: 0.0, GIVEN_BACKWARD: (FIRST_SECOND + SECONDS) / 2}


def get_batch(
    rng: np.random.Generator,
    batch_size: int,
    level: int,
    model_cfg: DiTConfig,
    by_tokens: bool = False,
    object_weight: float = 0.0,
    world_version: int = 1,
    window_s: int = 0,
    start_share: float = 0.0,
    bounce_phase_s: float = 0.0,
    phase_forward: bool = False,
):
    """Clips of one bucket (aspect, duration) so they stack.

    Returns video, captions, references, ref mask, pixel weights and given
    (N,) int8, which frames the clip is to be given: GIVEN_PICTURE where it
    begins at its scene's first frame, else GIVEN_ANY (known_frames_batch
    draws a first or a last second), or with phase_forward GIVEN_FORWARD /
    GIVEN_BACKWARD. Without phase_forward it reads as the old at_start flag
    (1 at a scene's start, 0 elsewhere).

    The weights (N, 1, T, H, W) are 1 + object_weight on the objects and the
    cameo's face, grown by one pixel so that a shape drawn too big costs as
    much as one drawn too small; None when object_weight is 0.

    With by_tokens, batch_size counts 4 s square clips and other buckets get the
    same token budget (NaViT-style packing by tokens): an 8 s landscape batch
    has 5 clips, a 2 s square one 32, so every step costs about the same and
    long clips no longer dominate the compute.

    With window_s, each scene is rendered window_s seconds longer than the
    clip and the clip is cut from it at a random frame (0 to window_s * FPS):
    a clip then starts or ends in the middle of a motion, as a video's last
    or first second does when it is extended. A start_share of them is cut at
    the scene's first frame instead (GIVEN_PICTURE), as a picture to animate is
    the first frame of its scene.

    With bounce_phase_s, each scene's bouncing objects were let go up to that
    many seconds (uniform) before its first frame: a joint then falls in a
    later, shorter bounce, as it does at the end of a longer video, while
    motions across the frame keep the pace of the scene's own length. With
    phase_forward, only the clips to be extended forwards are let go early
    (FORWARD_OF_SECONDS of the clips not cut at the start, marked
    GIVEN_FORWARD; the others GIVEN_BACKWARD and pictures keep phase 0): a
    forward extension's known second is a video's last, in a late bounce,
    while a backward one's is a video's first, at its scene's own start.
    """
    aspect, duration, batch_size = pick_bucket(rng, level, batch_size, model_cfg, by_tokens)
    pt = model_cfg.patch[0]
    specs = [
        world.random_spec(
            rng,
            level,
            aspect=aspect,
            duration_s=duration + window_s,
            world_version=world_version,
            max_cameos=model_cfg.max_cameos,
        )
        for _ in range(batch_size)
    ]
    starts, forward = None, None
    if bounce_phase_s > 0:
        phases = rng.uniform(0.0, bounce_phase_s, size=batch_size).round(2)
        if phase_forward:  # which clips are extended forwards is known before their scenes are rendered
            starts = _window_starts(rng, batch_size, window_s, start_share)
            forward = (starts != 0) & (rng.random(batch_size) < FORWARD_OF_SECONDS)
            phases = np.where(forward, phases, 0.0)
        specs = [dataclasses.replace(s, bounce_phase_s=float(p)) for s, p in zip(specs, phases)]
    clips = [world.make_clip(spec, rng) for spec in specs]
    n = max(pt, duration * world.FPS // pt * pt)  # the bucket's frames (a scene has window_s seconds more)
    if starts is None:
        starts = _window_starts(rng, batch_size, window_s, start_share)
    video = torch.stack([frames_to_tensor(c.frames[a : a + n]) for c, a in zip(clips, starts)])  # (B, 3, T, H, W)
    refs, has_ref = references_batch([c.references for c in clips], model_cfg.ref_px, model_cfg.max_cameos)
    weight = None
    if object_weight > 0:
        from scipy import ndimage

        masks = np.stack(
            [ndimage.maximum_filter(c.truth.mask[a : a + n], size=(1, 3, 3)) for c, a in zip(clips, starts)]
        )  # (B, T, H, W)
        weight = 1.0 + object_weight * torch.from_numpy(masks)[:, None]
    elsewhere = GIVEN_ANY if forward is None else np.where(forward, GIVEN_FORWARD, GIVEN_BACKWARD)
    given = np.where(starts == 0, GIVEN_PICTURE, elsewhere)
    return video, [c.caption for c in clips], refs, has_ref, weight, torch.from_numpy(given.astype(np.int8))


def _window_starts(rng: np.random.Generator, n: int, window_s: int, start_share: float) -> np.ndarray:
    """Where each clip is cut from its scene (frames): anywhere in the window, a start_share at 0."""
    starts = rng.integers(0, window_s * world.FPS + 1, size=n) if window_s else np.zeros(n, int)
    if window_s and start_share > 0:
        starts = np.where(rng.random(n) < start_share, 0, starts)
    return starts


def references_batch(references: list, ref_px: int, slots: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """Each clip's cameo reference(s) -> the model's reference input and which are there.

    An item is None, one (ref_px, ref_px, 3) uint8 picture, or a tuple of them (a clip's cameos in
    order). With slots 1: (N, 3, ref_px, ref_px) in [-1, 1] and (N,) has-one, the first cameo's;
    with more: (N, slots, 3, ref_px, ref_px) and (N, slots), empty slots masked.
    """
    refs = torch.zeros(len(references), slots, 3, ref_px, ref_px)
    has_ref = torch.zeros(len(references), slots, dtype=torch.bool)
    for i, item in enumerate(references):
        pictures = () if item is None else (item,) if isinstance(item, np.ndarray) else tuple(item)
        for k, r in enumerate(pictures[:slots]):
            refs[i, k] = torch.from_numpy(r.copy()).float().permute(2, 0, 1) / 127.5 - 1.0
            has_ref[i, k] = True
    if slots == 1:
        return refs[:, 0], has_ref[:, 0]
    return refs, has_ref


LOSS_T_MIN = 0.2  # x-prediction's v-loss weighs x errors by 1/t^2; clipped here (400x at t=0.05 swamped the batch)


def flow_loss(
    model: DiT,
    video,
    noise,
    t,
    x_t,
    *cond,
    weight: torch.Tensor | None = None,
    t_min: float = LOSS_T_MIN,
    known: torch.Tensor | None = None,
) -> torch.Tensor:
    """Velocity MSE; for x-prediction, (x0_hat - x0) / max(t, t_min) so low-noise samples do not dominate.

    A larger t_min moves weight towards high noise, where shapes are decided
    (at 0.2, t = 0.2 weighs 25x more than t = 0.9; at 0.4, 5x).
    weight (N, 1, T, H, W), if given, makes it a weighted mean over pixels (same scale as the plain mean).
    """
    out = model(x_t, t, *cond, known=known) if known is not None else model(x_t, t, *cond)
    if getattr(model, "module", model).cfg.prediction == "x":  # DDP wraps the model
        err = ((out - video) / t.clamp(min=t_min).view(-1, 1, 1, 1, 1)).square()
    else:
        err = (out - (noise - video)).square()
    if weight is None:
        return err.mean()
    return (err * weight).mean() / weight.mean()


def known_frames_batch(
    video: torch.Tensor, share: float, gen: torch.Generator, pictures: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Which frames each clip is given (extend forwards / backwards, image to video), as the model reads them.

    A `share` of the clips get some: the first second (40 %), the last second
    (30 %) or the first frame alone (30 %); the rest none, so plain generation
    stays trained. With `pictures` (N,), get_batch's `given` (or a bool flag,
    True for GIVEN_PICTURE), the kind is not drawn for the first frame: those
    clips get it alone (image to video from a scene's start), GIVEN_FORWARD
    ones the first second, GIVEN_BACKWARD ones the last, and the others a
    second (first 4 : last 3). Returns the model's known input (N, 4, T, H, W)
    and the mask (N, 1, T, 1, 1).
    """
    n, _, T = video.shape[:3]
    mask = torch.zeros(n, 1, T, 1, 1, device=video.device)
    second = min(world.FPS, T - 1)
    for i in range(n):
        if torch.rand(1, generator=gen).item() >= share:
            continue
        kind = torch.rand(1, generator=gen).item()
        if pictures is not None:  # the first frame alone, the first or the last second, or a second (4 : 3)
            kind = _GIVEN_DRAW.get(int(pictures[i]), SECONDS * kind)
        if kind < FIRST_SECOND:
            mask[i, 0, :second] = 1.0
        elif kind < SECONDS:
            mask[i, 0, T - second :] = 1.0
        else:
            mask[i, 0, 0] = 1.0
    return known_input(video, mask), mask


def drop_conditioning(text: TextEmbedding, has_ref: torch.Tensor, cfg: DiTConfig, gen: torch.Generator):
    """Independent text and cameo dropout, so the sampler can guide each one on its own."""
    n = has_ref.shape[0]
    drop_text = (torch.rand(n, generator=gen) < cfg.p_drop_text).to(has_ref.device)
    drop_ref = (torch.rand(n, generator=gen) < cfg.p_drop_cameo).to(has_ref.device)
    keep = (~drop_text).float()
    tokens = text.tokens * keep[:, None, None]
    mask = text.mask & ~drop_text[:, None]
    pooled = text.pooled * keep[:, None]
    return tokens, mask, pooled, has_ref & ~drop_ref.view(-1, *[1] * (has_ref.dim() - 1))  # all of a clip's cameos


@torch.no_grad()
def rollout_states(
    ema: DiT,
    video,
    noise,
    t,
    x_t,
    cond,
    gen: torch.Generator,
    share: float,
    max_steps: int,
    text_scale: float = DEFAULT_TEXT_SCALE,
    eta: float = DEFAULT_ETA,
    n_steps: int = DEFAULT_STEPS,
):
    """Replace a share of the batch with states the sampler itself reaches: the model learns to repair its own steps.

    For each chosen clip: start on the true noisy path at a step t_i of the
    default schedule, take k (1..max_steps, one k per batch) steps of the
    default sampler (guided stochastic Euler with the EMA weights; text and
    cameo are guided together at the text scale, one branch fewer than the
    sampler's separate cameo scale) and train at the t where they end. The
    target stays the true clean clip, so the noise returned is whatever
    x_t = (1 - t) x0 + t noise now implies.
    cond = (tokens, mask, pooled, refs, ref_mask) before dropout. Returns (noise, t, x_t).
    """
    if share <= 0:
        return noise, t, x_t
    chosen = (torch.rand(video.shape[0], generator=gen) < share).nonzero().flatten().to(video.device)
    if chosen.numel() == 0:
        return noise, t, x_t
    ts = torch.tensor(timesteps(n_steps), device=video.device)
    k = int(torch.randint(1, max_steps + 1, (1,), generator=gen))
    idx = torch.randint(0, n_steps - k, (chosen.numel(),), generator=gen).to(video.device)  # ts[idx + k] > 0
    x0_true, eps = video[chosen], noise[chosen]
    x = add_noise(x0_true, eps, ts[idx])
    tokens, mask, pooled, refs, ref_mask = (c[chosen] for c in cond)
    branch_cond = (
        torch.cat([torch.zeros_like(tokens), tokens]),
        torch.cat([torch.zeros_like(mask), mask]),
        torch.cat([torch.zeros_like(pooled), pooled]),
        refs.repeat(2, *[1] * (refs.dim() - 1)),
        torch.cat([torch.zeros_like(ref_mask), ref_mask]),
    )
    view = (-1,) + (1,) * (video.dim() - 1)
    for j in range(k):
        t_now, t_next = ts[idx + j], ts[idx + j + 1]
        v0, v1 = velocity(ema, x.repeat(2, 1, 1, 1, 1), t_now.repeat(2), *branch_cond).chunk(2)
        v = v0 + text_scale * (v1 - v0)
        x = euler_step(x, v, t_now.view(view), t_next.view(view), eta, gen)
    t_end = ts[idx + k]
    noise, t, x_t = noise.clone(), t.clone(), x_t.clone()
    noise[chosen] = (x - (1 - t_end.view(view)) * x0_true) / t_end.view(view)
    t[chosen] = t_end
    x_t[chosen] = x
    return noise, t, x_t


REAL_LEVEL = -1  # the "level" a batch of real clips reports in the log and the history


class BatchSource:
    """The training data: freshly rendered clips of the step's curriculum level and their text embeddings.

    Picklable before first use, so each render worker holds its own (own rng, own encoder).
    """

    def __init__(self, args, cfg: DiTConfig, seed: int, latent=None):
        self.batch, self.by_tokens, self.object_weight = args.batch, args.batch_by == "tokens", args.object_weight
        self.world, self.window, self.start_share = args.world, args.known_window, args.known_pictures
        self.bounce_phase, self.phase_forward = args.bounce_phase, args.bounce_phase_forward
        self.pool = None
        if latent is not None:  # a LatentSpace: batches are encoded clips, drawn from a pool
            from .latent import LatentPool

            self.pool = LatentPool(latent, args.fresh, world_version=args.world, max_cameos=cfg.max_cameos)
        self.schedule, self.mix, self.cfg, self.fake_text = tuple(args.curriculum), args.mix_level1, cfg, args.fake_text
        self.seed, self.rng, self.encoder = seed, np.random.default_rng(seed), None
        self.clips, self.clips_share = None, args.clips_share
        if args.clips:
            from .clips import load_folder

            self.clips = load_folder(args.clips)

    def __call__(self, step: int):
        if self.clips and self.rng.random() < self.clips_share:
            return self.real(step)
        level = curriculum_level(step, self.schedule, self.rng, self.mix)
        if self.pool is not None:
            return self.latent_batch(level)
        video, captions, refs, has_ref, weight, given = get_batch(
            self.rng,
            self.batch,
            level,
            self.cfg,
            self.by_tokens,
            self.object_weight,
            self.world,
            self.window,
            self.start_share,
            self.bounce_phase,
            self.phase_forward,
        )
        return level, video, refs, has_ref, self.embed(captions), weight, given

    def latent_batch(self, level: int):
        aspect, duration, n = pick_bucket(self.rng, level, self.batch, self.cfg, self.by_tokens)
        z, captions, references = self.pool.batch(self.rng, level, aspect, duration, n, self.cfg.patch[0])
        refs, has_ref = references_batch(references, self.cfg.ref_px, self.cfg.max_cameos)
        return level, z, refs, has_ref, self.embed(captions), None, None

    def real(self, step: int):
        """A batch of real clips (--clips) in a bucket of the step's level; REAL_LEVEL in the log."""
        from .clips import real_batch

        level = max(1, curriculum_level(step, self.schedule, self.rng, self.mix))
        aspect, duration, n = pick_bucket(self.rng, level, self.batch, self.cfg, self.by_tokens)
        pt = self.cfg.patch[0]
        frames, captions = real_batch(self.clips, self.rng, n, aspect, max(pt, duration * world.FPS // pt * pt))
        video = torch.stack([frames_to_tensor(f) for f in frames])
        refs = torch.zeros(n, 3, self.cfg.ref_px, self.cfg.ref_px)
        weight = None  # no object masks in real footage: every pixel weighs the same
        return REAL_LEVEL, video, refs, torch.zeros(n, dtype=torch.bool), self.embed(captions), weight, None

    def embed(self, captions: list[str]) -> TextEmbedding:
        if self.fake_text:
            return random_embedding(len(captions), seed=sum(map(ord, captions[0])) % 1000)
        if self.encoder is None:
            self.encoder = TextEncoder()
        return self.encoder.encode(captions)


def _produce(make, current_step, out, stopped) -> None:
    """Make batches at the trainer's current step and queue them until stopped (a full queue is retried)."""
    import queue

    while not stopped():
        item = make(current_step())
        while not stopped():
            try:
                out.put(item, timeout=0.5)
                break
            except queue.Full:
                continue


class Prefetcher:
    """Renders and encodes the next batches on a second thread while the model trains.

    Rendering and text encoding were 0.5 s of a 2 s step on one core; on a
    spare (niced) core they overlap with the optimiser step instead.
    """

    def __init__(self, make, depth: int = 3):
        import queue
        import threading

        self.make, self.queue, self.step = make, queue.Queue(maxsize=depth), 0
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        _produce(self.make, lambda: self.step, self.queue, lambda: self.stop)

    def next(self, step: int):
        self.step = step
        return self.queue.get()

    def close(self, timeout: float = 60.0):
        """Stop and wait for the thread to finish the batch it is making: a daemon thread still inside
        a torch or ONNX call when the interpreter exits aborts the process ("terminate called ...")."""
        self.stop = True
        self.thread.join(timeout=timeout)


def _render_worker(source: BatchSource, worker_id: int, step, out, stop) -> None:
    """One render process: batches at the trainer's current step until told to stop."""
    torch.set_num_threads(1)
    source.rng = np.random.default_rng([source.seed, worker_id])
    _produce(source, lambda: step.value, out, stop.is_set)


class RenderWorkers:
    """Renders and encodes batches in N processes (one thread each); tensors come back through shared memory.

    A GPU takes a step of this model in milliseconds while one core renders a
    batch in about 0.5 s, so on a GPU rendering is the bottleneck and needs
    many cores. Each worker holds its own BatchSource (rng seeded by worker id,
    its own text encoder) and reads the trainer's step from shared memory for
    the curriculum; batches arrive in whatever order the workers finish.
    At close the trainer drains the queue until every worker has exited on its
    own: a worker whose queue thread is cut off mid-tensor can abort on exit.
    """

    def __init__(self, source: BatchSource, workers: int, depth: int = 2):
        import torch.multiprocessing as mp

        ctx = mp.get_context("spawn")  # no fork after torch's thread pools exist
        self.step, self.stop = ctx.Value("q", 0, lock=False), ctx.Event()
        self.queue = ctx.Queue(maxsize=depth * workers)
        self.procs = [
            ctx.Process(target=_render_worker, args=(source, i, self.step, self.queue, self.stop), daemon=True)
            for i in range(workers)
        ]
        for proc in self.procs:
            proc.start()

    def next(self, step: int):
        import queue

        self.step.value = step
        while True:
            try:
                return self.queue.get(timeout=5.0)
            except (queue.Empty, EOFError, OSError) as exc:  # the latter two: a batch its dead worker never handed over
                if not isinstance(exc, queue.Empty):
                    # The batch's sender is gone; a killed process may not be reaped yet for a moment.
                    deadline = time.time() + 2.0
                    while all(proc.is_alive() for proc in self.procs) and time.time() < deadline:
                        time.sleep(0.05)
                dead = [proc for proc in self.procs if not proc.is_alive()]
                if dead:
                    raise RuntimeError(f"a render worker exited with code {dead[0].exitcode}") from None
                if not isinstance(exc, queue.Empty):
                    raise

    def close(self, timeout: float = 20.0):
        """Stop the workers and drain what they still hand over, so each exits on its own; kill stragglers."""
        import queue

        self.stop.set()
        deadline = time.time() + timeout
        while any(proc.is_alive() for proc in self.procs) and time.time() < deadline:
            try:
                self.queue.get(timeout=0.1)
            except (queue.Empty, EOFError, OSError):
                pass
        for proc in self.procs:
            if proc.is_alive():
                proc.kill()
            proc.join(timeout=5.0)


# ----------------------------------------------------------------------------
# Checkpoint
# ----------------------------------------------------------------------------


def save_checkpoint(path: Path, model: DiT, ema: DiT, meta: dict) -> None:
    """EMA weights under their own names (what the product loads) and raw weights under 'raw.' (for resume), fp16."""
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().half().contiguous() for k, v in ema.state_dict().items()}
    tensors.update({"raw." + k: v.detach().cpu().half().contiguous() for k, v in model.state_dict().items()})
    tmp = path.with_suffix(".tmp")
    save_file(tensors, str(tmp))
    os.replace(tmp, path)
    os.chmod(path, 0o644)
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2))


def load_for_resume(path: Path) -> tuple[DiT, DiT, dict]:
    from safetensors.torch import load_file

    meta = json.loads(path.with_suffix(".json").read_text())
    cfg = DiTConfig.from_dict(meta["model"])
    tensors = load_file(str(path))
    ema, model = DiT(cfg), DiT(cfg)
    ema.load_state_dict({k: v.float() for k, v in tensors.items() if not k.startswith("raw.")})
    raw = {k[4:]: v.float() for k, v in tensors.items() if k.startswith("raw.")}
    model.load_state_dict(raw or ema.state_dict())
    return model, ema, meta


@torch.no_grad()
def update_ema(ema: DiT, model: DiT, decay: float) -> None:
    for pe, pm in zip(ema.parameters(), model.parameters()):
        pe.lerp_(pm, 1.0 - decay)


# ----------------------------------------------------------------------------
# Loop
# ----------------------------------------------------------------------------


def learning_rate(args, steps_this_run: int, elapsed_s: float) -> float:
    """Warm-up, constant, then (with --decay-minutes) a linear cool-down to zero over the last
    minutes of a --minutes run (warmup-stable-decay): runs are resumed many times, so only the
    leg meant to be committed decays, and every resume re-warms (the optimiser state is not saved)."""
    lr = args.lr * min(1.0, (steps_this_run + 1) / args.warmup)
    if args.decay_minutes and args.minutes is not None:
        lr *= min(1.0, max(0.0, args.minutes * 60 - elapsed_s) / (args.decay_minutes * 60))
    return lr


class Ranks:
    """Data-parallel training across processes started by torchrun (WORLD_SIZE > 1): gloo on CPU, NCCL on GPUs.

    Every rank holds the model and draws its own batches (its own seed); DDP
    averages the gradients, so the weights stay identical. Rank 0 decides when
    to stop and what the clock says (the learning rate follows it), logs and
    saves; the others follow its word each step, so no rank waits forever in an
    all-reduce that another has left.
    """

    def __init__(self, use_cuda: bool):
        self.size = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local = int(os.environ.get("LOCAL_RANK", "0"))
        self.device = f"cuda:{self.local}" if use_cuda else "cpu"
        if self.size > 1:
            import torch.distributed as dist

            if use_cuda:
                torch.cuda.set_device(self.local)
            dist.init_process_group("nccl" if use_cuda else "gloo")

    @property
    def main(self) -> bool:
        return self.rank == 0

    def wrap(self, model: DiT):
        if self.size == 1:
            return model
        from torch.nn.parallel import DistributedDataParallel

        return DistributedDataParallel(model, device_ids=[self.local] if self.device != "cpu" else None)

    def agree(self, elapsed: float, stop: bool) -> tuple[float, bool]:
        """Rank 0's clock and its decision to stop, on every rank."""
        if self.size == 1:
            return elapsed, stop
        import torch.distributed as dist

        word = torch.tensor([elapsed, float(stop)], dtype=torch.float64, device=self.device)
        dist.broadcast(word, src=0)
        return float(word[0]), bool(word[1])

    def check_in_sync(self, model: DiT) -> None:
        """Every rank ended with the same weights (DDP kept them together), or the run fails."""
        if self.size == 1:
            return
        import torch.distributed as dist

        sums = torch.stack([p.detach().double().sum() for p in model.parameters()]).to(self.device)
        gathered = [torch.zeros_like(sums) for _ in range(self.size)]
        dist.all_gather(gathered, sums)
        spread = max(float((g - gathered[0]).abs().max()) for g in gathered)
        if spread > 1e-6 * max(1.0, float(sums.abs().max())):
            raise RuntimeError(f"ranks diverged: parameter sums differ by {spread}")
        if self.main:
            print(f"{self.size} ranks in sync", flush=True)

    def close(self) -> None:
        if self.size > 1:
            import torch.distributed as dist

            dist.barrier()
            dist.destroy_process_group()


def main(args) -> dict:
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    ranks = Ranks(torch.cuda.is_available() and not args.cpu)
    out = Path(args.out)
    # --init starts a new checkpoint from another one's weights (an extension model from the committed
    # model) and, once --out exists, resumes it: the same command continues the run.
    start = None
    if (args.resume or args.init) and out.exists():
        start = out
    elif args.init:
        start = Path(args.init)
    if start is not None:
        model, ema, meta = load_for_resume(start)
        if args.add_known_frames and not model.cfg.known_frames:
            model, ema = widen_for_known_frames(model), widen_for_known_frames(ema)
            print("added the known-frame input (zero weights)", flush=True)
        if args.max_cameos > model.cfg.max_cameos:
            model, ema = widen_for_cameos(model, args.max_cameos), widen_for_cameos(ema, args.max_cameos)
            print(f"now draws up to {args.max_cameos} cameos (new slot embedding, zero weights)", flush=True)
        cfg = model.cfg
        step, trained_s, history = meta["step"], meta["trained_seconds"], meta.get("history", [])
        print(f"resumed {start} at step {step} ({trained_s / 60:.1f} min trained)", flush=True)
    else:
        cfg = DIT_CONFIGS[args.model]()
        if args.max_cameos > 1:
            cfg = DiTConfig.from_dict({**cfg.to_dict(), "max_cameos": args.max_cameos})
        model = DiT(cfg)
        ema = copy.deepcopy(model)
        step, trained_s, history = 0, 0.0, []
    ema.requires_grad_(False)
    device = ranks.device  # the GPU path has not run yet
    model.to(device)
    ema.to(device)
    net = ranks.wrap(model)
    print(
        f"{count_parameters(model) / 1e6:.2f} M parameters, config {cfg.to_dict()}, rank {ranks.rank} of {ranks.size}",
        flush=True,
    )
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0, betas=(0.9, 0.99))
    rank_seed = args.seed + step + 1_000_003 * ranks.rank  # each rank its own noise and its own scenes
    gen = torch.Generator().manual_seed(rank_seed)
    latent = None
    if cfg.latent:
        from .latent import LatentSpace

        if Path(args.autoencoder).resolve().parent != out.resolve().parent:
            raise SystemExit("--autoencoder must sit in the folder of --out (the sampler loads it from there)")
        latent = LatentSpace.load(args.autoencoder)
        latent.check(cfg)
        if (
            args.object_weight
            or args.known_share
            or args.known_window
            or args.rollout_share
            or args.clips
            or args.bounce_phase
        ):
            raise SystemExit(
                "a latent model trains without --object-weight, --known-share, --known-window, --rollout-share, "
                "--bounce-phase and --clips"
            )
    source = BatchSource(args, cfg, rank_seed, latent)
    workers = args.render_workers
    if workers is None:  # a GPU outruns one rendering core; on CPU the cores train
        workers = max(1, (os.cpu_count() or 2) - 2) if device == "cuda" else 0
    if workers > 0:
        batches = RenderWorkers(source, workers)
    else:
        batches = Prefetcher(source) if args.prefetch else None
    print(
        f"batches: {f'{workers} render worker processes' if workers else 'prefetch thread' if batches else 'inline'}",
        flush=True,
    )
    start = time.time()
    last_save, losses, t_log = start, [], time.time()
    first_step = step
    while True:
        elapsed = time.time() - start
        stop = (args.max_steps is not None and step - first_step >= args.max_steps) or (
            args.minutes is not None and elapsed > args.minutes * 60
        )
        elapsed, stop = ranks.agree(elapsed, stop)
        if stop:
            break
        level, video, refs, has_ref, text, weight, given = batches.next(step) if batches else source(step)
        video, refs, has_ref = video.to(device), refs.to(device), has_ref.to(device)
        weight = None if weight is None else weight.to(device)
        text = TextEmbedding(text.tokens.to(device), text.mask.to(device), text.pooled.to(device))
        tokens, mask, pooled, ref_mask = drop_conditioning(text, has_ref, cfg, gen)
        noise = torch.randn(video.shape, generator=gen).to(device)
        t = sample_train_t(video.shape[0], gen).to(device)
        x_t = add_noise(video, noise, t)
        if args.rollout_share > 0:
            cond = (text.tokens, text.mask, text.pooled, refs, has_ref)
            noise, t, x_t = rollout_states(ema, video, noise, t, x_t, cond, gen, args.rollout_share, args.rollout_steps)
        known = None
        if args.known_share > 0 and cfg.known_frames:
            pictures = given if args.known_pictures > 0 and given is not None else None
            known, known_mask = known_frames_batch(video, args.known_share, gen, pictures)
            # the given frames are not the network's to draw: no loss on them
            weight = (1.0 if weight is None else weight) * (1.0 - known_mask)
        lr = learning_rate(args, step - first_step, elapsed)
        for g in opt.param_groups:
            g["lr"] = lr
        loss = flow_loss(
            net,
            video,
            noise,
            t,
            x_t,
            tokens,
            mask,
            pooled,
            refs,
            ref_mask,
            weight=weight,
            t_min=args.loss_t_min,
            known=known,
        )
        opt.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        opt.step()
        update_ema(ema, model, min(args.ema, (1 + step) / (10 + step)))
        step += 1
        losses.append(loss.item())
        if step % args.log_every == 0 and ranks.main:
            dt = time.time() - t_log
            t_log = time.time()
            mean = float(np.mean(losses[-args.log_every :]))
            history.append({"step": step, "loss": round(mean, 5), "level": level})
            print(
                f"step {step:6d} | level {level} | loss {mean:.4f} | grad {float(grad_norm):.2f} | "
                f"lr {lr:.1e} | {args.log_every / dt:.2f} steps/s | {(trained_s + time.time() - start) / 60:.1f} min",
                flush=True,
            )
        if ranks.main and time.time() - last_save > args.save_minutes * 60:
            save_checkpoint(out, model, ema, _meta(cfg, step, trained_s + time.time() - start, history, args, latent))
            last_save = time.time()
            print(f"saved {out} at step {step}", flush=True)
    if batches:
        batches.close()
    ranks.check_in_sync(model)
    if step > first_step and ranks.main:
        meta = _meta(cfg, step, trained_s + time.time() - start, history, args, latent)
        meta["ranks"] = ranks.size
        save_checkpoint(out, model, ema, meta)
        print(f"saved {out} at step {step}", flush=True)
    ranks.close()
    return {"losses": losses, "step": step}


def _meta(cfg: DiTConfig, step: int, trained_s: float, history: list, args, latent=None) -> dict:
    meta = {
        "model": cfg.to_dict(),
        "parameters": count_parameters(DiT(cfg)),
        "step": step,
        "trained_seconds": round(trained_s, 1),
        "batch": args.batch,
        "batch_by": args.batch_by,
        "lr": args.lr,
        "ema": args.ema,
        "curriculum": list(args.curriculum),
        "mix_level1": args.mix_level1,
        "object_weight": args.object_weight,
        "loss_t_min": args.loss_t_min,
        "rollout_share": args.rollout_share,
        "rollout_steps": args.rollout_steps,
        "known_share": args.known_share,
        "known_window": args.known_window,
        "known_pictures": args.known_pictures,
        "bounce_phase": args.bounce_phase,
        "bounce_phase_forward": args.bounce_phase_forward,
        "world": args.world,
        "clips": bool(args.clips),
        "clips_share": args.clips_share if args.clips else 0.0,
        "fps": world.FPS,
        "sizes": world.SIZES_PX,
        "hardware": f"{platform.processor() or platform.machine()}, torch {torch.__version__}, {args.threads} thread(s)",
        "history": history[-400:],
    }
    if latent is not None:  # the sampler loads this autoencoder from beside the checkpoint
        meta["autoencoder"] = {"file": Path(args.autoencoder).name, "fresh": args.fresh}
        meta["fps"] = latent.fps
        meta["sizes"] = {a: (h * latent.cfg.scale, w * latent.cfg.scale) for a, (h, w) in world.SIZES_PX.items()}
    return meta


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--minutes", type=float, default=None, help="wall-clock budget for this run")
    p.add_argument("--max-steps", type=int, default=None)
    p.add_argument("--resume", action="store_true", help="continue from --out if it exists")
    p.add_argument(
        "--init",
        default=None,
        help="start from this checkpoint's weights and step while --out does not exist, then resume --out "
        "(an extension model: --init the model's checkpoint --add-known-frames --known-share 1.0)",
    )
    p.add_argument("--model", default="DiT-S", choices=sorted(DIT_CONFIGS))
    p.add_argument("--out", default=str(DEFAULT_CHECKPOINT))
    p.add_argument("--batch", type=int, default=16)
    p.add_argument(
        "--batch-by",
        choices=("clips", "tokens"),
        default="tokens",
        help="tokens: --batch counts 4 s square clips and every bucket gets that token budget; clips: --batch clips of any bucket",
    )
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument(
        "--decay-minutes", type=float, default=0.0, help="decay lr linearly to 0 over the last M minutes of --minutes"
    )
    p.add_argument(
        "--clips",
        default=None,
        metavar="DIR",
        help="a folder of real clips, each with a caption beside it (clip.mp4 + clip.txt), trained on beside the world",
    )
    p.add_argument("--clips-share", type=float, default=0.5, help="share of batches drawn from --clips")
    p.add_argument(
        "--known-share",
        type=float,
        default=0.0,
        help="share of clips given some of their frames (first or last second, or the first frame) to draw around",
    )
    p.add_argument(
        "--known-window",
        type=int,
        default=0,
        metavar="S",
        help="render each scene S seconds longer and cut the clip from it at a random frame, so given frames "
        "can come from the middle of a motion (an extension model: 2)",
    )
    p.add_argument(
        "--known-pictures",
        type=float,
        default=0.0,
        metavar="P",
        help="with --known-window: a share P of the clips is cut at its scene's start and given its first frame "
        "alone (image to video); the others are given a second from the middle of a motion",
    )
    p.add_argument(
        "--bounce-phase",
        type=float,
        default=0.0,
        metavar="S",
        help="bouncing objects were let go up to S seconds before their scene's first frame (uniform), so "
        "joints fall in later bounces at the pace of the scene's own length",
    )
    p.add_argument(
        "--bounce-phase-forward",
        action="store_true",
        help="with --bounce-phase and --known-pictures: only the clips given their first second (extended "
        "forwards) are let go early; those given their last second or a first frame start at phase 0",
    )
    p.add_argument(
        "--max-cameos",
        type=int,
        default=1,
        help="draw up to this many people's cameos at once (half the cameo scenes get one or two more); "
        "on --resume, adds the cameo slot embedding with zero weights",
    )
    p.add_argument(
        "--add-known-frames",
        action="store_true",
        help="on --resume, add the known-frame input to a model without it (zero weights: it draws as before)",
    )
    p.add_argument(
        "--autoencoder",
        default=str(AE_CHECKPOINT),
        help="the spacetime autoencoder a latent model (DiT-SL) draws for; it must sit beside --out",
    )
    p.add_argument("--fresh", type=int, default=2, help="latent model: newly encoded clips added to the pool each step")
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--ema", type=float, default=0.998)
    p.add_argument(
        "--world",
        type=int,
        default=1,
        choices=world.WORLD_VERSIONS,
        help="the world's version: 2 adds animals, vehicles, their motions, places, times of day and weather",
    )
    p.add_argument("--curriculum", type=int, nargs=2, default=(1500, 4000), help="steps at which levels 1 and 2 begin")
    p.add_argument("--mix-level1", type=float, default=0.0, help="share of level-2 batches drawn from level 1 instead")
    p.add_argument(
        "--object-weight",
        type=float,
        default=0.0,
        help="extra loss weight on object and cameo-face pixels (0: plain mean over all pixels)",
    )
    p.add_argument(
        "--loss-t-min",
        type=float,
        default=LOSS_T_MIN,
        help="x-prediction loss divides by max(t, this); larger moves weight to high noise",
    )
    p.add_argument(
        "--rollout-share",
        type=float,
        default=0.0,
        help="share of each batch trained on states the default sampler reaches (0: all on the true noisy path)",
    )
    p.add_argument(
        "--rollout-steps", type=int, default=2, help="those states are 1..this many sampler steps from the true path"
    )
    p.add_argument("--threads", type=int, default=int(os.environ.get("TRAIN_THREADS", "1")))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--log-every", type=int, default=20)
    p.add_argument("--save-minutes", type=float, default=4.0)
    p.add_argument("--cpu", action="store_true", help="train on CPU even when CUDA is available")
    p.add_argument("--no-prefetch", dest="prefetch", action="store_false", help="render batches on the training thread")
    p.add_argument(
        "--render-workers",
        type=int,
        default=None,
        help="render batches in N processes (default: all cores but two on a GPU, none on CPU)",
    )
    p.add_argument("--fake-text", action="store_true", help="random text embeddings (tests; no encoder load)")
    args = p.parse_args(argv)
    if args.minutes is None and args.max_steps is None:
        p.error("give --minutes or --max-steps")
    if not 0.0 <= args.rollout_share <= 1.0 or not 1 <= args.rollout_steps < DEFAULT_STEPS:
        p.error(f"--rollout-share must be in [0, 1] and --rollout-steps in [1, {DEFAULT_STEPS - 1}]")
    if args.bounce_phase < 0:
        p.error("--bounce-phase takes seconds >= 0")
    if args.bounce_phase_forward and not (args.bounce_phase > 0 and args.known_pictures > 0):
        p.error("--bounce-phase-forward needs --bounce-phase and --known-pictures (which clips go forwards)")
    if args.known_pictures and not (0.0 < args.known_pictures <= 1.0 and args.known_window > 0):
        p.error(
            "--known-pictures takes a share in (0, 1] and needs --known-window (without it every clip starts its scene)"
        )
    return args


if __name__ == "__main__":
    main(parse_args())
