"""Steering in other languages: cue words for the structure, a lexicon for the topics.

The English parser (embedded.py) reads structure from English cue words and
topics from English keywords and MiniLM. An instruction that is not plain
English ("más gatos, menos perros", "ホラーはいらない、宇宙をもっと", "billi
zyada aur kutte kam") comes here:

- clauses: split at punctuation of every script and at the conjunctions of
  Spanish, French, German, Portuguese, Italian, Russian, Turkish, Indonesian,
  Hindi (also in Latin letters), Arabic (also in Latin letters), Chinese and
  Japanese;
- polarity per clause from the cue words of those languages ("menos",
  "weniger", "不要", "いらない", "kam", "أقل" -> avoid; "más", "mehr", "更多",
  "もっと", "zyada", "أكثر" -> boost; data/cues.json); a clause with no cue
  takes the previous cued clause's polarity (the other side after "but"),
  or, before any, the next one's within the same stretch between
  punctuation marks (in Hindi, Japanese, Turkish and Chinese the cue often
  comes after the topic: "猫和狗都不要");
- topics: what is left of a clause once cue and filler words are taken out,
  read against a lexicon of the taxonomy's topics in those languages
  (data/topic_words.json: everyday, plural, diminutive and slang forms, and
  an inflected form of a word of five letters or more counts);
- sources and objective from "only"/"follow" and calm/new/remix words of
  those languages.

What it cannot do: the same as the English parser, plus words and idioms the
lists do not hold (an unknown topic word is left out, and `notes` shows what
was understood). A multilingual encoder (e5) for unknown words was tried
and left out: on the development set it added more wrong topics than right
ones (0.926 exact instead of 0.944). Measured on a held-out set in
docs/benchmarks.md.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from sora_social.words import inflected
from sora_social.words import unspaced as is_unspaced

# --- words of the languages read here (data/cues.json; lower case) -------------------------
# negative / positive: cue words of a clause's polarity; more: "more" proper (with "only" and
# "follow", mostly-not-only people followed); contrast: "but" words (a clause after one that
# names no cue takes the other side: "no X but Y"); split: conjunctions between clauses;
# only / follow: "only people I follow"; calm / fresh / remix: objectives (parts of words);
# filler: words that name no topic. The *_unspaced lists are for scripts written without
# spaces (Chinese, Japanese), matched inside the text, longest first.
CUES_PATH = Path(__file__).parent / "data" / "cues.json"


def _load_cues() -> dict:
    import json

    cues = json.loads(CUES_PATH.read_text(encoding="utf-8"))
    return {k: tuple(sorted(v, key=len, reverse=True)) if k.endswith("_unspaced") else v for k, v in cues.items()}


_CUES = _load_cues()
NEGATIVE, POSITIVE, MORE = set(_CUES["negative"]), set(_CUES["positive"]), set(_CUES["more"])
CONTRAST, SPLIT, ONLY, FILLER = set(_CUES["contrast"]), set(_CUES["split"]), set(_CUES["only"]), set(_CUES["filler"])
NEGATIVE_UNSPACED, POSITIVE_UNSPACED = _CUES["negative_unspaced"], _CUES["positive_unspaced"]
CONTRAST_UNSPACED, SPLIT_UNSPACED, ONLY_UNSPACED = (
    _CUES["contrast_unspaced"],
    _CUES["split_unspaced"],
    _CUES["only_unspaced"],
)
FOLLOW, CALM, FRESH, REMIX = (tuple(_CUES[k]) for k in ("follow", "calm", "fresh", "remix"))
# Conjunctions of unspaced scripts, longest first, and Japanese "X も Y も" ("and" between
# topics; not the も of もっと).
_SPLIT_UNSPACED_RE = re.compile("(" + "|".join([*map(re.escape, SPLIT_UNSPACED), "も(?!っ)"]) + ")")
_TOKEN = re.compile(r"[^\s,.;:!?¡¿،؛、，。！？；：()\"'«»“”]+")
_PUNCT = re.compile(r"[,.;:!?¡¿،؛、，。！？；：]+")
_LATIN = re.compile(r"[a-z0-9']{3,}")


def _words(text: str) -> list[str]:
    out = []
    for word in _TOKEN.findall(text):
        # Arabic writes "and" as a prefix: "والمزيد" is "و" + "المزيد", "وسياسة" "و" + "سياسة".
        if len(word) > 3 and word[0] == "و":
            out.append("و")
            word = word[1:]
        out.append(word)
        # and "the" too: "الأنمي" is "ال" + "أنمي" (both forms are looked up)
        if len(word) > 4 and word.startswith("ال"):
            out.append(word[2:])
    return out


def _stretches(text: str) -> list[str]:
    """The text between punctuation marks of every script."""
    return [p for p in (p.strip() for p in _PUNCT.split(text)) if p]


def clauses(stretch: str) -> list[tuple[str, str]]:
    """A stretch split at conjunctions: (clause, the conjunction that opened it, or "")."""
    out: list[tuple[str, str]] = []
    if is_unspaced(stretch):
        # the separators kept (a capturing split): [clause, conjunction, clause, ...]
        pieces = _SPLIT_UNSPACED_RE.split(stretch)
        opened = ""
        for i, piece in enumerate(pieces):
            if i % 2:
                opened = piece
            elif piece.strip():
                out.append((piece.strip(), opened))
                opened = ""
        return out
    current: list[str] = []
    opened = ""
    for word in _words(stretch):
        if word in SPLIT or word == "و":
            if current:
                out.append((" ".join(current), opened))
            # "mais" is Portuguese "more" and French "but": either way the clause after it wants more
            current, opened = ([word] if word in POSITIVE else []), word
        else:
            current.append(word)
    if current:
        out.append((" ".join(current), opened))
    return out


def polarity(clause: str) -> str | None:
    """ "avoid", "boost" or None (no cue): the first cue in the clause decides."""
    hits = []
    if is_unspaced(clause):
        hits += [(clause.find(w), "avoid") for w in NEGATIVE_UNSPACED if w in clause]
        hits += [(clause.find(w), "boost") for w in POSITIVE_UNSPACED if w in clause]
        # 不要 contains no positive cue, but 不想看 contains 想看: the negation wins
        if any(w in clause for w in ("不要", "不想", "别", "不看", "いらない", "見たくない", "要らない")):
            return "avoid"
    for i, word in enumerate(_words(clause)):
        if word in NEGATIVE:
            hits.append((i, "avoid"))
        elif word in POSITIVE:
            hits.append((i, "boost"))
    return min(hits)[1] if hits else None


def content(clause: str) -> str:
    """The clause without cue, conjunction and filler words: what names the topic."""
    if is_unspaced(clause):
        for word in sorted(NEGATIVE_UNSPACED + POSITIVE_UNSPACED + ONLY_UNSPACED, key=len, reverse=True):
            clause = clause.replace(word, " ")
        return re.sub(r"[はをがもにのでとへ都点一些]+$|^[はをがもにのでとへ]+", "", clause.strip()).strip()
    skip = NEGATIVE | POSITIVE | SPLIT | FILLER | ONLY
    cues = CALM + FRESH + REMIX + FOLLOW
    return " ".join(w for w in _words(clause) if w not in skip and not any(c in w for c in cues))


LEXICON_PATH = Path(__file__).parent / "data" / "topic_words.json"


@cache
def _lexicon() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """Topic words of the languages above: (spaced word -> topic, (unspaced word, topic) longest first).
    A word two topics claim (in different languages) names neither."""
    import json

    spaced: dict[str, str | None] = {}
    unspaced: dict[str, str | None] = {}
    for topic, by_language in json.loads(LEXICON_PATH.read_text(encoding="utf-8")).items():
        for words in by_language.values():
            for word in words:
                word = unicodedata.normalize("NFKC", word).casefold().strip()
                table = unspaced if is_unspaced(word) else spaced
                table[word] = topic if table.get(word, topic) == topic else None
    return (
        {w: t for w, t in spaced.items() if t},
        tuple(sorted(((w, t) for w, t in unspaced.items() if t), key=lambda wt: -len(wt[0]))),
    )


def lexicon_topics(text: str) -> list[str]:
    """Topics named by a word of the lexicon (an inflected form counts: "котиков" for "котики")."""
    spaced, unspaced = _lexicon()
    found: list[str] = []
    if is_unspaced(text):
        rest = text
        for word, topic in unspaced:
            if word in rest:
                rest = rest.replace(word, " ")
                found.append(topic)
    # words in Latin letters inside an unspaced script: "多一点travel vlog"
    words = _words(text) + (_LATIN.findall(text) if is_unspaced(text) else [])
    for n in (3, 2, 1):  # phrases first
        for i in range(len(words) - n + 1):
            phrase = " ".join(words[i : i + n])
            topic = spaced.get(phrase)
            if topic is None and n == 1 and len(phrase) >= 5:
                topic = next((t for w, t in spaced.items() if inflected(phrase, w)), None)
            if topic:
                found.append(topic)
    return list(dict.fromkeys(found))


def topics_of(text: str) -> list[str]:
    """The taxonomy topics `text` names, by the lexicon's words."""
    if len(text) < (1 if is_unspaced(text) else 3):
        return []
    return lexicon_topics(text)


