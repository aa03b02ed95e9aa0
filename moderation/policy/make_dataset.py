"""Writes moderation/data/prompts.jsonl: the labelled prompts the policy trains and is judged on.

python -m moderation.policy.make_dataset

Sources, each row tagged with it:
- `hand`, `hand2` (data/hand.jsonl, data/hand2.jsonl): prompts written one by
  one, harmful and benign, the benign ones chosen to look risky ("a horror
  movie zombie", "breastfeeding a baby").
- `hand3` to `hand6`: four more batches (data/hand3.jsonl ...), written in
  session 4 from data/LABELLING.md by four more authors: hand3 weighted to
  approving framings of hate and extremism, euphemism and indirect
  description; hand4 to how people type (very short, run-on with the harm
  buried, slang and dog whistles, "just a joke" framings); hand5 minimal
  pairs (the same setting, one harmful and one benign, side by side); hand6
  one prompt per scenario a trust-and-safety lead would list, plus plain
  everyday prompts. Kept as JSON lines: data, not code.
- `template`: a few sentence frames per category (data/templates.json) filled
  from word lists.
  Every row of one frame shares a `group`, and cross-validation folds go by
  group, so a fold is never judged on a sentence that differs from a
  training one only by a filler.
- `obfuscated`: leetspeak, spaced letters, homoglyphs and zero-width variants
  of harmful hand-written rows, in the same group as their original.

Deterministic (seeded), so re-running gives the same file.
"""

from __future__ import annotations

import json
import random
from itertools import product
from pathlib import Path

DATA_PATH = Path(__file__).resolve().parents[1] / "data" / "prompts.jsonl"
DATA_DIR = DATA_PATH.parent
# The hand-written batches, harmful and benign (the benign ones chosen to look risky),
# as data: the file name is the source tag.
HAND_FILES = tuple(DATA_DIR / f"{name}.jsonl" for name in ("hand", "hand2", "hand3", "hand4", "hand5", "hand6"))
TEMPLATES_PATH = DATA_DIR / "templates.json"
# Named only for attention: these two come from the name list, not from the encoder.
RULE_ONLY = {"public_figure", "voice_imitation"}


def _read_hand(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# ---------------------------------------------------------------- obfuscation

_HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і", "y": "у"}
_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
_TARGETS = [
    "porn",
    "nude",
    "naked",
    "sex",
    "kill",
    "stab",
    "suicide",
    "cut",
    "nazi",
    "isis",
    "rape",
    "shot",
    "sexy",
    "strip",
    "die",
    "gore",
    "vermin",
    "jihad",
    "behead",
    "topless",
    "nudes",
    "hang",
    "blood",
]


def _obfuscate(text: str, how: str, rng: random.Random) -> str:
    words = text.split()
    # Prefer the loaded word, else any long word: obfuscators hide the word a filter would see.
    idx = (
        [i for i, w in enumerate(words) if any(t in w.lower() for t in _TARGETS)]
        or [i for i, w in enumerate(words) if len(w) > 4]
        or [0]
    )
    i = rng.choice(idx)
    w = words[i]
    if how == "leet":
        words[i] = "".join(_LEET.get(ch, ch) for ch in w)
    elif how == "spaced":
        words[i] = " ".join(w)
    elif how == "dotted":
        words[i] = ".".join(w)
    elif how == "homoglyph":
        words = ["".join(_HOMOGLYPHS.get(ch, ch) if rng.random() < 0.6 else ch for ch in w) for w in words]
    elif how == "zerowidth":
        words[i] = "\u200b".join(w)
    elif how == "repeat":
        j = max(1, len(w) // 2)
        words[i] = w[:j] + w[j] * 4 + w[j + 1 :] if j < len(w) else w + w[-1] * 3
    return " ".join(words)


def build() -> list[dict]:
    rng = random.Random(7)
    rows: list[dict] = []
    hand = {path.stem: _read_hand(path) for path in HAND_FILES}
    for source, batch in hand.items():
        for raw in batch:
            text = raw["text"]
            rows.append({"text": text, "categories": sorted(raw["categories"]), "group": text, "source": source})
    for template in json.loads(TEMPLATES_PATH.read_text(encoding="utf-8"))["templates"]:
        slots = template["slots"]
        frame = slots["f"][0]
        keys = [k for k in slots if k != "f"]
        combos = list(product(*(slots[k] for k in keys)))
        rng.shuffle(combos)
        for combo in combos[:12]:  # a frame contributes a dozen rows at most
            text = frame.format(**dict(zip(keys, combo)))
            rows.append(
                {
                    "text": text,
                    "categories": sorted(template["categories"]),
                    "group": template["name"],
                    "source": "template",
                }
            )
    ways = ["leet", "spaced", "dotted", "homoglyph", "zerowidth", "repeat"]
    # The first batch's harmful rows (not those only the name list judges) get obfuscated twins.
    harmful_hand = [(r["text"], r["categories"]) for r in hand["hand"] if set(r["categories"]) - RULE_ONLY]
    for k, (text, cats) in enumerate(harmful_hand):
        if k % 2:  # every other harmful prompt gets one obfuscated twin
            continue
        how = ways[(k // 2) % len(ways)]
        rows.append(
            {
                "text": _obfuscate(text, how, rng),
                "categories": sorted(cats),
                "group": text,
                "source": f"obfuscated:{how}",
            }
        )
    seen: set[str] = set()
    unique = []
    for row in rows:
        if row["text"] not in seen:
            seen.add(row["text"])
            unique.append(row)
    return unique


def main() -> None:
    rows = build()
    DATA_PATH.parent.mkdir(parents=True, exist_ok=True)
    with DATA_PATH.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    harmful = sum(1 for r in rows if r["categories"])
    print(f"wrote {len(rows)} prompts ({harmful} harmful, {len(rows) - harmful} benign) to {DATA_PATH}")


if __name__ == "__main__":
    main()
