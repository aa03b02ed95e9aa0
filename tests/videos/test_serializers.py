"""VideoOut renders from an unrolled loop (the hot path of every list and feed page);
it must answer exactly what DRF's generic field loop over the declared fields answers."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from accounts.models import User
from videos.models import Video
from videos.serializers import VideoOut


def _generic(serializer: VideoOut, video: Video) -> dict:
    return serializers.ModelSerializer.to_representation(serializer, video)


@pytest.fixture
def videos(db):
    owner = User.objects.create_user(
        username="maker",
        email="maker@example.com",
        password="pw-unused-123",
        birthdate="1990-01-01",
        display_name="Mäker ✨",
        bio="likes bouncing balls",
    )
    parent = Video.objects.create(
        owner=owner,
        prompt="a red ball bouncing",
        state="published",
        visibility="public",
        file="videos/p.mp4",
        thumbnail="videos/p.jpg",
        published_at=timezone.now() - timedelta(hours=3),
        understood=["red", "ball", "bouncing"],
        ignored=[],
        duration_s=4,
        width=256,
        height=256,
        has_c2pa=True,
        mark_key=12345,
        model_version="tiny-dit-v1",
        like_count=7,
        comment_count=2,
        remix_count=1,
    )
    remix = Video.objects.create(
        owner=owner,
        prompt="make it blue",
        caption="now blue",
        state="published",
        visibility="followers",
        file="videos/r.mp4",
        thumbnail="",
        remix_of=parent,
        published_at=timezone.now(),
        understood=["blue"],
        ignored=["surfing", "sunset"],
        cameo_ids=[str(uuid.uuid4()), str(uuid.uuid4())],
        duration_s=2.5,
        width=448,
        height=256,
    )
    draft = Video.objects.create(
        owner=owner,
        prompt="draft with odd lists",
        state="draft",
        visibility="private",
        file="videos/d.mp4",
        understood=[],
        ignored=[None, 3],
        mark_key=None,
    )
    return [Video.objects.select_related("owner").get(pk=v.pk) for v in (parent, remix, draft)]


def test_unrolled_rendering_matches_the_declared_fields(videos):
    request = APIRequestFactory().get("/api/v1/videos/x")
    for video in videos:
        serializer = VideoOut(video, context={"request": request})
        fast = serializer.data
        assert list(fast) == VideoOut.Meta.fields
        assert fast == _generic(VideoOut(video, context={"request": request}), video), video.prompt
    assert fast["published_at"] is None and fast["understood"] == [] and fast["ignored"] == [None, "3"]


def test_many_renders_each_row_the_same_way(videos):
    request = APIRequestFactory().get("/api/v1/videos/x")
    many = VideoOut(videos, many=True, context={"request": request}).data
    one = [_generic(VideoOut(v, context={"request": request}), v) for v in videos]
    # media URLs are signed per call with the same expiry bucket: identical within a test
    assert [dict(row) for row in many] == one
