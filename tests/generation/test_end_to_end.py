"""Through the HTTP API and the event socket, with the real model, encoder and signer:
register → generate (progress events) → succeeded → MP4 + C2PA → publish → remix → lineage."""

import tempfile
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.files.storage import default_storage
from rest_framework.test import APIClient

from generation.media import probe
from sora_social.asgi import application
from tests.factories import PASSWORD, birthdate_for_age
from videos.models import Video

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def register(username: str) -> tuple[APIClient, str]:
    client = APIClient()
    r = client.post(
        "/api/v1/auth/register",
        {
            "username": username,
            "password": PASSWORD,
            "email": f"{username}@example.com",
            "birthdate": birthdate_for_age(30).isoformat(),
        },
        format="json",
    )
    assert r.status_code == 201, r.data
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {r.data['access']}")
    return client, r.data["access"]


async def events_until(ws, type_: str, limit: int = 100) -> list[dict]:
    seen = []
    for _ in range(limit):
        event = await ws.receive_json_from(timeout=120)
        seen.append(event)
        if event["type"] == type_:
            return seen
    raise AssertionError(f"no {type_} in {seen}")


async def wait_succeeded(client: APIClient, job_id: str) -> dict:
    """The job's final state; a real worker may still be committing when the event arrives."""
    import asyncio

    for _ in range(600):
        job = (await sync_to_async(client.get)(f"/api/v1/generations/{job_id}")).data
        if job["status"] not in ("queued", "running"):
            break
        await asyncio.sleep(0.1)
    assert job["status"] == "succeeded", job
    return job


def download(client: APIClient, url: str) -> bytes:
    r = client.get(url.replace("http://testserver", ""))
    assert r.status_code == 200
    return b"".join(r.streaming_content)


@pytest.fixture(params=["eager", pytest.param("worker", marks=pytest.mark.redis)])
def runner(request, settings, tmp_path):
    """Embedded default (tasks in-process) or a real worker on Redis, same assertions."""
    if request.param == "eager":
        yield request.getfixturevalue("eager")
        return
    from tests.generation.workers import start_worker, stop_worker

    settings.MEDIA_ROOT = str(tmp_path / "shared-media")
    worker = start_worker(media_root=settings.MEDIA_ROOT)
    yield worker
    stop_worker(worker)


async def test_generate_publish_remix_lineage(runner, fast_render):
    ana, ana_token = await sync_to_async(register)("ana")
    bo, _ = await sync_to_async(register)("bob")
    ws = WebsocketCommunicator(application, f"/ws/events?token={ana_token}")
    assert (await ws.connect(timeout=10))[0]
    assert (await ws.receive_json_from(timeout=10))["type"] == "hello"

    # ana generates; progress and the result arrive over the socket
    accepted = await sync_to_async(ana.post)(
        "/api/v1/generations",
        {"prompt": "a red ball bouncing on the beach in the fog", "duration_s": 2, "seed": 3},
        format="json",
        HTTP_IDEMPOTENCY_KEY="first",
    )
    assert accepted.status_code == 202
    events = await events_until(ws, "generation.finished")
    progress = [e["data"] for e in events if e["type"] == "generation.progress"]
    assert progress and progress[-1]["step"] == progress[-1]["steps"]
    assert [p["step"] for p in progress] == sorted(p["step"] for p in progress)
    assert events[-1]["data"]["status"] == "succeeded"

    job = await wait_succeeded(ana, accepted.data["id"])
    assert job["progress"] == 1.0 and job["video"]
    video = (await sync_to_async(ana.get)(f"/api/v1/videos/{job['video']}")).data
    assert video["state"] == "draft" and video["provenance"] == {"c2pa": True, "mark": True}
    # the model has no fog (in either world): the job and the video both say what was left out
    assert job["ignored"] == video["ignored"] == ["fog"]
    assert video["understood"] == ["red", "ball", "bouncing", "beach"]

    # the file is a real MP4 with sound, and its C2PA manifest validates
    data = await sync_to_async(download)(ana, video["media"]["video_url"])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "v.mp4"
        path.write_bytes(data)
        info = probe(path)
    assert info["video_codec"] == "h264" and info["audio_codec"] == "aac" and info["has_audio"]
    assert abs(info["duration_s"] - 2.0) < 0.1 and min(info["width"], info["height"]) >= 256
    provenance = (await sync_to_async(ana.get)(f"/api/v1/videos/{job['video']}/provenance")).data
    assert provenance["valid"] is True
    assert provenance["mark"]["embedded"] and provenance["mark"]["matches"]  # the invisible mark reads back

    # a draft is nobody else's business; published, bo remixes it
    assert (await sync_to_async(bo.get)(f"/api/v1/videos/{job['video']}")).status_code == 404
    published = await sync_to_async(ana.post)(
        f"/api/v1/videos/{job['video']}/publish", {"caption": "boing"}, format="json"
    )
    assert published.status_code == 200 and published.data["state"] == "published"
    remix = await sync_to_async(bo.post)(
        "/api/v1/generations",
        {"prompt": "a blue ball bouncing on the beach", "duration_s": 2, "remix_of": job["video"]},
        format="json",
    )
    assert remix.status_code == 202
    remixed = await events_until(ws, "video.remixed")
    assert remixed[-1]["data"]["video"] == job["video"] and remixed[-1]["data"]["by"] == "bob"

    remix_job = await wait_succeeded(bo, remix.data["id"])
    lineage = (await sync_to_async(bo.get)(f"/api/v1/videos/{remix_job['video']}/lineage")).data
    assert [v["id"] for v in lineage] == [job["video"]]
    parent = (await sync_to_async(bo.get)(f"/api/v1/videos/{job['video']}")).data
    assert parent["remix_count"] == 1
    children = (await sync_to_async(bo.get)(f"/api/v1/videos/{job['video']}/remixes")).data
    assert [v["id"] for v in children["results"]] == [remix_job["video"]]
    await ws.disconnect()


def _flip_one_byte(name: str) -> None:
    with default_storage.open(name, "rb") as handle:
        data = bytearray(handle.read())
    data[len(data) * 2 // 3] ^= 0xFF  # inside the media data, past the manifest
    default_storage.delete(name)
    default_storage.save(name, __import__("io").BytesIO(bytes(data)))


async def test_a_flipped_byte_makes_provenance_invalid(eager, fast_render):
    ana, _ = await sync_to_async(register)("cyd")
    accepted = await sync_to_async(ana.post)(
        "/api/v1/generations", {"prompt": "a green star falling", "duration_s": 2}, format="json"
    )
    job = (await sync_to_async(ana.get)(f"/api/v1/generations/{accepted.data['id']}")).data
    video = await sync_to_async(Video.objects.get)(pk=job["video"])

    await sync_to_async(_flip_one_byte)(video.file)
    provenance = (await sync_to_async(ana.get)(f"/api/v1/videos/{video.pk}/provenance")).data

    assert provenance["valid"] is False
    assert provenance["validation_state"] == "Invalid"
