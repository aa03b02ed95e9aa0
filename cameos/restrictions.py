"""Does a prompt break one of a cameo owner's restrictions?

The owner writes rules in plain words ("never in political content", "no
videos where I'm eating", "only wholesome stuff"). `restriction_violation`
returns the rule the prompt breaks, quoted as the owner wrote it, or None.

How a rule is read:
- the text splits into rules by line and sentence, and a line into clauses
  where a new "no/never/don't/only" starts ("only wholesome, no swearing");
- a forbidding clause ("never/no/don't/not/avoid ... X") keeps its topic X
  after dropping the filler ("put me in", "videos where I'm", "content");
- "only X" (and "keep it X", "always X") forbids what is far from X; for the
  family of "wholesome / family friendly / kid safe" that means the topics
  those words exclude (violence, horror, sex, drugs, alcohol, swearing, death);
- a clause with neither is not a rule ("Thanks!").

How a prompt is compared with a topic: words the prompt itself negates
("a calm dinner with no politics", "alcohol-free") are removed first; then a
keyword hit against the topic and its synonyms (a small lexicon of the topics
people restrict most), or the shared sentence embedder's cosine similarity
over the prompt and its clauses, decides. The embedder catches what the
lexicon misses ("a senator's rally speech" vs "political content"); the
lexicon catches what a 384-d average blurs ("pizza" in a long scene).

Other languages (restriction_words.py): a clause the English grammar reads as
no rule may still forbid, in one of twelve more languages, topics of the
lexicon ("nada de política", "不要喝酒"); the topics a rule names are kept as its
`concepts`, and a prompt that names one of them in any of those languages
(minus what it negates itself, "sin alcohol") breaks it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sora_social.embedder import embed

from . import restriction_words

# Cosine similarity (all-MiniLM-L6-v2, L2-normalised) between a prompt clause
# and the bare topic at or above which the clause is about the topic. Measured
# on the table in tests/cameos/test_restrictions.py and a few probes: unrelated
# prompts score 0.07-0.33 with one outlier at 0.40 ("playing chess" vs
# "dancing"); related prompts without a lexicon word score 0.22-0.48 ("tango"
# vs "dancing" 0.48, "slurping ramen" vs "eating" 0.36). So the embedder is a
# backstop with few false alarms, and the lexicon does most of the catching.
TOPIC_SIMILARITY = 0.45
# "only X": a prompt at least this close to X is within it. Lower than the
# forbid threshold on purpose: an "only" rule should refuse clear departures,
# not everything the lexicon doesn't know.
ONLY_SIMILARITY = 0.25

LEXICON: dict[str, tuple[str, ...]] = {
    "politics": (
        "politic",
        "election",
        "elections",
        "campaign",
        "president",
        "presidential",
        "senator",
        "congress",
        "parliament",
        "government",
        "democrat",
        "republican",
        "vote",
        "votes",
        "voting",
        "voter",
        "ballot",
        "protest",
        "rally",
        "rallies",
        "candidate",
        "minister",
        "partisan",
        "propaganda",
        "mayor",
        "governor",
    ),
    "eating": (
        "eat",
        "eats",
        "eating",
        "ate",
        "food",
        "dinner",
        "lunch",
        "breakfast",
        "brunch",
        "meal",
        "meals",
        "snack",
        "snacking",
        "feast",
        "feasting",
        "restaurant",
        "pizza",
        "burger",
        "hamburger",
        "sandwich",
        "spaghetti",
        "pasta",
        "noodles",
        "sushi",
        "taco",
        "tacos",
        "dessert",
        "cake",
        "chewing",
        "chew",
        "devour",
        "devouring",
        "bite",
        "biting",
        "buffet",
        "picnic",
        "hotdog",
        "fries",
        "barbecue",
        "bbq",
        "ice cream",
        "hot dog",
        "mukbang",
    ),
    "horror": (
        "horror",
        "scary",
        "scare",
        "scared",
        "terrify",
        "terrifying",
        "frighten",
        "frightening",
        "zombie",
        "ghost",
        "haunted",
        "monster",
        "demon",
        "possessed",
        "slasher",
        "gore",
        "gory",
        "creepy",
        "nightmare",
        "vampire",
        "werewolf",
        "exorcism",
        "spooky",
        "undead",
        "killer",
        "chainsaw",
        "cursed",
    ),
    "violence": (
        "violen",
        "fight",
        "fighting",
        "punch",
        "punching",
        "kill",
        "killing",
        "murder",
        "shoot",
        "shooting",
        "gun",
        "guns",
        "weapon",
        "stab",
        "stabbing",
        "war",
        "battle",
        "brawl",
        "assault",
        "attack",
        "explosion",
        "bomb",
        "torture",
        "blood",
        "bloody",
        "beat up",
        "massacre",
    ),
    "alcohol": (
        "alcohol",
        "drunk",
        "beer",
        "beers",
        "wine",
        "vodka",
        "whiskey",
        "cocktail",
        "cocktails",
        "booze",
        "pub",
        "hungover",
        "tequila",
        "champagne",
        "bartender",
        "liquor",
    ),
    "drugs": (
        "drug",
        "drugs",
        "weed",
        "marijuana",
        "cocaine",
        "cigarette",
        "cigarettes",
        "vape",
        "vaping",
        "stoned",
        "smoking",
        "heroin",
        "joint",
    ),
    "sexual": (
        "sexy",
        "sex",
        "sexual",
        "nude",
        "naked",
        "lingerie",
        "erotic",
        "strip",
        "stripper",
        "seductive",
        "making out",
        "underwear",
    ),
    "romance": (
        "romance",
        "romantic",
        "kiss",
        "kissing",
        "dating",
        "date",
        "flirt",
        "flirting",
        "boyfriend",
        "girlfriend",
        "wedding",
        "proposal",
        "love scene",
    ),
    "religion": (
        "religio",
        "church",
        "mosque",
        "temple",
        "synagogue",
        "prayer",
        "praying",
        "bible",
        "priest",
        "worship",
        "sermon",
    ),
    "ads": (
        "advert",
        "ad",
        "ads",
        "brand",
        "brands",
        "sponsor",
        "sponsored",
        "commercial",
        "endorse",
        "endorsing",
        "product placement",
        "promo",
        "promotion",
    ),
    "swearing": ("swear", "swearing", "curse", "cursing", "profanity", "profane", "obscene", "f-word"),
    "death": ("death", "dead", "die", "dies", "dying", "funeral", "corpse", "suicide", "grave", "coffin"),
    "embarrassing": (
        "embarrass",
        "humiliat",
        "mock",
        "mocking",
        "ridicule",
        "prank",
        "pranked",
        "clown",
        "silly",
        "stupid",
        "dumb",
        "foolish",
        "ridiculous",
        "clumsy",
    ),
    "dancing": ("dance", "dances", "dancing", "twerk", "twerking"),
    "sports": ("sport", "sports", "football", "soccer", "basketball", "tennis", "baseball", "hockey", "golf"),
}
# The topic words that name a lexicon entry ("political" -> politics).
CONCEPT_NAMES: dict[str, tuple[str, ...]] = {
    "politics": ("politic",),
    "eating": ("eat", "eating", "eats", "food", "meal", "meals", "snack", "snacking", "dinner", "lunch", "chewing"),
    "horror": ("horror", "scary", "spooky", "creepy", "frightening", "gore", "gory"),
    "violence": (
        "violen",
        "fight",
        "fighting",
        "blood",
        "bloody",
        "weapon",
        "weapons",
        "gun",
        "guns",
        "war",
        "killing",
    ),
    "alcohol": ("alcohol", "drinking", "drunk", "booze", "beer", "wine"),
    "drugs": ("drug", "drugs", "smoking", "weed"),
    "sexual": ("sexy", "sex", "sexual", "nude", "nudity", "naked", "explicit", "adult", "nsfw", "racy"),
    "romance": ("romance", "romantic", "kissing", "kiss", "dating", "love"),
    "religion": ("religio", "church"),
    "ads": ("advert", "ads", "ad", "brand", "brands", "sponsor", "sponsored", "commercial", "commercials", "marketing"),
    "swearing": ("swear", "swearing", "cursing", "profanity", "language"),
    "death": ("death", "dying", "dead"),
    "embarrassing": (
        "embarrass",
        "humiliat",
        "mocking",
        "making fun",
        "pranks",
        "prank",
        "stupid",
        "dumb",
        "foolish",
        "silly",
        "ridiculous",
    ),
    "dancing": ("dance", "dancing"),
    "sports": ("sport", "sports"),
}
# "only wholesome" and its kin forbid these.
WHOLESOME_WORDS = (
    "wholesome",
    "family",
    "friendly",
    "clean",
    "kid",
    "kids",
    "child",
    "children",
    "safe",
    "positive",
    "pg",
    "appropriate",
    "innocent",
    "g-rated",
    "sfw",
    "cute",
    "nice",
)
NOT_WHOLESOME = ("violence", "horror", "sexual", "drugs", "alcohol", "swearing", "death")

_FORBID = re.compile(
    r"\b(never|no|not|don't|dont|do not|nothing|avoid|without|stay away from|keep me out of|won't|wont|"
    r"refuse|hate|dislike|forbid|forbidden|ban|banned|exclude|excluding|except)\b"
)
_ONLY = re.compile(r"\b(only|just|strictly|exclusively)\b|^(keep (?:it|me|things|everything)|always|must be)\b")
_CLAUSE_BREAK = re.compile(r",\s*|\s+(?:but|and|or)\s+(?=(?:never|no|not|don't|do not|only|avoid)\b)")
_FILLER_START = re.compile(
    r"^(?:(?:want|like|allow(?:ed)?|use|using|put(?:ting)?|show(?:ing)?|include|including|feature|featuring|"
    r"make|making|let|see|have|be|being|appear(?:ing)?|ever|at all|to|me|my|myself|face|likeness|cameo|in|on|of|"
    r"into|with|any|anything|everything|something|videos?|clips?|content|stuff|things|scenes?|posts?|where|"
    r"that|which|i'm|i am|im|me being|about|involving|related to|around|a|an|the|please|ok|okay|is|are)\b\s*)+"
)
_FILLER_END = re.compile(
    r"(?:\s*\b(?:content|stuff|things|videos?|clips?|scenes?|themes?|topics?|related|ones|please|at all|"
    r"ever|of any kind|kind|type|genre)\b)+$"
)
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'\-]*")
_PROMPT_NEGATOR = {"no", "not", "without", "never", "none", "zero", "nothing", "avoiding", "minus", "sans"}
_SCOPE_END = {
    "and",
    "but",
    "with",
    "while",
    "then",
    "where",
    "as",
    "though",
    "although",
    "so",
    "yet",
    "or",
    "in",
    "at",
    "on",
}
_STOP = {
    "a",
    "an",
    "the",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "and",
    "or",
    "with",
    "my",
    "me",
    "i",
    "i'm",
    "is",
    "are",
    "be",
    "it",
    "its",
    "that",
    "this",
    "any",
    "some",
    "very",
    "really",
    "just",
    "only",
    "where",
    "being",
    "while",
    # verbs and nouns of the rule's own phrasing, too common to be a topic on their own
    "look",
    "looking",
    "make",
    "making",
    "put",
    "show",
    "get",
    "getting",
    "go",
    "going",
    "do",
    "doing",
    "have",
    "like",
    "want",
    "see",
    "use",
    "people",
    "person",
    "video",
    "videos",
    "anything",
    "something",
    "someone",
    "other",
    "others",
    "thing",
    "things",
    "kind",
    "type",
    "way",
    "stuff",
    "content",
    "scene",
    "scenes",
}
SCOPE_TOKENS = 4  # a negation covers at most this many following words ("no loud political talk")


@dataclass(frozen=True)
class Rule:
    text: str  # as the owner wrote it: what a refusal quotes
    kind: str  # "never" | "only"
    topic: str
    keywords: frozenset[str] = field(default_factory=frozenset)
    opposites: tuple[str, ...] = ()  # for "only": phrases of what it excludes
    concepts: tuple[str, ...] = ()  # the lexicon's topics it names, read in any language


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("\u2019", "'").replace("\u2018", "'")).strip()


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _matches(token: str, word: str) -> bool:
    if token == word:
        return True
    if len(word) >= 5 and token.startswith(word):
        return True
    return token.rstrip("s") == word.rstrip("s") and len(word) > 3


def _concepts(topic: str) -> list[str]:
    tokens = _tokens(topic)
    found = []
    for concept, names in CONCEPT_NAMES.items():
        if any(" " in n and n in topic for n in names) or any(
            _matches(t, n) for t in tokens for n in names if " " not in n
        ):
            found.append(concept)
    return found


def _keywords(topic: str) -> frozenset[str]:
    words = {t for t in _tokens(topic) if t not in _STOP and len(t) > 2}
    for concept in _concepts(topic):
        words.update(LEXICON[concept])
    return frozenset(words)


def _clean_topic(text: str) -> str:
    text = _FILLER_START.sub("", text.strip(" .!?:;-\"'"))
    text = _FILLER_END.sub("", text).strip(" .!?:;-\"'")
    return text


def _clauses(sentence: str) -> list[str]:
    return [c for c in _CLAUSE_BREAK.split(_normalise(sentence)) if c and c.strip()]


def parse_rules(restrictions: str) -> list[Rule]:
    """The owner's text as rules, in their order; sentences that state no rule are skipped."""
    rules: list[Rule] = []
    for line in re.split(r"[\n\r]+", restrictions or ""):
        line = re.sub(r"^\s*(?:[-*\u2022]|\d+[.)])\s*", "", line).strip()
        for sentence in re.split(r"(?<=[.!?;])\s+|;\s*", line):
            sentence = sentence.strip()
            if not sentence:
                continue
            for clause in _clauses(sentence):
                rules.extend(_clause_rules(sentence, clause))
    return rules


