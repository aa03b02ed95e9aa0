"""Train the multilingual head: python -m moderation.policy.train_multilingual

The same recipe as the English head (train.py), on other features and rows:
1. Rows: the English training rows, the rows written in twelve other
   languages (data/multilingual/train_<lang>*.jsonl, by authors who never
   saw the held-out sets; train_<lang>_e.jsonl holds prompts at the border of
   sex education, counter-extremism and slang, rules/hard_benign.md; _f praise
   slang and shared names, _g short violent prompts and their benign
   look-alikes, rules/hard_benign_4.md; _i short close-ups of graphic
   violence beside benign twins, rules/hard_benign_6.md) and the
   per-language held-out sets already read (READ_DIRS, other authors' prompts;
   since 2026-12-07, rules/read_sets_prompts.md, read_sets_more.md,
   hard_benign.md, hard_benign_4.md and hard_benign_6.md; `--no-with-read`
   leaves them out),
   less any row that is a near-copy of a held-out prompt still kept apart
   (e5 cosine >= NEAR_COPY; those texts are read for this only, never their
   labels). The served head was trained with `--keep-lexicon --romanised`
   (rules/pet_names.md, hard_benign.md, hard_benign_4.md, hard_benign_6.md): every Chinese, Japanese, Hindi and Russian row in its
   script also as a romanised copy (romanise.py).
2. Features: multilingual-e5-small of the text, centred on the training mean
   (out-of-fold on the first 2,007 rows of other languages: recall 0.834 /
   false-block 0.071 as is, 0.875 / 0.074 centred), plus hashed words, word
   pairs and, in unspaced scripts, character pairs (multilingual.features).
3. Out-of-fold scores by group, rules added as at serving time; per category
   the adult threshold maximises recall - FALSE_BLOCK_COST x false-block on
   the rows this head will actually read (everything that is not plain
   English). All nine categories are the head's, public_figure and
   voice_imitation included.
4. The final head on all rows, saved with its thresholds; the English lexicon
   that routes text between the two heads is rebuilt from the same rows.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import numpy as np

from sora_social.embedder import model_dir

from . import e5, multilingual
from .classifier import combine
from .dataset import CATEGORIES, DATA_DIR, Example, group_hash, load, read, text_key
from .head import fit
from .normalize import normalize
from .rules import rules_apply
from .train import FALSE_BLOCK_COST, blocked_flags, calibrate, labels, out_of_fold, rates

MULTILINGUAL_DIR = DATA_DIR / "multilingual"
# Every per-language held-out set: training drops exact and near copies of their prompts. heldout_lang_d
# was written on 2026-12-06 after the other three had been read, and was first read the same day;
# heldout_lang_e was written after that (six authors, the guide alone), heldout_lang_f, _g and _h on
# 2026-12-07 (two authors each, the guide alone) for the choices after e's, heldout_lang_i the same
# day before heldout_lang_h was read, heldout_lang_j (three authors, the guide alone) before
# heldout_lang_i was read (rules/romanised.md), heldout_lang_k (three more) after heldout_lang_j
# was read (rules/pet_names_2.md), heldout_lang_l (three more) after heldout_lang_k was read, for
# the next choice (rules/hard_benign.md), heldout_lang_m (three more) before that choice's candidates
# were trained, for the choice after it (rules/hard_benign_2.md), heldout_lang_n (three more) before
# that one's were trained (rules/hard_benign_3.md), heldout_lang_o (three more) before that one's
# candidate was trained, for the choice after it (rules/hard_benign_4.md), heldout_lang_p (three
# more) before that choice's candidates were trained, for the choice after it, and heldout_lang_q
# (three more) after heldout_lang_p was read, before the next choice's candidates were trained
# (rules/hard_benign_6.md), and heldout_lang_r (three more) while they trained, before that choice was
# read, for the choice after it.
HELD_OUT_DIRS = tuple(
    DATA_DIR / name
    for name in (
        "heldout_lang",
        "heldout_lang_b",
        "heldout_lang_c",
        "heldout_lang_d",
        "heldout_lang_e",
        "heldout_lang_f",
        "heldout_lang_g",
        "heldout_lang_h",
        "heldout_lang_i",
        "heldout_lang_j",
        "heldout_lang_k",
        "heldout_lang_l",
        "heldout_lang_m",
        "heldout_lang_n",
        "heldout_lang_o",
        "heldout_lang_p",
        "heldout_lang_q",
        "heldout_lang_r",
    )
)
TUNE_SHARE = 0.8  # of the groups tune e5 (tune_e5.py); the rest calibrate the tuned head's thresholds
OTHER_SHARE_RATIO = 0.5
_ENGLISH_WORD = re.compile(r"^[a-z]+$")


# The per-language sets already read: `--with-read` trains on them (the first four since
# rules/read_sets_prompts.md, the fifth and sixth since rules/read_sets_more.md, the seventh to eleventh
# since rules/hard_benign.md, the twelfth to fourteenth since rules/hard_benign_4.md, the fifteenth and
# sixteenth since rules/hard_benign_6.md).
READ_DIRS = HELD_OUT_DIRS[:16]


def read_through(letter: str) -> tuple[Path, ...]:
    """The per-language sets from the first to heldout_lang_<letter>, to train on (`--read-through`)."""
    names = [folder.name for folder in HELD_OUT_DIRS]
    last = f"heldout_lang_{letter}"
    if last not in names:
        raise SystemExit(f"no per-language set {last} in HELD_OUT_DIRS")
    return HELD_OUT_DIRS[: names.index(last) + 1]


def read_named(names: list[str]) -> tuple[Path, ...]:
    """The read sets a head's file names (its meta "with_read")."""
    return tuple(folder for folder in HELD_OUT_DIRS if folder.name in set(names))


