"""Which entity an object is: a small classifier trained on the world's own renders.

Template IoU (checker.classify_shape) tells version 1's five shapes apart, but
at the world's 32 px a cat, a dog and a horse are silhouettes a few pixels
apart: on rendered clips it names them right 0.6-0.8 of the time. This
network reads what the templates do, the object's mask in its own colour
(with its holes: a ring's middle, a cat's eye, a car's wheels), plus that
mask with the holes filled, in a CROP x CROP window centred on it. It is
blind to colour and coat, so it judges a pet as readily as a red ball. It never sees a model's output while
training: only freshly rendered training-distribution scenes of the grown
world (`random_spec(world_version=2)`, never a held-out combination).

Train: python -m generation.diffusion.identity --minutes 6 (writes
checkpoints/identity.safetensors, about 0.1 MB, and prints its accuracy on
rendered held-out scenes). torch loads only when the classifier is used.
"""

from __future__ import annotations

import argparse
import functools
import json
import time
from pathlib import Path

import numpy as np

from . import world

CROP = 24
CLASSES = world.ALL_ENTITIES
CHECKPOINT = Path(__file__).parent / "checkpoints" / "identity.safetensors"


def window(silhouette: np.ndarray) -> np.ndarray | None:
    """(2, CROP, CROP) float32 input for one object: its mask as found, and the mask with its holes filled.

    `silhouette` is the object's (H, W) bool mask; the window is centred on its centre of mass. None when the mask is empty.
    """
    from scipy import ndimage

    filled = ndimage.binary_fill_holes(silhouette)
    yy, xx = np.nonzero(filled)
    if len(yy) == 0:
        return None
    cy, cx = int(round(yy.mean())), int(round(xx.mean()))
    out = np.zeros((2, CROP, CROP), np.float32)
    h, w = silhouette.shape
    y0, x0 = cy - CROP // 2, cx - CROP // 2
    ys, xs = slice(max(y0, 0), min(y0 + CROP, h)), slice(max(x0, 0), min(x0 + CROP, w))
    out[0, ys.start - y0 : ys.stop - y0, xs.start - x0 : xs.stop - x0] = silhouette[ys, xs]
    out[1, ys.start - y0 : ys.stop - y0, xs.start - x0 : xs.stop - x0] = filled[ys, xs]
    return out


def _net():
    import torch.nn as nn

    return nn.Sequential(
        nn.Conv2d(2, 24, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(24, 48, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(48, 64, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(64, len(CLASSES)),
    )


@functools.lru_cache(maxsize=2)
def _load(path: str):
    from safetensors.torch import load_file

    net = _net()
    net.load_state_dict(load_file(path))
    net.eval()
    return net


def classify(windows: list[np.ndarray], candidates: tuple[str, ...] = CLASSES, path: Path = CHECKPOINT) -> list[str]:
    """The most likely entity among `candidates` for each window (see `window`)."""
    if not windows:
        return []
    import torch

    with torch.no_grad():
        logits = _load(str(path))(torch.from_numpy(np.stack(windows))).numpy()
    allowed = np.array([c in candidates for c in CLASSES])
    logits[:, ~allowed] = -np.inf
    return [CLASSES[int(i)] for i in logits.argmax(axis=1)]


# ----------------------------------------------------------------------------
# Training data: objects and pets of freshly rendered scenes
# ----------------------------------------------------------------------------


def scene_windows(spec: world.SceneSpec, reference: np.ndarray | None = None) -> list[tuple[np.ndarray, str]]:
    """(window, entity) for every object and pet wholly in view and apart from the others, in every frame."""
    from . import checker

    frames, truth = world.render(spec, reference)
    labels = checker.colour_labels(frames)
    out = []
    for k, o in enumerate(spec.objects):
        k_lab = world.COLOUR_NAMES.index(o.colour)
        for f in checker._clear_frames(spec, truth, k):
            win = window(checker._largest(labels[f] == k_lab))
            if win is not None:
                out.append((win, o.shape))
    if spec.cameo is not None and spec.cameo.form != "person":
        h, w = spec.hw
        for f in range(len(frames)):
            y0, x0, y1, x1 = truth.face_boxes[f]
            if y0 >= 1 and x0 >= 1 and x1 <= w - 1 and y1 <= h:
                win = window(truth.mask[f] > 0.5)  # the pet alone: objects keep away from it
                if win is not None:
                    out.append((win, spec.cameo.form))
    return out


def dataset(rng: np.random.Generator, n: int, held_out: bool = False) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    while len(xs) < n:
        spec = world.random_spec(rng, level=int(rng.integers(1, 3)), held_out=held_out, world_version=2)
        ref = world.face_reference(spec.cameo.face_id) if spec.cameo is not None else None
        for win, kind in scene_windows(spec, ref)[:: int(rng.integers(2, 5))]:  # a few frames a scene
            xs.append(win)
            ys.append(CLASSES.index(kind))
    return np.stack(xs[:n]), np.array(ys[:n])


def accuracy(x: np.ndarray, y: np.ndarray, path: Path) -> tuple[float, dict[str, float]]:
    _load.cache_clear()
    got = np.array([CLASSES.index(c) for c in classify(list(x), path=path)])
    per = {CLASSES[c]: float((got[y == c] == c).mean()) for c in np.unique(y)}
    return float((got == y).mean()), per


def main(argv=None) -> None:
    import torch
    from safetensors.torch import save_file

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=6.0)
    p.add_argument("--train", type=int, default=24_000, help="training windows")
    p.add_argument("--heldout", type=int, default=3_000, help="windows of held-out scenes, to report")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", default=str(CHECKPOINT))
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    t0 = time.time()
    x, y = dataset(np.random.default_rng(0), args.train)
    print(f"{len(x)} training windows in {time.time() - t0:.0f} s; by entity {np.bincount(y, minlength=len(CLASSES))}")
    net = _net()
    opt = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-4)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    start, epoch = time.time(), 0
    while time.time() - start < args.minutes * 60:
        perm = torch.randperm(len(xt))
        total = 0.0
        for i in range(0, len(xt), 256):
            idx = perm[i : i + 256]
            batch = xt[idx]
            flip = torch.rand(len(idx)) < 0.5  # either way round: entities face both ways
            batch[flip] = batch[flip].flip(-1)
            loss = torch.nn.functional.cross_entropy(net(batch), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        epoch += 1
        print(f"epoch {epoch}: loss {total / len(xt):.4f} ({time.time() - start:.0f} s)")
    out = Path(args.out)
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, str(out))
    hx, hy = dataset(np.random.default_rng(1), args.heldout, held_out=True)
    acc, per = accuracy(hx, hy, out)
    summary = {"train_windows": len(x), "epochs": epoch, "heldout_windows": len(hx), "heldout_accuracy": acc}
    summary["heldout_by_entity"] = {k: round(v, 3) for k, v in per.items()}
    out.with_suffix(".json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
