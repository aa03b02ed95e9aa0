"""Undo the usual obfuscations before anything looks at a prompt.

`normalize(text)` is what the encoder sees: readable lower-case text with
zero-width characters gone, homoglyphs folded to Latin, accents stripped,
"n u d e" / "n.u.d.e" joined, leetspeak undone inside words and letters
repeated three or more times cut to one (but "xxx" alone is a word).
`match_forms(text)` adds the variants the rules match against (all repeats
squeezed, "1" read as "l").
"""

from __future__ import annotations

import re
import unicodedata

# Format characters that render as nothing: ZWSP, ZWNJ, ZWJ, LRM/RLM, word
# joiner, BOM, soft hyphen, the bidi embeddings and isolates, Mongolian VS.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufe00-\ufe0f]")

# Letters that look Latin but are not (Cyrillic, Greek, IPA, Cherokee...);
# NFKC already folds full-width and mathematical alphabets.
_CONFUSABLES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "һ": "h",
        "ӏ": "l",
        "ɡ": "g",
        "ɑ": "a",
        "ɩ": "i",
        "ʏ": "y",
        "ɪ": "i",
        "ᴀ": "a",
        "ʙ": "b",
        "ᴄ": "c",
        "ᴅ": "d",
        "ᴇ": "e",
        "ɢ": "g",
        "ʜ": "h",
        "ᴊ": "j",
        "ᴋ": "k",
        "ʟ": "l",
        "ᴍ": "m",
        "ɴ": "n",
        "ᴏ": "o",
        "ᴘ": "p",
        "ʀ": "r",
        "ꜱ": "s",
        "ᴛ": "t",
        "ᴜ": "u",
        "ᴠ": "v",
        "ᴡ": "w",
        "ᴢ": "z",
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ω": "w",
        "ϲ": "c",
        "ϳ": "j",
        "Α": "a",
        "Β": "b",
        "Ε": "e",
        "Ζ": "z",
        "Η": "h",
        "Ι": "i",
        "Κ": "k",
        "Μ": "m",
        "Ν": "n",
        "Ο": "o",
        "Ρ": "p",
        "Τ": "t",
        "Υ": "y",
        "Χ": "x",
        "А": "a",
        "В": "b",
        "Е": "e",
        "К": "k",
        "М": "m",
        "Н": "h",
        "О": "o",
        "Р": "p",
        "С": "c",
        "Т": "t",
        "У": "y",
        "Х": "x",
        "Ѕ": "s",
        "І": "i",
        "Ј": "j",
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
    }
)

# Leetspeak, applied only inside tokens that also hold letters, so "3 dogs"
# and "1990" stay numbers while "k1ll" and "pr0n" become words.
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "9": "g",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "i",
        "+": "t",
        "€": "e",
    }
)
_LEET_CHARS = set("01345789@$!|+€")
_LEET_L = _LEET.copy()
_LEET_L.update({ord("1"): "l", ord("|"): "l"})
_TOKEN = re.compile(r"\S+")

# "n.u.d.e", "k-i-l-l", "s_e_x", "n*u*d*e": one letter, one separator, repeated.
_SEPARATED = re.compile(r"\b(?:[a-z0-9@$][.\-_*~^/\\]){2,}[a-z0-9@$]\b")
# "n u d e": three or more single characters in a row, separated by spaces.
_SPACED = re.compile(r"(?<!\S)(?:[a-z0-9@$!] ){2,}[a-z0-9@$!](?!\S)")
_REPEATS3 = re.compile(r"([a-z])\1{2,}")
_REPEATS2 = re.compile(r"([a-z])\1+")
_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_CONFUSABLES)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower().translate(_CONFUSABLES)


def _join_spelled(text: str) -> str:
    text = _SEPARATED.sub(lambda m: re.sub(r"[.\-_*~^/\\]", "", m.group(0)), text)
    # "a b c" inside a normal sentence is rare; "n u d e" is the usual trick.
    return _SPACED.sub(_join_spaced, text)


def _join_spaced(m: re.Match) -> str:
    run = m.group(0)
    # "a n u d e woman": the article stays a word of its own.
    if run[0] in "ai" and len(run) >= 7:
        return run[:2] + run[2:].replace(" ", "")
    return run.replace(" ", "")


def _unleet_token(token: str, table: dict = _LEET) -> str:
    core = token.strip(".,;:?\"'()[]{}")
    if not core or not any(ch in _LEET_CHARS for ch in core):
        return token
    if not any(ch.isalpha() for ch in core):
        # "@@@" or "1990" stays; "$3x" has letters, "5!!" is punctuation.
        return token
    if re.fullmatch(r"@[a-z0-9_.]{2,}", core) and any(ch.isalpha() for ch in core[1:]):
        return token  # an @handle (a cameo mention), not leetspeak
    return token.replace(core, core.translate(table))


def _cut_repeat(m: re.Match) -> str:
    """ "sexxxy" -> "sexy", but "xxx" standing alone is a word of its own."""
    s, a, b = m.string, m.start(), m.end()
    alone = (a == 0 or not s[a - 1].isalpha()) and (b == len(s) or not s[b].isalpha())
    return m.group(0) if alone and m.group(1) == "x" else m.group(1)


def normalize(text: str) -> str:
    text = _fold(text)
    text = _join_spelled(text)
    text = _TOKEN.sub(lambda m: _unleet_token(m.group(0)), text)
    text = _REPEATS3.sub(_cut_repeat, text)
    return _SPACES.sub(" ", text).strip()


def squeeze(text: str) -> str:
    """All repeated letters cut to one: "kill" and "kiiil" both read "kil"."""
    return _REPEATS2.sub(r"\1", text)


def match_forms(text: str, *, squeezed: bool = True) -> list[str]:
    """The normalised text and its variants, for rules to match against (with each
    one's repeated letters cut to one too, unless `squeezed` is off)."""
    base = normalize(text)
    forms = [base, squeeze(base)] if squeezed else [base]
    # "1" is as often an "l" as an "i" ("ki11", "b1ood"): match both readings.
    folded = _join_spelled(_fold(text))
    if "1" in folded or "|" in folded:
        alt = _TOKEN.sub(lambda m: _unleet_token(m.group(0), _LEET_L), folded)
        alt = _REPEATS3.sub(_cut_repeat, _SPACES.sub(" ", alt).strip())
        forms += [alt, squeeze(alt)] if squeezed else [alt]
    # Words split by spaces inside ("k ill", "por n") are left to the encoder.
    return list(dict.fromkeys(forms))