def _clause_rules(sentence: str, clause: str) -> list[Rule]:
    """The rules of one clause: by the English grammar, with the topics the other languages'
    lexicon finds in it; by that lexicon alone when the English grammar sees no rule."""
    named, other_languages = restriction_words.read_clause(clause)
    only = _ONLY.search(clause)
    forbid = _FORBID.search(clause)
    if only and (not forbid or only.start() < forbid.start()):
        topic = _clean_topic(clause[only.end() :])
        if topic:
            tokens = set(_tokens(topic))
            opposites = ()
            if tokens & set(WHOLESOME_WORDS) or "family friendly" in topic:
                opposites = NOT_WHOLESOME
            return [Rule(sentence, "only", topic, _keywords(topic), opposites, tuple(_concepts(topic)))]
    elif forbid:
        topic = _clean_topic(clause[forbid.end() :])
        if topic:
            concepts = tuple(dict.fromkeys([*_concepts(topic), *named]))
            return [Rule(sentence, "never", topic, _keywords(topic), concepts=concepts)]
    rules = []
    for kind, topics in other_languages:
        if kind == "only":
            rules.append(Rule(sentence, "only", "wholesome", _keywords("wholesome"), NOT_WHOLESOME))
        else:
            words = frozenset(w for t in topics for w in LEXICON[t])
            rules.append(Rule(sentence, "never", ", ".join(topics), words, concepts=topics))
    return rules


