"""The labelled prompts (moderation/data/prompts.jsonl) and the fixed train / held-out split.

The split is a rule, not a random draw: a row is held out when the SHA-1 of
its `group` falls in the first quarter of the hash space. A group is the
hand-written prompt itself (with its obfuscated twins) or a whole template
frame, so no held-out prompt is a re-filled copy of a training one. Nothing
is tuned on the held-out rows: thresholds come from cross-validation folds
of the training rows (train.py), again split by group.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

DATA_PATH = Path(__file__).resolve().parents[1] / "data" / "prompts.jsonl"

CATEGORIES: tuple[str, ...] = (
    "sexual", "sexual_minors", "violence", "self_harm", "extremism", "hate", "harassment",
    "public_figure", "voice_imitation",
)
HELD_OUT_FRACTION = 0.25


@dataclass(frozen=True)
class Example:
    text: str
    categories: tuple[str, ...]
    group: str
    source: str

    @property
    def harmful(self) -> bool:
        return bool(self.categories)


def group_hash(group: str) -> float:
    """A stable number in [0, 1) for a group."""
    digest = hashlib.sha1(group.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_of(group: str) -> str:
    return "test" if group_hash(group) < HELD_OUT_FRACTION else "train"


def load(split: str | None = None, path: Path = DATA_PATH) -> list[Example]:
    """All rows, or those of one split ("train" or "test")."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            raw = json.loads(line)
            unknown = set(raw["categories"]) - set(CATEGORIES)
            if unknown:
                raise ValueError(f"unknown categories {unknown} in {raw['text']!r}")
            ex = Example(text=raw["text"], categories=tuple(raw["categories"]),
                         group=raw.get("group", raw["text"]), source=raw.get("source", "hand"))
            if split is None or split_of(ex.group) == split:
                rows.append(ex)
    return rows
