"""The conversation policy: what people say to each other in comments and direct messages.

The prompt policy judges what a video would show; a comment is what someone
says to people. Read by the prompt policy, ordinary comments were refused
("you killed it", "answer me", a timestamp) while a threat with no violent
word passed. This policy has its own categories, data and heads
(data/conversation/, LABELLING.md there):

    threat, harassment, hate, grooming, self_harm, doxxing, spam

Two readers, routed as prompts are (multilingual.is_plain_english): plain
English goes to MiniLM with hashed words and the English head
(conversation_en.safetensors), anything else to multilingual-e5-small with
hashed n-grams and the multilingual head (conversation_ml.safetensors). Both
heads are the prompt policy's kind (head.py: logistic + nearest neighbours +
a gate), trained by train_conversation.py, which also calibrates each
category's line on out-of-fold scores at a high price for an ordinary
message refused.

The prompt policy's `sexual_minors` score rides along (same vector, no second
encoding): over SEXUAL_MINORS_LINE, a message is `grooming`.

Context: a teen in the thread (the writer, the person written to, or the
creator of the video under which the comment is written) multiplies every
line by TEEN_FACTOR: stricter where a minor can be hurt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sora_social.embedder import embed_one

from . import classifier, multilingual
from .features import features
from .head import Head, cached
from .normalize import normalize

CATEGORIES: tuple[str, ...] = ("threat", "harassment", "hate", "grooming", "self_harm", "doxxing", "spam")
EN_HEAD_PATH = Path(__file__).with_name("conversation_en.safetensors")
ML_HEAD_PATH = Path(__file__).with_name("conversation_ml.safetensors")
TEEN_FACTOR = 0.7
MIN_THRESHOLD = 0.1
# The prompt policy's sexual_minors score over which a message is grooming. Chosen on the
# conversation training rows (never the held-out ones): at 0.5, 1 of 2,373 ordinary rows
# and 17 of 202 grooming rows; "I want a porn video of a 10 year old" in English and
# Chinese scores 0.99 and 0.88, which this head alone let through.
SEXUAL_MINORS_LINE = 0.5


@dataclass(frozen=True)
class Said:
    scores: dict[str, float]  # every category, 0..1
    reader: str  # "en": MiniLM and the English head; "multilingual": e5 and its head


def head(reader: str) -> Head:
    return cached(EN_HEAD_PATH if reader == "en" else ML_HEAD_PATH)


def reader_of(text: str) -> str:
    return "en" if multilingual.is_plain_english(text, normalize(text)) else "multilingual"


def score(text: str, *, embedding: np.ndarray | None = None, ml_embedding: np.ndarray | None = None) -> Said:
    """`embedding` (MiniLM of the normalised text) / `ml_embedding` (e5 of the text) let
    training and evaluation pass vectors they embedded in a batch; the rest is the same path.

    The prompt policy's `sexual_minors` reads the same vector too: a message asking for
    sexual content about a child is `grooming` whatever this head says."""
    normalized = normalize(text)
    if multilingual.is_plain_english(text, normalized):
        model, reader = head("en"), "en"
        vector = embed_one(normalized) if embedding is None else embedding
        probs = model.predict(features(vector, normalized)[None, :])[0]
        prompt = classifier.score(text, embedding=vector)
    else:
        model, reader = head("multilingual"), "multilingual"
        raw = multilingual.embed([text])[0] if ml_embedding is None else ml_embedding
        probs = model.predict(multilingual.features(multilingual.centered(raw, model.center), text)[None, :])[0]
        prompt = classifier.score(text, ml_embedding=raw)
    scores = dict(zip(model.categories, probs.tolist()))
    if prompt.scores["sexual_minors"] >= SEXUAL_MINORS_LINE:
        scores["grooming"] = max(scores["grooming"], classifier.RULE_SCORE)
    return Said(scores=scores, reader=reader)


def thresholds_for(reader: str, *, teen: bool, base: dict[str, float] | None = None) -> dict[str, float]:
    base = head(reader).thresholds if base is None else base
    factor = TEEN_FACTOR if teen else 1.0
    return {c: max(MIN_THRESHOLD, base.get(c, 0.5) * factor) for c in CATEGORIES}


def blocked(said: Said, *, teen: bool, base: dict[str, float] | None = None) -> list[str]:
    """The categories the message falls in for this thread, in CATEGORIES order ([]: allowed)."""
    limits = thresholds_for(said.reader, teen=teen, base=base)
    return [c for c in CATEGORIES if said.scores.get(c, 0.0) >= limits[c]]