def training_rows(
    batches: tuple[str, ...] = (),
    with_read: bool = False,
    romanised: bool = False,
    read_sets: tuple[Path, ...] = READ_DIRS,
) -> tuple[list[Example], list[str]]:
    """(rows, language of each row): English first, then every data/multilingual file, then the
    named batches kept apart in data/multilingual/not_adopted/ (train_<lang>_<batch>.jsonl), then,
    `with_read`, the read per-language held-out sets (`read_sets`, READ_DIRS unless named: <lang>.jsonl), then, `romanised`,
    a romanised copy of each row written in a script romanise.py covers (same labels and group, so
    a row and its copy fall in the same cross-validation fold)."""
    rows = load("train")
    langs = ["en"] * len(rows)
    paths = sorted(MULTILINGUAL_DIR.glob("train_*.jsonl"))
    for batch in batches:
        found = sorted((MULTILINGUAL_DIR / "not_adopted").glob(f"train_*_{batch}.jsonl"))
        if not found and any(MULTILINGUAL_DIR.glob(f"train_*_{batch}.jsonl")):
            continue  # adopted since (a head's meta names the batches it was trained with): already among the rows
        if not found:
            raise SystemExit(f"no batch {batch!r} in data/multilingual/not_adopted/")
        paths += found
    for path in paths:
        lang = path.stem.split("_")[1]  # train_<lang>.jsonl, train_<lang>_b.jsonl, ...
        more = read(path, default_source=f"multilingual-{lang}")
        rows += more
        langs += [lang] * len(more)
    for path in sorted(p for folder in read_sets for p in folder.glob("*.jsonl")) if with_read else []:
        more = read(path, default_source=f"{path.parent.name}-{path.stem}")
        rows += more
        langs += [path.stem] * len(more)
    if romanised:
        rows, langs = with_romanised(rows, langs)
    return rows, langs


