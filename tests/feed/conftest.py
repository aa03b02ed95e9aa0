"""Feed fixtures: a fresh index per test and a fast way to seed a labelled corpus."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from feed import index
from videos.models import Video

_n = itertools.count()


@pytest.fixture(autouse=True)
def _pools_ranked_in_place(eager):
    """Tasks run in place, as on the embedded default: a viewer's pool is ranked
    within their first request and re-ranked within the event that asks for it.
    (test_pool.py serves from the shared pool while a real worker ranks.)"""
    yield


@pytest.fixture(autouse=True)
def _fresh_index(settings):
    # MEDIA_ROOT is per test (tests/conftest.py), and so is the index under it.
    settings.SORA_FEED_INDEX_CHECK_S = 0
    index.reset()
    yield
    index.reset()


_vectors: dict = {}  # text -> embedding, shared by every test of the session


def publish(videos):
    """Label and index videos the way generation's publish hook does, in bulk."""
    import numpy as np

    from feed.services import video_text, videos_features_create
    from sora_social.embedder import embed

    texts = [video_text(v) for v in videos]
    missing = sorted({t for t in texts if t not in _vectors})
    if missing:
        _vectors.update(zip(missing, embed(missing)))
    videos_features_create(videos=videos, vectors=np.stack([_vectors[t] for t in texts]))
    return videos


def creators(n):
    from accounts.models import User

    start = next(_n)
    for _ in range(n):
        next(_n)
    users = [
        User(username=f"creator{start}_{i}", email=f"c{start}_{i}@example.com", birthdate="1990-01-01")
        for i in range(n)
    ]
    User.objects.bulk_create(users)
    return users


def make_videos(prompts, *, owners=None, hours_ago=1.0, **fields):
    """Published public videos with the given prompts, labelled and indexed.

    `owners`: a list cycled over (default: a new creator per video, so the
    per-creator cap does not shape the test)."""
    now = timezone.now()
    owners = owners or creators(len(prompts))
    rows = []
    for i, prompt in enumerate(prompts):
        owner = owners[i % len(owners)]
        n = next(_n)
        rows.append(
            Video(
                owner=owner,
                prompt=prompt,
                state=fields.get("state", "published"),
                visibility=fields.get("visibility", "public"),
                file=f"videos/f{n}.mp4",
                thumbnail=f"videos/f{n}.jpg",
                published_at=now - timedelta(hours=hours_ago + i * 0.01),
                like_count=fields.get("like_count", 0),
                remix_count=fields.get("remix_count", 0),
            )
        )
    Video.objects.bulk_create(rows)
    publish(rows)
    return rows


# A topic-labelled corpus: 12 topics, `per_topic` videos each, all from distinct creators.
CORPUS_TOPICS = {
    "cats": ["a cat chasing a laser dot", "a kitten asleep in a sunny window", "a fluffy cat knocking over a cup"],
    "dogs": ["a dog catching a frisbee", "a puppy splashing in a puddle", "a golden retriever running on grass"],
    "horror": ["a haunted house at midnight", "a zombie shuffling down a hallway", "a creepy ghost in the attic"],
    "space": ["an astronaut floating near a space station", "a rocket launching at dawn", "a galaxy swirling"],
    "cooking": ["a chef tossing pasta in a pan", "baking a chocolate cake", "a bowl of steaming soup"],
    "music": ["a guitar solo on a rooftop", "a piano in an empty hall", "a drummer in a garage band"],
    "sports": ["a skateboard trick in a park", "a basketball dunk in slow motion", "a tennis serve"],
    "ocean": ["waves crashing on a beach", "a whale breaching the sea", "a coral reef with fish"],
    "cars": ["a car drifting around a corner", "a vintage truck on a desert road", "a motorcycle at night"],
    "fantasy": ["a dragon circling a castle tower", "a wizard casting a glowing spell", "a unicorn in the mist"],
    "art": ["a watercolor painting coming to life", "a sculpture carved from marble", "an artist drawing"],
    "tech": ["a robot assembling a phone", "a drone flying over a city", "a computer made of glass"],
}


def make_corpus(per_topic=12, seed=0):
    import random

    rng = random.Random(seed)
    prompts = []
    for variants in CORPUS_TOPICS.values():
        for i in range(per_topic):
            prompts.append(variants[i % len(variants)])  # repeats: the encoder runs once per text
    order = list(range(len(prompts)))
    rng.shuffle(order)
    prompts = [prompts[i] for i in order]
    videos = make_videos(prompts)
    # Mixed engagement so the baseline ranking is not alphabetical by accident.
    for v in videos:
        v.like_count = rng.randint(0, 50)
        v.remix_count = rng.randint(0, 5)
    Video.objects.bulk_update(videos, ["like_count", "remix_count"])
    return videos


def video_items(body):
    return [item for item in body["results"] if item["type"] == "video"]


def topics_of(items):
    from feed.models import VideoTopic

    ids = [item["video"]["id"] for item in items]
    labels = {}
    for vid, topic in VideoTopic.objects.filter(video_id__in=ids).values_list("video_id", "topic"):
        labels.setdefault(str(vid), set()).add(topic)
    return [labels.get(i, set()) for i in ids]
