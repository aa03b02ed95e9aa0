"""Rules: where a list is more exact than a classifier.

Names of real people (the curated list in `public_figures.json`), voice
imitation phrasing, and a few unambiguous terms per category. The encoder
knows roughly what "Taylor Swift" is but cannot tell her from "my cat
Taylor" reliably; a list of full names can. Each rule returns the categories
it fires; the caller treats a hit as a near-certain score.

Rules run on every form from `normalize.match_forms`, so "p0rn", "n u d e"
and Cyrillic look-alikes hit the same patterns as the plain words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .normalize import match_forms, normalize, squeeze
from .pet_names import given_names

FIGURES_PATH = Path(__file__).with_name("public_figures.json")


def _alt(words: str) -> str:
    return "(?:" + re.sub(r"\s*\n\s*", "", words) + ")"


# ---------------------------------------------------------------- lexicons

_SEXUAL = _alt(r"""porn|porno|pornographic|pornography|pron|nsfw|xxx|hentai|blowjob|handjob|cumshot|
    orgasm\w*|masturbat\w*|sex tape|having sex|have sex|explicit sex|sexual intercourse|sex scene|
    (?:fuck|fucking|fucked) (?:in|on|her|him|them|each other|a|the|my)|onlyfans|stripper|striptease|strip tease|erotic|genitals|genitalia|boobs|tits|dildo|threesome|
    sexual act\w*|fetish porn|camgirl|lap dance|orgy|orgies|gangbang\w*|gang bang|x-rated|x rated|creampie|
    deepthroat\w*|cumming|cum on|sexting|bukkake""")
_NUDITY = _alt(r"nude|nudes|naked|topless|undressed|undressing|undress|stripping|without (?:any )?clothes|no clothes")
_PERSON = _alt(r"""woman|women|girl|girls|man|men|guy|guys|boy|boys|lady|ladies|her|him|she|he|body|bodies|
    model|teen|teens|person|people|wife|girlfriend|boyfriend|couple|actress|student|@\w+|myself|me""")
_MINOR = _alt(r"""child|children|kid|kids|minor|minors|underage|under age|teen|teens|teenage|teenager|teenagers|
    boy|boys|small (?:girl|boy|child)s?|young (?:girl|boy)s?|kindergartners?|first graders?|grade schoolers?|
    schoolgirl|schoolgirls|schoolboy|schoolboys|little girl|little girls|little boy|little boys|toddler|toddlers|
    preteen|preteens|pre-teen|loli|lolis|shota|middle schooler|middle schoolers|high schooler|high schoolers|
    (?:1[0-7]|[1-9])[ -]?(?:yo|y/o|year old|year-old|years old)|boy scouts?|girl scouts?|baby|babies|infant|
    daughter|son|niece|nephew|stepdaughter|stepsister""")
_SEXUALISING = _alt(r"""sexy|seductive|seductively|erotic|sensual|lingerie|nude|nudes|naked|undress\w*|strip\w*|
    provocative|provocatively|aroused|make out|making out|hooking up|hook up|sexual\w*|sex|porn\w*|
    in bed with|kissing an adult|flirting with an adult|fetish\w*|topless|bikini photoshoot|thong""")
_CSAM = _alt(r"cp|csam|child porn\w*|kiddie porn|pedo\w*|paedo\w*|loli hentai|shotacon|lolicon|jailbait")
_SELF_HARM = _alt(r"""kill myself|killing myself|end my life|ending my life|commit suicide|committing suicide|
    suicide method\w*|suicide tutorial|suicide note|cut myself|cutting myself|cut my wrists|slit (?:my|her|his|their) wrists|
    slitting (?:my|her|his|their) wrists|hang myself|hanging myself|overdose on purpose|how to overdose|
    pro-ana|pro ana|thinspo|thinspiration|starve myself|starving myself|burn myself|jump off (?:a|the) bridge to die|
    want to die|wanna die|unalive myself|unalive yourself|kms|ctb|sewerslide|sewer slide|cut deeper|to end it all|swallow\w* bleach|drink\w* bleach|
    (?:jump\w*|throw\w* (?:myself|himself|herself)) (?:in front of|off) (?:a|the) \w+ to die""")
_VIOLENCE = _alt(r"""behead\w*|decapitat\w*|disembowel\w*|dismember\w*|eviscerat\w*|snuff film|snuff video|
    torture porn|execution video|shoot up (?:a|the|my) (?:school|mall|church|mosque|synagogue|class)|
    gory|bloodbath|(?<!al )(?<!no )gore|splatter\w* (?:brains|guts)|guts spilling|skinned alive|
    burned alive|burning alive|(?:skin|skins|skinning|boil|boils|boiling|bury|buries|burying|burn|burns) (?:\w+ ){1,3}alive|
    stabbing (?:him|her|them) to death|bludgeon\w* to death|curb stomp\w*""")
_EXTREMISM = _alt(r"""heil hitler|sieg heil|1488|14 words|white power|great replacement|blood and soil|
    join isis|join the caliphate|(?:isis|jihadi) recruit\w* (?:video|ad|clip|film|propaganda|montage|song|poster)|recruit\w* for isis|recruit\w* for al qaeda|
    glorif\w* (?:the )?(?:holocaust|9/11|terror\w*|isis|mass shoot\w*)|race war now|day of the rope|
    turner diaries|swastika banner rally|neo-nazi rally|neo nazi rally|kkk rally""")
# Slurs: hate whatever the sentence around them says. Words a group has reclaimed
# or that are ordinary elsewhere ("queer", "jogger", "coon" hunting) are left to the head.
_SLUR = _alt(r"""nigger|niggers|kike|kikes|chink|chinks|spic(?! and span)|spics|wetback|wetbacks|tranny|trannies|
    faggot|faggots|raghead|ragheads|towelhead|towelheads|sand nigger\w*|gook|gooks|paki|pakis|retards|holohoax|
    zog|pikey|pikeys|beaner|beaners|shemales?|ching chong""")
_GROUP = _alt(r"""jews|jewish people|muslims|black people|blacks|gays|gay people|lesbians|trans people|transgender people|
    immigrants|migrants|refugees|mexicans|asians|chinese people|arabs|africans|women|christians|hindus|sikhs|
    indians|latinos|disabled people|the disabled|roma|gypsies|catholics|palestinians|israelis""")
_DEHUMANISE = _alt(r"""vermin|subhuman|sub-human|animals|parasites|rats|cockroaches|inferior|filth|a disease|
    a plague|apes|monkeys|savages|should be exterminated|should be gassed|should die|deserve to die|
    don't deserve rights|should be wiped out""")
