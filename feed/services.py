"""Writes: interactions, steering, check-ins, and the publish/remove hooks
that keep the vector index and topic labels in step with videos."""

from __future__ import annotations

import logging

import numpy as np
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Follow, User
from accounts.notifications import notify
from generation.capabilities import capabilities
from moderation.services import conversation_check
from sora_social.embedder import embed, embed_one
from sora_social.limits import user_write_allow
from videos.models import Video, VideoState
from videos.services import video_count

from . import index as video_index
from . import topics
from .errors import CheckinAnswered, CheckinNotFound
from .models import Checkin, Comment, Like, Steering, VideoFeatures, VideoTopic, View
from .pool import video_arrived, viewer_changed
from .selectors import video_for_interaction

log = logging.getLogger(__name__)

WATCH_MS_MAX = 60 * 60 * 1000


# --- interactions ------------------------------------------------------------


def video_like(*, user: User, video_id) -> Video:
    """Idempotent: a second like changes nothing. The count moves only when a row did."""
    video = video_for_interaction(viewer=user, video_id=video_id)
    try:
        with transaction.atomic():
            Like.objects.create(user=user, video=video)
            video_count(video_id=video.pk, counter="like_count", by=1)
            notify(recipient=video.owner_id, kind="like", actor=user, video=video)
    except IntegrityError:
        pass  # already liked (also: two devices liking at once; the unique constraint decides)
    video.refresh_from_db(fields=["like_count", "comment_count", "remix_count"])
    return video


def video_unlike(*, user: User, video_id) -> Video:
    video = video_for_interaction(viewer=user, video_id=video_id)
    with transaction.atomic():
        deleted, _ = Like.objects.filter(user=user, video=video).delete()
        if deleted:
            video_count(video_id=video.pk, counter="like_count", by=-1)
    video.refresh_from_db(fields=["like_count", "comment_count", "remix_count"])
    return video


def comment_create(*, user: User, video_id, text: str) -> Comment:
    video = video_for_interaction(viewer=user, video_id=video_id)
    user_write_allow(user=user, kind="comment")
    # 422 prompt_blocked naming the rule; stricter where a teen writes or made the video
    conversation_check(text=text, teen_thread=user.is_teen or video.owner.is_teen)
    with transaction.atomic():
        comment = Comment.objects.create(video=video, author=user, text=text)
        video_count(video_id=video.pk, counter="comment_count", by=1)
        notify(
            recipient=video.owner_id,
            kind="comment",
            actor=user,
            video=video,
            data={"comment": str(comment.pk), "text": text[:140]},
        )
    return comment


def comment_remove(*, comment: Comment) -> bool:
    """Hide a comment for everyone (a reviewer's decision); the row stays for the record.

    Idempotent: False when it was already removed, and the count moves once.
    """
    with transaction.atomic():
        hidden = Comment.objects.filter(pk=comment.pk, removed_at__isnull=True).update(removed_at=timezone.now())
        if hidden:
            video_count(video_id=comment.video_id, counter="comment_count", by=-1)
    return bool(hidden)


def comment_take_down(comment: Comment) -> str:
    """A reviewer removes a reported comment; its text is the evidence kept with the decision."""
    comment_remove(comment=comment)
    return comment.text


def view_record(*, user: User, video_id, watch_ms: int) -> View:
    video = video_for_interaction(viewer=user, video_id=video_id)
    return View.objects.create(user=user, video=video, watch_ms=min(watch_ms, WATCH_MS_MAX))


# --- steering ----------------------------------------------------------------


def steering_set(*, user: User, instruction: str) -> Steering:
    """Not run through the prompt policy, on purpose: the instruction is private
    (shown to its author only), what it does is bounded by the taxonomy, and the
    policy, tuned for video prompts, refuses the contract's own examples ("only
    from people I follow" scores as harassment, "less cats, more dogs" as hate)."""
    from .steering import parse

    parsed, parser = parse(instruction)
    steering, _ = Steering.objects.update_or_create(
        user=user, defaults={"instruction": instruction, "parsed": parsed, "parser": parser}
    )
    # Its rules hold from the next page (checked when serving); its weights with the re-ranked pool.
    transaction.on_commit(lambda: viewer_changed(user.pk))
    return steering


def steering_clear(*, user: User) -> None:
    Steering.objects.filter(user=user).delete()
    transaction.on_commit(lambda: viewer_changed(user.pk))


# --- check-ins ---------------------------------------------------------------

LOW_MOOD = 2


def checkin_answer(*, user: User, checkin_id, mood: int, note: str = "") -> list[dict]:
    """Record the mood; a low one turns the feed calm for a while (see
    pipeline.load_context) and the answer suggests stepping out of the feed."""
    import uuid

    try:
        uuid.UUID(str(checkin_id))
    except ValueError:
        raise CheckinNotFound()
    with transaction.atomic():
        checkin = Checkin.objects.select_for_update().filter(pk=checkin_id, user=user).first()
        if checkin is None:
            raise CheckinNotFound()
        if checkin.answered_at is not None:
            raise CheckinAnswered()
        checkin.mood, checkin.note, checkin.answered_at = mood, note, timezone.now()
        checkin.save(update_fields=["mood", "note", "answered_at"])
        if mood <= LOW_MOOD:  # the pool is re-ranked calm
            transaction.on_commit(lambda: viewer_changed(user.pk))
    return checkin_suggestions(user=user, mood=mood)


