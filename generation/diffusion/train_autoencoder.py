"""Train the spacetime autoencoder on the world (one command, resumable, CPU or GPU).

    python -m generation.diffusion.train_autoencoder --minutes 75 --decay-minutes 15

Clips of the training distribution (`world.random_spec`, never a held-out
combination or face) are rendered at the autoencoder's scale and rate into a
buffer; each step trains on random spacetime crops of the buffer (16 frames of
64x64 by default: the network is convolutional, so crops teach it what whole
frames need) and one clip in the buffer is replaced every `--refresh` steps.
Loss: mean squared plus mean absolute error on [-1, 1] pixels (with
`--object-weight W`, the objects' and the face's pixels weigh 1 + W), and a
small penalty on the latent's size.

The weights go to `--out` (fp16 safetensors + JSON with the config, the
latent's per-channel statistics and the loss history); the optimiser's state
goes beside them (`<out>.state.pt`, never committed) so `--resume` carries on.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
import torch

from . import world
from .autoencoder import CHECKPOINT, AEConfig, SpacetimeAutoencoder, load, save
from .sampler import frames_to_tensor
from .train import learning_rate


class ClipBuffer:
    """Rendered training clips (uint8), where their objects are, and random spacetime crops of them."""

    def __init__(self, cfg: AEConfig, size: int, seed: int):
        self.cfg = cfg
        self.rng = np.random.default_rng(seed)
        self.clips: list[tuple[np.ndarray, np.ndarray]] = [self.render() for _ in range(size)]

    def render(self) -> tuple[np.ndarray, np.ndarray]:
        """Frames (T, H, W, 3) and a uint8 mask (T, H, W) of the objects and the face, grown by a world pixel."""
        from scipy import ndimage

        spec = world.random_spec(self.rng, level=2, held_out=False)
        reference = world.face_reference(spec.cameo.face_id, self.rng) if spec.cameo else None
        frames, truth = world.render(spec, reference, scale=self.cfg.scale, fps=self.cfg.fps)
        grow = 2 * self.cfg.scale + 1
        mask = ndimage.maximum_filter((truth.mask > 0.25).astype(np.uint8), size=(1, grow, grow))
        return frames, mask

    def refresh(self) -> None:
        self.clips[int(self.rng.integers(len(self.clips)))] = self.render()

    def batch(self, n: int, frames: int, crop: int) -> tuple[torch.Tensor, torch.Tensor]:
        """(n, 3, frames, crop, crop) in [-1, 1] and the crops' object masks (n, 1, frames, crop, crop)."""
        out = np.empty((n, frames, crop, crop, 3), np.uint8)
        masks = np.empty((n, frames, crop, crop), np.uint8)
        for i in range(n):
            clip, mask = self.clips[int(self.rng.integers(len(self.clips)))]
            t0 = int(self.rng.integers(clip.shape[0] - frames + 1))
            y0 = int(self.rng.integers(clip.shape[1] - crop + 1))
            x0 = int(self.rng.integers(clip.shape[2] - crop + 1))
            window = (slice(t0, t0 + frames), slice(y0, y0 + crop), slice(x0, x0 + crop))
            out[i], masks[i] = clip[window], mask[window]
        x = torch.stack([frames_to_tensor(crop) for crop in out])
        return x, torch.from_numpy(masks).float().unsqueeze(1)


def recon_loss(
    model: SpacetimeAutoencoder,
    x: torch.Tensor,
    latent_weight: float,
    mask: torch.Tensor | None = None,
    object_weight: float = 0.0,
) -> tuple[torch.Tensor, float]:
    """The training loss and the batch's PSNR (dB, on [-1, 1] pixels, unweighted).

    With object_weight, pixels under the mask weigh 1 + object_weight in a
    weighted mean on the plain loss's scale: by area, most of the plain loss
    is background, while the checker (and a viewer) looks at the objects.
    """
    y, z = model(x)
    err = y - x
    mse = err.pow(2).mean()
    if object_weight > 0 and mask is not None:
        weight = 1.0 + object_weight * mask  # (N, 1, T, H, W), the same for the three colours
        loss = ((err.pow(2) + err.abs()) * weight).mean() / weight.mean()
    else:
        loss = mse + err.abs().mean()
    loss = loss + latent_weight * z.pow(2).mean()
    psnr = 10.0 * math.log10(4.0 / max(float(mse.detach()), 1e-12))
    return loss, psnr


