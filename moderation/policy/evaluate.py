"""Precision / recall per category on the held-out set: python -m moderation.policy.evaluate

Runs every held-out prompt (data/heldout.jsonl, see dataset.py for who wrote
it and when it was read) through the serving path (classifier.score and
blocked_categories, adult account, no cameo); only the embedding is done in
batches first. "Harmful recall" counts a harmful prompt as caught when it is
blocked under any category; "benign false-block" is the share of benign
prompts blocked at all.

`--lang all` (or `--lang es,zh`) prints the same two numbers per language:
English on data/heldout.jsonl, each other language on its own held-out file
(data/heldout_lang/<lang>.jsonl: 60 prompts, 30 harmful across the nine
categories and 30 benign, written from the labelling guide by two authors
who never saw the multilingual training rows). `--lang-dir heldout_lang_b`
reads the second set (data/heldout_lang_b/, 60 per language, written the
same way by another author after the first had been read twice); _c and _d
are the third and fourth (docs/benchmarks.md says which have been read).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from . import multilingual
from .classifier import blocked_categories, embed_texts, score
from .dataset import CATEGORIES, DATA_DIR, Example, load, read
from .normalize import normalize

HELD_OUT_LANG_DIR = DATA_DIR / "heldout_lang"
LANGUAGES = ("en", "es", "fr", "de", "pt", "it", "zh", "ja", "hi", "ar", "ru", "tr", "id")

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
    multilingual_share: float = 0.0  # the share of prompts the multilingual head read

    @property
    def meets_goals(self) -> bool:
        return self.harmful_recall >= GOAL_RECALL and self.benign_false_block <= GOAL_FALSE_BLOCK


def language_rows(lang: str, folder: str = HELD_OUT_LANG_DIR.name) -> list[Example]:
    if lang == "en":
        return load("test")
    return read(DATA_DIR / folder / f"{lang}.jsonl", default_source=f"{folder}-{lang}")


def evaluate(split: str = "test", *, teen: bool = False, has_cameo: bool = False) -> Report:
    return evaluate_rows(load(split), split=split, teen=teen, has_cameo=has_cameo)


def embedded(texts: list[str], *, english_only: bool = False) -> list[dict]:
    """Each text's vector for the reader it routes to, embedded in two batches: the keyword
    argument the scorers take, {"embedding": MiniLM} or {"ml_embedding": e5}."""
    from . import multilingual

    english = [english_only or multilingual.is_plain_english(t, normalize(t)) for t in texts]
    vectors = iter(embed_texts([t for t, e in zip(texts, english) if e]))
    ml_vectors = iter(multilingual.embed([t for t, e in zip(texts, english) if not e]))
    return [{"embedding": next(vectors)} if e else {"ml_embedding": next(ml_vectors)} for e in english]


def evaluate_rows(
    rows: list[Example], *, split: str, teen: bool = False, has_cameo: bool = False, english_only: bool = False
) -> Report:
    """`english_only`: every prompt to the English head, as before the multilingual one (for comparison)."""
    scored = [
        score(r.text, english_only=english_only, **vectors)
        for r, vectors in zip(rows, embedded([r.text for r in rows], english_only=english_only))
    ]
    predictions = [blocked_categories(s, teen=teen, has_cameo=has_cameo) for s in scored]
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
        multilingual_share=sum(s.reader == "multilingual" for s in scored) / max(1, len(scored)),
    )


def near_training_texts(
    languages: list[str],
    folder: str = HELD_OUT_LANG_DIR.name,
    *,
    with_read: bool = False,
    read_through: str = "",
    batches: tuple[str, ...] = (),
) -> set[str]:
    """The other languages' prompts in `folder` that have an exact or near copy among the served head's
    training rows (to compare it with a head trained without them); `with_read`: among those rows and
    the read per-language sets (train_multilingual --with-read), as always when the served head was
    trained on them (the sets its file names; `read_through`: up to that letter, to leave out the same
    prompts for a head trained on more of them; `batches`: and on these not adopted batches)."""
    from .train_multilingual import READ_DIRS, near_training, read_named
    from .train_multilingual import read_through as through

    served_read = multilingual.head().meta.get("with_read") or []
    with_read = with_read or bool(served_read) or bool(read_through)
    romanised = bool(multilingual.head().meta.get("romanised"))
    read_sets = through(read_through) if read_through else (read_named(served_read) if served_read else READ_DIRS)

    texts = [r.text for lang in languages if lang != "en" for r in language_rows(lang, folder)]
    batches = batches or tuple(multilingual.head().meta.get("batches") or ())
    near = near_training(texts, batches, with_read=with_read, romanised=romanised, read_sets=read_sets)
    skipped = {t for t, n in zip(texts, near) if n}
    print(f"left out: {len(skipped)} of {len(texts)} prompts with a near copy among the training rows")
    return skipped


def language_table(
    languages: list[str],
    folder: str = HELD_OUT_LANG_DIR.name,
    *,
    skipped: frozenset[str] | set[str] = frozenset(),
) -> tuple[str, list[tuple[str, Report, Report]]]:
    """The per-language table (adult and teen, and the English head alone) and the reports behind it,
    leaving out the prompts in `skipped` (near_training_texts, computed once to judge several heads on
    the same prompts)."""
    lines = [
        "| language | prompts | harmful recall | benign false-block | read by the multilingual head | "
        "teen recall | teen false-block | English head alone: recall / false-block |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    reports = []
    for lang in languages:
        rows = [r for r in language_rows(lang, folder) if r.text not in skipped]
        adult = evaluate_rows(rows, split=lang)
        teen = evaluate_rows(rows, split=lang, teen=True)
        before = evaluate_rows(rows, split=lang, english_only=True)
        reports.append((lang, adult, teen))
        met = adult.meets_goals
        lines.append(
            f"| {lang} | {adult.rows} | {adult.harmful_recall:.3f} | {adult.benign_false_block:.3f} | "
            f"{adult.multilingual_share:.2f} | {teen.harmful_recall:.3f} | {teen.benign_false_block:.3f} | "
            f"{before.harmful_recall:.3f} / {before.benign_false_block:.3f} |" + ("" if met else " ✗")
        )
    return "\n".join(lines), reports


def totals(pairs: list[tuple[Report, Report]]) -> str:
    """The other languages together, in prompts: caught, false blocks, and the same for teen accounts."""
    if not pairs:
        return ""

    def count(reports: list[Report], share: str, of: str) -> str:
        return f"{sum(round(getattr(r, share) * getattr(r, of)) for r in reports)} / {sum(getattr(r, of) for r in reports)}"

    adult, teen = [a for a, _ in pairs], [t for _, t in pairs]
    return (
        f"other languages together: caught {count(adult, 'harmful_recall', 'harmful')}, "
        f"false blocks {count(adult, 'benign_false_block', 'benign')}, "
        f"teen caught {count(teen, 'harmful_recall', 'harmful')}, "
        f"teen false blocks {count(teen, 'benign_false_block', 'benign')}"
    )


def write_guards(path: Path, more: list[str] = ()) -> None:
    """Re-measure the per-language regression guards (tests/moderation/per_language_guards.json) with the
    served head: harmful recall and benign false-block per language on each whole set the file names, and
    on the sets in `more`. The file's "about" is kept; say there what changed."""
    import json

    guards = json.loads(path.read_text(encoding="utf-8"))
    for folder in [*guards["sets"], *(m for m in more if m not in guards["sets"])]:
        reports = {lang: evaluate_rows(language_rows(lang, folder), split=lang) for lang in LANGUAGES if lang != "en"}
        guards["sets"][folder] = {
            "recall": {lang: round(r.harmful_recall, 3) for lang, r in reports.items()},
            "false_block": {lang: round(r.benign_false_block, 3) for lang, r in reports.items()},
        }
        caught = sum(round(r.harmful_recall * r.harmful) for r in reports.values())
        blocked = sum(round(r.benign_false_block * r.benign) for r in reports.values())
        print(
            f"{folder}: caught {caught} / {sum(r.harmful for r in reports.values())}, false blocks {blocked} / "
            f"{sum(r.benign for r in reports.values())}"
        )
    path.write_text(json.dumps(guards, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


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
    if args.write_guards:
        write_guards(Path(args.write_guards), [m for m in args.guard_sets.split(",") if m])
        return
    if args.lang:
        languages = list(LANGUAGES) if args.lang == "all" else args.lang.split(",")
        skipped = set()
        if args.skip_near_training:  # once, by the served head's rows and the options: the same prompts for every head
            skipped = near_training_texts(
                languages,
                args.lang_dir,
                with_read=args.with_read,
                read_through=args.read_through,
                batches=tuple(b for b in args.batches.split(",") if b),
            )
        for path in [h for h in args.heads.split(",") if h] or [str(multilingual.ML_HEAD_PATH)]:
            multilingual.ML_HEAD_PATH = Path(path)  # the head every scorer reads from now on (loaded once per path)
            print(f"\nmultilingual head: {path}")
            table, reports = language_table(languages, args.lang_dir, skipped=skipped)
            print(table)
            print(f"goals per language: recall >= {GOAL_RECALL}, false-block <= {GOAL_FALSE_BLOCK} (✗: not met)")
            print(totals([(a, t) for lang, a, t in reports if lang != "en"]))
            if args.mistakes:
                for lang, adult, _ in reports:
                    for text, labels, got in adult.mistakes:
                        print(f"  {lang} {'MISS' if labels else 'FP  '} {text!r} labels={list(labels)} got={got}")
        return
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
    parser.add_argument("--lang", default="", help="'all' or a comma-separated list: the per-language table")
    parser.add_argument("--lang-dir", default=HELD_OUT_LANG_DIR.name, help="the folder of per-language files, in data/")
    parser.add_argument(
        "--skip-near-training",
        action="store_true",
        help="leave out prompts with a near copy among the shipped head's training rows",
    )
    parser.add_argument(
        "--with-read",
        action="store_true",
        help="with --skip-near-training: the read per-language sets count as training rows too (always when the served head trained on them)",
    )
    parser.add_argument(
        "--read-through",
        default="",
        help="with --skip-near-training: the read sets up to this letter count as training rows (e.g. k)",
    )
    parser.add_argument(
        "--batches", default="", help="with --skip-near-training: these not adopted batches count as training rows too"
    )
    parser.add_argument(
        "--heads",
        default="",
        help="with --lang: comma-separated multilingual head files to judge one after the other on the same "
        "prompts (default: the served head, which also decides --skip-near-training's rows)",
    )
    parser.add_argument(
        "--write-guards",
        default="",
        help="re-measure the per-language guards in this JSON file (tests/moderation/per_language_guards.json) "
        "with the served head, on every set it names",
    )
    parser.add_argument("--guard-sets", default="", help="with --write-guards: more sets to guard, e.g. heldout_lang_o")
    main(parser.parse_args())
