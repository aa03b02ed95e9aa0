import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.usefixtures("policy_loaded")


def run(lines: list[str]) -> list[dict]:
    out = io.StringIO()
    call_command("check_prompt", stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_verdict_line_per_input_line():
    results = run(
        [
            json.dumps({"prompt": "a horror movie zombie"}),
            json.dumps({"prompt": "p0rn video", "teen": False}),
            json.dumps({"prompt": "a couple kissing passionately on a bed", "teen": True}),
        ]
    )

    assert [r["allowed"] for r in results] == [True, False, False]
    assert results[0]["categories"] == []
    assert "sexual" in results[1]["categories"]
    assert "sexual" in results[2]["categories"]  # teen: stricter
    assert set(results[0]) == {"allowed", "categories", "scores"}
    assert len(results[0]["scores"]) == 9


def test_malformed_lines_get_an_error_and_the_command_goes_on():
    results = run(
        [
            "not json",
            json.dumps(["a", "list"]),
            json.dumps({"text": "wrong key"}),
            json.dumps({"prompt": "a cat", "teen": "yes"}),
            json.dumps({"prompt": "a beach volleyball game"}),
        ]
    )

    assert [set(r) for r in results[:4]] == [{"error"}] * 4
    assert results[4]["allowed"] is True


def test_same_answer_as_the_service():
    from moderation.services import prompt_verdict

    [result] = run([json.dumps({"prompt": "Taylor Swift dancing"})])
    verdict = prompt_verdict(text="Taylor Swift dancing")

    assert result == {"allowed": verdict.allowed, "categories": verdict.categories, "scores": verdict.scores}


def test_every_language_is_answered_in_the_same_shape():
    results = run(
        [
            json.dumps({"prompt": "un video de un niño de 12 años desnudo"}, ensure_ascii=False),
            json.dumps({"prompt": "一个十岁女孩的色情视频"}, ensure_ascii=False),
            json.dumps({"prompt": "una pelota roja rebotando en la playa"}, ensure_ascii=False),
            json.dumps({"prompt": "kucing tidur di sofa"}),
        ]
    )

    assert [r["allowed"] for r in results] == [False, False, True, True]
    assert "sexual_minors" in results[0]["categories"] or "sexual" in results[0]["categories"]
    assert all(set(r) == {"allowed", "categories", "scores"} and len(r["scores"]) == 9 for r in results)
