"""Time cameo capture verification on a synthesised 5 s 720p capture (goal: <= 5 s on 2 CPU cores).

    .venv/bin/python bench/bench_cameo_verification.py [--runs 3] [--calibrate]

Prints a markdown table: model load (once per worker process), then cold and
warm verification of the same clip. --calibrate also prints the dlib
descriptor distances on scikit-image's faces that LIKENESS_THRESHOLD rests on.
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

import numpy as np  # noqa: E402


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def calibrate() -> None:
    from skimage import data

    from cameos.verification import LIKENESS_THRESHOLD, face_embedding
    from tests.cameos import captures

    embeddings = [e for i in range(100) if (e := face_embedding(captures.photo(f"lfw:{i}"))) is not None]
    others = np.stack(embeddings)
    pairs = np.linalg.norm(others[:, None] - others[None], axis=-1)[np.triu_indices(len(others), 1)]
    astronaut = face_embedding(data.astronaut())
    same = [
        np.linalg.norm(astronaut - face_embedding(captures.photo(f, size=(640, 480))))
        for f in ("astronaut", "astronaut_mirror")
    ]
    print(f"\nlfw_subset faces with a descriptor: {len(others)} of 100; threshold {LIKENESS_THRESHOLD}")
    print(f"same face (photo vs composite, mirror): {', '.join(f'{d:.3f}' for d in same)}")
    print(f"astronaut vs lfw faces: min {np.linalg.norm(others - astronaut, axis=1).min():.3f}")
    for t in (0.4, 0.5, 0.6):
        print(f"lfw pairs under {t}: {(pairs < t).mean() * 100:.2f} % of {len(pairs)}")


def main(args: argparse.Namespace) -> None:
    from cameos.verification import verify_capture, warm_up
    from tests.cameos import captures

    data = captures.make_capture(size=(1280, 720), fps=30, duration_s=5.0, moves=["left", "up"], digits="123")

    t0 = time.perf_counter()
    warm_up()
    load_s = time.perf_counter() - t0

    times, cpu, result = [], [], None
    for _ in range(args.runs + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        result = verify_capture(data, challenge_digits="123", challenge_moves=["left", "up"])
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    assert result.verified, result

    print(
        f"machine: {os.cpu_count()} logical CPUs ({cpu_model()}), nproc={len(os.sched_getaffinity(0))}, "
        f"python {platform.python_version()}"
    )
    print(
        f"capture: 1280x720, 30 fps, 5.0 s, H.264 + AAC, {len(data) / 1e6:.2f} MB; "
        f"{result.details['frames_sampled']} frames sampled\n"
    )
    # CPU seconds are printed beside wall seconds: on a shared machine the wall
    # time swings with the neighbours' load, the CPU time much less.
    print("| step | wall s | CPU s |")
    print("|---|---|---|")
    print(f"| load dlib models (once per worker) | {load_s:.2f} | |")
    print(f"| verify, first call | {times[0]:.2f} | {cpu[0]:.2f} |")
    print(
        f"| verify, warm (median of {args.runs}) | {statistics.median(times[1:]):.2f} | {statistics.median(cpu[1:]):.2f} |"
    )
    print(f"| verify, warm (max of {args.runs}) | {max(times[1:]):.2f} | {max(cpu[1:]):.2f} |")
    print(f"\nload average during the run: {os.getloadavg()[0]:.1f}")
    if args.calibrate:
        calibrate()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--calibrate", action="store_true")
    main(parser.parse_args())
