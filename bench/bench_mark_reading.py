"""What reading the invisible mark costs: python bench/bench_mark_reading.py [--n 5]

Times `invisible.detect` (what `POST /verify`'s worker runs on an upload) and
`invisible.read_in_place` (the render's output check) on decoded 4 s clips as
we ship them (H.264 CRF 23), marked and unmarked, square and landscape: scenes
of the procedural world at display size with the visible mark. An unmarked
clip costs more: the reader searches the current design, then the first one.
Prints a markdown table of median and max seconds, one core.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("OMP_NUM_THREADS", "1")

from generation.diffusion import world  # noqa: E402
from generation.media import burn_watermark, invisible, upscale  # noqa: E402
from generation.media.watermark_eval import _encode_decode  # noqa: E402


def clip(seed: int, aspect: str) -> np.ndarray:
    rng = np.random.default_rng(seed)
    c = world.make_clip(world.random_spec(rng, aspect=aspect, duration_s=4), rng)
    return burn_watermark(upscale(c.frames, c.fps, short_side=256, fps_out=24))


def timed(fn, frames, n: int) -> list[float]:
    fn(frames)  # warm: layouts, FFT plans
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn(frames)
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=5, help="readings per row")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {args.n} readings per row\n")
    print("| aspect | clip | detect median s | detect max s | read_in_place median s | found |")
    print("|---|---|---|---|---|---|")
    for aspect in ("square", "landscape"):
        clean = clip(11, aspect)
        for name, frames in (("marked", invisible.embed(clean, 0xC0FFEE42)), ("unmarked", clean)):
            shipped = _encode_decode(frames, crf=23)
            d = timed(invisible.detect, shipped, args.n)
            r = timed(invisible.read_in_place, shipped, args.n)
            found = invisible.detect(shipped).found
            print(
                f"| {aspect} | {name} | {statistics.median(d):.3f} | {max(d):.3f} | {statistics.median(r):.3f} | {found} |"
            )


if __name__ == "__main__":
    main()