@torch.no_grad()
def latent_statistics(model: SpacetimeAutoencoder, buffer: ClipBuffer, n: int) -> tuple[list[float], list[float]]:
    """Per-channel mean and standard deviation of the latent over n whole buffer clips."""
    model.eval()
    zs = []
    for clip, _ in buffer.clips[:n]:
        t = clip.shape[0] - clip.shape[0] % model.cfg.temporal
        z = model.encode(frames_to_tensor(clip[:t])[None])
        zs.append(z.flatten(2).squeeze(0))
    model.train()
    allz = torch.cat(zs, dim=1)
    return allz.mean(1).tolist(), allz.std(1).clamp_min(1e-6).tolist()


def main(args) -> dict:
    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    out = Path(args.out)
    state_path = out.with_suffix(".state.pt")
    history: list[dict] = []
    step, trained_s = 0, 0.0
    if args.resume and out.exists():
        model, meta = load(out)
        model.train()
        step, trained_s, history = meta["step"], meta["trained_seconds"], meta["history"]
    else:
        model = SpacetimeAutoencoder(AEConfig(latent_channels=args.latent_channels))
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0)
    if args.resume and state_path.exists():
        state = torch.load(state_path, weights_only=True)
        if state.get("step") == step:  # the weights and the optimiser are from the same save
            model.load_state_dict(state["model"])
            opt.load_state_dict(state["optimiser"])
    buffer = ClipBuffer(model.cfg, args.buffer, seed=args.seed * 1_000_003 + step)
    params = sum(p.numel() for p in model.parameters())
    print(f"autoencoder: {params:,} parameters, from step {step}; buffer of {args.buffer} clips", flush=True)

    start = time.monotonic()
    last_save = start
    steps_this_run = 0
    window: list[tuple[float, float]] = []

    def save_now(final: bool) -> None:
        model.cfg.latent_mean, model.cfg.latent_std = latent_statistics(model, buffer, args.stats_clips)
        meta = {
            "step": step,
            "trained_seconds": round(trained_s + time.monotonic() - start, 1),
            "parameters": params,
            "batch": args.batch,
            "crop": [args.frames, args.crop, args.crop],
            "lr": args.lr,
            "latent_weight": args.latent_weight,
            "object_weight": args.object_weight,
            "history": history,
            "final": final,
        }
        save(model, out, meta)
        torch.save({"step": step, "model": model.state_dict(), "optimiser": opt.state_dict()}, state_path)

    while True:
        elapsed = time.monotonic() - start
        if args.steps is not None and steps_this_run >= args.steps:
            break
        if args.minutes is not None and elapsed >= args.minutes * 60:
            break
        for group in opt.param_groups:
            group["lr"] = learning_rate(args, steps_this_run, elapsed)
        x, mask = buffer.batch(args.batch, args.frames, args.crop)
        loss, batch_psnr = recon_loss(model, x, args.latent_weight, mask, args.object_weight)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        steps_this_run += 1
        window.append((float(loss.detach()), batch_psnr))
        if steps_this_run % args.refresh == 0:
            buffer.refresh()
        if steps_this_run % args.log_every == 0:
            loss_m, psnr_m = (float(np.mean(v)) for v in zip(*window))
            window.clear()
            rate = steps_this_run / (time.monotonic() - start)
            history.append({"step": step, "loss": round(loss_m, 5), "psnr": round(psnr_m, 2)})
            print(f"step {step}  loss {loss_m:.4f}  psnr {psnr_m:.2f} dB  {rate:.2f} steps/s", flush=True)
        if time.monotonic() - last_save >= args.save_minutes * 60:
            save_now(final=False)
            last_save = time.monotonic()
    save_now(final=True)
    print(f"saved {out} at step {step}", flush=True)
    return {"step": step, "history": history}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=str(CHECKPOINT))
    p.add_argument("--resume", action="store_true", help="carry on from --out and its optimiser state")
    p.add_argument("--minutes", type=float, default=None)
    p.add_argument("--steps", type=int, default=None)
    p.add_argument(
        "--decay-minutes", type=float, default=0.0, help="cool the learning rate to zero over the last minutes"
    )
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--frames", type=int, default=16)
    p.add_argument("--crop", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--latent-channels", type=int, default=16)
    p.add_argument("--latent-weight", type=float, default=1e-4)
    p.add_argument(
        "--object-weight",
        type=float,
        default=0.0,
        help="extra loss weight on the objects' and the face's pixels (0: every pixel the same)",
    )
    p.add_argument("--buffer", type=int, default=128)
    p.add_argument("--refresh", type=int, default=2)
    p.add_argument("--stats-clips", type=int, default=32)
    p.add_argument("--log-every", type=int, default=50)
    p.add_argument("--save-minutes", type=float, default=10.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0)
    args = p.parse_args(argv)
    if args.steps is None and args.minutes is None:
        p.error("give --minutes or --steps")
    if args.frames % 4 or args.crop % 8:
        p.error("--frames must be a multiple of 4 and --crop of 8")
    return args


if __name__ == "__main__":
    main(parse_args())
