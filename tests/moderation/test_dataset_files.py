"""The policy's training data are data files; the builder reproduces the committed dataset from them."""

import json

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
