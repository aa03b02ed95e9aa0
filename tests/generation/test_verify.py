"""POST /api/v1/verify: was this clip made here? Marked, unmarked, attacked and malformed clips,
our own links, who sees which video, the limits, the provenance endpoint and the reviewers' page.

The reading runs on a worker (generation.verify_clip). Most tests here run it in place (eager);
the last ones run it on a real worker, and with none to take it."""

import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from generation.media import decode_frames, encode_mp4, invisible, synth_audio
from generation.media import watermark_eval as wev
from generation.models import GenerationJob
from moderation.models import RemovedHash
from moderation.phash import frame_hashes
from moderation.roles import ensure_trust_and_safety_group
from sora_social.media import signed_url
from tests.conftest import client_for
from tests.factories import UserFactory, VideoFactory
from tests.generation.test_invisible_mark import scene
from videos.models import Video

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]

KEY = 0x5EC0_0001
VERIFY = "/api/v1/verify"


def sound(key: int | None = None) -> np.ndarray:
    audio = synth_audio(n_frames=16, fps=4, impacts=[5], scene="grass")
    return audio if key is None else invisible.embed_audio(audio, key)


def mp4_bytes(frames: np.ndarray, tmp_path, name="clip.mp4", crf: int = 23, audio_key: int | None = None) -> bytes:
    path = tmp_path / name
    encode_mp4(frames, sound(audio_key), sample_rate=48000, path=path, crf=crf)
    return path.read_bytes()


@pytest.fixture(scope="module")
def frames():
    return scene(21)


@pytest.fixture
def marked_video(frames, tmp_path, other):
    data = mp4_bytes(invisible.embed(frames, KEY), tmp_path, "marked.mp4", audio_key=KEY)
    name = default_storage.save("videos/marked.mp4", ContentFile(data))
    return VideoFactory(owner=other, file=name, mark_key=KEY)


def upload(client, data: bytes, name="clip.mp4"):
    return client.post(VERIFY, {"file": SimpleUploadedFile(name, data, content_type="video/mp4")}, format="multipart")


def stored(video) -> bytes:
    with default_storage.open(video.file, "rb") as fh:
        return fh.read()


def test_anyone_finds_our_mark_and_the_public_video_it_names(api, marked_video):
    r = upload(api, stored(marked_video))

    assert r.status_code == 200, r.data
    assert r.data["made_here"] is True
    assert r.data["mark"]["found"] is True and r.data["mark"]["payload_decoded"] is True
    assert r.data["mark"]["confidence"] >= invisible.SYNC_THRESHOLD
    assert r.data["mark"]["audio_found"] is True
    assert r.data["video"]["id"] == str(marked_video.pk)
    assert r.data["created_at"] is not None
    assert r.data["c2pa"]["present"] is False  # not signed here; the mark alone says where it came from
    assert "removed_match" not in r.data  # for reviewers only


