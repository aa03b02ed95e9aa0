"""Romanised copies of training rows, as people type these languages on a Latin keyboard.

People write Chinese in pinyin ("pai yi duan shipin"), Japanese in romaji,
Hindi in Hinglish and Russian in translit as often as in their own scripts.
The encoder reads those spellings far worse than the scripts: on the read
per-language sets, most of the harmful prompts the multilingual head missed
in Chinese, Japanese, Hindi and Arabic were romanised. `romanise` writes a
training row's text the way such a user would, so the head can learn the
romanised form from every row written in the script, not only from the
quarter that its authors happened to type in Latin letters.

Chinese goes through pypinyin (toneless, a word's syllables joined, as
people type), Japanese through pykakasi (Hepburn), Hindi and Russian through
the tables below (informal spelling: no diacritics, a word's final inherent
vowel dropped in Hindi). Arabic is not romanised: its script leaves out the
short vowels that its Latin spelling (Arabizi) writes, so a table cannot
produce what people type.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

LANGUAGES = ("zh", "ja", "hi", "ru")
# Below this share of letters outside Latin a row is already romanised (or mostly English): no copy.
MIN_SCRIPT_SHARE = 0.5

_PUNCT = str.maketrans({"。": ".", "、": ",", "「": '"', "」": '"', "『": '"', "』": '"', "・": " ", "ー": "-"})

_RU = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip

# Devanagari: consonants (with their inherent "a" unless a sign follows), independent vowels, vowel signs.
_HI_CONSONANTS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n", "च": "ch", "छ": "chh", "ज": "j", "झ": "jh",
    "ञ": "n", "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n", "त": "t", "थ": "th", "द": "d",
    "ध": "dh", "न": "n", "प": "p", "फ": "ph", "ब": "b", "भ": "bh", "म": "m", "य": "y", "र": "r",
    "ल": "l", "व": "v", "श": "sh", "ष": "sh", "स": "s", "ह": "h", "क़": "q", "ख़": "kh", "ग़": "gh",
    "ज़": "z", "ड़": "r", "ढ़": "rh", "फ़": "f",
}  # fmt: skip
_HI_VOWELS = {
    "अ": "a", "आ": "aa", "इ": "i", "ई": "ee", "उ": "u", "ऊ": "oo", "ऋ": "ri", "ए": "e", "ऐ": "ai",
    "ओ": "o", "औ": "au", "ऑ": "o",
}  # fmt: skip
_HI_SIGNS = {
    "ा": "a", "ि": "i", "ी": "i", "ु": "u", "ू": "u", "ृ": "ri", "े": "e", "ै": "ai", "ो": "o", "ौ": "au",
    "ॉ": "o",
}  # fmt: skip
_HI_MARKS = {"ं": "n", "ँ": "n", "ः": "h", "्": "", "़": "", "।": ".", "॥": "."}


def script_share(text: str) -> float:
    """The share of the text's letters that are not Latin."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(not unicodedata.name(c, "").startswith("LATIN") for c in letters) / len(letters)


def _hindi_word(word: str) -> str:
    """One Devanagari word: a consonant keeps its inherent "a" unless a vowel sign or a virama follows,
    and the word's last one loses it (as it is spoken), unless the word is that one consonant."""
    out: list[str] = []
    pending = False  # the last consonant's inherent vowel is still open
    consonants = 0
    for ch in word:
        if ch in _HI_CONSONANTS:
            out.append(("a" if pending else "") + _HI_CONSONANTS[ch])
            pending, consonants = True, consonants + 1
        elif ch in _HI_SIGNS:
            out.append(_HI_SIGNS[ch])
            pending = False
        elif ch in _HI_VOWELS:
            out.append(("a" if pending else "") + _HI_VOWELS[ch])
            pending = False
        elif ch in "ंँः":  # nasal or breath after a vowel: the open "a" is spoken
            out.append(("a" if pending else "") + _HI_MARKS[ch])
            pending = False
        elif ch == "्":
            pending = False
        else:  # the nukta and anything else
            out.append(_HI_MARKS.get(ch, ch))
    if pending and consonants == 1 and len(word) == 1:
        out.append("a")
    return "".join(out)


def _hindi(text: str) -> str:
    return re.sub(r"[\u0900-\u097f]+", lambda m: _hindi_word(m.group(0)), text)


def _russian(text: str) -> str:
    def one(ch: str) -> str:
        low = ch.lower()
        if low not in _RU:
            return ch
        out = _RU[low]
        return out.capitalize() if ch != low else out

    return "".join(one(ch) for ch in text)


@cache
def _kakasi():
    import pykakasi

    return pykakasi.kakasi()


def _japanese(text: str) -> str:
    parts = [item["hepburn"] or item["orig"] for item in _kakasi().convert(text.translate(_PUNCT))]
    return re.sub(r"\s+([,.!?])", r"\1", " ".join(p.strip() for p in parts if p.strip()))


def _chinese(text: str) -> str:
    from pypinyin import Style, lazy_pinyin
    from pypinyin.seg.mmseg import seg

    words = []
    for phrase in seg.cut(unicodedata.normalize("NFKC", text.translate(_PUNCT))):
        syllables = lazy_pinyin(phrase, style=Style.NORMAL, errors="default", v_to_u=False)
        words.append("".join(syllables).replace("ü", "v") if all(s.isascii() for s in syllables) else phrase)
    text = " ".join(w.strip() for w in words if w.strip())
    return re.sub(r"\s+([,.!?:;])", r"\1", text)


_BY_LANGUAGE = {"zh": _chinese, "ja": _japanese, "hi": _hindi, "ru": _russian}


def romanise(text: str, lang: str) -> str | None:
    """The text as typed in Latin letters, or None when there is nothing to romanise (a language
    without a table, or a text that is already mostly Latin)."""
    if lang not in _BY_LANGUAGE or script_share(text) < MIN_SCRIPT_SHARE:
        return None
    out = re.sub(r"\s+", " ", _BY_LANGUAGE[lang](text)).strip()
    return out if out and script_share(out) < MIN_SCRIPT_SHARE else None
