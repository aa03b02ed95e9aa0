"""Which writing system a prompt is in, and whether the policy reads it.

English goes to the English head; twelve other languages to the
multilingual one (multilingual.py), which was trained and measured in the
Latin, Chinese, Japanese, Devanagari, Arabic and Cyrillic scripts. A
generation prompt written mostly in any other script (Korean, Thai, Hebrew,
Greek, ...) is not sent to the model unchecked for the accounts and videos
where a miss costs most: teen accounts and videos with a cameo (a real
person's likeness). Every such prompt is counted in the logs.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

COVERED_SCRIPTS = frozenset({"LATIN", "CJK", "JAPANESE", "DEVANAGARI", "ARABIC", "CYRILLIC"})
# Below this share of Latin letters a prompt is "in another script" (a Latin @handle or
# brand inside a Chinese sentence does not make it English).
MIN_COVERED_SHARE = 0.7
_MENTION = re.compile(r"@\w+")


def script_of(text: str) -> tuple[str, float]:
    """The prompt's main script (LATIN, CJK, CYRILLIC, ARABIC, ...) and the covered scripts' share of its letters."""
    counts = script_counts(text)
    total = sum(counts.values())
    if not total:
        return "NONE", 1.0
    covered = sum(n for s, n in counts.items() if s in COVERED_SCRIPTS)
    return counts.most_common(1)[0][0], covered / total


def latin_share(text: str) -> float:
    """The Latin letters' share of the text's letters (1.0 with none)."""
    counts = script_counts(text)
    total = sum(counts.values())
    return counts["LATIN"] / total if total else 1.0


def script_counts(text: str) -> Counter[str]:
    """Letters per script, @handles left out (a handle is not the prompt's language)."""
    counts: Counter[str] = Counter()
    for ch in _MENTION.sub(" ", text):
        if ch.isalpha():
            name = unicodedata.name(ch, "UNKNOWN")
            script = name.split()[0]
            if script in ("HIRAGANA", "KATAKANA", "HALFWIDTH"):
                script = "JAPANESE"
            counts[script] += 1
    return counts


def is_covered(text: str) -> bool:
    return script_of(text)[1] >= MIN_COVERED_SHARE