_HATE_ACT = _alt(
    r"exterminate|exterminating|gas|gassing|wipe out|wiping out|kill all|lynch|lynching|ethnic cleansing of|purge"
)
_HARASS = _alt(r"""doxx\w*|dox|home address of|leak (?:her|his|their) address|revenge porn|
    i(?:'m| am|'ll| will)? ?(?:going to|gonna|will|shall) (?:kill|murder|stab|shoot|strangle|hurt|find and kill) (?:you|u)\b|
    you(?:'re| are) (?:going to|gonna) die|go (?:and )?kill yourself|kys\b|
    humiliat\w* (?:my|our|his|her) (?:classmate|coworker|co-worker|teacher|neighbou?r|ex|boss|sister|brother|friend|
    roommate|stepmom|stepdad|student)s?""")

# Humiliation of the person in the video: only counted when a cameo (a real
# person's likeness) is in the prompt; "a clown getting a pie in the face" is fine.
_TARGET = r"(?:him|her|them|me|us|@\w+|my cameo|his|their)"
_HUMILIATION = _alt(
    r"""(?:laugh\w*|point\w* and laugh\w*|jeer\w*|sneer\w*|spit\w*) at """
    + _TARGET
    + r"""|
    everyone (?:laugh\w*|point\w*)|people (?:laugh\w*|jeer\w*)|whole (?:class|school) laugh\w*|
    mak\w* fun of|mock\w*|ridicul\w*|humiliat\w*|embarrass\w*|roast\w* (?:him|her|them|me|@\w+)|getting roasted|
    (?:look\w*|as|is|so) (?:\w+ )?(?:fat|ugly|stupid|disgusting|dumb|worthless|pathetic|gross|smelly|an idiot|a loser|a creep|a freak)|
    (?:punch\w*|slap\w*|kick\w*|beat\w* up|spit\w* on|trip\w*) """
    + _TARGET
    + r"""|
    get\w* (?:punched|slapped|kicked|beaten|beat up|spat on|tripped|pantsed|dunked on|shoved)|
    pie\w* in (?:the|his|her|their) face|because of (?:his|her|their) (?:weight|looks|face|body|acne|teeth|nose|hair)|
    pee\w* (?:his|her|their) pants|wet\w* (?:himself|herself|themselves|his pants|her pants)|
    (?:crying|sobbing) (?:while|as) (?:everyone|people)"""
)

