"""Train the conversation policy's two heads: python -m moderation.policy.train_conversation

1. Rows: data/conversation/train_*.jsonl (comments and direct messages in
   thirteen languages, written from data/conversation/LABELLING.md by
   authors who never saw the held-out files) and the held-out files already
   read (data/conversation/heldout_*.jsonl: once read they measure nothing
   honestly, and they are other authors' messages; rules/conversation_read_sets.md),
   less any row that is a near-copy of an unread message (e5 cosine >= NEAR_COPY;
   the unread texts are read for this only, never their labels).
   `--no-with-read` leaves the read files out as well, as before 2026-12-07.
2. The English head reads the rows that route to it (plain English:
   multilingual.is_plain_english), as MiniLM of the normalised text plus
   hashed words; the multilingual head reads every row, as e5 centred on the
   training mean plus hashed n-grams (a message in English teaches it too).
3. Out-of-fold scores by group; per category, the line maximises
   recall - COST x ordinary-refused on the rows that head will actually read.
   COST is high: the goal refuses at most one ordinary message in a hundred
   over all seven categories together.
4. Each final head on all its rows, saved with its lines.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import multilingual
from .classifier import embed_texts
from .conversation import CATEGORIES, EN_HEAD_PATH, MIN_THRESHOLD, ML_HEAD_PATH, TEEN_FACTOR, Said, blocked
from .dataset import DATA_DIR, labelled_lines, text_key
from .features import features
from .head import fit
from .normalize import normalize
from .train import calibrate, labels, out_of_fold

CONVERSATION_DIR = DATA_DIR / "conversation"
COST = 40.0


@dataclass(frozen=True)
class Message:
    text: str
    categories: tuple[str, ...]
    lang: str
    kind: str
    teen: bool
    group: str
    source: str

    @property
    def harmful(self) -> bool:
        return bool(self.categories)


def read(path: Path) -> list[Message]:
    return [
        Message(
            text=raw["text"],
            categories=tuple(raw["categories"]),
            lang=raw["lang"],
            kind=raw.get("kind", "comment"),
            teen=bool(raw.get("teen", False)),
            group=raw.get("group", text_key(raw["text"])),
            source=path.stem,
        )
        for raw in labelled_lines(path, CATEGORIES)
    ]


def kept_apart(with_read: bool = False) -> list[Message]:
    """The messages training leaves out, with their copies and near copies: the unread ones, and the
    read held-out ones too unless `with_read` trains on them."""
    return unread_rows() if with_read else held_out_rows() + unread_rows()


def training_rows(with_read: bool = False) -> list[Message]:
    """The training files, less copies of held-out and unread messages; `with_read`: the read
    held-out files are training rows too (only copies of unread messages are left out)."""
    held = {text_key(r.text) for r in kept_apart(with_read)}
    rows = [r for path in sorted(CONVERSATION_DIR.glob("train_*.jsonl")) for r in read(path)]
    if with_read:
        rows += held_out_rows()
    return [r for r in rows if text_key(r.text) not in held]


def unread_rows() -> list[Message]:
    """Held-out messages written for a later choice and not yet read (data/conversation/unread/):
    training drops their copies and near-copies, and nothing evaluates them until they are moved
    beside the other held-out files for the one read they were written for."""
    return [r for path in sorted((CONVERSATION_DIR / "unread").glob("*.jsonl")) for r in read(path)]


def held_out_rows(names: list[str] | None = None) -> list[Message]:
    """Every held-out file, or the named ones ("heldout_c")."""
    paths = sorted(CONVERSATION_DIR.glob("heldout_*.jsonl"))
    return [r for path in paths if names is None or path.stem in names for r in read(path)]


def rates(flags: list[bool], rows: list[Message]) -> tuple[float, float]:
    """(abusive caught, ordinary refused)."""
    caught = [f for f, r in zip(flags, rows) if r.harmful]
    refused = [f for f, r in zip(flags, rows) if not r.harmful]
    return float(np.mean(caught)) if caught else 0.0, float(np.mean(refused)) if refused else 0.0


def calibrate_in_context(scores: list[dict[str, float]], rows: list[Message], *, cost: float) -> dict[str, float]:
    """train.calibrate with each row judged in its own thread, as served: against the line t,
    or t x TEEN_FACTOR where a teen is in it."""
    factors = np.array([TEEN_FACTOR if r.teen else 1.0 for r in rows])
    return calibrate(scores, rows, rule_only=(), categories=CATEGORIES, cost=cost, factors=factors, floor=MIN_THRESHOLD)


def _train_one(name, x, rows, routed, *, folds, cost, fit_args, center=None):
    """Out-of-fold lines on the rows this head reads, then the head on all its rows."""
    y = labels(rows, CATEGORIES)
    oof = out_of_fold(x, y, rows, folds=folds, categories=CATEGORIES, **fit_args)
    scores = [dict(zip(CATEGORIES, p.tolist())) for p in oof]
    mine = np.where(routed)[0]
    thresholds = calibrate_in_context([scores[i] for i in mine], [rows[i] for i in mine], cost=cost)
    reader = "en" if name == "en" else "multilingual"
    report = {}
    for teen in (False, True):
        flags = [bool(blocked(Said(scores[i], reader), teen=teen, base=thresholds)) for i in mine]
        caught, refused = rates(flags, [rows[i] for i in mine])
        report["teen" if teen else "adult"] = (round(caught, 4), round(refused, 4))
        who = f"teen threads (lines x {TEEN_FACTOR})" if teen else "adult threads"
        print(
            f"[{name}] out-of-fold, {len(mine)} rows, {who}: abusive caught {caught:.3f}, ordinary refused {refused:.3f}"
        )
    print(f"[{name}] lines {thresholds}")
    model = fit(x, y, categories=CATEGORIES, harmful=np.array([r.harmful for r in rows]), **fit_args)
    model.thresholds = thresholds
    model.center = center
    model.meta = {
        "train_rows": len(rows),
        "rows_read": int(len(mine)),
        "languages": sorted({r.lang for r in rows}),
        "folds": folds,
        "cost": cost,
        **fit_args,
        "oof_adult": report["adult"],
        "oof_teen": report["teen"],
    }
    return model


def main(args) -> None:
    t0 = time.perf_counter()
    rows = training_rows(args.with_read)
    read_sets = sorted({r.source for r in rows if r.source.startswith("heldout_")})
    held_texts = [r.text for r in kept_apart(args.with_read)]
    print(f"{len(rows)} rows ({sum(r.harmful for r in rows)} abusive); embedding with e5 ...")
    ml = multilingual.embed([r.text for r in rows], encoder="blocks")
    near = multilingual.near_copies(ml, held_texts)  # by e5 as shipped, whichever e5 the heads read
    rows = [r for r, n in zip(rows, near) if not n]
    ml = ml[~near]
    print(f"dropped {int(near.sum())} near-copies of held-out messages")
    encoder = multilingual.served_encoder()  # the prompt head's: a message is embedded once, for both
    if encoder != "base":
        ml = multilingual.embed([r.text for r in rows], encoder=encoder)
    english = np.array([multilingual.is_plain_english(r.text, normalize(r.text)) for r in rows])
    fit_args = dict(l2=args.l2, steps=args.steps, lr=args.lr)

    center = ml.mean(axis=0)
    ml = multilingual.centered(ml, center)
    x_ml = np.stack([multilingual.features(v, r.text) for v, r in zip(ml, rows)]).astype(np.float64)
    model = _train_one(
        "multilingual", x_ml, rows, ~english, folds=args.folds, cost=args.cost, fit_args=fit_args, center=center
    )
    model.meta["encoder"] = multilingual.ENCODER
    model.meta["e5"] = encoder
    model.meta["with_read"] = bool(args.with_read)
    model.meta["read_sets"] = read_sets
    model.save(Path(args.out_ml))

    en_rows = [r for r, e in zip(rows, english) if e]
    vectors = embed_texts([r.text for r in en_rows])
    x_en = np.stack([features(v, normalize(r.text)) for v, r in zip(vectors, en_rows)]).astype(np.float64)
    model = _train_one(
        "en", x_en, en_rows, np.ones(len(en_rows), bool), folds=args.folds, cost=args.cost, fit_args=fit_args
    )
    model.meta["encoder"] = "all-MiniLM-L6-v2 (sora_social.embedder)"
    model.meta["with_read"] = bool(args.with_read)
    model.meta["read_sets"] = read_sets
    model.save(Path(args.out_en))
    print(f"saved both heads in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--l2", type=float, default=1e-4)
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--cost", type=float, default=COST)
    parser.add_argument("--out-en", default=str(EN_HEAD_PATH))
    parser.add_argument("--out-ml", default=str(ML_HEAD_PATH))
    parser.add_argument(
        "--with-read",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="train on the read held-out files too (data/conversation/heldout_*; the default)",
    )
    main(parser.parse_args())
