from generation.diffusion.text import MAX_TOKENS, TEXT_DIM, TextEncoder


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
