"""Which writing system a prompt is in, and whether the policy's encoder reads it.

The encoder (all-MiniLM-L6-v2) learnt English; the policy's recall in other
languages is not measured and, in other scripts, is known to be poor. Until
a multilingual encoder lands, a generation prompt written mostly in another
script is not sent to the model unchecked for the accounts and videos where
a miss costs most: teen accounts and videos with a cameo (a real person's
likeness). Latin-script languages other than English count as covered here,
which overstates the coverage; see docs/api.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

COVERED_SCRIPTS = frozenset({"LATIN"})
# Below this share of Latin letters a prompt is "in another script" (a Latin @handle or
# brand inside a Chinese sentence does not make it English).
MIN_COVERED_SHARE = 0.7
_MENTION = re.compile(r"@\w+")


def script_of(text: str) -> tuple[str, float]:
    """The prompt's main script (LATIN, CJK, CYRILLIC, ARABIC, ...) and the covered scripts' share of its letters."""
    counts: Counter[str] = Counter()
    for ch in _MENTION.sub(" ", text):
        if ch.isalpha():
            name = unicodedata.name(ch, "UNKNOWN")
            script = name.split()[0]
            if script in ("HIRAGANA", "KATAKANA", "HALFWIDTH"):
                script = "JAPANESE"
            counts[script] += 1
    total = sum(counts.values())
    if not total:
        return "NONE", 1.0
    covered = sum(n for s, n in counts.items() if s in COVERED_SCRIPTS)
    return counts.most_common(1)[0][0], covered / total


def is_covered(text: str) -> bool:
    return script_of(text)[1] >= MIN_COVERED_SHARE
