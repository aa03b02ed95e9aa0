"""The policy's training data are data files; the builder reproduces the committed dataset from them."""

import json

import pytest

from moderation.policy import make_dataset


def test_the_builder_reproduces_the_committed_dataset_byte_for_byte():
    rows = make_dataset.build()

    built = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    assert built == make_dataset.DATA_PATH.read_text(encoding="utf-8")


def test_every_hand_written_row_has_known_categories():
    from moderation.policy.dataset import CATEGORIES

    for path in make_dataset.HAND_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                assert row["text"].strip() and set(row["categories"]) <= set(CATEGORIES), (path.name, row)


def test_every_per_language_held_out_file_is_shaped_as_the_guide_asks():
    """Structure only (test_multilingual.py computes the verdicts): 60 prompts per language, 30
    harmful (from the fourth set on, every category at least twice over the file), 30 benign."""
    from moderation.policy.dataset import CATEGORIES
    from moderation.policy.evaluate import LANGUAGES
    from moderation.policy.train_multilingual import HELD_OUT_DIRS

    for folder in HELD_OUT_DIRS:
        for lang in LANGUAGES:
            if lang == "en":
                continue
            rows = [json.loads(line) for line in (folder / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines()]
            harmful = [r for r in rows if r["categories"]]
            assert len(rows) == 60 and len(harmful) == 30, (folder.name, lang)
            assert all(r["text"].strip() and set(r["categories"]) <= set(CATEGORIES) for r in rows), (folder.name, lang)
            assert all("sexual" in r["categories"] for r in rows if "sexual_minors" in r["categories"]), (
                folder.name,
                lang,
            )
            if folder in HELD_OUT_DIRS[3:]:  # from the fourth set on, written with every category at least twice
                counts = {c: sum(c in r["categories"] for r in rows) for c in CATEGORIES}
                assert min(counts.values()) >= 2, (lang, counts)


@pytest.mark.parametrize("name", ["heldout_e", "heldout_f", "heldout_g", "heldout_h", "heldout_i", "heldout_j"])
def test_the_fresh_conversation_sets_are_shaped_as_the_guide_asks_and_kept_out_of_training(name):
    """The fifth, seventh to tenth sets, each read once for one choice (rules/conversation_e5.md,
    rules/conversation_family.md, rules/conversation_read_sets.md, rules/read_sets_more.md,
    rules/read_sets_g_i.md), and the sixth, read once to measure the shipped heads: structure only here."""
    from moderation.policy.dataset import text_key
    from moderation.policy.train_conversation import CATEGORIES, held_out_rows, training_rows, unread_rows

    fresh = [r for r in held_out_rows() if r.source.startswith(name + "_")]
    assert all(r.text.strip() and set(r.categories) <= set(CATEGORIES) and r.kind in ("comment", "dm") for r in fresh)
    ordinary, abusive = sum(not r.harmful for r in fresh), sum(r.harmful for r in fresh)
    assert ordinary >= 300 and abusive >= 150, (ordinary, abusive)
    assert len({r.lang for r in fresh}) >= 10
    assert not {text_key(r.text) for r in fresh} & {text_key(r.text) for r in training_rows()}
    earlier = [r for r in held_out_rows() if r.source < name]
    assert not {text_key(r.text) for r in fresh} & {text_key(r.text) for r in earlier}
    assert not {text_key(r.text) for r in unread_rows()} & {text_key(r.text) for r in training_rows()}


def test_training_on_the_read_conversation_sets_adds_them_and_still_leaves_the_unread_ones_out():
    from moderation.policy.dataset import text_key
    from moderation.policy.train_conversation import held_out_rows, training_rows, unread_rows

    plain, with_read = training_rows(), training_rows(with_read=True)
    held = {text_key(r.text) for r in held_out_rows()}
    unread = {text_key(r.text) for r in unread_rows()}
    assert unread, "the unread set is what keeps this test meaningful"
    assert not held & {text_key(r.text) for r in plain}
    trained = {text_key(r.text) for r in with_read}
    assert len(held & trained) > 0.95 * len(held)  # only copies of unread messages are dropped
    assert not unread & trained
    assert len(with_read) > len(plain)


def test_training_the_prompt_head_on_the_read_sets_keeps_the_unread_set_held_out():
    from moderation.policy.dataset import load, text_key
    from moderation.policy.train_multilingual import HELD_OUT_DIRS, READ_DIRS, held_out_texts, training_rows

    def texts(folder):
        return {text_key(r["text"]) for p in folder.glob("*.jsonl") for r in map(json.loads, p.open(encoding="utf-8"))}

    unread = [folder for folder in HELD_OUT_DIRS if folder not in READ_DIRS]
    assert [f.name for f in unread] == [f"heldout_lang_{x}" for x in "qr"]  # the seventeenth set on
    rows, langs = training_rows()
    more, more_langs = training_rows(with_read=True)
    added = more[len(rows) :]
    assert len(added) == len(READ_DIRS) * 12 * 60 and set(more_langs[len(rows) :]) == set(langs) - {"en"}
    assert {text_key(r.text) for r in added} == set().union(*(texts(f) for f in READ_DIRS))
    # kept apart: the English held-out set and the unread set; the read sets only where they repeat one of those
    kept_apart = {text_key(t) for t in held_out_texts(with_read=True)}
    english = {text_key(r.text) for r in load("test")}
    assert kept_apart == english.union(*(texts(f) for f in unread))
    assert kept_apart < {text_key(t) for t in held_out_texts()}


def test_a_candidate_can_train_on_the_read_sets_up_to_a_letter_and_still_keeps_the_later_ones_apart():
    from moderation.policy.dataset import load, text_key
    from moderation.policy.train_multilingual import HELD_OUT_DIRS, held_out_texts, read_through

    def texts(folder):
        return {text_key(r["text"]) for p in folder.glob("*.jsonl") for r in map(json.loads, p.open(encoding="utf-8"))}

    through_k = read_through("k")
    assert [f.name for f in through_k] == [f.name for f in HELD_OUT_DIRS[:11]]
    later = [folder for folder in HELD_OUT_DIRS if folder not in through_k]
    assert [f.name for f in later] == [f"heldout_lang_{x}" for x in "lmnopqr"]
    kept_apart = {text_key(t) for t in held_out_texts(with_read=True, read_sets=through_k)}
    assert kept_apart == {text_key(r.text) for r in load("test")}.union(*(texts(f) for f in later))
    with pytest.raises(SystemExit, match="heldout_lang_z"):
        read_through("z")


def test_a_batch_adopted_since_is_already_among_the_rows_and_an_unknown_one_is_refused():
    """A head's meta names the batches it was trained with (f and g, rules/hard_benign_4.md; i, the served
    head's, hard_benign_6.md); once adopted they live beside the other rows, so naming them adds nothing twice."""
    from moderation.policy.dataset import text_key
    from moderation.policy.train_multilingual import MULTILINGUAL_DIR, training_rows

    assert all(len(sorted(MULTILINGUAL_DIR.glob(f"train_*_{b}.jsonl"))) == 12 for b in "fgi")
    rows, _ = training_rows()
    named, _ = training_rows(batches=("f", "g", "i"))
    assert [text_key(r.text) for r in named] == [text_key(r.text) for r in rows]
    kept_apart, _ = training_rows(batches=("c",))  # still in not_adopted/: added after the rows
    assert len(kept_apart) > len(rows)
    with pytest.raises(SystemExit, match="no batch 'z'"):
        training_rows(batches=("z",))
