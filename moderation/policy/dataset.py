"""The labelled prompts: training rows (data/prompts.jsonl) and the sealed held-out set (data/heldout.jsonl).

Held-out, second edition. The first held-out split was a hash-chosen quarter
of prompts.jsonl; by session 3 it had been read four times while choosing
heads and writing more data, so it no longer measured anything honestly.
Those rows are now training rows. The held-out set is a separate file,
written from the labelling guide (data/LABELLING.md) by an author who never
saw prompts.jsonl, the rules or the head, and read by nobody while the
training prompts were written and the head was chosen (by nested
cross-validation on the training rows, train.py). Its first evaluation is
the one reported in docs/benchmarks.md.

A training row whose text is also in the held-out set is dropped from
training (the two authors wrote the issue's own examples independently),
so no held-out prompt is ever trained on.

`group` ties a training prompt to its template frame or obfuscated twins;
cross-validation folds go by group (group_hash), so a fold never sees a
sentence that differs from one of its own only by a filler.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
DATA_PATH = DATA_DIR / "prompts.jsonl"
HELD_OUT_PATH = DATA_DIR / "heldout.jsonl"

CATEGORIES: tuple[str, ...] = (
    "sexual",
    "sexual_minors",
    "violence",
    "self_harm",
    "extremism",
    "hate",
    "harassment",
    "public_figure",
    "voice_imitation",
)


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
    """A stable number in [0, 1) for a group (cross-validation folds)."""
    digest = hashlib.sha1(group.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def text_key(text: str) -> str:
    """What makes two prompts the same prompt: case and spacing do not count."""
    return " ".join(text.casefold().split())


def labelled_lines(path: Path, categories) -> list[dict]:
    """The JSON lines of a labelled data file; a category outside `categories` is an error."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            raw = json.loads(line)
            unknown = set(raw["categories"]) - set(categories)
            if unknown:
                raise ValueError(f"unknown categories {unknown} in {raw['text']!r} ({path.name})")
            rows.append(raw)
    return rows


def read(path: Path, *, default_source: str) -> list[Example]:
    return [
        Example(
            text=raw["text"],
            categories=tuple(raw["categories"]),
            group=raw.get("group", raw["text"]),
            source=raw.get("source", default_source),
        )
        for raw in labelled_lines(path, CATEGORIES)
    ]


@lru_cache(maxsize=4)
def _held_out_keys(path: Path) -> frozenset[str]:
    return frozenset(text_key(r.text) for r in read(path, default_source="heldout"))


def load(split: str | None = None, *, path: Path = DATA_PATH, held_out_path: Path = HELD_OUT_PATH) -> list[Example]:
    """ "train" (prompts.jsonl less any held-out text), "test" (heldout.jsonl), or None for both."""
    if split not in (None, "train", "test"):
        raise ValueError(f"split must be 'train', 'test' or None, not {split!r}")
    rows: list[Example] = []
    if split in (None, "train"):
        held = _held_out_keys(held_out_path)
        rows += [r for r in read(path, default_source="hand") if text_key(r.text) not in held]
    if split in (None, "test"):
        rows += read(held_out_path, default_source="heldout")
    return rows
