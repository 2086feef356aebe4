"""The documents' vectors in memory and on disk: packed small, scored as the floats are."""

import numpy as np
import pytest

from wardbot import semantic
from wardbot.semantic import SemanticIndex, VectorCache, pack


def unit_rows(rng, n, dim=32):
    rows = rng.standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def docs():
    """doc id -> (phrasing vectors, passage vector), 1 to 3 phrasings each, as floats."""
    rng = np.random.default_rng(7)
    return {f"doc-{i}": (list(unit_rows(rng, 1 + i % 3)), unit_rows(rng, 1)[0]) for i in range(40)}


def float_scores(docs, question):
    head = [max(float(v @ question) for v in heads) for heads, _ in docs.values()]
    passage = [float(p @ question) for _, p in docs.values()]
    return np.array(head), np.array(passage)


def test_a_packed_index_scores_a_question_as_the_float_vectors_do(docs, monkeypatch):
    # Blocks of 7 rows: the products are made across several blocks and joined.
    monkeypatch.setattr(semantic, "SCORE_BLOCK_ROWS", 7)
    question = unit_rows(np.random.default_rng(8), 1)[0]
    index = SemanticIndex(docs)
    scores = index.score(question)
    head, passage = float_scores(docs, question)
    # The ranker reads cosines as z-scores over a narrow spread: they must not move.
    assert np.abs(scores.head - head).max() < 1e-4
    assert np.abs(scores.passage - passage).max() < 1e-4
    assert index.ids == list(docs)


def test_a_new_index_takes_another_indexs_vectors_as_they_are(docs):
    question = unit_rows(np.random.default_rng(9), 1)[0]
    first = SemanticIndex(docs)
    # What a refresh does: the documents it holds from the old index, a new one as floats.
    rng = np.random.default_rng(10)
    new = (list(unit_rows(rng, 2)), unit_rows(rng, 1)[0])
    second = SemanticIndex({**{d: first.vectors_of(d) for d in list(docs)[5:]}, "new": new})
    kept = {d: docs[d] for d in list(docs)[5:]}
    head, passage = float_scores({**kept, "new": new}, question)
    scores = second.score(question)
    assert np.abs(scores.head - head).max() < 1e-4
    assert np.abs(scores.passage - passage).max() < 1e-4


def test_packed_vectors_take_half_the_memory_of_floats(docs):
    index = SemanticIndex(docs)
    heads, passage = index.vectors_of("doc-2")
    assert heads.codes.dtype.itemsize * 2 == np.dtype(np.float32).itemsize
    assert len(heads) == 3 and len(passage) == 1


def test_a_zero_vector_packs_without_dividing_by_zero():
    packed = pack([np.zeros(4, dtype=np.float32), np.array([0, 0.5, 0, 0], dtype=np.float32)])
    assert not packed.codes[0].any() and packed.scales[0] == 0
    assert packed.codes[1, 1] * packed.scales[1] == pytest.approx(0.5)


def test_the_vector_cache_keeps_what_was_put_across_a_restart(tmp_path):
    path = tmp_path / "vectors.npz"
    rng = np.random.default_rng(11)
    rows = unit_rows(rng, 30)
    cache = VectorCache(path)
    cache.reserve(5)
    for i, row in enumerate(rows):  # more than reserved: the matrix grows
        cache.put(f"key-{i}", row)
    held = cache.get("key-3")  # a vector handed out before the matrix grew stays right
    cache.keep_only({f"key-{i}" for i in range(0, 30, 2)})
    cache.save()
    again = VectorCache(path)
    assert again.get("key-1") is None
    for i in range(0, 30, 2):
        assert np.abs(again.get(f"key-{i}") - rows[i]).max() < 1e-3  # float16 on disk
    assert np.abs(held - rows[3]).max() < 1e-3


def test_a_vector_cache_from_another_version_is_ignored(tmp_path):
    path = tmp_path / "vectors.npz"
    np.savez(path, keys=np.array(["a", "b"]), vectors=np.zeros((3, 4), dtype=np.float16))
    assert VectorCache(path).get("a") is None
