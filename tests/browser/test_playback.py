"""A generated MP4 plays in a real browser (Debian's Chromium), with sound, from its signed URL."""

import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_generated_video_plays_with_audio_in_chromium(live_server, chromium, user, eager, fast_render, tmp_path):
    client = client_for(user)
    job = client.post(
        "/api/v1/generations", {"prompt": "a purple ring rolling right on grass", "duration_s": 2}, format="json"
    ).data
    job = client.get(f"/api/v1/generations/{job['id']}").data
    assert job["status"] == "succeeded", job
    media = client.get(f"/api/v1/videos/{job['video']}").data["media"]
    src = live_server.url + media["video_url"].replace("http://testserver", "")

    with chromium() as page:
        page.goto(live_server.url + "/healthz")  # same origin as the media
        page.set_content(f'<video id="v" src="{src}" playsinline></video>')
        page.wait_for_function("document.getElementById('v').readyState >= 2", timeout=30000)
        page.evaluate("document.getElementById('v').play()")
        page.wait_for_function(
            "(() => { const v = document.getElementById('v');"
            " return v.currentTime > 0.5 && v.webkitAudioDecodedByteCount > 0; })()",
            timeout=30000,
        )
        state = page.evaluate(
            "(() => { const v = document.getElementById('v'); return {w: v.videoWidth, h: v.videoHeight,"
            " d: v.duration, audio: v.webkitAudioDecodedByteCount, error: v.error && v.error.code}; })()"
        )
        page.screenshot(path=str(tmp_path / "playback.png"))

    assert state["error"] is None
    assert state["w"] >= 256 and state["h"] >= 256
    assert abs(state["d"] - 2.0) < 0.1
    assert state["audio"] > 0