# ---------------------------------------------------------------- voices

# Private people whose voice a prompt may want copied ("my late grandpa's voice", "my coworker Ben's voice").
_RELATION = _alt(r"""(?:(?:late|dead|old|best|school|new|former) )?(?:mom|mum|mother|dad|father|boss|manager|teacher|ex|
    grandma|grandpa|grandmother|grandfather|sister|brother|wife|husband|girlfriend|boyfriend|partner|fiance|fiancee|
    coworker|co-worker|colleague|neighbou?r|friend|principal|uncle|aunt|cousin|son|daughter|classmate|roommate|coach|
    pastor|landlord|stepmom|stepdad|professor|doctor|ceo)""")
_VOICE_GENERIC = _alt(
    r"""clone (?:(?:the|my|his|her|their|our|someone's|somebody's|a real person's|\w+'s|\w+) ){0,3}voice|
    voice clone|voice cloning|cloned voice|deepfake (?:voice|audio)|fake (?:voice|audio) of|
    (?:copy|mimic|replicate|imitate|clone) (?:the )?(?:exact )?(?:voice|speech) of (?:my|our|his|her|a real|the real|real)|
    (?:my|our|his|her) (?:\w+ )?"""
    + _RELATION
    + r"""(?: \w+){0,2}'s
    (?: (?:real|exact|actual|own|old))? voice|
    sound\w* (?:exactly |just )?like (?:my|our|his|her) """
    + _RELATION
)
# Said of a named figure elsewhere in the prompt: "Joe Rogan ... with his real voice".
_VOICE_PRONOUN = _alt(r"""(?:in|with|using) (?:his|her|their) voices?|(?:his|her|their) (?:own|real|actual|exact|original) voices?|
    sound\w* (?:exactly |just )?like (?:him|her|them)""")

# Placed around a name to say "his or her voice, not his or her face".
_VOICE_BEFORE = _alt(r"""voice of|voiced by|narrated by|narration by|sounds? like|sounding like|sound just like|sounds just like|
    sounds? exactly like|sounding exactly like|soundalike of|sound-alike of|voice clone of|(?:deepfake |fake |ai )?audio of|
    imitat\w*|impersonat\w*|mimick?\w*|doing an impression of|impression of|spoken by|read by|speaking as|talks like|
    talking like""")
_VOICE_AFTER = _alt(r"""'s (?:\w+ ){0,2}voices?|s voices?|voices?|'s accent|impression|impersonation|narrating|narrates|narration|
    voiceover|voice-over|soundalike|sound-alike""")


def _rx(pattern: str) -> re.Pattern:
    return re.compile(r"(?<![\w@])" + pattern + r"(?![\w])")


