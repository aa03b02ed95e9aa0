"""Steering in other languages, measured: exact readings per language on a data file.

    python -m feed.steering.evaluate                       # data/heldout_b.jsonl
    python -m feed.steering.evaluate --file data/dev.jsonl

A reading is exact when boost and avoid (as sets), sources and objective all
match the file's. The sets and who wrote them: data/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).parent / "data"


def evaluate(path: Path) -> dict[str, tuple[int, int, int]]:
    """lang -> (exact, topics right, lines)."""
    from . import embedded

    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        parsed = embedded.parse(row["text"])
        topics = set(parsed["boost"]) == set(row["boost"]) and set(parsed["avoid"]) == set(row["avoid"])
        exact = topics and parsed["sources"] == row["sources"] and parsed["objective"] == row["objective"]
        counts = out[row["lang"]]
        counts[0] += exact
        counts[1] += topics
        counts[2] += 1
    return {lang: tuple(v) for lang, v in sorted(out.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--file", default=str(DATA / "heldout_b.jsonl"))
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_social.settings")
    import django

    django.setup()
    table = evaluate(Path(args.file))
    print("| language | lines | exact | topics right |")
    print("|---|---|---|---|")
    for lang, (exact, topics, n) in table.items():
        print(f"| {lang} | {n} | {exact / n:.2f} | {topics / n:.2f} |")
    exact, topics, n = (sum(v[i] for v in table.values()) for i in range(3))
    print(f"| all | {n} | {exact / n:.3f} | {topics / n:.3f} |")


if __name__ == "__main__":
    main()
