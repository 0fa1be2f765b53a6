from index.records import Chunk
from qa.retrieve import RRF_K, diversify, fuse


def _chunk(cid, doc="d1", start=0, end=10):
    return Chunk(chunk_id=cid, doc_id=doc, text="x" * (end - start), start=start, end=end, doc_hash="h")


def test_rrf_matches_hand_computed_scores():
    a, b, c = _chunk("a"), _chunk("b", start=20, end=30), _chunk("c", start=40, end=50)
    fused = fuse([[(a, 0.9), (b, 0.8)], [(b, 5.0), (c, 1.0)]])
    scores = {ch.chunk_id: s for ch, s in fused}
    assert abs(scores["a"] - 1 / (RRF_K + 1)) < 1e-12
    assert abs(scores["b"] - (1 / (RRF_K + 2) + 1 / (RRF_K + 1))) < 1e-12
    assert abs(scores["c"] - 1 / (RRF_K + 2)) < 1e-12
    assert [ch.chunk_id for ch, _ in fused] == ["b", "a", "c"]


def test_diversify_prefers_another_document_over_a_third_chunk_of_one():
    d1 = [_chunk(f"d1-{i}", "d1", i * 100, i * 100 + 50) for i in range(3)]
    other = _chunk("d2-0", "d2", 0, 50)
    scored = [(d1[0], 1.0), (d1[1], 0.95), (d1[2], 0.9), (other, 0.5)]
    picked = [c.chunk_id for c, _ in diversify(scored, 3)]
    assert "d2-0" in picked
    assert picked[0] == "d1-0"


def test_diversify_drops_near_copies_of_the_same_span():
    a = _chunk("a", "d1", 0, 100)
    copy = _chunk("b", "d1", 10, 100)
    far = _chunk("c", "d1", 200, 300)
    picked = [c.chunk_id for c, _ in diversify([(a, 1.0), (copy, 0.99), (far, 0.5)], 3)]
    assert picked == ["a", "c"]