def with_romanised(rows: list[Example], langs: list[str]) -> tuple[list[Example], list[str]]:
    """The rows and, after them, a romanised copy of each one written in a script romanise.py covers,
    unless that spelling is already a row."""
    from .romanise import romanise

    seen = {text_key(r.text) for r in rows}
    more, more_langs = [], []
    for row, lang in zip(rows, langs):
        text = romanise(row.text, lang)
        if text is None or text_key(text) in seen:
            continue
        seen.add(text_key(text))
        more.append(Example(text=text, categories=row.categories, group=row.group, source=f"{row.source}-romanised"))
        more_langs.append(lang)
    return rows + more, langs + more_langs


def held_out_texts(with_read: bool = False, read_sets: tuple[Path, ...] = READ_DIRS) -> list[str]:
    """The English held-out set and every per-language set (`with_read`: less the read ones, trained on)."""
    texts = [r.text for r in load("test")]
    folders = [f for f in HELD_OUT_DIRS if not (with_read and f in read_sets)]
    for path in sorted(p for folder in folders for p in folder.glob("*.jsonl")):
        texts += [r.text for r in read(path, default_source="heldout")]
    return texts


def tuned_on(group: str) -> bool:
    """Whether a row's group tunes e5 (a stable split, the same in tune_e5 and here)."""
    return group_hash(group + "#tune") < TUNE_SHARE


def kept_rows(
    batches: tuple[str, ...] = (),
    with_read: bool = False,
    romanised: bool = False,
    read_sets: tuple[Path, ...] = READ_DIRS,
) -> tuple[list[Example], list[str], np.ndarray, int]:
    """The training rows less exact and near copies of held-out texts (e5 cosine >= NEAR_COPY, the base
    encoder's vectors): (rows, languages, their vectors, how many near-copies were dropped)."""
    rows, langs = training_rows(batches, with_read, romanised, read_sets)
    held_texts = held_out_texts(with_read, read_sets)
    held = {text_key(t) for t in held_texts}
    keep = [text_key(r.text) not in held for r in rows]
    rows = [r for r, k in zip(rows, keep) if k]
    langs = [lang for lang, k in zip(langs, keep) if k]
    print(f"{len(rows)} rows ({sum(lang != 'en' for lang in langs)} not English); embedding ...")
    vectors = multilingual.embed([r.text for r in rows], encoder="blocks")
    near = multilingual.near_copies(vectors, held_texts)
    rows = [r for r, n in zip(rows, near) if not n]
    langs = [lang for lang, n in zip(langs, near) if not n]
    return rows, langs, vectors[~near], int(near.sum())


def near_training(
    texts: list[str],
    batches: tuple[str, ...] = (),
    with_read: bool = False,
    romanised: bool = False,
    read_sets: tuple[Path, ...] = READ_DIRS,
) -> list[bool]:
    """Whether each text has an exact or near copy (e5 cosine >= NEAR_COPY) among these training rows."""
    rows, _ = training_rows(batches, with_read, romanised, read_sets)
    keys = {text_key(r.text) for r in rows}
    near = multilingual.near_copies(multilingual.embed(texts, encoder="blocks"), [r.text for r in rows])
    return [text_key(t) in keys or bool(n) for t, n in zip(texts, near)]


def build_lexicon(rows: list[Example], langs: list[str]) -> list[str]:
    """MiniLM's whole words and the English rows' words, less the words other languages use more.

    A word stays English only if its share of the English rows' words is at least
    OTHER_SHARE_RATIO of its share of the other languages' words: "video" and "music" stay,
    "de", "un", "la" and "con" (which English rows use in names) go."""
    from collections import Counter

    vocab_path = model_dir() / "vocab.txt"
    english = {w for w in vocab_path.read_text(encoding="utf-8").split() if _ENGLISH_WORD.match(w)}
    in_english, in_other = Counter(), Counter()
    for row, lang in zip(rows, langs):
        words = multilingual.words_of(normalize(row.text))
        (in_english if lang == "en" else in_other).update(words)
    english |= {w for w in in_english if _ENGLISH_WORD.match(w)}
    n_english, n_other = max(1, sum(in_english.values())), max(1, sum(in_other.values()))
    foreign = {w for w, n in in_other.items() if in_english[w] / n_english < OTHER_SHARE_RATIO * n / n_other}
    return sorted(english - foreign)