_RX = {
    "sexual": _rx(_SEXUAL),
    "nudity": re.compile(
        r"(?<!\w)"
        + _NUDITY
        + r"(?!\w)(?:\W+\w+){0,4}?\W+"
        + _PERSON
        + r"(?!\w)|(?<!\w)"
        + _PERSON
        + r"(?!\w)(?:\W+\w+){0,3}?\W+"
        + _NUDITY
        + r"(?!\w)"
    ),
    "minor": _rx(_MINOR),
    "sexualising": _rx(_SEXUALISING),
    "csam": _rx(_CSAM),
    "self_harm": _rx(_SELF_HARM),
    "violence": _rx(_VIOLENCE),
    "extremism": _rx(_EXTREMISM),
    "hate": re.compile(
        r"(?<!\w)(?:"
        + _GROUP
        + r")(?!\w)(?:\W+\w+){0,2}?\W+(?:are|is|r)\W+(?:\w+\W+){0,2}?"
        + _DEHUMANISE
        + r"|(?<!\w)"
        + _HATE_ACT
        + r"(?:\W+\w+){0,2}?\W+"
        + _GROUP
        + r"(?!\w)"
    ),
    "slur": _rx(_SLUR),
    "harassment": _rx(_HARASS),
    "voice_generic": _rx(_VOICE_GENERIC),
    "voice_pronoun": _rx(_VOICE_PRONOUN),
    "humiliation": _rx(_HUMILIATION),
}


def _any(key: str, forms: list[str]) -> bool:
    return any(_RX[key].search(form) for form in forms)


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figure:
    name: str
    kind: str
    forms: tuple[str, ...]  # normalised spellings that count as naming them


def spellings(names: Iterable[str]) -> set[str]:
    """The normalised forms that count as naming one of `names`: as written, run
    together (#taylorswift) and with a hyphen read as a space or as nothing (spider-man)."""
    forms = {normalize(n) for n in names}
    forms |= {f.replace(" ", "") for f in forms if " " in f}
    forms |= {f.replace("-", sep) for f in forms if "-" in f for sep in (" ", "")}
    # the middle dots of Japanese and Chinese names (ジャック・スパロウ, 哈利·波特), often left out
    forms |= {re.sub("[・·･]", sep, f) for f in forms if re.search("[・·･]", f) for sep in (" ", "")}
    return forms


# Scripts written without spaces between words (and Hangul, whose particles attach
# to the word): a name in them is found inside running text, not only as a whole word.
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def names_rx(owner: dict[str, str], *, squeezed: bool = True) -> tuple[re.Pattern, dict[str, str]]:
    """One pattern over every form of `owner` (form -> whose name), longest first, with
    the squeezed spelling of each form too unless `squeezed` is off (a squeezed name can
    be a word: "eevee" reads "eve"); returns the pattern and the extended map."""
    owner = dict(owner)
    for form, whose in list(owner.items()) if squeezed else ():
        owner.setdefault(squeeze(form), whose)
    ordered = sorted(owner, key=len, reverse=True)
    bounded = "|".join(re.escape(f) for f in ordered if not _UNSPACED.search(f))
    inside = "|".join(re.escape(f) for f in ordered if _UNSPACED.search(f))
    pattern = r"(?<![\w@])(" + (bounded or "(?!)") + r")(?![\w])"
    if inside:
        pattern += r"|(" + inside + r")"
    return re.compile(pattern), owner


def pet_named(form: str, start: int) -> bool:
    """True when the name at `start` names a pet, a toy or a private person ("my dog Messi")."""
    return bool(_PET_BEFORE_RX.search(squeeze(form[max(0, start - 30) : start])))


@lru_cache(maxsize=1)
def figures() -> tuple[Figure, ...]:
    data = json.loads(FIGURES_PATH.read_text(encoding="utf-8"))
    return tuple(
        Figure(
            name=row["name"], kind=row["kind"], forms=tuple(sorted(spellings([row["name"], *row.get("aliases", [])])))
        )
        for row in data["figures"]
    )


@lru_cache(maxsize=1)
def _figure_rx() -> tuple[re.Pattern, dict[str, str]]:
    return names_rx({form: fig.name for fig in figures() for form in fig.forms})


