import pytest
import torch

from generation.diffusion.text import MAX_TOKENS, PACK_ENV, TEXT_DIM, TextEncoder, pack, package_dir, world_captions


def test_encoder_gives_tokens_mask_and_pooled_and_caches_per_prompt():
    enc = TextEncoder()
    e = enc.encode(["a red ball bounces on the beach", "@maya waves"])
    assert e.tokens.shape == (2, MAX_TOKENS, TEXT_DIM) and e.pooled.shape == (2, TEXT_DIM)
    assert e.mask[0].sum() > e.mask[1].sum() > 0
    first = enc.cache["@maya waves"]
    enc.encode("@maya waves")
    assert enc.cache["@maya waves"] is first and len(enc.cache) == 2
    a, b = enc.encode(["a red ball", "a blue cube"]).pooled
    assert not (a == b).all()


@pytest.fixture(scope="module")
def packed(tmp_path_factory):
    out = tmp_path_factory.mktemp("enc") / "text-encoder"
    return out, pack(out, n_captions=2000)


def test_packed_encoder_fits_a_device_carry_beside_the_repo(packed):
    out, info = packed
    assert info["word_pieces"] < 200  # the world's captions use ~110 of 30,522
    assert sum(f.stat().st_size for f in out.iterdir()) < 25 * 2**20  # 88 MB unpacked; the carry is 64 MiB in all


def test_packed_encoder_matches_the_package_on_fresh_world_captions(packed, monkeypatch):
    monkeypatch.setenv(PACK_ENV, str(packed[0]))
    small = TextEncoder()  # every TextEncoder() follows the environment variable
    assert small.remap is not None
    fresh = list(dict.fromkeys(world_captions(3000, seed=99)))
    ids = small.tokenizer(fresh, truncation=True, max_length=MAX_TOKENS)["input_ids"]
    assert all(int(small.remap[i]) >= 0 for row in ids for i in row)  # captions of other seeds are covered
    full = TextEncoder(path=package_dir())
    assert full.remap is None
    a, b = full.encode(fresh[:48]), small.encode(fresh[:48])
    assert torch.equal(a.mask, b.mask)
    assert torch.nn.functional.cosine_similarity(a.pooled, b.pooled).min() > 0.9999
    assert (a.tokens - b.tokens).abs().max() < 0.05  # fp16 weights


def test_packed_encoder_refuses_word_pieces_it_cut(packed):
    small = TextEncoder(path=packed[0])
    with pytest.raises(ValueError, match="no embedding for"):
        small.encode("a xylophone plays jazz on the beach")
    assert "a xylophone plays jazz on the beach" not in small.cache
