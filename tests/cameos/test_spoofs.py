"""The spoof suite: enrolments that a photo, a replay or a stand-in cannot pass.

Every attack is made in code (tests/cameos/captures.py) and must be refused with
its own reason; the positive controls are synthetic heads that really turn in
3-D and whose jaw opens with the voice, so each check is exercised both ways.
The face is scikit-image's astronaut, the one sharp photograph of a face the
package ships; the small lfw faces are upscaled five times, and on them the
landmarks are noisy enough that a moved print can show some "depth" (see
docs/benchmarks.md for the counts over many faces).
"""

from __future__ import annotations

import pytest

from cameos.verification import REASONS, verify_capture, warm_up
from cameos.verification.liveness import LIP_SYNC_MIN, PARALLAX_MIN
from tests.cameos import captures

SIZE = (320, 240)
DIGITS = "123"
MOVES = ["left", "up"]


def _verify(data: bytes, **kwargs):
    return verify_capture(data, challenge_digits=DIGITS, challenge_moves=MOVES, **kwargs)


@pytest.fixture(scope="module")
def victim():
    """Someone's accepted capture: its bytes and what verification stored about it."""
    warm_up()
    data = captures.make_capture(size=SIZE, moves=MOVES, digits=DIGITS)
    result = _verify(data)
    assert result.code == "ok", result
    return data, result


# ---------------------------------------------------------------- heads that really turn


@pytest.mark.parametrize("face", ["astronaut", "lfw:0", "lfw:3", "lfw:6"])
def test_a_head_that_turns_and_speaks_verifies(face):
    result = _verify(captures.make_capture(size=SIZE, face=face, moves=MOVES, digits=DIGITS))

    assert result.code == "ok", result
    assert min(result.details["depth"]) >= PARALLAX_MIN
    assert result.details["lip_sync"] >= LIP_SYNC_MIN
    assert len(result.frame_hashes) == result.details["frames_sampled"]


def test_moves_in_the_other_directions_have_depth_too():
    result = verify_capture(
        captures.make_capture(size=SIZE, moves=["right", "down"], digits="4567"),
        challenge_digits="4567",
        challenge_moves=["right", "down"],
    )

    assert result.code == "ok", result
    assert min(result.details["depth"]) >= PARALLAX_MIN


def test_another_persons_capture_is_not_taken_for_a_replay(victim):
    _, accepted = victim

    result = _verify(
        captures.make_capture(size=SIZE, face="lfw:3", moves=MOVES, digits=DIGITS),
        known_captures=[("victim", accepted.frame_hashes)],
    )

    assert result.code == "ok", result


# ---------------------------------------------------------------- the attacks


@pytest.mark.parametrize("subject", ["photo", "tilted_photo", "scaled_photo"])
def test_a_photo_moved_per_the_challenge_is_a_spoof(subject):
    # the photo follows the moves well enough to pass the old check: the box moves as asked
    result = _verify(captures.make_capture(size=SIZE, subject=subject, moves=MOVES, digits=DIGITS))

    assert result.code == "spoof_suspected", result
    assert result.moves_seen == MOVES
    assert max(result.details["depth"]) < PARALLAX_MIN
    assert result.reason == REASONS["spoof_suspected"] and not result.verified


def test_a_photo_with_synthetic_speech_is_a_spoof():
    result = _verify(captures.make_capture(size=SIZE, subject="photo", audio="speech", moves=MOVES, digits=DIGITS))

    assert result.code == "spoof_suspected", result


def test_a_turning_head_with_a_still_mouth_over_the_audio_is_refused():
    # a mask, or a head-shaped print, with the digits played next to it
    result = _verify(captures.make_capture(size=SIZE, mouth="still", moves=MOVES, digits=DIGITS))

    assert result.code == "lips_not_moving", result
    assert result.details["lip_sync"] < LIP_SYNC_MIN


@pytest.mark.parametrize(
    ("audio", "code"), [(dict(audio="hum"), "digits_mismatch"), (dict(bursts=7), "digits_mismatch")]
)
def test_sounds_that_are_not_the_digits_are_refused(audio, code):
    result = _verify(captures.make_capture(size=SIZE, moves=MOVES, digits=DIGITS, **audio))

    assert result.code == code, result


def test_another_persons_accepted_capture_replayed_byte_for_byte(victim):
    data, accepted = victim

    result = _verify(data, seen_hashes={accepted.content_hash})

    assert result.code == "replay"


def test_another_persons_accepted_capture_filmed_off_a_screen(victim):
    data, accepted = victim
    refilmed = captures.refilm(data)
    assert refilmed != data

    result = _verify(refilmed, known_captures=[("someone", ["0" * 16] * 30), ("victim", accepted.frame_hashes)])

    assert result.code == "replayed_capture", result
    assert result.details["owner_id"] == "victim" and result.details["matched"] >= 0.5


def test_a_capture_whose_face_changes_half_way_is_refused():
    result = _verify(captures.make_capture(size=SIZE, face_after="lfw:3", moves=MOVES, digits=DIGITS))

    assert result.code == "face_changed", result
    assert result.embedding is None


def test_every_refusal_has_a_sentence():
    for code in ("spoof_suspected", "lips_not_moving", "digits_mismatch", "replayed_capture", "face_changed"):
        assert REASONS[code][0].isupper() and REASONS[code].endswith(".")
