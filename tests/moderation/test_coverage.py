"""Prompts in a script the policy cannot read are not rendered for teens or with a cameo, and are counted."""

import logging

import pytest

from moderation.policy.coverage import is_covered, script_of
from tests.conftest import client_for
from tests.factories import CameoFactory, TeenFactory, UserFactory

# Drawable (red, ball) but written mostly in Korean: neither of the policy's heads was trained or measured in it.
MOSTLY_KOREAN = "red ball 해변에서 튀어 오르는 아주 예쁜 공"


@pytest.mark.parametrize(
    "text, script, covered",
    [
        ("a red ball bouncing on the beach", "LATIN", True),
        ("una pelota roja rebotando en la playa", "LATIN", True),
        ("一个红色的球在海滩上弹跳", "CJK", True),  # the multilingual head reads these
        ("ビーチで跳ねる赤いボール", "JAPANESE", True),
        ("красный мяч прыгает на пляже", "CYRILLIC", True),
        ("लाल गेंद समुद्र तट पर उछल रही है", "DEVANAGARI", True),
        ("كرة حمراء تقفز على الشاطئ", "ARABIC", True),
        ("빨간 공이 해변에서 튄다", "HANGUL", False),  # neither head was trained or measured in these
        ("כדור אדום קופץ על החוף", "HEBREW", False),
        ("@ana @leo 해변에서 춤을 춘다", "HANGUL", False),  # handles are not the prompt's language
        ("a red ball on the beach, 아주 예쁜", "LATIN", True),  # a few words of another script
        ("🎈🎈 !!!", "NONE", True),
    ],
)
def test_the_script_and_whether_the_policy_reads_it(text, script, covered):
    assert script_of(text)[0] == script and is_covered(text) is covered


@pytest.mark.django_db
def test_a_teen_prompt_in_an_unread_script_is_refused_and_counted(caplog):
    teen = TeenFactory()

    with caplog.at_level(logging.INFO, logger="moderation.services"):
        r = client_for(teen).post("/api/v1/generations", {"prompt": MOSTLY_KOREAN}, format="json")

    assert r.status_code == 422 and r.data["error"] == "prompt_unchecked" and r.data["script"] == "hangul"
    assert "English" in r.data["detail"]
    counted = [rec for rec in caplog.records if rec.getMessage() == "policy.uncovered_script"]
    assert counted and counted[0].script == "HANGUL" and counted[0].refused is True


@pytest.mark.django_db
def test_a_prompt_with_a_cameo_in_an_unread_script_is_refused():
    user = UserFactory()
    cameo = CameoFactory(owner=user)

    r = client_for(user).post(
        "/api/v1/generations", {"prompt": MOSTLY_KOREAN, "cameos": [str(cameo.pk)]}, format="json"
    )

    assert r.status_code == 422 and r.data["error"] == "prompt_unchecked"


@pytest.mark.django_db
def test_an_adult_without_a_cameo_is_only_counted(caplog):
    with caplog.at_level(logging.INFO, logger="moderation.services"):
        r = client_for(UserFactory()).post("/api/v1/generations", {"prompt": MOSTLY_KOREAN}, format="json")

    assert r.status_code == 202
    counted = [rec for rec in caplog.records if rec.getMessage() == "policy.uncovered_script"]
    assert counted and counted[0].refused is False
