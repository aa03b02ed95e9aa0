"""What the model can draw, in one light module the API and the pipeline both read.

The vocabulary is the procedural world's (generation/diffusion/world.py): the
model learnt from captions of that world and nothing else, so those words,
and the phrasings its captions use, are what it understands. `read_prompt`
sorts a prompt's words into understood and ignored before anything renders;
`capabilities()` is what GET /generations/capabilities serves.

Reading is by word, not by meaning: "sphere" is not "ball" to this model,
because no caption it was trained on says "sphere". The encoder would place
the two close, but what the model draws for a word it never saw is luck, and
we would rather say "we left out: sphere" than draw something unrelated.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from sora_social.embedder import embed, embed_one

from .backends import BackendConfig, diffusers_sizes
from .diffusion import checkpoint_meta, world
from .media.upscale import output_size

OUTPUT_FPS = 24  # what the service delivers: the model's frames upscaled in time...
OUTPUT_SHORT_SIDE = 256  # ...and in space
LANGUAGES = ("en",)  # the captions the model learnt from are English


def delivered_short_side(height: int, width: int) -> int:
    """The delivered video's short side for frames a model drew: OUTPUT_SHORT_SIDE, never below its own."""
    return max(OUTPUT_SHORT_SIDE, min(height, width))


# Words that carry no content of their own: neither understood nor left out.
_FUNCTION_WORDS = frozenset(
    """a an the and or but of on in at to by with into onto over under from for off as
    is are be being it its it's this that these those there then than while when where
    each other some very just now again also too so please here
    my your our their his her its me's i'd let lets let's make makes made show shows
    video clip scene shot film movie through across around about like""".split()
)
# With a cameo in the request, these words point at that person.
_CAMEO_WORDS = frozenset("me myself i person friend someone somebody figure we us".split())

# slot -> the world's canonical terms, for the world version the served model learnt;
# phrasings are added from the caption tables (world.phrasings).
_slot_words = world.vocabulary