_ASCII_TOKEN = re.compile(r"[a-z0-9][a-z0-9'\-]*|[,.;!?]")
# Every script's words and its punctuation, for reading the prompt against the other languages' lexicon.
_ANY_TOKEN = re.compile(r"[^\s,.;!?:()\[\]\"“”«»،؛、，。！？；：]+|[,.;!?，。！？、；]")
_BREAKS = set(",.;!?，。！？、；")


def _affirmed(prompt: str, token=_ASCII_TOKEN, negators=frozenset()) -> tuple[list[str], str]:
    """The prompt's words minus those it negates itself ("with no politics", "alcohol-free")."""
    text = re.sub(r"\b([a-z]+)-free\b", " ", _normalise(prompt))
    tokens = token.findall(text)
    kept, scope = [], 0
    for token in tokens:
        if token in _PROMPT_NEGATOR or token in ("don't", "isn't", "aren't", "doesn't", "never") or token in negators:
            scope = SCOPE_TOKENS
            continue
        if token in _BREAKS or token in _SCOPE_END:
            scope = 0
        if scope:
            scope -= 1
            continue
        kept.append(token)
    words = [t for t in kept if t not in _BREAKS]
    phrase = re.sub(r"\s+([,.;!?])", r"\1", " ".join(kept))
    return words, phrase


