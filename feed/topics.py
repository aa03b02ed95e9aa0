"""The fixed topic taxonomy and the labeller that puts videos into it.

A video gets every topic whose keywords appear in its prompt or caption; a
video with no keyword hit gets the nearest topic by MiniLM similarity when it
is close enough. Keywords come first because they are exact and explainable
("cat" is about cats); the encoder catches paraphrases ("a kitten on a
windowsill" has no keyword but sits next to the cats description).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from sora_social.embedder import embed

# topic -> (description for the encoder, keywords). Keywords match whole words,
# with a trailing s/es allowed.
TAXONOMY: dict[str, tuple[str, tuple[str, ...]]] = {
    "cats": ("cats and kittens", ("cat", "kitten", "kitty", "feline", "meow")),
    "dogs": (
        "dogs and puppies",
        (
            "dog",
            "puppy",
            "puppies",
            "pup",
            "doggo",
            "canine",
            "retriever",
            "poodle",
            "corgi",
            "husky",
            "labrador",
            "beagle",
            "pug",
        ),
    ),
    "animals": (
        "wild animals and pets",
        (
            "animal",
            "bird",
            "horse",
            "fox",
            "bear",
            "lion",
            "tiger",
            "elephant",
            "rabbit",
            "bunny",
            "owl",
            "wildlife",
            "pet",
            "penguin",
            "monkey",
        ),
    ),
    "nature": (
        "nature, forests, mountains and flowers",
        ("nature", "forest", "mountain", "flower", "tree", "meadow", "river", "waterfall", "garden", "sunset", "rain"),
    ),
    "ocean": (
        "the ocean, the sea and beaches",
        ("ocean", "sea", "beach", "wave", "whale", "dolphin", "coral", "surf", "shore", "underwater", "shark"),
    ),
    "space": (
        "outer space, planets and stars",
        ("space", "planet", "star", "galaxy", "astronaut", "rocket", "moon", "mars", "nebula", "orbit", "spaceship"),
    ),
    "science": (
        "science experiments and laboratories",
        ("science", "experiment", "lab", "laboratory", "chemistry", "physics", "biology", "molecule", "microscope"),
    ),
    "sports": (
        "sports and athletes",
        (
            "sport",
            "football",
            "soccer",
            "basketball",
            "tennis",
            "skateboard",
            "skate",
            "athlete",
            "goal",
            "race",
            "running",
            "surfing",
            "ski",
        ),
    ),
    "cars": ("cars and driving", ("car", "truck", "driving", "racecar", "motorcycle", "drift", "vehicle")),
    "music": (
        "music, songs and instruments",
        ("music", "song", "guitar", "piano", "drum", "concert", "singer", "band", "violin", "dj"),
    ),
    "dance": ("dancing and choreography", ("dance", "dancing", "dancer", "ballet", "choreography", "breakdance")),
    "comedy": ("comedy and funny sketches", ("comedy", "funny", "joke", "prank", "hilarious", "sketch", "meme")),
    "horror": (
        "horror, scary monsters and ghosts",
        ("horror", "scary", "ghost", "zombie", "monster", "haunted", "creepy", "demon", "blood", "nightmare", "gore"),
    ),
    "cooking": (
        "cooking food in a kitchen",
        ("cooking", "cook", "recipe", "kitchen", "food", "baking", "bake", "pasta", "cake", "chef", "pizza", "soup"),
    ),
    "anime": ("anime and manga style animation", ("anime", "manga", "chibi", "shonen", "ghibli")),
    "gaming": ("video games and gaming", ("game", "gaming", "gamer", "minecraft", "pixel", "arcade", "controller")),
    "fashion": (
        "fashion, clothes and outfits",
        ("fashion", "outfit", "dress", "runway", "clothes", "sneaker", "jacket"),
    ),
    "travel": (
        "travel to cities and landmarks",
        ("travel", "city", "trip", "tourist", "paris", "tokyo", "journey", "landmark", "vacation", "street"),
    ),
    "art": (
        "painting, drawing and art",
        ("art", "painting", "paint", "drawing", "sculpture", "watercolor", "artist", "canvas", "sketchbook"),
    ),
    "history": (
        "history and ancient times",
        ("history", "historical", "ancient", "medieval", "castle", "knight", "roman", "pharaoh", "viking"),
    ),
    "fantasy": (
        "fantasy worlds, dragons and magic",
        ("fantasy", "dragon", "wizard", "magic", "fairy", "elf", "unicorn", "spell", "enchanted"),
    ),
    "family": (
        "family, parents and children",
        (
            "family",
            "mom",
            "dad",
            "baby",
            "grandma",
            "grandpa",
            "grandmother",
            "grandfather",
            "kids",
            "children",
            "sibling",
            "parent",
        ),
    ),
    "news": ("news and current events", ("news", "headline", "breaking", "reporter", "election", "politics")),
    "tech": (
        "technology, robots and computers",
        ("tech", "technology", "robot", "computer", "ai", "phone", "gadget", "coding", "drone"),
    ),
}
TOPICS: tuple[str, ...] = tuple(TAXONOMY)

# Implied parents: a cat video is also an animal video.
PARENTS = {"cats": "animals", "dogs": "animals"}
# Not served to teens (the teen-safe filter). Fail closed: a video never
# labelled is not known to be safe either.
TEEN_UNSAFE = frozenset({"horror"})
# What "calm" means to the scorer after a low-mood check-in or a "calm" steering.
CALM = frozenset({"nature", "ocean", "art", "music", "cooking", "cats", "dogs", "animals", "travel", "family"})
INTENSE = frozenset({"horror", "news"})

# Below this the nearest description is a guess, not a label (measured on the
# encoder: unrelated prompts sit around 0.1-0.25 from every description, short
# on-topic ones around 0.3-0.5).
SIMILARITY_MIN = 0.29
EXTRA_SIMILARITY_MIN = 0.45  # a second topic beside a keyword one must be clearly close
UNSAFE_SIMILARITY_MIN = 0.38

_WORD = re.compile(r"[a-z0-9']+")


@lru_cache(maxsize=1)
def _keyword_index() -> dict[str, str]:
    index = {}
    for topic, (_, words) in TAXONOMY.items():
        for word in words:
            index.setdefault(word, topic)
    return index


def _stem(word: str) -> list[str]:
    out = [word]
    if word.endswith("es") and len(word) > 4:
        out.append(word[:-2])
    if word.endswith("s") and len(word) > 3:
        out.append(word[:-1])
    return out


def keyword_topics(text: str) -> list[str]:
    """Topics named by keywords in `text`, in the order they appear."""
    index = _keyword_index()
    found: list[str] = []
    for word in _WORD.findall(text.lower()):
        for form in _stem(word):
            topic = index.get(form)
            if topic and topic not in found:
                found.append(topic)
                break
    return found


@lru_cache(maxsize=1)
def topic_matrix() -> np.ndarray:
    """(len(TOPICS), 384) encoder vectors of the topic descriptions."""
    return embed([TAXONOMY[t][0] for t in TOPICS])


def nearest_topics(vector: np.ndarray, *, k: int = 1, minimum: float = SIMILARITY_MIN) -> list[tuple[str, float]]:
    sims = topic_matrix() @ vector
    order = np.argsort(-sims)[:k]
    return [(TOPICS[i], float(sims[i])) for i in order if sims[i] >= minimum]


def label(text: str, vector: np.ndarray | None) -> list[tuple[str, float]]:
    """[(topic, score)] for a video's text and its embedding, best first.

    Keyword topics score 1.0. The encoder adds up to two more topics that are
    clearly close (a spooky forest is nature by keyword and horror by meaning),
    and, when nothing else matched, the nearest topic if it is at all close.
    Teen-unsafe topics have a lower bar: a missed horror label is worse for a
    teen than a lost cat video."""
    labels = [(t, 1.0) for t in keyword_topics(text)]
    if vector is not None:
        sims = topic_matrix() @ vector
        named = {t for t, _ in labels}
        extra = 0
        for i in np.argsort(-sims):
            topic, sim = TOPICS[i], float(sims[i])
            bar = UNSAFE_SIMILARITY_MIN if topic in TEEN_UNSAFE else EXTRA_SIMILARITY_MIN
            if topic in named or sim < min(UNSAFE_SIMILARITY_MIN, EXTRA_SIMILARITY_MIN):
                continue
            if sim >= bar and (extra < 2 or topic in TEEN_UNSAFE):
                labels.append((topic, sim))
                extra += 1
        if not labels and float(sims.max()) >= SIMILARITY_MIN:
            labels.append((TOPICS[int(sims.argmax())], float(sims.max())))
    for topic, _ in list(labels):
        parent = PARENTS.get(topic)
        if parent and parent not in {t for t, _ in labels}:
            labels.append((parent, 0.5))
    return labels


def is_teen_safe(topics: list[str]) -> bool:
    return not (set(topics) & TEEN_UNSAFE)


def display(topic: str) -> str:
    return topic
