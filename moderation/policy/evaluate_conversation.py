"""The conversation policy on its held-out messages: python -m moderation.policy.evaluate_conversation

Every held-out message (data/conversation/heldout_*.jsonl, written from
data/conversation/LABELLING.md by two authors who never saw the training
rows) goes through the serving path (conversation.score and blocked; only
the embedding is batched). A message is judged in its own thread: teen
lines where the row says a teen is in it. "Abusive caught" counts an
abusive message refused under any category; "ordinary refused" is the share
of ordinary messages refused at all. For comparison, the same messages
through the prompt policy, which read comments and messages before.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

from . import classifier, multilingual
from .conversation import CATEGORIES, Said, blocked, score
from .evaluate import embedded
from .train_conversation import Message, held_out_rows, rates, unread_rows

GOAL_CAUGHT = 0.9
GOAL_REFUSED = 0.01


def scored(rows: list[Message]) -> list[Said]:
    """conversation.score on every row, with the embeddings batched first."""
    return [score(r.text, **vectors) for r, vectors in zip(rows, embedded([r.text for r in rows]))]


def near_training(rows: list[Message]) -> list[bool]:
    """Whether each message has a row within e5 cosine NEAR_COPY in the training files as they are, or in
    the held-out files the served heads were trained on (their `read_sets`)."""
    from .conversation import head
    from .train_conversation import CONVERSATION_DIR, read

    train = [r.text for path in sorted(CONVERSATION_DIR.glob("train_*.jsonl")) for r in read(path)]
    trained_on = {name for reader in ("en", "multilingual") for name in head(reader).meta.get("read_sets", [])}
    train += [r.text for r in held_out_rows(sorted(trained_on))] if trained_on else []
    vectors = multilingual.embed([r.text for r in rows], encoder="blocks")
    return [bool(n) for n in multilingual.near_copies(vectors, train)]


def report(rows: list[Message], *, prompt_policy: bool = True) -> dict:
    said = scored(rows)
    as_labelled = [blocked(s, teen=r.teen) for s, r in zip(said, rows)]
    adult = [bool(blocked(s, teen=False)) for s in said]
    teen = [bool(blocked(s, teen=True)) for s in said]
    before = None
    if prompt_policy:
        before = [
            bool(classifier.blocked_categories(classifier.score(r.text), teen=r.teen, has_cameo=False)) for r in rows
        ]
    by_lang = defaultdict(list)
    for i, r in enumerate(rows):
        by_lang[r.lang].append(i)
    return {
        "rows": rows,
        "said": said,
        "as_labelled": as_labelled,
        "adult": adult,
        "teen": teen,
        "before": before,
        "by_lang": dict(sorted(by_lang.items(), key=lambda kv: (kv[0] != "en", kv[0]))),
    }


def table(result: dict) -> str:
    rows, labelled = result["rows"], [bool(b) for b in result["as_labelled"]]
    lines = [
        "| language | messages | ordinary / abusive | abusive caught | ordinary refused | adult threads: caught / refused "
        "| teen threads: caught / refused | prompt policy before: caught / refused |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    groups = list(result["by_lang"].items()) + [("**all**", list(range(len(rows))))]
    for lang, idx in groups:
        sub = [rows[i] for i in idx]
        c, f = rates([labelled[i] for i in idx], sub)
        ac, af = rates([result["adult"][i] for i in idx], sub)
        tc, tf = rates([result["teen"][i] for i in idx], sub)
        before = ""
        if result["before"] is not None:
            bc, bf = rates([result["before"][i] for i in idx], sub)
            before = f"{bc:.3f} / {bf:.3f}"
        n_ord = sum(not r.harmful for r in sub)
        lines.append(
            f"| {lang} | {len(sub)} | {n_ord} / {len(sub) - n_ord} | {c:.3f} | {f:.3f} | {ac:.3f} / {af:.3f} | "
            f"{tc:.3f} / {tf:.3f} | {before} |"
        )
    return "\n".join(lines)


def category_table(result: dict) -> str:
    rows, got = result["rows"], result["as_labelled"]
    lines = [
        "| category | support | caught under it | caught at all | refused as it (precision) |",
        "|---|---:|---:|---:|---:|",
    ]
    for c in CATEGORIES:
        support = [i for i, r in enumerate(rows) if c in r.categories]
        under = sum(c in got[i] for i in support)
        at_all = sum(bool(got[i]) for i in support)
        predicted = sum(c in g for g in got)
        correct = sum(c in g and c in r.categories for g, r in zip(got, rows))
        precision = correct / predicted if predicted else 1.0
        lines.append(f"| {c} | {len(support)} | {under} | {at_all} | {predicted} ({precision:.2f}) |")
    return "\n".join(lines)


def main(args) -> None:
    rows = unread_rows() if args.unread else held_out_rows(args.files.split(",") if args.files else None)
    if args.skip_near_training:
        near = near_training(rows)
        print(f"left out: {sum(near)} of {len(rows)} messages with a near copy among the training rows")
        rows = [r for r, n in zip(rows, near) if not n]
    result = report(rows, prompt_policy=not args.no_before)
    others = [i for i, r in enumerate(rows) if result["said"][i].reader != "en"]
    blocked_flags = [bool(result["as_labelled"][i]) for i in others]
    abusive = [rows[i].harmful for i in others]
    print(
        f"messages the multilingual head read: {len(others)} ({sum(abusive)} abusive): "
        f"caught {sum(b and a for b, a in zip(blocked_flags, abusive))}, "
        f"refused {sum(b and not a for b, a in zip(blocked_flags, abusive))}"
    )
    print(table(result))
    print()
    print(category_table(result))
    caught, refused = rates([bool(b) for b in result["as_labelled"]], rows)
    met = caught >= GOAL_CAUGHT and refused <= GOAL_REFUSED
    print(
        f"\ngoals (abusive caught >= {GOAL_CAUGHT}, ordinary refused <= {GOAL_REFUSED}):", "met" if met else "NOT met"
    )
    if args.mistakes:
        for r, g in zip(rows, result["as_labelled"]):
            if bool(g) != r.harmful:
                print(f"  {r.lang} {'MISS' if r.harmful else 'FP  '} {r.text!r} labels={list(r.categories)} got={g}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mistakes", action="store_true", help="list the messages it got wrong (reads the texts)")
    parser.add_argument("--no-before", action="store_true", help="skip the prompt policy's numbers")
    parser.add_argument("--files", default="", help="comma-separated held-out files (default: all), e.g. heldout_c")
    parser.add_argument("--unread", action="store_true", help="the messages in data/conversation/unread/ instead")
    parser.add_argument(
        "--skip-near-training", action="store_true", help="leave out messages with a near copy among the training rows"
    )
    main(parser.parse_args())