def test_a_cropped_re_encoded_copy_still_names_its_video(api, marked_video, tmp_path):
    decoded = decode_frames(default_storage.path(marked_video.file))
    attacked = wev._crop(decoded)  # 10 % off each side
    attacked = attacked[:, : attacked.shape[1] // 2 * 2, : attacked.shape[2] // 2 * 2]
    r = upload(api, mp4_bytes(attacked, tmp_path, "attacked.mp4", crf=23))

    assert r.status_code == 200
    assert r.data["mark"]["found"] and r.data["video"]["id"] == str(marked_video.pk)


def test_a_clip_we_did_not_make_is_an_answer_not_an_error(api, frames, tmp_path):
    for clip in (frames, wev._natural(1)):
        r = upload(api, mp4_bytes(clip, tmp_path, "unmarked.mp4"))
        assert r.status_code == 200, r.data
        assert r.data["made_here"] is False
        assert r.data["mark"]["found"] is False and r.data["mark"]["audio_found"] is False
        assert r.data["video"] is None and r.data["created_at"] is None


def test_the_sound_alone_names_the_video_when_the_picture_was_replaced(api, marked_video, frames, tmp_path):
    r = upload(api, mp4_bytes(wev._natural(2), tmp_path, "dubbed.mp4", audio_key=KEY))
    assert r.data["made_here"] is True
    assert r.data["mark"]["audio_found"] is True and r.data["mark"]["confidence"] < invisible.SYNC_THRESHOLD
    assert r.data["video"]["id"] == str(marked_video.pk)


def test_a_private_video_says_made_here_and_when_but_not_which(api, marked_video, other):
    Video.objects.filter(pk=marked_video.pk).update(visibility="private")
    data = stored(marked_video)

    stranger = upload(api, data)
    owner = upload(client_for(other), data)

    assert stranger.data["made_here"] is True and stranger.data["created_at"] is not None
    assert stranger.data["video"] is None
    assert owner.data["video"]["id"] == str(marked_video.pk)


def test_a_removed_video_is_not_shown_even_to_its_owner(api, marked_video, other):
    Video.objects.filter(pk=marked_video.pk).update(state="removed")
    r = upload(client_for(other), stored(marked_video))
    assert r.data["made_here"] is True and r.data["video"] is None


@pytest.mark.parametrize(
    "body, code",
    [
        (b"not a video at all", "unreadable_video"),
        (b"\x00\x00\x00\x18ftypmp42" + bytes(2000), "unreadable_video"),
        (b"", "invalid"),  # an empty file is no file
    ],
)
def test_malformed_uploads_are_400(api, body, code):
    r = upload(api, body)
    assert r.status_code == 400 and r.data["error"] == code


def test_a_truncated_upload_is_400_and_the_next_check_works(api, marked_video):
    data = stored(marked_video)
    r = upload(api, data[: len(data) // 2])
    assert r.status_code == 400 and r.data["error"] == "unreadable_video"
    assert upload(api, data).data["mark"]["found"] is True


def test_oversized_uploads_are_413(api, marked_video, settings):
    settings.SORA_VERIFY_MAX_BYTES = 10_000
    r = upload(api, stored(marked_video))
    assert r.status_code == 413 and r.data["error"] == "too_large"
    # A body announced as larger than the limit is refused before it is read.
    big = api.generic("POST", VERIFY, b"x" * 10, CONTENT_TYPE="application/octet-stream", CONTENT_LENGTH="99999999")
    assert big.status_code == 413


def test_neither_or_both_of_file_and_url_is_400(api, marked_video):
    assert api.post(VERIFY, {}, format="json").data["error"] == "invalid"
    both = api.post(
        VERIFY,
        {"file": SimpleUploadedFile("a.mp4", stored(marked_video)), "url": "https://example.com/a.mp4"},
        format="multipart",
    )
    assert both.status_code == 400 and both.data["error"] == "invalid"


def test_one_of_our_media_links_is_checked_without_an_upload(api, marked_video, other):
    link = signed_url(marked_video.file, guard=("video", marked_video.pk), viewer=other)
    r = api.post(VERIFY, {"url": "https://sora.example" + link}, format="json")
    assert r.status_code == 200, r.data
    assert r.data["mark"]["found"] and r.data["video"]["id"] == str(marked_video.pk)


@pytest.mark.parametrize(
    "url",
    [
        "https://elsewhere.example/videos/marked.mp4",
        "/api/v1/media/forged.token",
        "not a url at all \x00",
    ],
)
def test_links_that_are_not_current_links_of_ours_are_400(api, marked_video, url):
    r = api.post(VERIFY, {"url": url}, format="json")
    assert r.status_code == 400 and r.data["error"] in ("not_our_media", "invalid")


def test_a_link_to_a_video_taken_down_since_is_refused(api, marked_video, other):
    link = signed_url(marked_video.file, guard=("video", marked_video.pk), viewer=other)
    Video.objects.filter(pk=marked_video.pk).update(state="removed")
    r = api.post(VERIFY, {"url": link}, format="json")
    assert r.status_code == 400 and r.data["error"] == "not_our_media"


def test_the_check_is_rate_limited_per_address(api, settings):
    settings.SORA_VERIFY_RATE = "2/min"
    for _ in range(2):
        assert api.post(VERIFY, {}, format="json").status_code == 400
    r = api.post(VERIFY, {}, format="json")
    assert r.status_code == 429 and int(r["Retry-After"]) >= 1


def test_reviewers_also_learn_whether_it_matches_a_removed_video(marked_video):
    reviewer = UserFactory(is_staff=True)
    reviewer.groups.add(ensure_trust_and_safety_group())
    data = stored(marked_video)
    for value in frame_hashes(decode_frames(default_storage.path(marked_video.file))):
        RemovedHash.objects.create(video=marked_video, hash=value)
    Video.objects.filter(pk=marked_video.pk).update(state="removed")

    r = upload(client_for(reviewer), data)

    assert r.data["removed_match"] is True
    assert r.data["video"]["id"] == str(marked_video.pk)  # reviewers see removed videos


def test_provenance_reports_the_mark_beside_c2pa(marked_video, user):
    r = client_for(user).get(f"/api/v1/videos/{marked_video.pk}/provenance")
    assert r.status_code == 200
    mark = r.data["mark"]
    assert mark == {
        "embedded": True,
        "found": True,
        "confidence": mark["confidence"],
        "payload_decoded": True,
        "audio_found": True,
        "audio_confidence": mark["audio_confidence"],
        "matches": True,
    }
    assert mark["confidence"] >= invisible.SYNC_THRESHOLD and mark["audio_confidence"] >= invisible.AUDIO_THRESHOLD
    video = client_for(user).get(f"/api/v1/videos/{marked_video.pk}").data
    assert video["provenance"] == {"c2pa": False, "mark": True}


def test_reviewers_verify_a_clip_in_the_admin(client, marked_video):
    reviewer = UserFactory(is_staff=True)
    reviewer.groups.add(ensure_trust_and_safety_group())
    client.force_login(reviewer)
    page = client.get("/admin/videos/video/verify/")
    assert page.status_code == 200 and b'name="file"' in page.content
    assert b"Verify a clip" in client.get("/admin/videos/video/").content

    r = client.post("/admin/videos/video/verify/", {"file": SimpleUploadedFile("c.mp4", stored(marked_video))})

    assert r.status_code == 200
    assert r.context["result"]["mark"]["found"] is True
    assert f"/admin/videos/video/{marked_video.pk}/change/".encode() in r.content
    bad = client.post("/admin/videos/video/verify/", {"file": SimpleUploadedFile("c.mp4", b"junk")})
    assert bad.status_code == 200 and b"could not read a video" in bad.content


def test_staff_without_the_reviewer_role_cannot_open_the_page(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/videos/video/verify/").status_code == 403


@pytest.mark.usefixtures("eager", "fast_render")
def test_every_rendered_video_carries_its_own_key(as_user, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = as_user.post("/api/v1/generations", {"prompt": "a red ball bouncing on grass"}, format="json")
    assert job.status_code == 202, job.data
    done = as_user.get(f"/api/v1/generations/{job.data['id']}").data
    assert done["status"] == "succeeded", done
    video = Video.objects.get(pk=done["video"])
    assert video.mark_key is not None and video.mark_key == GenerationJob.objects.get(pk=job.data["id"]).mark_key
    assert "invisible_mark" in GenerationJob.objects.get(pk=job.data["id"]).timings

    link = signed_url(video.file, guard=("video", video.pk), viewer=user)
    r = as_user.post(VERIFY, {"url": link}, format="json")
    assert r.data["mark"]["found"] and r.data["video"]["id"] == str(video.pk)
    assert r.data["c2pa"]["signed_by_us"] is True


def test_the_check_fails_closed_with_503_when_the_cache_is_down():
    from django.test import Client, override_settings

    from tests.accounts.test_throttles import DEAD_REDIS

    with override_settings(CACHES=DEAD_REDIS):
        r = Client().post(VERIFY, {"url": "https://elsewhere.example/a.mp4"}, content_type="application/json")
    assert r.status_code == 503 and r.json()["error"] == "unavailable" and int(r["Retry-After"]) > 0
    assert "Checking clips" in r.json()["detail"]


def test_verify_x_forwarded_for_does_not_buy_more_checks(api, settings):
    settings.SORA_VERIFY_RATE = "2/min"
    codes = [api.post(VERIFY, {}, format="json", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(4)]
    assert codes == [400, 400, 429, 429]


def test_decoding_an_upload_stops_at_its_time_budget(marked_video):
    from generation.media.probe import decode_for_reading

    path = default_storage.path(marked_video.file)
    assert len(decode_for_reading(path)) == 96
    assert len(decode_for_reading(path, budget_s=0.0)) == 1  # the first frame, then the budget is spent
    assert len(decode_for_reading(path, max_frames=10)) == 10


def test_a_sound_track_on_its_own_is_read_for_the_audio_mark(api, marked_video, tmp_path):
    import av

    ripped = tmp_path / "ripped.m4a"
    with av.open(default_storage.path(marked_video.file)) as src, av.open(str(ripped), "w", format="mp4") as dst:
        audio_in = src.streams.audio[0]
        audio_out = dst.add_stream_from_template(audio_in)
        for packet in src.demux(audio_in):
            if packet.dts is None:
                continue
            packet.stream = audio_out
            dst.mux(packet)
    r = upload(api, ripped.read_bytes(), name="ripped.m4a")

    assert r.status_code == 200, r.data
    assert r.data["made_here"] is True and r.data["mark"]["audio_found"] is True
    assert r.data["mark"]["confidence"] == 0.0 and r.data["video"]["id"] == str(marked_video.pk)


def uploads_left() -> list[str]:
    return default_storage.listdir("verify")[1] if default_storage.exists("verify") else []


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_reads_the_clip_and_the_web_process_only_waits(api, marked_video, not_eager):
    from tests.generation.workers import start_worker, stop_worker

    worker = start_worker()
    try:
        r = upload(api, stored(marked_video))
    finally:
        stop_worker(worker)

    assert r.status_code == 200, r.content
    assert r.data["made_here"] and r.data["mark"]["payload_decoded"]
    assert r.data["video"]["id"] == str(marked_video.pk)
    assert uploads_left() == []  # the stored upload is gone once read


@pytest.mark.redis
def test_with_no_worker_to_read_it_the_check_is_503_in_bounded_time(api, marked_video, not_eager, settings):
    import time

    settings.SORA_VERIFY_WAIT = 1
    started = time.monotonic()
    r = upload(api, stored(marked_video))

    assert r.status_code == 503 and r.data["error"] == "unavailable" and int(r["Retry-After"]) > 0
    assert time.monotonic() - started < 5
    assert uploads_left() == []  # nothing of the upload is kept
