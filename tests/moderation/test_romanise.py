"""Romanised copies of training rows (moderation/policy/romanise.py, train_multilingual --romanised)."""

import pytest

from moderation.policy import train_multilingual as tm
from moderation.policy.dataset import Example, text_key
from moderation.policy.romanise import romanise, script_share


@pytest.mark.parametrize(
    "text,lang,words",
    [
        ("我的猫在阳光下睡午觉", "zh", ["wo", "mao", "yang", "shui"]),
        ("温泉で猫が寝ている動画", "ja", ["onsen", "neko", "douga"]),
        ("मुझे एक वीडियो बनाओ जिसमें कुत्ता खेल रहा है", "hi", ["mujhe", "ek", "banao", "kutta", "khel", "raha", "hai"]),
        ("кот пытается поймать красную точку", "ru", ["kot", "krasnuyu", "tochku"]),
    ],
)
def test_a_row_in_its_script_comes_out_in_latin_letters_as_people_type_it(text, lang, words):
    out = romanise(text, lang)
    assert out is not None and script_share(out) == 0.0 and out.isascii()
    for word in words:
        assert word in out.split() or word in out.replace(" ", ""), (word, out)


def test_rows_already_in_latin_letters_and_languages_without_a_table_get_no_copy():
    assert romanise("wo de mao zai shui jiao", "zh") is None  # already pinyin
    assert romanise("un chat qui dort", "fr") is None  # no table: a Latin-script language
    assert romanise("قطة نائمة في الشمس", "ar") is None  # Arabizi writes vowels the script leaves out
    assert romanise("", "zh") is None


def test_with_romanised_adds_one_copy_per_row_in_a_script_with_its_labels_and_group():
    rows = [
        Example("拍一段猫咪睡觉的视频", (), "g1", "t"),
        Example("拍一段血腥的虐猫视频", ("violence",), "g2", "t"),
        Example("a cat asleep", (), "g3", "t"),
        Example("pai yi duan mao shui jiao de shipin", (), "g4", "t"),
    ]
    langs = ["zh", "zh", "en", "zh"]
    out, out_langs = tm.with_romanised(rows, langs)
    assert out[:4] == rows and out_langs[:4] == langs  # the rows themselves, unchanged and first
    copies = out[4:]
    assert [c.group for c in copies] == ["g1", "g2"]  # same group: the same cross-validation fold
    assert [c.categories for c in copies] == [(), ("violence",)]
    assert all(c.source == "t-romanised" and script_share(c.text) == 0.0 for c in copies)
    assert out_langs[4:] == ["zh", "zh"]
    assert len({text_key(r.text) for r in out}) == len(out)  # no spelling twice
    again, _ = tm.with_romanised(out, out_langs)
    assert again == out  # a copy already there is not added again


def test_training_rows_gain_romanised_copies_only_when_asked():
    plain, plain_langs = tm.training_rows()
    more, more_langs = tm.training_rows(romanised=True)
    assert more[: len(plain)] == plain
    added = more_langs[len(plain) :]
    assert set(added) == {"zh", "ja", "hi", "ru"}
    assert len(added) > 1000