def _stem(word: str) -> str:
    """Crude English stemming, enough to match the captions' inflections (bounces/bouncing/bounced)."""
    for suffix in ("ing", "ies", "es", "ed", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _words(text: str) -> list[str]:
    return re.findall(r"@?[^\W\d_]+(?:'[^\W\d_]+)?|\d+", text.lower())


@functools.cache
def _lexicon(version: int) -> dict[str, str]:
    """stem -> slot, from that world version's vocabulary and every phrasing its captions use."""
    lexicon: dict[str, str] = {}

    def add(slot: str, text: str) -> None:
        for w in _words(text):
            if w not in _FUNCTION_WORDS:
                stem = _stem(w)
                # From version 2 animals walk and jump too: those words are motions, cameo or not.
                if version >= 2 and slot == "motions" and lexicon.get(stem) == "cameo_actions":
                    lexicon[stem] = slot
                lexicon.setdefault(stem, slot)

    for slot, terms in _slot_words(version).items():
        for term in terms:
            add(slot, term)
    # Camera words before cameo actions, so a word in both keeps the camera's slot.
    phrasings = world.phrasings(version)
    slots = ("sizes", "motions", "scenes", "times_of_day", "weather", "occluder", "camera", "cameo_actions")
    for slot in slots:
        for phrase in phrasings.get(slot, ()):
            add(slot, phrase)
    return lexicon


@dataclass
class PromptReading:
    understood: list[str] = field(default_factory=list)  # the prompt's words the model draws from
    ignored: list[str] = field(default_factory=list)  # the prompt's words it will leave out
    slots: dict[str, list[str]] = field(default_factory=dict)  # slot -> understood words

    @property
    def has_subject(self) -> bool:
        """Something to draw: one of the world's entities, a cameo, or anything for an open vocabulary."""
        return bool(self.slots.get("entities") or self.slots.get("cameo") or self.slots.get("open"))


def read_prompt(
    prompt: str, *, has_cameo: bool = False, open_vocabulary: bool = False, world_version: int = 1
) -> PromptReading:
    """Sort the prompt's words into what the model understands and what it will leave out.

    `world_version` is the version of the world the model learnt (served_world_version).
    An open-vocabulary model (an open-weight backend) reads every word itself:
    all are understood, and the prompt always has a subject.
    """
    lexicon = _lexicon(world_version)
    reading = PromptReading()
    seen: set[str] = set()
    for word in _words(prompt):
        if word in seen or word in _FUNCTION_WORDS:
            continue
        seen.add(word)
        if open_vocabulary:
            reading.understood.append(word)
            reading.slots.setdefault("open", []).append(word)
            continue
        if word.startswith("@") or word in _CAMEO_WORDS:
            slot = "cameo" if has_cameo else None
        else:
            slot = lexicon.get(_stem(word))
            if slot == "cameo_actions" and not has_cameo:
                slot = None  # the model draws these actions only for a cameo's figure
        if slot is None:
            reading.ignored.append(word)
        else:
            reading.understood.append(word)
            reading.slots.setdefault(slot, []).append(word)
    return reading


# ----------------------------------------------------------------------------
# The closest prompt the model could render
# ----------------------------------------------------------------------------

_DEFAULTS = {"entities": "ball", "colours": "red", "motions": "bouncing", "scenes": "studio"}
# The cosine (MiniLM, one word against one term) a left-out word needs to stand
# for a slot's term; below it the slot keeps its default. Set by reading the
# neighbours of a few dozen everyday words: sphere -> ball 0.55, ocean ->
# underwater 0.72, sunset -> night sky 0.65 pass; cat -> star 0.42 does not.
# Colours are never guessed: single colour words are too close to each other
# (crimson is nearer purple than red), so only a colour the prompt names is kept.
_SUGGEST_SIMILARITY = {"entities": 0.5, "scenes": 0.5, "motions": 0.55}


def _canonical(slot: str, words: list[str], version: int) -> str | None:
    stems = {_stem(w) for w in words}
    for term in _slot_words(version)[slot]:
        if any(_stem(part) in stems for part in _words(term)):
            return term
    return None


def suggest(reading: PromptReading, world_version: int = 1) -> str:
    """A caption the model was trained to draw, as close to the prompt as its vocabulary allows.

    Each slot (entity, colour, motion, scene) keeps what the prompt said when it
    was understood; otherwise it takes the world term nearest any left-out word
    (sentence-embedding cosine: "sphere" -> ball, "ocean" -> underwater), or a
    plain default when no left-out word is near any term.
    """
    chosen: dict[str, str] = {}
    ignored = [w for w in reading.ignored if w.isalpha()]
    for slot, default in _DEFAULTS.items():
        term = _canonical(slot, reading.slots.get(slot, []), world_version)
        if term is None and ignored and slot in _SUGGEST_SIMILARITY:
            term = _nearest(slot, ignored, world_version)
        chosen[slot] = term or default
    size = _canonical("sizes", reading.slots.get("sizes", []), world_version) or "big"
    spec = world.SceneSpec(
        objects=(
            world.ObjectSpec(
                shape=chosen["entities"],
                colour=chosen["colours"],
                size=size,
                motion=chosen["motions"] if chosen["motions"] not in ("colliding", "chasing") else "bouncing",
                direction="right",
            ),
        ),
        background=chosen["scenes"],
    )
    return world.caption(spec)


def _nearest(slot: str, words: list[str], version: int) -> str | None:
    import numpy as np

    terms = _slot_words(version)[slot]
    best, best_sim = None, _SUGGEST_SIMILARITY[slot]
    for w in words[:16]:  # a pasted essay costs at most 16 lookups
        sims = _term_vectors(slot, version) @ np.asarray(embed_one(w))
        k = int(sims.argmax())
        if sims[k] > best_sim:
            best, best_sim = terms[k], float(sims[k])
    return best


@functools.cache
def _term_vectors(slot: str, version: int):
    return embed(list(_slot_words(version)[slot]))


# ----------------------------------------------------------------------------
# What GET /generations/capabilities serves
# ----------------------------------------------------------------------------


def backend_config() -> BackendConfig:
    """The model backend the settings name (SORA_MODEL_BACKEND and the SORA_DIFFUSERS_* options)."""
    from django.conf import settings

    return BackendConfig(
        name=settings.SORA_MODEL_BACKEND,
        checkpoint=settings.SORA_MODEL_CHECKPOINT,
        short_side=settings.SORA_DIFFUSERS_SHORT_SIDE,
        fps=settings.SORA_DIFFUSERS_FPS,
        steps=settings.SORA_DIFFUSERS_STEPS,
        guidance=settings.SORA_DIFFUSERS_GUIDANCE,
    )


def remix_prompt(parent: str, edit: str, world_version: int = 1) -> str:
    """A remix's prompt as the model reads it: the parent's prompt with the edit applied.

    The model draws from whole captions, so "make it blue" alone would keep the red ball
    and add a blue one. Each slot the edit names (a colour, an entity, a motion, a scene, a
    time of day, the weather) replaces the parent's words of that slot, where they stood; a
    slot the parent did not have is added at the end. Words the model does not read are
    neither taken nor kept from the edit.
    """
    lexicon = _lexicon(world_version)
    slot_of = lambda w: lexicon.get(_stem(w))  # noqa: E731
    edits: dict[str, list[str]] = {}
    for word in _words(edit):
        slot = slot_of(word)
        if slot and word not in _FUNCTION_WORDS and slot not in ("cameo_actions",):
            edits.setdefault(slot, [])
            if word not in edits[slot]:
                edits[slot].append(word)
    if not edits:
        return parent
    out, placed = [], set()
    for token in re.split(r"(\W+)", parent):  # words and what lies between them, in order
        slot = slot_of(token.lower()) if re.fullmatch(r"[^\W\d_]+", token) else None
        if slot in edits and token.lower() not in _FUNCTION_WORDS:
            if slot not in placed:
                out.append(" ".join(edits[slot]))
                placed.add(slot)
            elif out and not out[-1].strip():
                out.pop()  # the space before a replaced word goes with it
            continue
        out.append(token)
    text = "".join(out)
    rest = [" ".join(words) for slot, words in edits.items() if slot not in placed]
    return ", ".join([text.strip(), *rest]) if rest else text


def recoloured(parent: str, edit: str, world_version: int = 1) -> tuple[str, ...]:
    """The parent's colours that a colour-only edit replaces ("make it blue" of "a red ball ...": red);
    () when the edit changes anything else, or the parent names no colour. A recolouring remix draws
    again only those colours' pixels and keeps the rest of the parent as it was."""
    lexicon = _lexicon(world_version)
    slots = {lexicon.get(_stem(w)) for w in _words(edit) if lexicon.get(_stem(w)) and w not in _FUNCTION_WORDS} - {
        "cameo_actions"
    }
    if slots != {"colours"}:
        return ()
    return tuple(
        dict.fromkeys(w for w in _words(parent) if lexicon.get(_stem(w)) == "colours" and w in world.COLOUR_NAMES)
    )


def model_prompt(prompt: str, form: str, world_version: int) -> str:
    """The prompt as the model reads it: a pet cameo named as its animal ("@kiki the cat ...").

    `form` is what the drawn cameo is (a character's form; "" for a person). The grown world's
    captions name a pet cameo's animal after its handle, so a model that learnt pets draws the
    animal rather than a figure. Only for such a model, and only where the prompt does not
    already say it; a figure stays as written.
    """
    if world_version < 2 or form not in world.PET_FORMS:
        return prompt
    if re.search(rf"\b{form}s?\b", prompt, re.IGNORECASE):
        return prompt
    mention = re.search(r"@[^\W\d_][\w.]*", prompt)
    if mention:
        return f"{prompt[: mention.end()]} the {form}{prompt[mention.end() :]}"
    return f"@pet the {form}, {prompt}"


@functools.lru_cache(maxsize=8)
def _served_meta(checkpoint: str) -> dict:
    """The JSON beside the served in-tree checkpoint, read once per process."""
    return checkpoint_meta(checkpoint)


def served_world_version(checkpoint: str = "") -> int:
    """The version of the world an in-tree checkpoint learnt (1 before checkpoints said)."""
    return int(_served_meta(checkpoint).get("world", 1))


def served_max_cameos(checkpoint: str = "") -> int:
    """How many cameos a video of the in-tree checkpoint can carry: as many as it learnt to draw
    (its config's max_cameos, 1 before checkpoints said), unless its sampler settings offer fewer
    (a checkpoint that draws several less well than one is served with one)."""
    meta = _served_meta(checkpoint)
    drawn = int(meta.get("model", {}).get("max_cameos", 1))
    offered = int(meta.get("sampler", {}).get("max_cameos", drawn))
    return max(1, min(drawn, offered))


def _served_frames(checkpoint: str) -> tuple[dict, int]:
    """(H, W) per aspect and the frame rate an in-tree checkpoint draws at: a latent model's are
    its autoencoder's (128 px, 12 fps for a square clip), the pixel model's the world's own."""
    meta = _served_meta(checkpoint)
    sizes = {a: tuple(hw) for a, hw in meta.get("sizes", world.SIZES_PX).items()}
    return sizes, int(meta.get("fps", world.FPS))


def capabilities() -> dict:
    """What the configured model draws (callers read it, never change it)."""
    return _capabilities(backend_config())


@functools.lru_cache(maxsize=4)
def _capabilities(config: BackendConfig) -> dict:
    if config.open_vocabulary:
        sizes, fps = diffusers_sizes(config.short_side), config.fps
        vocabulary, languages = None, None  # the pipeline's own text encoder reads the prompt
        pet_forms = []  # it takes no likeness reference at all
        example = "a golden retriever surfing a big wave at sunset"
    else:
        sizes, fps = _served_frames(config.checkpoint)
        vocabulary = {slot: list(terms) for slot, terms in _slot_words(served_world_version(config.checkpoint)).items()}
        for slot in ("times_of_day", "weather"):  # every slot is listed; empty where the model did not learn it
            vocabulary.setdefault(slot, [])
        languages = list(LANGUAGES)
        pet_forms = list(world.PET_FORMS) if served_world_version(config.checkpoint) >= 2 else []
        example = world.caption(
            world.SceneSpec(objects=(world.ObjectSpec("ball", "red", "big", "bouncing"),), background="beach")
        )
    h, w = sizes["square"]
    return {
        "backend": config.name,
        "vocabulary": vocabulary,
        "languages": languages,
        "durations_s": list(world.DURATIONS_S),
        "aspects": {
            name: {
                "native": {"width": size[1], "height": size[0]},
                "output": dict(zip(("height", "width"), output_size(*size, short_side=delivered_short_side(*size)))),
            }
            for name, size in sizes.items()
        },
        "max_cameos": config.max_cameos,
        "pet_forms": pet_forms,
        "remix": config.remix,
        "native": {"width": w, "height": h, "fps": fps},
        "output_fps": OUTPUT_FPS,
        "example_prompt": example,
    }
