"""The trained head: per-category logistic regressions, a nearest-neighbour memory and a gate.

For a prompt's features (the MiniLM embedding plus hashed words, features.py):

    p_c  = (1 - KNN_BLEND) * logistic_c(x) + KNN_BLEND * knn_c(embedding)
    score_c = p_c * gate(x)

- `logistic_c`: one weight vector and bias per category.
- `knn_c`: the labels of the KNN_K most similar training prompts (cosine on
  the embedding), weighted by exp(KNN_TEMP * similarity): it carries the
  local exceptions a linear model smooths away ("a stage combat class" sits
  among benign film prompts, not among violent ones).
- `gate`: one more logistic regression, harmful-at-all vs benign, trained on
  every row; a category fires only where the prompt also looks harmful as a
  whole, which is what cuts false blocks on benign prompts with one risky word.

Chosen by nested cross-validation on the training rows (train.py). On the
first 991 rows: the logistic head alone generalised to recall 0.971 /
benign false-block 0.073 on the outer folds, with the gate 0.952 / 0.028,
with the gate and the memory 0.965 / 0.028. On the 3137 rows of the second
edition (harder, four more authors): memory blend 0.3, 0.954 / 0.053; 0.5,
0.950 / 0.048 (shipped); a small MLP instead of the logistic part, 0.927 /
0.050 (docs/benchmarks.md has the table).

Scoring costs a (D,) x (D, C) product and a (384,) x (384, M) product for M
stored rows (about three thousand): the encoder is the whole latency budget.
Trained in numpy (full-batch gradient descent with Adam and L2) because the
data is a few thousand rows: no framework needed. Stored as safetensors with the
categories and the calibrated thresholds in the metadata.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HEAD_PATH = Path(__file__).with_name("head.safetensors")
EMBED_DIM = 384  # the first features are the L2-normalised embedding
KNN_K = 5
KNN_TEMP = 20.0
KNN_BLEND = 0.5
GATE_L2 = 1e-3


_lock = threading.Lock()
_loaded: dict[Path, Head] = {}


def cached(path: Path) -> Head:
    """The head stored at `path`, loaded once per process."""
    if path not in _loaded:
        with _lock:
            if path not in _loaded:
                _loaded[path] = Head.load(path)
    return _loaded[path]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


@dataclass
class Head:
    categories: tuple[str, ...]
    weight: np.ndarray  # (D, C)
    bias: np.ndarray  # (C,)
    gate_weight: np.ndarray  # (D,)
    gate_bias: float
    memory: np.ndarray  # (M, EMBED_DIM) training embeddings
    memory_labels: np.ndarray  # (M, C) in {0, 1}
    thresholds: dict[str, float] = field(default_factory=dict)  # adult thresholds, calibrated in train.py
    meta: dict = field(default_factory=dict)
    # The mean training embedding, when the head reads centred embeddings (the multilingual head:
    # e5's vectors share a large common direction that centring removes).
    center: np.ndarray | None = None

    def predict(self, x: np.ndarray) -> np.ndarray:
        """(N, D) features -> (N, C) scores in [0, 1]."""
        x = np.asarray(x, dtype=np.float32)
        logistic = _sigmoid(x @ self.weight + self.bias)
        similarity = x[:, :EMBED_DIM] @ self.memory.T  # (N, M) cosines
        k = min(KNN_K, similarity.shape[1])
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]  # (N, k)
        weights = np.exp(KNN_TEMP * (np.take_along_axis(similarity, nearest, 1) - 1.0))
        weights /= weights.sum(1, keepdims=True)
        knn = np.einsum("nk,nkc->nc", weights, self.memory_labels[nearest])
        gate = _sigmoid(x @ self.gate_weight + self.gate_bias)[:, None]
        return ((1.0 - KNN_BLEND) * logistic + KNN_BLEND * knn) * gate

    def save(self, path: Path = HEAD_PATH) -> None:
        from safetensors.numpy import save_file

        extra = {} if self.center is None else {"center": self.center.astype(np.float32)}
        save_file(
            {
                **extra,
                "weight": self.weight.astype(np.float32),
                "bias": self.bias.astype(np.float32),
                "gate_weight": self.gate_weight.astype(np.float32),
                "gate_bias": np.array([self.gate_bias], dtype=np.float32),
                "memory": self.memory.astype(np.float16),
                "memory_labels": self.memory_labels.astype(np.uint8),
            },
            str(path),
            metadata={
                "categories": json.dumps(list(self.categories)),
                "thresholds": json.dumps(self.thresholds),
                "meta": json.dumps(self.meta),
            },
        )

    @classmethod
    def load(cls, path: Path = HEAD_PATH) -> Head:
        from safetensors import safe_open

        with safe_open(str(path), framework="numpy") as fh:
            md = fh.metadata()
            t = {name: fh.get_tensor(name) for name in fh.keys()}
        return cls(
            categories=tuple(json.loads(md["categories"])),
            weight=t["weight"],
            bias=t["bias"],
            gate_weight=t["gate_weight"],
            gate_bias=float(t["gate_bias"][0]),
            memory=t["memory"].astype(np.float32),
            memory_labels=t["memory_labels"].astype(np.float32),
            thresholds=json.loads(md["thresholds"]),
            meta=json.loads(md.get("meta", "{}")),
            center=t.get("center"),
        )


def _logistic(
    x: np.ndarray, y: np.ndarray, *, l2: float, steps: int, lr: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """x (N, D), y (N, C) in {0, 1} -> weight (D, C), bias (C,). Positives are up-weighted per column."""
    rng = np.random.default_rng(seed)
    n, d = x.shape
    c = y.shape[1]
    w = rng.normal(0, 0.01, (d, c)).astype(np.float64)
    b = np.zeros(c)
    pos = y.sum(0).clip(min=1)
    # Balanced weighting: a rare category (a few dozen rows) must not be
    # learned as "always no", which is what plain likelihood prefers.
    wpos, wneg = n / (2 * pos), n / (2 * (n - pos).clip(min=1))
    sample_w = np.where(y > 0, wpos, wneg)  # (N, C)
    m_w, v_w, m_b, v_b = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        p = _sigmoid(x @ w + b)  # (N, C)
        g = sample_w * (p - y) / n  # (N, C)
        gw = x.T @ g + l2 * w  # (D, C)
        gb = g.sum(0)
        m_w = beta1 * m_w + (1 - beta1) * gw
        v_w = beta2 * v_w + (1 - beta2) * gw**2
        m_b = beta1 * m_b + (1 - beta1) * gb
        v_b = beta2 * v_b + (1 - beta2) * gb**2
        w -= lr * (m_w / (1 - beta1**t)) / (np.sqrt(v_w / (1 - beta2**t)) + eps)
        b -= lr * (m_b / (1 - beta1**t)) / (np.sqrt(v_b / (1 - beta2**t)) + eps)
    return w.astype(np.float32), b.astype(np.float32)


def fit(
    x: np.ndarray,
    y: np.ndarray,
    *,
    categories: tuple[str, ...],
    harmful: np.ndarray | None = None,
    l2: float = 1e-3,
    steps: int = 600,
    lr: float = 0.05,
    seed: int = 0,
) -> Head:
    """x (N, D) features, y (N, C) in {0, 1}: the logistic heads, the gate and the memory.

    `harmful` (N,): the gate's label, harmful under any category including the
    rule-only ones; by default any of `y`.
    """
    weight, bias = _logistic(x, y, l2=l2, steps=steps, lr=lr, seed=seed)
    harmful = (y.sum(1) > 0) if harmful is None else np.asarray(harmful)
    gate_weight, gate_bias = _logistic(
        x, harmful.astype(np.float64)[:, None], l2=GATE_L2, steps=steps, lr=lr, seed=seed
    )
    return Head(
        categories=categories,
        weight=weight,
        bias=bias,
        gate_weight=gate_weight[:, 0],
        gate_bias=float(gate_bias[0]),
        memory=np.asarray(x[:, :EMBED_DIM], dtype=np.float32),
        memory_labels=np.asarray(y, dtype=np.float32),
    )
