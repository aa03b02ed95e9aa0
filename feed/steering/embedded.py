"""The default steering parser: rules for structure, the shared encoder for meaning.

It splits the instruction into clauses at contrast and list markers ("but",
"and", commas) and where a new cue follows content ("less sports more
space"), gives each clause a polarity from its cue words ("no", "less",
"stop showing me" -> avoid; "more", "show me" -> boost; none -> the previous
clause's, so "less cats and dogs" avoids both), and finds the clause's topics
by keyword, or, when no keyword matches, by the nearest topic description
under MiniLM. Source and objective phrases are recognised by patterns.
What it cannot do: nuance ("cats, but not sad ones"), topics outside the
taxonomy, or sarcasm; see docs/feed.md.
"""

from __future__ import annotations

import re

from moderation.policy.multilingual import is_plain_english
from moderation.policy.multilingual import lexicon as english_lexicon
from sora_social.embedder import embed_one

from .. import topics
from .schema import empty

_SPLIT = re.compile(r"\s*(?:[,;.!?]+|\b(?:but|however|although|though|instead|whereas|and|also|plus|or|nor|then)\b)\s*")
_NEGATIVE = re.compile(
    r"\b(no|not|none|never|less|fewer|stop|avoid|without|hide|skip|hate|dislike|enough|"
    r"don'?t|do not|tired of|sick of|no more|nothing|block|mute|drop|remove|except)\b"
)
_POSITIVE = re.compile(r"\b(more|show|want|love|like|lots|extra|give|plenty|mostly|only|prefer|add|into)\b")
_FOLLOWING_ONLY = re.compile(
    r"\bonly\b.{0,30}\b(people|accounts|creators|friends|those|ones|users)\b.{0,12}\b(i|i'm)\s+follow(ing)?\b"
    r"|\bonly\b.{0,10}\bfollow(ing|s)?\b|\bjust\b.{0,30}\b(people|friends|accounts)\b.{0,12}\bi\s+follow\b"
)
_FOLLOWING_HEAVY = re.compile(
    r"\bmore\b.{0,30}\b(people|accounts|creators|friends)\b.{0,12}\bi\s+follow\b|\bmostly\b.{0,20}\bfollow|"
    r"\bmore\b.{0,10}\bfrom\b.{0,10}\bfriends\b|\bmy friends\b"
)
_FOLLOW_PHRASE = re.compile(
    r"\b(from\s+)?(the\s+)?(people|accounts|creators|friends|users|those|ones)\s+i\s+follow\b"
    r"|\bfollow(ing|s)?\b|\bmy friends\b"
)
_OBJECTIVES = [
    (
        "calm",
        re.compile(
            r"\b(calm|calmer|relax|relaxing|chill|soothing|peaceful|gentle|cozy|cosy|quiet|"
            r"wholesome|less intense|slow down|unwind)\b"
        ),
    ),
    ("remixable", re.compile(r"\b(remix|remixes|remixable|inspire|inspiring|make something|create|ideas?)\b")),
    ("fresh", re.compile(r"\b(fresh|new|newest|latest|recent|today)\b")),
]
_FILLER = re.compile(
    r"\b(please|me|my|i|the|a|an|of|in|on|feed|videos?|content|stuff|things|show|see|seeing|"
    r"showing|want|more|less|no|not|stop|some|any|about|with|from|for|to|it|just|really|very|"
    r"lots|fewer|only|people|follow|like|love|hate|don'?t|do|be|is|are|so|much|many)\b"
)


def _clauses(text: str):
    """Clauses at the split markers, and again where a new cue word follows content:
    "less sports more space" is two clauses, "don't show me cats" stays one (nothing
    but cue and filler words comes before "show")."""
    for clause in filter(None, _SPLIT.split(text)):
        start = 0
        for cue in sorted([*_NEGATIVE.finditer(clause), *_POSITIVE.finditer(clause)], key=lambda m: m.start()):
            if cue.start() > start and _FILLER.sub(" ", clause[start : cue.start()]).strip():
                yield clause[start : cue.start()].strip()
                start = cue.start()
        yield clause[start:].strip()


# A clause needs this similarity to a topic description when no keyword named one.
CLAUSE_SIMILARITY_MIN = 0.42


def _clause_topics(clause: str, english: bool = True) -> list[str]:
    if not english:
        # English words inside another language ("多一点travel vlog"): only whole English words
        # of three letters or more, or "artık" would be read as art; and no MiniLM (English only)
        return topics.keyword_topics(" ".join(_english_words(clause)))
    named = topics.keyword_topics(clause)
    if named:
        return named
    content = _FILLER.sub(" ", clause).strip()
    if len(content) < 3:
        return []

    return [t for t, _ in topics.nearest_topics(embed_one(content), minimum=CLAUSE_SIMILARITY_MIN)]


def parse(instruction: str) -> dict:
    text = " ".join(instruction.lower().split())
    english = _plain_english(text)
    parsed = empty()
    if _FOLLOWING_ONLY.search(text):
        parsed["sources"] = "following_only"
    elif _FOLLOWING_HEAVY.search(text):
        parsed["sources"] = "following_heavy"
    for objective, pattern in _OBJECTIVES:
        match = pattern.search(text)
        if match and not _NEGATIVE.search(text[max(0, match.start() - 12) : match.start()]):
            parsed["objective"] = objective
            break
    topic_text = _FOLLOW_PHRASE.sub(" ", text)
    for _, pattern in _OBJECTIVES:
        topic_text = pattern.sub(" ", topic_text)

    polarity = "boost"
    # "less X, more Y" and "no X but Y": polarity is decided per clause.
    for clause in filter(None, _clauses(topic_text)):
        negative, positive = _NEGATIVE.search(clause), _POSITIVE.search(clause)
        if negative and (not positive or negative.start() < positive.start()):
            polarity = "avoid"
        elif positive:
            polarity = "boost"
        for topic in _clause_topics(clause, english):
            other = "avoid" if polarity == "boost" else "boost"
            if topic in parsed[other]:
                parsed[other].remove(topic)  # the later clause wins: "cats... actually no cats"
            if topic not in parsed[polarity] and len(parsed[polarity]) < 6:
                parsed[polarity].append(topic)
    if not english:
        from .multilingual import parse_into

        parse_into(instruction, parsed)  # other languages, and English mixed with them
    parsed["notes"] = describe(parsed)
    return parsed


def _english_words(text: str) -> list[str]:
    known = english_lexicon()
    words = (w.strip(".,;:!?\"'()") for w in text.split())
    return [w for w in words if len(w) >= 3 and w.isascii() and w.isalpha() and w in known]


def _plain_english(text: str) -> bool:
    return is_plain_english(text, text)


def describe(parsed: dict) -> str:
    parts = []
    if parsed["boost"]:
        parts.append("more " + ", ".join(parsed["boost"]))
    if parsed["avoid"]:
        parts.append("no " + ", ".join(parsed["avoid"]))
    if parsed["sources"] == "following_only":
        parts.append("only people you follow")
    elif parsed["sources"] == "following_heavy":
        parts.append("mostly people you follow")
    if parsed["objective"] != "default":
        parts.append(
            {"remixable": "things to remix", "fresh": "the newest videos", "calm": "calmer videos"}[parsed["objective"]]
        )
    return ("Showing " + "; ".join(parts) + ".") if parts else "Nothing to change understood; showing your usual feed."
