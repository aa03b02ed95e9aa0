import numpy as np
import pytest

from sora_social import embedder

pytestmark = pytest.mark.usefixtures("policy_loaded")


def test_embed_shape_and_unit_norm():
    vectors = embedder.embed(["a cat on a sofa", "a dog in the park", "tax law"])

    assert vectors.shape == (3, embedder.DIM)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_similar_sentences_are_closer():
    cat, kitten, tax = embedder.embed(["a cat on a sofa", "a kitten on a couch", "filing a tax return"])

    assert cat @ kitten > cat @ tax + 0.2


def test_single_text_matches_batch_and_is_cached():
    alone = embedder.embed(["a red kite over a hill"])[0]
    batched = embedder.embed(["a red kite over a hill", "something much longer to force padding in the batch"])[0]

    np.testing.assert_allclose(alone, batched, atol=1e-5)
    hits = embedder._embed_one.cache_info().hits
    embedder.embed(["a red kite over a hill"])
    assert embedder._embed_one.cache_info().hits == hits + 1


def test_empty_input():
    assert embedder.embed([]).shape == (0, embedder.DIM)
