"""Fine-tune e5 for the prompt policy with low-rank adapters: python -m moderation.policy.tune_e5

The multilingual head reads e5's sentence vector as e5 gives it. Here e5 itself learns from the
labelled rows: every layer matrix W gets a trainable low-rank update (W + B A x alpha / rank; e5's
own weights stay frozen) and a linear classifier on the pooled vector learns the nine categories and
"harmful", with binary cross-entropy. Only the adapters are saved (float16, about 1 MB); serving
adds them to e5's matrices before the int8 engine quantises them (e5.tuned_arrays).

Rows: the multilingual head's training rows less near-copies of held-out prompts
(train_multilingual.kept_rows). They are split by group: TUNE_SHARE of the groups tune the encoder,
the rest are never seen by it, so that the head's thresholds can be calibrated on honest scores
(train_multilingual --encoder tuned calibrates on those rows only).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from . import e5, multilingual
from .dataset import CATEGORIES
from .train import labels
from .train_multilingual import TUNE_SHARE, kept_rows, tuned_on

MAX_TOKENS = 96  # training reads the first 96 tokens of a prompt (serving reads all of it)


def main(args) -> None:
    t0 = time.perf_counter()
    batches = tuple(b for b in args.batches.split(",") if b)
    rows, _, _, dropped = kept_rows(batches)
    mine = [r for r in rows if tuned_on(r.group)]
    print(
        f"{len(rows)} rows after {dropped} near-copies dropped; tuning on {len(mine)} ({time.perf_counter() - t0:.0f} s)"
    )
    adapters = tune(mine, args)
    meta = {
        "rank": str(args.rank),
        "alpha": str(e5.ADAPTER_ALPHA),
        "epochs": str(args.epochs),
        "lr": str(args.lr),
        "batch": str(args.batch),
        "seed": str(args.seed),
        "tuned_rows": str(len(mine)),
        "tune_share": str(TUNE_SHARE),
        "batches": ",".join(batches),
    }
    e5.save_adapters(adapters, meta, Path(args.out))
    print(f"saved {args.out} in {time.perf_counter() - t0:.0f} s")


def tune(rows, args) -> dict:
    """Adapters on e5 trained on these rows' categories and harmfulness (e5's own weights stay frozen)."""
    import torch

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    y = torch.from_numpy(
        np.concatenate([labels(rows, CATEGORIES), np.array([[r.harmful] for r in rows])], axis=1).astype(np.float32)
    )
    ids = []
    for r in rows:
        window = e5.windows(multilingual.clean(r.text) or ".")[0]
        ids.append(window[: MAX_TOKENS - 1] + [window[-1]] if len(window) > MAX_TOKENS else window)

    model = e5.teacher()
    for p in model.parameters():
        p.requires_grad_(False)
    adapters = e5.add_adapters(model, args.rank)
    classifier = torch.nn.Linear(e5.DIM, y.shape[1])
    params = [p for a in adapters.values() for p in (a.a, a.b)] + list(classifier.parameters())
    optimiser = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(ids) + args.batch - 1) // args.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=args.lr, total_steps=steps, pct_start=0.1)
    positive = y.mean(0).clamp(min=0.01)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=((1 - positive) / positive).clamp(max=10.0))
    rng = np.random.default_rng(args.seed)
    step = 0
    model.train()
    for epoch in range(args.epochs):
        # batches of similar length (little padding), in random order
        order = np.argsort([len(x) + rng.random() * 8 for x in ids])
        batches = [order[s : s + args.batch] for s in range(0, len(order), args.batch)]
        rng.shuffle(batches)
        total = 0.0
        for chosen in batches:
            tokens, mask = e5.batch([ids[i] for i in chosen])
            pooled = model(torch.from_numpy(tokens), torch.from_numpy(mask))
            logits = classifier(torch.nn.functional.normalize(pooled, dim=-1) * args.scale)
            loss = loss_fn(logits, y[chosen])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            total += float(loss) * len(chosen)
            if step % 50 == 0:
                print(
                    f"epoch {epoch + 1} step {step}/{steps} loss {float(loss):.4f} ({time.perf_counter() - t0:.0f} s)"
                )
        print(f"epoch {epoch + 1}: mean loss {total / len(ids):.4f} ({time.perf_counter() - t0:.0f} s)")
    return adapters


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rank", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--scale", type=float, default=20.0, help="the normalised vector's scale into the classifier")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batches", default="", help="batches from data/multilingual/not_adopted/ to add, e.g. c,d")
    parser.add_argument("--out", default=str(e5.TUNED_PATH))
    main(parser.parse_args())
