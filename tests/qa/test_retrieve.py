from index.records import Chunk
from qa.retrieve import diversify, fuse
from qa.tuning import TUNING


def _chunk(cid, doc="d1", start=0, end=10):
    return Chunk(chunk_id=cid, doc_id=doc, text="x" * (end - start), start=start, end=end, doc_hash="h")


def test_rrf_matches_hand_computed_scores():
    a, b, c = _chunk("a"), _chunk("b", start=20, end=30), _chunk("c", start=40, end=50)
    fused = fuse([[(a, 0.9), (b, 0.8)], [(b, 5.0), (c, 1.0)]])
    scores = {ch.chunk_id: s for ch, s in fused}
    assert abs(scores["a"] - 1 / (TUNING.rrf_k + 1)) < 1e-12
    assert abs(scores["b"] - (1 / (TUNING.rrf_k + 2) + 1 / (TUNING.rrf_k + 1))) < 1e-12
    assert abs(scores["c"] - 1 / (TUNING.rrf_k + 2)) < 1e-12
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


# -- BM25: the subset search, the saved index, the term counts ------------------------------

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from qa.answering.extractive import Idf  # noqa: E402
from qa.retrieve import Bm25Index  # noqa: E402

_TEXTS = {
    "a": ["North Korean troops were deployed to Kursk.", "The weather in Kursk was cold."],
    "b": ["Troops from North Korea fought in Kursk for months.", "Football results from the weekend."],
    "c": ["Shoigu visited Pyongyang in June.", "", "Kursk troops troops troops."],
}


def _chunks():
    out = []
    for doc, texts in sorted(_TEXTS.items()):
        pos = 0
        for i, t in enumerate(texts):
            out.append(Chunk(chunk_id=f"{doc}{i}", doc_id=doc, text=t, start=pos, end=pos + len(t), doc_hash="h"))
            pos += len(t) + 1
    return tuple(out)


def _reference(index, query, k, doc_ids=None):
    """Brute force: every chunk's score, stable sort, filter, keep positive."""
    from lang.text import terms

    q = [t for t in terms(query) if t in index.model.vocab_dict]
    if not q:
        return []
    scores = index.model.get_scores(q)
    order = np.argsort(-scores, kind="stable")
    out = [(index.chunks[i].chunk_id, float(scores[i])) for i in order
           if scores[i] > 0 and (doc_ids is None or index.chunks[i].doc_id in doc_ids)]
    return out[:k]


@pytest.mark.parametrize("query, k, doc_ids", [
    ("North Korean troops in Kursk", 3, None), ("North Korean troops in Kursk", 10, None),
    ("troops Kursk", 2, {"b", "c"}), ("troops Kursk", 5, {"c"}), ("weather", 4, None),
    ("troops", 3, {"no-such-doc"}), ("zzz unknown words", 3, None),
])
def test_bm25_search_matches_a_brute_force_ranking(query, k, doc_ids):
    index = Bm25Index.build("v1", _chunks())
    got = [(c.chunk_id, s) for c, s in index.search(query, k, doc_ids)]
    assert got == _reference(index, query, k, doc_ids)


def test_term_counts_are_the_document_frequencies_of_the_answerers_idf():
    chunks = _chunks()
    index = Bm25Index.build("v1", chunks)
    direct = Idf([c.text for c in chunks])
    counted = Idf.from_counts(index.df, len(chunks))
    assert counted.df == direct.df and counted.n == direct.n
    for t in ("troop", "kursk", "weather", "never-seen"):
        assert counted(t) == direct(t)


def test_a_saved_bm25_index_loads_with_the_same_rankings(tmp_path):
    chunks = _chunks()
    built = Bm25Index.cached("v1", chunks, tmp_path)
    assert len(list(tmp_path.glob("bm25-*"))) == 1
    loaded = Bm25Index.load("v1", chunks, tmp_path)
    assert loaded.df == built.df
    for q in ("North Korean troops", "weather Kursk", "Shoigu Pyongyang"):
        assert [(c.chunk_id, round(s, 6)) for c, s in loaded.search(q, 5)] == \
               [(c.chunk_id, round(s, 6)) for c, s in built.search(q, 5)]


def test_another_version_is_rebuilt_and_replaces_the_saved_one(tmp_path):
    chunks = _chunks()
    Bm25Index.cached("v1", chunks, tmp_path)
    with pytest.raises(OSError):
        Bm25Index.load("v2", chunks, tmp_path)
    Bm25Index.cached("v2", chunks[:4], tmp_path)
    assert len(list(tmp_path.glob("bm25-*"))) == 1  # v1's copy was removed
    assert len(Bm25Index.load("v2", chunks[:4], tmp_path).chunks) == 4


def test_a_damaged_saved_index_is_rebuilt(tmp_path):
    chunks = _chunks()
    Bm25Index.cached("v1", chunks, tmp_path)
    (next(tmp_path.glob("bm25-*")) / "df.json").write_text("{not json")
    again = Bm25Index.cached("v1", chunks, tmp_path)
    assert [c.chunk_id for c, _ in again.search("troops", 2)]


# -- TopicIdf: term weights among the retrieved articles -----------------------------------

from qa.retrieve import Retriever, TopicIdf  # noqa: E402


class _Reader:
    """The part of an IndexReader the retriever's term statistics use."""

    version = "v1"

    def __init__(self, chunks):
        self._chunks = chunks

    def chunks(self):
        return self._chunks


def test_local_term_counts_count_the_chunks_of_the_given_documents_only():
    retriever = Retriever(_Reader(_chunks()))
    counts, n = retriever.local_term_counts(["troop", "kursk", "weather", "pyongyang"], ["a", "c"])
    assert n == 5  # a has 2 chunks, c has 3
    assert counts == {"troop": 2, "kursk": 3, "weather": 1, "pyongyang": 1}
    assert retriever.local_term_counts(["troop"], ["no-such-doc"]) == ({}, 0)


def test_topic_idf_is_the_idf_over_the_retrieved_chunks_and_ignores_the_rest_of_the_corpus():
    topic = [c for c in _chunks() if c.doc_id in ("a", "c")]
    unrelated = [Chunk(chunk_id=f"z{i}", doc_id=f"z{i}", text=f"Sports results {i} and weather news.", start=0,
                       end=30, doc_hash="h") for i in range(20)]
    small, big = Idf([c.text for c in topic]), Idf([c.text for c in topic + unrelated])
    local = Retriever(_Reader(tuple(topic))).local_term_counts(["troop", "weather", "kursk", "absent"], ["a", "c"])
    on_topic_only = TopicIdf(small, *local)
    among_unrelated = TopicIdf(big, *local)
    for t in ("troop", "weather", "kursk", "absent"):
        assert on_topic_only(t) == pytest.approx(small(t))  # a corpus of the topic alone: corpus IDF
        assert among_unrelated(t) == on_topic_only(t)  # unrelated articles change nothing
    assert big("troop") > small("troop")  # ... while corpus IDF moves with them
    assert among_unrelated.known("weather") and not among_unrelated.known("absent")


def test_topic_idf_without_retrieved_chunks_falls_back_to_corpus_idf():
    corpus = Idf(["troops in kursk", "weather report"])
    idf = TopicIdf(corpus, {}, 0)
    assert idf("troop") == corpus("troop") and idf.top == corpus.top