# "my cat Taylor", "a goldfish named Obama", "my dog Messi": a pet's name, not a person.
_PET_BEFORE_RX = re.compile(
    r"(?:cat|dog|pet|pupy|kiten|kity|hamster|gerbil|mouse|rat|rabit|buny|parot|parakeet|budgie|"
    r"cockatiel|goldfish|fish|horse|pony|donkey|turtle|tortoise|lizard|iguana|gecko|snake|bird|"
    r"guinea pig|feret|cow|calf|goat|sheep|lamb|pig|chicken|hen|roster|duck|gose|alpaca|lama|"
    r"pug|corgi|poodle|beagle|husky|labrador|retriever|terier|buldog|chihuahua|dachshund|"
    r"tedy bear|plushie|dol|robot|"
    # a private person who shares the name: "my friend Rihanna (she's a nurse)"
    r"friend|buddy|cousin|neighbou?r|clasmate|coworker|sister|brother|niece|nephew|aunt|uncle)"
    r"(?:\W+(?:(?:who|which|that)\W+)?(?:(?:we|i)\W+)?(?:named|caled|called|cal|name))?\W+$"
)
_VOICE_BEFORE_RX = re.compile(_VOICE_BEFORE + r"\W+(?:\w+\W+){0,1}$")
_VOICE_AFTER_RX = re.compile(r"^\W*(?:" + _VOICE_AFTER + r")(?!\w)")


@dataclass(frozen=True)
class FigureHit:
    name: str
    voice: bool  # named for the voice ("in the voice of X")
    person: bool  # named as a person to show


def figure_hits(forms: list[str], pets: frozenset[str] = frozenset()) -> list[FigureHit]:
    """The famous names in the text's forms, less those it gives a pet or a friend: after an English
    pet word (`pet_named`), or in any language, `pets` (the forms of pet_names.given_names)."""
    rx, owner = _figure_rx()
    hits: dict[str, tuple[bool, bool]] = {}
    for k, form in enumerate(forms):
        judged = set(hits)  # a name found in an earlier, plainer form is judged there, in its own words
        for m in rx.finditer(form):
            name = owner[m.group(0)]
            if k and name in judged:
                continue
            if pet_named(form, m.start()) or m.group(0) in pets:
                continue
            before, after = form[max(0, m.start() - 40) : m.start()], form[m.end() : m.end() + 40]
            voice = bool(_VOICE_BEFORE_RX.search(before) or _VOICE_AFTER_RX.search(after))
            was_voice, was_person = hits.get(name, (False, False))
            hits[name] = (was_voice or voice, was_person or not voice)
    return [FigureHit(name=n, voice=v, person=p) for n, (v, p) in hits.items()]


# ---------------------------------------------------------------- the rules


@dataclass(frozen=True)
class RuleResult:
    categories: frozenset[str]
    figures: tuple[FigureHit, ...]
    minor_mentioned: bool
    humiliation: bool = False  # counts as harassment when the prompt has a cameo


def rules_apply(text: str) -> RuleResult:
    forms = match_forms(text)
    found: set[str] = set()
    if _any("sexual", forms) or _any("nudity", forms):
        found.add("sexual")
    minor = _any("minor", forms)
    if _any("csam", forms) or (minor and ("sexual" in found or _any("sexualising", forms))):
        found |= {"sexual_minors", "sexual"}
    for key in ("self_harm", "violence", "extremism", "hate", "harassment"):
        if _any(key, forms):
            found.add(key)
    if _any("slur", forms):
        found.add("hate")
    pets = frozenset(f for name in given_names(text) for f in match_forms(name))
    hits = figure_hits(forms, pets)
    if any(h.voice for h in hits) or _any("voice_generic", forms) or (hits and _any("voice_pronoun", forms)):
        found.add("voice_imitation")
    if any(h.person for h in hits):
        found.add("public_figure")
    return RuleResult(
        categories=frozenset(found), figures=tuple(hits), minor_mentioned=minor, humiliation=_any("humiliation", forms)
    )