def checkin_suggestions(*, user: User, mood: int) -> list[dict]:
    make = {
        "type": "create",
        "detail": "Make something: a short video of your own.",
        "prompt": capabilities()["example_prompt"],  # a prompt the model draws, never one it would refuse
    }
    if mood > LOW_MOOD:
        return [make, {"type": "break", "detail": "Nice. Remember to take a break now and then."}]
    friends = list(
        Follow.objects.filter(follower=user, followee__in=Follow.objects.filter(followee=user).values("follower"))
        .order_by("-created_at")
        .values_list("followee__username", flat=True)[:3]
    )
    out = [{"type": "calm", "detail": "We'll keep your feed calm for a while."}, make]
    if friends:
        out.append({"type": "message", "detail": f"Send @{friends[0]} a message?", "username": friends[0]})
    else:
        out.append({"type": "message", "detail": "Message a friend, or step away for a bit."})
    return out


# --- publish / remove hooks (called by generation's services) -----------------


def video_text(video: Video) -> str:
    return " ".join(part for part in (video.prompt, video.caption) if part).strip()


def video_features_save(*, video: Video, vector: np.ndarray) -> VideoFeatures:
    labels = topics.label(video_text(video), vector)
    names = [t for t, _ in labels]
    with transaction.atomic():
        features, _ = VideoFeatures.objects.update_or_create(
            video=video,
            defaults={
                "embedding": np.asarray(vector, np.float32).tobytes(),
                "primary_topic": names[0] if names else "",
                "topics": " ".join(names),
                "teen_safe": topics.is_teen_safe(names),
                "removed": False,
            },
        )
        VideoTopic.objects.filter(video=video).delete()
        VideoTopic.objects.bulk_create([VideoTopic(video=video, topic=t, score=s) for t, s in labels])
    return features


def videos_features_create(*, videos: list[Video], vectors: np.ndarray) -> None:
    """Bulk `video_features_save` for videos that have no features yet (backfill, seeding)."""
    features, labels = [], []
    for video, vector in zip(videos, vectors):
        found = topics.label(video_text(video), vector)
        names = [t for t, _ in found]
        features.append(
            VideoFeatures(
                video=video,
                embedding=np.asarray(vector, np.float32).tobytes(),
                primary_topic=names[0] if names else "",
                topics=" ".join(names),
                teen_safe=topics.is_teen_safe(names),
            )
        )
        labels += [VideoTopic(video=video, topic=t, score=sc) for t, sc in found]
    with transaction.atomic():
        VideoFeatures.objects.bulk_create(features, batch_size=1000)
        VideoTopic.objects.bulk_create(labels, batch_size=2000)


def video_published(video: Video) -> None:
    """After a publish (or a new caption) commits: have a worker label, embed and index it.

    Never inside the web request (the encoder costs ~10 ms a video and ~2 s to
    load). If the broker cannot take the task, the scheduled catch-up
    (`videos_backfill`, every SORA_FEED_CATCH_UP_EVERY seconds) indexes every
    published video that has no features yet; a new caption of an indexed
    video then waits for the next caption change or re-publish.
    """
    from .tasks import video_index as video_index_task

    try:
        video_index_task.delay(str(video.pk))
    except Exception:  # the broker is down: the catch-up has it
        log.warning("could not queue indexing of video %s; the catch-up will", video.pk, exc_info=True)


def video_label_and_index(video_id) -> None:
    """Task body: label a published video and add it to the index (safe to run twice)."""
    video = Video.objects.filter(pk=video_id, state=VideoState.PUBLISHED).first()
    if video is None:
        return
    vector = embed_one(video_text(video)).copy()
    features = video_features_save(video=video, vector=vector)
    try:
        # In place in this process; other processes pick the row up on their next sync.
        video_index.get_index().add([(features.pk, str(video.pk), vector)])
    except Exception:
        log.exception("could not add video %s to the in-process index", video.pk)
    try:
        video_arrived(video)  # at the head of its owner's followers' pools, now that it is labelled
    except Exception:  # the cache is down: their pools take it when next ranked
        log.warning("could not add video %s to its followers' feed pools", video.pk, exc_info=True)


def video_removed(video: Video) -> None:
    """Take a removed (or unpublished) video out of the index; labels stay for review."""
    ids = list(VideoFeatures.objects.filter(video_id=video.pk).values_list("pk", flat=True))
    VideoFeatures.objects.filter(video_id=video.pk).update(removed=True)
    index = video_index.get_index()
    for pk in ids:
        index.remove(pk)


def index_rebuild() -> int:
    """Rebuild and publish the index from the database; returns its version."""
    return video_index.rebuild().version


def videos_backfill(*, batch: int = 256) -> int:
    """Label and embed published videos that have no features yet (a new
    deployment, or a corpus seeded outside the publish path)."""
    done = 0
    qs = Video.objects.filter(state=VideoState.PUBLISHED, features__isnull=True).order_by("published_at")
    while True:
        chunk = list(qs[:batch])
        if not chunk:
            return done
        videos_features_create(videos=chunk, vectors=embed([video_text(v) for v in chunk]))
        done += len(chunk)
