"""The restriction topics in twelve more languages: a lexicon, read without a model.

The English reader (restrictions.py) parses a rule's grammar and compares a
prompt with the rule's topic by English keywords and MiniLM, which reads
English only. A prompt in Chinese ("让@ana在酒吧喝啤酒"), Hindi
("@ana sharab peete hue") or half English ("un video de @ana getting
punched") gave it nothing to go on. Here the fifteen topics owners restrict
most (politics, eating, horror, violence, alcohol, drugs, sexual, romance,
religion, ads, swearing, death, embarrassing, dancing, sports) are listed in
Spanish, French, German, Portuguese, Italian, Chinese, Japanese, Hindi (also
in Latin letters), Arabic (also in Latin letters), Russian, Turkish and
Indonesian (data/restriction_words.json), with the words owners use to
forbid something ("nada de", "pas de", "keine", "不要", "ダメ", "mat",
"ممنوع", "никакой", "asla", "jangan") and to say "only wholesome".

Matching: words of scripts written without spaces (Chinese, Japanese) are
found inside the text; other words must be a word of the text, or, when the
listed form has five letters or more, that word with another ending
("водки" for "водка") or starting a compound ("Horrorvideos"); phrases must
appear whole. Arabic words are also looked up without the "and", "for",
"with" and "the" written onto them ("للعنف" is "العنف", "عنف").

What it cannot do: topics outside the fifteen (an owner's rule about
anything else is read in English only), and a prompt's own negation in
another language ("una cena sin alcohol" still names alcohol: the prompt is
refused, the cautious side for someone else's likeness).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

from sora_social.words import inflected
from sora_social.words import unspaced as is_unspaced

DATA_PATH = Path(__file__).parent / "data" / "restriction_words.json"
LANGUAGES = ("es", "fr", "de", "pt", "it", "zh", "ja", "hi", "ar", "ru", "tr", "id")
_TOKEN = re.compile(r"[^\s,.;:!?¡¿،؛、，。！？；：()\[\]\"'«»“”„…/]+")


_ELISION = re.compile(r"\b(d|l|qu|j|n|s|c|m|t|dell|all|dall|nell|sull|un)'", re.IGNORECASE)
_SCRIPT_EDGE = re.compile(
    r"(?<=[\u3040-\u30ff\u3400-\u9fff])(?=[a-z0-9@])|(?<=[a-z0-9])(?=[\u3040-\u30ff\u3400-\u9fff])"
)


def _normalise(text: str) -> str:
    """Lower case, NFKC; French and Italian elisions opened ("d'alcool" is "de alcool"); Latin
    letters inside Chinese or Japanese set apart ("ホラーはng" is "ホラーは ng")."""
    text = unicodedata.normalize("NFKC", text or "").lower().replace("\u2019", "'")
    text = _ELISION.sub(
        lambda m: {"d": "de", "l": "le", "qu": "que", "un": "une"}.get(m.group(1), m.group(1)) + " ", text
    )
    return _SCRIPT_EDGE.sub(" ", text)


# Arabic writes "and", "for", "with" and "the" onto the word: "وسياسة", "للعنف", "بالسلاح".
_ARABIC_CLITICS = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف")


def words_of(text: str) -> list[str]:
    """The words of `text`; an Arabic word is also looked up without its attached clitics."""
    out = []
    for word in _TOKEN.findall(_normalise(text)):
        word = word.strip("-_*#@")
        if not word:
            continue
        out.append(word)
        for clitic in _ARABIC_CLITICS:
            if word.startswith(clitic) and len(word) - len(clitic) >= 3:
                out.append(word[len(clitic) :])
    return out


@cache
def _entries() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(topic -> its words in every language, marker kind -> words), lower case."""
    data = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    topics = {
        topic: tuple(sorted({_normalise(w).strip() for lang in LANGUAGES for w in by_lang.get(lang, ()) if w.strip()}))
        for topic, by_lang in data["topics"].items()
    }
    markers = {
        kind: tuple(
            sorted({_normalise(w).strip() for lang in LANGUAGES for w in data[kind].get(lang, ()) if w.strip()})
        )
        for kind in MARKERS
    }
    assert not set(topics) & set(markers), "a topic may not be named like a marker kind"
    return topics, markers


def _inflected(word: str, stem: str) -> bool:
    """`word` is `stem` with another ending (at most four letters more) or `stem` starting a
    compound ("horrorvideos"); stems of 5 or more letters."""
    if len(stem) >= 5 and word.startswith(stem):
        return True
    return len(word) <= len(stem) + 4 and inflected(word, stem)


MARKERS = ("never", "only", "wholesome")


@cache
def _index() -> tuple[dict, dict, tuple, tuple]:
    """The lexicon as lookups, each entry naming its group (a topic, or a marker kind):
    exact words, stems of 5+ letters keyed by all but their last letter, phrases, and
    entries of unspaced scripts."""
    topics, markers = _entries()
    exact: dict[str, set[str]] = {}
    stems: dict[str, list[tuple[str, str]]] = {}
    phrases, unspaced = [], []
    for group, entries in [*topics.items(), *markers.items()]:
        for entry in entries:
            if is_unspaced(entry):
                unspaced.append((entry, group))
            elif " " in entry:
                phrases.append((entry, group))
            else:
                exact.setdefault(entry, set()).add(group)
                if len(entry) >= 5:
                    stems.setdefault(entry[:-1], []).append((entry, group))
    return exact, stems, tuple(phrases), tuple(unspaced)


def groups_in(text: str) -> set[str]:
    """Every topic and marker kind the lexicon finds in `text`."""
    exact, stems, phrases, unspaced = _index()
    text = _normalise(text)
    words = words_of(text)
    found: set[str] = set()
    for word in words:
        found |= exact.get(word, set())
        for k in range(4, len(word) + 1):
            for stem, group in stems.get(word[:k], ()):
                if group not in found and _inflected(word, stem):
                    found.add(group)
    joined = f" {' '.join(words)} "
    found.update(group for phrase, group in phrases if group not in found and f" {phrase} " in joined)
    if is_unspaced(text):
        found.update(group for entry, group in unspaced if group not in found and entry in text)
    return found


def topics_in(text: str) -> list[str]:
    """The restriction topics `text` names in any of the twelve languages, in the lexicon's order."""
    return _topics_of(groups_in(text))


def _topics_of(found: set[str]) -> list[str]:
    topics, _ = _entries()
    return [topic for topic in topics if topic in found]


def read_clause(clause: str) -> tuple[tuple[str, ...], list[tuple[str, tuple[str, ...]]]]:
    """A clause of an owner's text in any of the twelve languages: the topics it names, and what
    it asks: ("never", topics) when it forbids topics the lexicon knows, ("only", ("wholesome",))
    for "only family-friendly" and its kin."""
    found = groups_in(clause)
    named = tuple(_topics_of(found))
    rules: list[tuple[str, tuple[str, ...]]] = []
    if "only" in found and "wholesome" in found:
        rules.append(("only", ("wholesome",)))
    if "never" in found and named:
        rules.append(("never", named))
    return named, rules


@cache
def negators() -> frozenset[str]:
    """The single words of spaced scripts that forbid or negate ("sin", "sans", "ohne", "без")."""
    _, markers = _entries()
    return frozenset(w for w in markers["never"] if " " not in w and not is_unspaced(w))
