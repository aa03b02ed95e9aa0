"""The Django seam to the model: `render_job` with the committed checkpoint."""

import numpy as np
import pytest

from generation.diffusion import DEFAULT_CHECKPOINT
from generation.diffusion.checker import colour_region
from generation.diffusion.sampler import extension_checkpoint
from generation.media import decode_audio, decode_frames, invisible, probe
from generation.pipeline import JobSpec, render_job
from generation.provenance import manifest_actions, read_manifest


@pytest.fixture(scope="module")
def parent(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("parent")
    spec = JobSpec(
        job_id="parent", prompt="a red ball bouncing on the beach", seed=11, duration_s=2, aspect="landscape", steps=4
    )
    return render_job(spec, workdir=workdir)


def test_a_rendered_job_is_a_signed_watermarked_mp4(parent):
    info = probe(parent.video_path)

    assert (info["video_codec"], info["audio_codec"], info["pix_fmt"]) == ("h264", "aac", "yuv420p")
    assert info["fps"] == 24 and info["faststart"]
    assert info["width"] > info["height"] >= 256  # landscape
    assert parent.c2pa_valid and parent.model_version.startswith("sora-social-dit@")
    assert set(parent.timings) >= {"sampling", "encode", "sign", "checks"}


def test_progress_reports_every_step_and_cancel_stops(tmp_path):
    from generation.diffusion.sampler import GenerationCancelled

    steps = []
    spec = JobSpec(job_id="p", prompt="a green star falling", seed=1, duration_s=2, aspect="square", steps=4)
    render_job(spec, workdir=tmp_path, on_step=lambda s, n: steps.append((s, n)))
    assert steps == [(1, 4), (2, 4), (3, 4), (4, 4)]

    with pytest.raises(GenerationCancelled):
        render_job(spec, workdir=tmp_path, should_cancel=lambda: True)


def _remix(parent, job_id: str, **kw) -> JobSpec:
    """The parent's red ball made blue, as a remix of its video."""
    return JobSpec(
        job_id=job_id,
        prompt="a blue ball bouncing on the beach",
        seed=12,
        duration_s=2,
        aspect="landscape",
        steps=4,
        parent_path=parent.video_path,
        parent_title="parent.mp4",
        **kw,
    )


def test_a_remix_keeps_the_parents_composition(parent, tmp_path):
    parent_frames = decode_frames(parent.video_path).astype(np.float32)
    remix_spec = _remix(parent, "remix", remix_strength=0.5)
    fresh_spec = JobSpec(
        job_id="fresh", prompt="a blue ball bouncing on the beach", seed=12, duration_s=2, aspect="landscape", steps=4
    )

    (tmp_path / "r").mkdir()
    (tmp_path / "f").mkdir()
    remix = render_job(remix_spec, workdir=tmp_path / "r")
    fresh = render_job(fresh_spec, workdir=tmp_path / "f")

    def distance(path):
        return float(np.abs(decode_frames(path).astype(np.float32) - parent_frames).mean())

    assert distance(remix.video_path) < 0.8 * distance(fresh.video_path)
    actions = [a["action"] for a in manifest_actions(read_manifest(remix.video_path)["manifest"])]
    assert "c2pa.created" in actions and "c2pa.edited" in actions


def test_a_recolouring_remix_leaves_the_parent_as_it_was_away_from_the_old_colour(parent, tmp_path):
    (tmp_path / "w").mkdir()
    (tmp_path / "c").mkdir()
    whole = render_job(_remix(parent, "whole", remix_strength=0.9), workdir=tmp_path / "w")
    recolour = render_job(_remix(parent, "recolour", remix_strength=0.9, edit_colours=("red",)), workdir=tmp_path / "c")
    parent_frames = decode_frames(parent.video_path)
    away = ~colour_region(parent_frames, ("red",), grow=8)  # away from the red ball, wherever it goes
    assert 0.5 < away.mean() < 0.95

    def distance(path):
        return float(np.abs(decode_frames(path).astype(np.float32) - parent_frames).mean(-1)[away].mean())

    # away from the ball the recolouring is the parent again (give or take the delivery's round trip and
    # the new marks); the whole-frame remix draws the beach again
    assert distance(recolour.video_path) < min(10.0, 0.4 * distance(whole.video_path))
    assert recolour.c2pa_valid


@pytest.mark.parametrize("strength, strengthened", [(invisible.TARGET_RMS, False), (0.0, True)])
def test_every_render_carries_its_key_and_a_weak_mark_is_strengthened_not_refused(tmp_path, strength, strengthened):
    spec = JobSpec(
        job_id="marked",
        prompt="a red ball bouncing on the beach",
        seed=3,
        duration_s=2,
        aspect="square",
        steps=4,
        mark_key=0x7E57_0001,
        mark_strength=strength,
    )
    out = render_job(spec, workdir=tmp_path)

    frames = decode_frames(out.video_path)
    assert invisible.read_in_place(frames).key == 0x7E57_0001
    assert invisible.detect_audio(decode_audio(out.video_path)).key == 0x7E57_0001
    assert ("mark_strengthened" in out.timings) is strengthened
    assert out.timings["invisible_mark"] > 0


def test_a_render_without_a_key_carries_no_mark(tmp_path):
    spec = JobSpec(
        job_id="plain", prompt="a red ball bouncing on the beach", seed=3, duration_s=2, aspect="square", steps=4
    )
    out = render_job(spec, workdir=tmp_path)
    assert not invisible.read_in_place(decode_frames(out.video_path)).found
    assert "invisible_mark" not in out.timings


def test_joint_frames_read_back_the_models_own_frames_from_the_delivered_video():
    from generation.media import upscale
    from generation.pipeline import joint_frames

    model = np.stack([np.full((8, 8, 3), 20 * j, np.uint8) for j in range(8)])  # 2 s at 4 fps, one grey each
    delivered = upscale(model, 4, short_side=8, fps_out=24)

    last = joint_frames(delivered, fps_in=24, fps_model=4, seconds=1, end=True)
    first = joint_frames(delivered, fps_in=24, fps_model=4, seconds=1, end=False)

    assert [int(f.mean().round()) for f in last] == pytest.approx([80, 100, 120, 140], abs=6)
    assert [int(f.mean().round()) for f in first] == pytest.approx([0, 20, 40, 60], abs=6)


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_an_extension_opens_with_the_parents_last_second_or_closes_with_its_first(parent, tmp_path, direction):
    common = dict(prompt="a red ball bouncing on the beach", seed=21, duration_s=3, aspect="landscape", steps=4)
    extension = render_job(
        JobSpec(job_id="ext", parent_path=parent.video_path, parent_title="p.mp4", extend=direction, **common),
        workdir=tmp_path,
    )
    (tmp_path / "fresh").mkdir()
    fresh = render_job(JobSpec(job_id="fresh", **common), workdir=tmp_path / "fresh")

    source = decode_frames(parent.video_path).astype(np.float32)
    joint = source[-24:] if direction == "forward" else source[:24]

    def distance(path):
        frames = decode_frames(path).astype(np.float32)
        ours = frames[:24] if direction == "forward" else frames[-24:]
        return float(np.abs(ours - joint).mean())

    assert distance(extension.video_path) < 0.5 * distance(fresh.video_path)
    assert abs(extension.duration_s - 3.0) < 0.1
    # drawn by the extension model beside the checkpoint, and the video says so
    assert extension_checkpoint(DEFAULT_CHECKPOINT).exists()
    assert extension.model_version.startswith(fresh.model_version + "+known@")
    actions = [a["action"] for a in manifest_actions(read_manifest(extension.video_path)["manifest"])]
    assert "c2pa.edited" in actions  # the parent is its ingredient, as for a remix


def test_a_picture_is_animated_by_the_extension_model_and_the_video_says_so(parent, tmp_path):
    """The extension model beside the checkpoint serves pictures too since leg 16 (docs/model/logs/leg16_pictures.log)."""
    picture = decode_frames(parent.video_path)[0]
    common = dict(prompt="a red ball bouncing on the beach", seed=5, duration_s=2, aspect="landscape", steps=4)
    animated = render_job(JobSpec(job_id="pic", first_frame=picture, **common), workdir=tmp_path)
    (tmp_path / "fresh").mkdir()
    fresh = render_job(JobSpec(job_id="fresh", **common), workdir=tmp_path / "fresh")
    assert animated.model_version.startswith(fresh.model_version + "+known@")
    assert "+known@" not in fresh.model_version  # plain generation stays on the model
