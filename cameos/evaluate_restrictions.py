"""Cameo restrictions in other languages, measured: `python -m cameos.evaluate_restrictions [FILE]`.

FILE is JSON lines of {"lang", "rule", "prompt", "violates", "topic"}: an
owner's rule (in English or in the language), a prompt with the cameo, and
whether the prompt breaks the rule. Without FILE the held-out set
(data/restrictions_ml_heldout.jsonl, written apart from the lexicon and never
read while choosing it) is used. Prints, per language, how many breaking
prompts were refused and how many innocent ones were refused wrongly.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from .restrictions import restriction_violation

HELDOUT = Path(__file__).parent / "data" / "restrictions_ml_heldout.jsonl"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(rows: list[dict]) -> dict[str, dict[str, int]]:
    """Per language (and "all"): breaking rows, of them refused; innocent rows, of them refused."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"breaking": 0, "caught": 0, "innocent": 0, "refused": 0})
    for row in rows:
        refused = restriction_violation(row["prompt"], row["rule"]) is not None
        for key in (row["lang"], "all"):
            if row["violates"]:
                out[key]["breaking"] += 1
                out[key]["caught"] += refused
            else:
                out[key]["innocent"] += 1
                out[key]["refused"] += refused
    return dict(out)


def table(results: dict[str, dict[str, int]]) -> str:
    lines = [
        "| language | breaking prompts refused | innocent prompts refused | accuracy |",
        "|---|---|---|---|",
    ]
    for lang in sorted(results, key=lambda k: (k == "all", k)):
        r = results[lang]
        right = r["caught"] + r["innocent"] - r["refused"]
        total = r["breaking"] + r["innocent"]
        lines.append(
            f"| {lang} | {r['caught']} of {r['breaking']} | {r['refused']} of {r['innocent']} | {right / total:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", nargs="?", default=str(HELDOUT))
    args = parser.parse_args(argv)
    rows = load(Path(args.file))
    print(f"{len(rows)} rows from {args.file}\n")
    print(table(evaluate(rows)))


if __name__ == "__main__":
    main(sys.argv[1:])