def write_lexicon(rows: list[Example], langs: list[str], keep: bool = False) -> np.ndarray:
    """Write the routing lexicon (`keep`: leave the committed one as it is); returns which rows it
    sends to the multilingual head."""
    lexicon = sorted(multilingual.lexicon()) if keep else build_lexicon(rows, langs)
    if not keep:
        multilingual.LEXICON_PATH.write_text("\n".join(lexicon) + "\n", encoding="utf-8")
        multilingual.lexicon.cache_clear()
    routed = np.array([not multilingual.is_plain_english(r.text, normalize(r.text)) for r in rows])
    is_en = np.array([lang == "en" for lang in langs])
    print(
        f"lexicon {len(lexicon)} words; routed to the multilingual head: {routed[~is_en].mean():.3f} of "
        f"other-language rows, {routed[is_en].mean():.3f} of English rows"
    )
    return routed


CALIBRATION_TEXTS = 1000


def calibrate_e5() -> None:
    """Measure e5's activation maxima for the int8 engine (e5.MAXIMA_PATH) over other-language training texts."""
    rows, langs = training_rows()
    texts = [r.text for r, lang in zip(rows, langs) if lang != "en"]
    chosen = np.random.default_rng(1).choice(len(texts), size=min(CALIBRATION_TEXTS, len(texts)), replace=False)
    maxima = e5.activation_maxima([multilingual.clean(texts[i]) or "." for i in sorted(chosen)])
    e5.save_maxima(maxima, {"texts": str(len(chosen)), "source": "data/multilingual/train_*.jsonl, seed 1"})
    print(f"wrote {e5.MAXIMA_PATH.name}: {len(maxima)} matrices from {len(chosen)} training texts")


COSTS = (6.0, 8.0, 10.0, 12.0, 15.0, 20.0, 30.0)
AUTO_FALSE_BLOCK = 0.05


def choose_cost(scores, rows, rule_results, cost: str) -> tuple[float, dict[str, float]]:
    """The price of a false block and the lines drawn at it: a number, or "auto", the smallest of COSTS
    whose out-of-fold false-block on these rows is at most AUTO_FALSE_BLOCK (the last if none is)."""
    if cost != "auto":
        return float(cost), calibrate(scores, rows, rule_only=(), cost=float(cost))
    for c in COSTS:
        lines = calibrate(scores, rows, rule_only=(), cost=c)
        recall, false_block = rates(blocked_flags(scores, rule_results, lines), rows)
        print(f"cost {c:>4}: out-of-fold recall {recall:.3f}, false-block {false_block:.3f}")
        if false_block <= AUTO_FALSE_BLOCK:
            break
    return c, lines


