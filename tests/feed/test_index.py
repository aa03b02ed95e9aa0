"""The vector index: exact below the threshold, HNSW above, versioned files,
reload on a new version, in-place additions between rebuilds."""

import numpy as np
import pytest

from feed import index, services
from feed.models import VideoFeatures
from tests.conftest import client_for
from tests.feed.conftest import make_videos

pytestmark = pytest.mark.django_db


def _unit(rng, n):
    x = rng.standard_normal((n, index.DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize("exact", [True, False])
def test_search_returns_the_nearest_first(exact):
    rng = np.random.default_rng(0)
    vectors = _unit(rng, 300)
    built = index.VideoIndex(
        version=1, index=index.build(vectors, np.arange(1, 301), exact=exact), uuids={i: f"v{i}" for i in range(1, 301)}
    )

    hits = built.search(vectors[41], 5)

    assert built.exact is exact
    assert hits[0][0] == "v42" and hits[0][1] == pytest.approx(1.0, abs=1e-4)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_small_corpora_get_exact_search_and_large_ones_hnsw(settings):
    make_videos(["a cat on a sofa", "a dog in the snow", "a rocket launch"])
    settings.SORA_FEED_HNSW_MIN = 5
    assert index.rebuild().exact is True
    settings.SORA_FEED_HNSW_MIN = 2
    assert index.rebuild().exact is False


def test_rebuild_persists_a_new_version_that_every_process_reloads(settings):
    videos = make_videos(["a cat on a sofa", "a dog in the snow", "a rocket launch"])
    first = services.index_rebuild()
    index.reset()  # another process starting cold

    loaded = index.get_index()

    assert loaded.version == first and loaded.size == 3
    make_videos(["a whale in the ocean"])
    second = services.index_rebuild()
    assert second == first + 1
    assert index.get_index().version == second and index.get_index().size == 4
    # The previous version is kept for a process that is loading it right now; older ones go.
    files = sorted(p.name for p in (index._dir()).glob("v*.faiss"))
    assert files == [f"v{first}.faiss", f"v{second}.faiss"]
    assert {vid for vid, _ in loaded.search(VideoFeatures.objects.get(video=videos[0]).vector(), 1)} == {
        str(videos[0].pk)
    }


def test_publishes_between_rebuilds_are_added_in_place_in_every_process():
    make_videos(["a cat on a sofa"])
    services.index_rebuild()
    index.reset()
    before = index.get_index()

    # Published through another process: only the database row exists here.
    late = make_videos(["a dragon over a castle"])[0]
    after = index.get_index()

    assert after is before and after.size == 2
    assert after.search(VideoFeatures.objects.get(video=late).vector(), 1)[0][0] == str(late.pk)


def test_the_publish_hook_indexes_and_the_remove_hook_takes_out(user, eager):
    from tests.factories import VideoFactory

    video = VideoFactory(owner=user, prompt="a corgi surfing a wave", published_at="2026-01-01T00:00:00Z")
    services.video_published(video)  # queues the task; eager here, a worker in production
    vector = VideoFeatures.objects.get(video=video).vector()
    assert index.get_index().search(vector, 1)[0][0] == str(video.pk)
    assert set(video.topics.values_list("topic", flat=True)) >= {"dogs", "ocean"}

    services.video_removed(video)

    assert index.get_index().search(vector, 1) == [] or index.get_index().search(vector, 1)[0][0] != str(video.pk)
    services.index_rebuild()
    assert index.get_index().size == 0


def test_drafts_are_not_indexed(user):
    from tests.factories import VideoFactory

    services.video_label_and_index(VideoFactory(owner=user, state="draft").pk)

    assert not VideoFeatures.objects.exists()


def test_a_publish_never_embeds_in_the_request_and_the_catch_up_indexes_what_the_broker_lost(user, monkeypatch):
    from feed import tasks
    from tests.factories import VideoFactory

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.video_index, "delay", broker_down)
    draft = VideoFactory(owner=user, state="draft", prompt="a fox in the snow")

    r = client_for(user).post(f"/api/v1/videos/{draft.pk}/publish", {}, format="json")

    assert r.status_code == 200 and r.data["state"] == "published"  # the publish stands
    assert not VideoFeatures.objects.filter(video=draft).exists()  # nothing embedded in the request
    assert services.videos_backfill() == 1  # the scheduled catch-up
    vector = VideoFeatures.objects.get(video=draft).vector()
    assert index.get_index().search(vector, 1)[0][0] == str(draft.pk)
