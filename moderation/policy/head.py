"""The trained head: one logistic regression per content category over the MiniLM embedding.

384 inputs, one weight vector and bias per category, so scoring a prompt
costs a (384,) x (384, C) product: the encoder is the whole latency budget.
Trained in numpy (full-batch gradient descent with Adam and L2) because the
data is a few hundred rows: no framework needed. Stored as safetensors with
the categories and the calibrated thresholds in the metadata.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HEAD_PATH = Path(__file__).with_name("head.safetensors")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


@dataclass
class Head:
    categories: tuple[str, ...]
    weight: np.ndarray  # (D, C)
    bias: np.ndarray  # (C,)
    thresholds: dict[str, float] = field(default_factory=dict)  # adult thresholds, calibrated in train.py
    meta: dict = field(default_factory=dict)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """(N, D) embeddings -> (N, C) probabilities."""
        return _sigmoid(x @ self.weight + self.bias)

    def save(self, path: Path = HEAD_PATH) -> None:
        from safetensors.numpy import save_file

        save_file(
            {"weight": self.weight.astype(np.float32), "bias": self.bias.astype(np.float32)},
            str(path),
            metadata={"categories": json.dumps(list(self.categories)),
                      "thresholds": json.dumps(self.thresholds), "meta": json.dumps(self.meta)},
        )

    @classmethod
    def load(cls, path: Path = HEAD_PATH) -> "Head":
        from safetensors import safe_open

        with safe_open(str(path), framework="numpy") as fh:
            md = fh.metadata()
            weight, bias = fh.get_tensor("weight"), fh.get_tensor("bias")
        return cls(categories=tuple(json.loads(md["categories"])), weight=weight, bias=bias,
                   thresholds=json.loads(md["thresholds"]), meta=json.loads(md.get("meta", "{}")))


def fit(x: np.ndarray, y: np.ndarray, *, categories: tuple[str, ...], l2: float = 1e-3,
        steps: int = 600, lr: float = 0.05, seed: int = 0) -> Head:
    """x (N, D) float32, y (N, C) in {0, 1}. Positives are up-weighted to balance each category."""
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
    return Head(categories=categories, weight=w.astype(np.float32), bias=b.astype(np.float32))
