"""Precision / recall per category on the held-out set: python -m moderation.policy.evaluate

Runs every held-out prompt (data/heldout.jsonl, see dataset.py for who wrote
it and when it was read) through the serving path (classifier.score and
blocked_categories, adult account, no cameo); only the embedding is done in
batches first. "Harmful recall" counts a harmful prompt as caught when it is
blocked under any category; "benign false-block" is the share of benign
prompts blocked at all.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from .classifier import blocked_categories, embed_texts, score
from .dataset import CATEGORIES, load

GOAL_RECALL = 0.95
GOAL_FALSE_BLOCK = 0.05


@dataclass(frozen=True)
class CategoryMetrics:
    category: str
    support: int  # held-out prompts labelled with it
    predicted: int  # held-out prompts blocked under it
    true_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.support if self.support else 1.0


@dataclass(frozen=True)
class Report:
    split: str
    rows: int
    harmful: int
    benign: int
    harmful_recall: float
    benign_false_block: float
    per_category: list[CategoryMetrics]
    mistakes: list[tuple[str, tuple[str, ...], list[str]]]  # (text, labels, blocked as)

    @property
    def meets_goals(self) -> bool:
        return self.harmful_recall >= GOAL_RECALL and self.benign_false_block <= GOAL_FALSE_BLOCK


def evaluate(split: str = "test", *, teen: bool = False, has_cameo: bool = False) -> Report:
    rows = load(split)
    vectors = embed_texts([r.text for r in rows])
    predictions = [
        blocked_categories(score(r.text, embedding=v), teen=teen, has_cameo=has_cameo) for r, v in zip(rows, vectors)
    ]
    per_category = []
    for c in CATEGORIES:
        per_category.append(
            CategoryMetrics(
                category=c,
                support=sum(c in r.categories for r in rows),
                predicted=sum(c in p for p in predictions),
                true_positives=sum(c in r.categories and c in p for r, p in zip(rows, predictions)),
            )
        )
    harmful = [bool(p) for r, p in zip(rows, predictions) if r.harmful]
    benign = [bool(p) for r, p in zip(rows, predictions) if not r.harmful]
    mistakes = [(r.text, r.categories, p) for r, p in zip(rows, predictions) if bool(p) != r.harmful]
    return Report(
        split=split,
        rows=len(rows),
        harmful=len(harmful),
        benign=len(benign),
        harmful_recall=sum(harmful) / max(1, len(harmful)),
        benign_false_block=sum(benign) / max(1, len(benign)),
        per_category=per_category,
        mistakes=mistakes,
    )


def markdown(report: Report) -> str:
    lines = [
        f"{'Held-out' if report.split == 'test' else 'Training'} set: {report.rows} prompts ({report.harmful} harmful, {report.benign} benign).",
        "",
        "| category | support | blocked as | precision | recall |",
        "|---|---:|---:|---:|---:|",
    ]
    for m in report.per_category:
        lines.append(f"| {m.category} | {m.support} | {m.predicted} | {m.precision:.3f} | {m.recall:.3f} |")
    lines += [
        f"| **harmful recall (any category)** | {report.harmful} | | | **{report.harmful_recall:.3f}** |",
        f"| **benign false-block rate** | {report.benign} | {round(report.benign_false_block * report.benign)} | | "
        f"**{report.benign_false_block:.3f}** |",
    ]
    return "\n".join(lines)


def main(args) -> None:
    report = evaluate(args.split)
    print(markdown(report))
    print()
    print(
        f"goals (recall >= {GOAL_RECALL}, false-block <= {GOAL_FALSE_BLOCK}):",
        "met" if report.meets_goals else "NOT met",
    )
    teen = evaluate(args.split, teen=True)
    print(
        f"teen account, same split: harmful recall {teen.harmful_recall:.3f}, "
        f"benign false-block {teen.benign_false_block:.3f} (stricter on purpose)"
    )
    if args.mistakes:
        for text, labels, got in report.mistakes:
            print(f"  {'MISS' if labels else 'FP  '} {text!r} labels={list(labels)} got={got}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=["test", "train"])
    parser.add_argument("--mistakes", action="store_true", help="list the prompts it got wrong")
    main(parser.parse_args())