def _named(prompt: str) -> set[str]:
    """The lexicon topics the prompt names in any of the other languages, minus what it negates."""
    _, phrase = _affirmed(prompt, _ANY_TOKEN, restriction_words.negators())
    return set(restriction_words.topics_in(phrase))


def _keyword_hit(words: list[str], phrase: str, keywords) -> str | None:
    for keyword in keywords:
        if " " in keyword:
            if re.search(rf"\b{re.escape(keyword)}\b", phrase):
                return keyword
        elif any(_matches(w, keyword) for w in words):
            return keyword
    return None


def _prompt_clauses(phrase: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"[,.;!?]|\b(?:and|while|then|but)\b", phrase) if p and len(p.strip()) > 2]
    return [phrase] + [p for p in parts if p != phrase]


def restriction_violation(prompt: str, restrictions: str) -> str | None:
    """The owner's rule (as written) that `prompt` breaks, or None when it breaks none."""
    rules = parse_rules(restrictions)
    if not rules or not prompt or not prompt.strip():
        return None
    words, phrase = _affirmed(prompt, negators=restriction_words.negators())
    named = _named(prompt)
    if not words and not named:
        return None
    similarity: dict[str, float] = {}
    if words:
        clauses = _prompt_clauses(phrase)
        topics = list(dict.fromkeys(t for rule in rules for t in (rule.topic, *rule.opposites)))
        vectors = embed(clauses + topics)
        prompt_vecs, topic_vecs = vectors[: len(clauses)], vectors[len(clauses) :]
        similarity = dict(zip(topics, (prompt_vecs @ topic_vecs.T).max(axis=0).tolist()))

    def about(topic: str, keywords, threshold: float) -> bool:
        return bool(words) and (_keyword_hit(words, phrase, keywords) is not None or similarity[topic] >= threshold)

    for rule in rules:
        if rule.kind == "never":
            if named & set(rule.concepts) or about(rule.topic, rule.keywords, TOPIC_SIMILARITY):
                return rule.text
        elif rule.opposites:
            for opposite in rule.opposites:
                if opposite in named or about(opposite, LEXICON[opposite], TOPIC_SIMILARITY):
                    return rule.text
        elif not (named & set(rule.concepts) or about(rule.topic, rule.keywords, ONLY_SIMILARITY)):
            return rule.text
    return None


def explain(prompt: str, restrictions: str) -> dict:
    """What the rules and the comparison saw; for reviewers and for tuning the thresholds."""
    rules = parse_rules(restrictions)
    words, phrase = _affirmed(prompt)
    clauses = _prompt_clauses(phrase) if words else []
    out = {"affirmed": phrase, "rules": []}
    for rule in rules:
        names = [rule.topic, *rule.opposites]
        sims = (embed(clauses) @ embed(names).T).max(axis=0).round(3).tolist() if clauses else [0.0] * len(names)
        out["rules"].append(
            {
                "text": rule.text,
                "kind": rule.kind,
                "topic": rule.topic,
                "similarity": dict(zip(names, sims)),
                "keyword": _keyword_hit(words, phrase, rule.keywords),
            }
        )
    return out


__all__ = ["Rule", "parse_rules", "restriction_violation", "explain", "TOPIC_SIMILARITY", "ONLY_SIMILARITY"]