def _has(text: str, words) -> bool:
    return any(w in text for w in words)


def _has_word(words: list[str], vocabulary: set[str]) -> bool:
    return any(w in vocabulary for w in words)


def parse_into(instruction: str, parsed: dict) -> dict:
    """Add what `instruction` says in the languages above to `parsed` (the English parser's reading)."""
    text = unicodedata.normalize("NFKC", instruction).casefold()
    words = _words(text)
    only = _has_word(words, ONLY) or _has(text, ONLY_UNSPACED)
    if _has(text, FOLLOW):
        if only and not _has_word(words, MORE):
            parsed["sources"] = "following_only"
        elif parsed["sources"] == "everything" and (_has_word(words, POSITIVE) or _has(text, POSITIVE_UNSPACED)):
            parsed["sources"] = "following_heavy"
    if parsed["objective"] == "default":
        for objective, cues in (("calm", CALM), ("remixable", REMIX), ("fresh", FRESH)):
            if _has(text, cues):
                parsed["objective"] = objective
                break
    # (polarity, clause, which stretch between punctuation marks it is in, opened by "but"?)
    found = [
        (polarity(c), c, n, opened in CONTRAST or opened in CONTRAST_UNSPACED)
        for n, stretch in enumerate(_stretches(text))
        for c, opened in clauses(stretch)
    ]
    cued = [f[0] for f in found if f[0]]
    for i, (pol, clause, part, contrast) in enumerate(found):
        if pol is None:
            before = [f[0] for f in found[:i] if f[0]]
            # a cue after the topic counts only within the same stretch ("猫和狗都不要"),
            # not across a comma ("un video de anime, no horror")
            after = [f[0] for f in found[i + 1 :] if f[0] and f[2] == part]
            pol = before[-1] if before else (after[0] if after else "boost")
            if before and contrast:  # "no X but Y": Y is the other side
                pol = "avoid" if pol == "boost" else "boost"
            found[i] = (pol, clause, part, contrast)
        if not cued and parsed["sources"] != "everything":
            continue  # "only people I follow": no topic to read
        for topic in topics_of(content(clause)):
            other = "avoid" if pol == "boost" else "boost"
            if topic in parsed[other]:
                parsed[other].remove(topic)
            if topic not in parsed[pol] and len(parsed[pol]) < 6:
                parsed[pol].append(topic)
    return parsed
