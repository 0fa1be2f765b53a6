"""The read handle: dense search against an independent brute-force cosine reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.build import build_index
from index.chunk import embedding_text
from index.records import IndexConfig
from index.store import IndexNotFound, cosine_score, index_exists, open_index
from tests.index.fakes import HashingEmbedder

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
QUESTIONS = [
    "How many North Korean soldiers have been killed?",
    "When did Shoigu arrive in Pyongyang for the third time?",
    "How many containers of ammunition were shipped?",
    "Who issued an arrest warrant for Shoigu?",
]


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    cfg = IndexConfig(index_dir=tmp_path_factory.mktemp("store") / "index", chunk_size=300)
    emb = HashingEmbedder()
    build_index(cfg, [CORPUS], embedder=emb)
    return open_index(cfg, embedder=emb)


def brute_force(reader, query, doc_ids=None):
    """Cosine similarity of the query against every chunk, computed here with numpy."""
    docs = reader.documents()
    chunks = [c for c in reader.chunks() if doc_ids is None or c.doc_id in doc_ids]
    texts = [embedding_text(c, docs[c.doc_id].title) for c in chunks]
    m = reader.embedder.embed(texts)                    # (n, dim), unit rows
    q = reader.embedder.embed([query])[0]
    sims = m @ q / (np.linalg.norm(m, axis=1) * np.linalg.norm(q))
    order = np.argsort(-sims, kind="stable")
    return [(chunks[i].chunk_id, float(sims[i])) for i in order]


@pytest.mark.parametrize("query", QUESTIONS)
def test_dense_search_matches_bruteforce_cosine(reader, query):
    k = 5
    got = reader.dense_search(query, k)
    ref = brute_force(reader, query)
    assert len(got) == k
    assert [round(s, 4) for _, s in got] == [round(s, 4) for _, s in ref[:k]]
    ref_scores = dict(ref)
    for chunk, score in got:
        assert score == pytest.approx(ref_scores[chunk.chunk_id], abs=1e-4)
    assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)


def test_dense_search_with_doc_filter_matches_bruteforce(reader):
    wanted = {d for d in reader.documents() if d.startswith(("002", "004"))}
    got = reader.dense_search(QUESTIONS[0], 4, doc_ids=wanted)
    ref = brute_force(reader, QUESTIONS[0], wanted)[:4]
    assert {c.doc_id for c, _ in got} <= wanted
    assert [c.chunk_id for c, _ in got] == [cid for cid, _ in ref] or \
        [round(s, 4) for _, s in got] == [round(s, 4) for _, s in ref]


def test_dense_search_edge_cases(reader):
    assert reader.dense_search("anything", 0) == []
    assert reader.dense_search("anything", 5, doc_ids=[]) == []
    assert reader.dense_search("anything", 5, doc_ids=["no-such-doc"]) == []
    assert len(reader.dense_search("anything", 1000)) == len(reader.chunks())


def test_chunks_are_ordered_and_match_documents(reader):
    chunks = reader.chunks()
    assert list(chunks) == sorted(chunks, key=lambda c: (c.doc_id, c.start))
    docs = reader.documents()
    for c in chunks:
        assert docs[c.doc_id].text[c.start:c.end] == c.text
    assert sum(reader.chunk_counts().values()) == len(chunks)


def test_documents_are_cleaned_with_metadata(reader):
    docs = reader.documents()
    d3 = next(d for k, d in docs.items() if k.startswith("003"))
    assert d3.date == "2025-06-17" and d3.segments and d3.title.startswith("Russian presidential")


def test_chroma_metadata_carries_offsets(reader):
    got = reader.collection.get(ids=[reader.chunks()[0].chunk_id], include=["metadatas", "documents"])
    meta = got["metadatas"][0]
    c = reader.chunks()[0]
    assert (meta["doc_id"], meta["start"], meta["end"], meta["doc_hash"]) == (c.doc_id, c.start, c.end, c.doc_hash)
    assert got["documents"][0] == c.text


def test_embed_query_is_unit_length(reader):
    v = reader.embed_query("Shoigu")
    assert v.shape == (reader.embedder.dim,) and np.linalg.norm(v) == pytest.approx(1.0, abs=1e-5)


def test_cosine_score_is_one_minus_distance():
    assert cosine_score(0.0) == 1.0 and cosine_score(0.25) == 0.75 and cosine_score(2.0) == -1.0


def test_open_index_without_a_build_raises_index_not_found(tmp_path):
    cfg = IndexConfig(index_dir=tmp_path / "nothing")
    assert not index_exists(cfg)
    with pytest.raises(IndexNotFound, match="build it first"):
        open_index(cfg, embedder=HashingEmbedder())


def test_reader_is_read_only(reader):
    with pytest.raises(AttributeError, match="read-only"):
        reader.version = "other"