def main(args) -> None:
    if args.calibrate_e5:
        calibrate_e5()
        return
    if args.lexicon_only:  # only the routing lexicon, from the training rows (no embedding)
        write_lexicon(*training_rows())
        return
    t0 = time.perf_counter()
    batches = tuple(b for b in args.batches.split(",") if b)
    read_sets = read_through(args.read_through) if args.read_through else READ_DIRS
    rows, langs, vectors, dropped = kept_rows(batches, args.with_read, args.romanised, read_sets)
    print(f"dropped {dropped} near-copies of held-out prompts ({time.perf_counter() - t0:.0f} s)")
    # with the tuned encoder, thresholds come from the rows it never saw (their scores are honest)
    honest = np.ones(len(rows), dtype=bool)
    if args.encoder != "base":
        vectors = multilingual.embed([r.text for r in rows], encoder=args.encoder)
    if args.encoder == "tuned":
        honest = np.array([not tuned_on(r.group) for r in rows])

    routed = write_lexicon(rows, langs, keep=args.keep_lexicon)
    is_en = np.array([lang == "en" for lang in langs])

    center = vectors.mean(axis=0)
    vectors = multilingual.centered(vectors, center)
    x = np.stack([multilingual.features(v, r.text) for v, r in zip(vectors, rows)]).astype(np.float64)
    y = labels(rows, CATEGORIES)
    fit_args = dict(l2=args.l2, steps=args.steps, lr=args.lr)
    oof = out_of_fold(x, y, rows, folds=args.folds, categories=CATEGORIES, **fit_args)
    rule_results = [rules_apply(r.text) for r in rows]
    scores = [
        combine(dict(zip(CATEGORIES, p.tolist())), rr, head_names_people=True) for p, rr in zip(oof, rule_results)
    ]
    mine = np.where(routed & honest)[0]
    cost, thresholds = choose_cost(
        [scores[i] for i in mine], [rows[i] for i in mine], [rule_results[i] for i in mine], args.cost
    )
    blocked = blocked_flags([scores[i] for i in mine], [rule_results[i] for i in mine], thresholds)
    recall, false_block = rates(blocked, [rows[i] for i in mine])
    print(f"out-of-fold on the rows this head reads: harmful recall {recall:.3f}, benign false-block {false_block:.3f}")
    by_lang: dict[str, list[int]] = {}
    for j, i in enumerate(mine):
        by_lang.setdefault(langs[i], []).append(j)
    for lang, idx in sorted(by_lang.items()):
        r, f = rates([blocked[j] for j in idx], [rows[mine[j]] for j in idx])
        print(f"  {lang}: {len(idx)} rows, recall {r:.3f}, false-block {f:.3f}")
    print("thresholds", thresholds)

    model = fit(x, y, categories=CATEGORIES, harmful=np.array([r.harmful for r in rows]), **fit_args)
    model.thresholds = thresholds
    model.center = center
    model.meta = {
        "train_rows": len(rows),
        "other_language_rows": int((~is_en).sum()),
        "languages": sorted(set(langs)),
        "near_copies_dropped": dropped,
        "ngram_dim": multilingual.NGRAM_DIM,
        "folds": args.folds,
        **fit_args,
        "false_block_cost": cost,
        "encoder": multilingual.ENCODER,
        "e5": args.encoder,
        **({"adapters_sha256": e5.adapters_digest()} if args.encoder == "tuned" else {}),
        "batches": list(batches),
        "with_read": [f.name for f in read_sets] if args.with_read else [],
        "romanised": bool(args.romanised),
        "calibrated_on": int(len(mine)),
        "oof_harmful_recall": round(recall, 4),
        "oof_benign_false_block": round(false_block, 4),
    }
    model.save(Path(args.out))
    print(f"saved {args.out} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--l2", type=float, default=1e-4)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--out", default=str(multilingual.ML_HEAD_PATH))
    parser.add_argument(
        "--cost",
        default=str(FALSE_BLOCK_COST),
        help="the price of a false block for the lines, or 'auto' (rules/ml_cost.md)",
    )
    parser.add_argument("--keep-lexicon", action="store_true", help="route by the committed lexicon, unchanged")
    parser.add_argument(
        "--romanised",
        action="store_true",
        help="add a romanised copy of each Chinese, Japanese, Hindi and Russian row in its script (romanise.py)",
    )
    parser.add_argument(
        "--with-read",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="train on the read per-language held-out sets too (READ_DIRS; the default)",
    )
    parser.add_argument(
        "--read-through",
        default="",
        help="with --with-read: train on the per-language sets up to this letter (e.g. k), not READ_DIRS",
    )
    parser.add_argument("--batches", default="", help="batches from data/multilingual/not_adopted/ to add, e.g. c,d")
    parser.add_argument(
        "--encoder",
        default="base",
        choices=["base", "int8", "tuned"],
        help="e5 as shipped (4-bit blocks), the same in 8 bits, or with tune_e5's adapters (8 bits)",
    )
    parser.add_argument("--lexicon-only", action="store_true", help="rebuild the routing lexicon only")
    parser.add_argument(
        "--calibrate-e5", action="store_true", help="measure e5's activation maxima for its int8 engine only"
    )
    main(parser.parse_args())
