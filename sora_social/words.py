"""Word helpers shared by the readers of other languages (feed steering, cameo restrictions).

Both read text against lexicons of words in many scripts, without a model:
Chinese and Japanese are written without spaces, so their words are found
inside the text; other words are compared whole, or with another ending.
"""

from __future__ import annotations

import unicodedata

_UNSPACED_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA")


def unspaced(text: str) -> bool:
    """Whether `text` has a character of a script written without spaces (Chinese, Japanese)."""
    return any(unicodedata.name(ch, "").startswith(_UNSPACED_SCRIPTS) for ch in text)


def inflected(word: str, stem: str) -> bool:
    """`word` is `stem` with another ending: all but the stem's last letter shared, stems of 5 or more
    ("котиков" for "котики", "बिल्लियों" for "बिल्ली"; never "tarifleri" for "tari")."""
    if len(stem) < 5 or len(word) < len(stem) - 1:
        return False
    return word[: len(stem) - 1] == stem[:-1]
