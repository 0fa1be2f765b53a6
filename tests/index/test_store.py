"""The read handle: dense search against an independent brute-force cosine reference."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from index.build import build_index
from index.chunk import embedding_text
from index.records import IndexConfig
from index.store import (IndexNotFound, IndexOutdated, StoreCorrupt, cosine_score, index_exists, open_index,
                         read_manifest, write_json_atomic)
from tests.index.articles import write_articles
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


# ----------------------------------------------------------------------------- snapshots and damage

@pytest.fixture
def built(tmp_path):
    """A fresh index of the bundled corpus (hashing embedder) in its own directory."""
    cfg = IndexConfig(index_dir=tmp_path / "own")
    build_index(cfg, [CORPUS], embedder=HashingEmbedder())
    return cfg


class _Watching(HashingEmbedder):
    """Embeds as the fake does, and first runs ``watch()``: the build is then half way."""

    def __init__(self, watch):
        super().__init__()
        self.watch = watch

    def embed(self, texts):
        self.watch()
        return super().embed(texts)


def test_reader_sees_its_snapshot_while_a_build_writes_then_the_new_version(built, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    first = open_index(built, embedder=HashingEmbedder())
    ours = {c.chunk_id for c in first.chunks()}
    (corpus / "flood.txt").write_text("Halden flood barrier\nThe Halden flood barrier cost 4.2 million euros.",
                                      encoding="utf-8")
    seen = []

    def watch():  # in the middle of the build, before anything is published
        again = open_index(built, embedder=HashingEmbedder())
        hits = first.dense_search("Halden flood barrier cost", 50)
        seen.append((again.version, first.is_current(), {c.chunk_id for c, _ in hits} <= ours))

    build_index(built, [corpus], embedder=_Watching(watch))
    assert seen == [(first.version, True, True)]
    assert not first.is_current()
    second = open_index(built, embedder=HashingEmbedder())
    assert second.version != first.version and second.is_current()
    assert second.dense_search("Halden flood barrier cost", 1)[0][0].doc_id == "flood"


def test_dense_search_overfetches_past_chunks_of_no_published_version(built):
    reader = open_index(built, embedder=HashingEmbedder())
    query = "How many containers of ammunition were shipped?"
    q = reader.embed_query(query)
    # 40 foreign chunks exactly on the query (an unpublished build's), all nearer than ours
    reader.collection.upsert(ids=[f"foreign-{i}" for i in range(40)], embeddings=np.stack([q] * 40),
                             metadatas=[{"doc_id": "elsewhere"}] * 40)
    got = reader.dense_search(query, 5)
    assert len(got) == 5 and all(not c.chunk_id.startswith("foreign") for c, _ in got)
    assert [c.chunk_id for c, _ in got] == [cid for cid, _ in brute_force(reader, query)[:5]]


def test_another_chromadb_version_is_outdated_with_both_versions_named(built):
    manifest = read_manifest(built.index_dir)
    write_json_atomic(built.index_dir / "manifest.json", {**manifest, "chromadb": "0.4.24"})
    with pytest.raises(IndexOutdated, match=r"chromadb 0\.4\.24.*this is chromadb 1\.5"):
        open_index(built, embedder=HashingEmbedder())


def test_manifest_of_an_older_format_is_outdated(built):
    write_json_atomic(built.index_dir / "manifest.json", {"state": "complete", "docs": {}, "version": "x"})
    assert not index_exists(built)
    with pytest.raises(IndexOutdated, match="older version of newsqa"):
        open_index(built, embedder=HashingEmbedder())


def test_unreadable_chroma_database_is_store_corrupt(built):
    with open(built.index_dir / "chroma" / "chroma.sqlite3", "r+b") as f:
        f.write(b"\x00garbage" * 512)
    with pytest.raises(StoreCorrupt, match="rebuild"):
        open_index(built, embedder=HashingEmbedder())


def test_deleted_hnsw_files_are_found_by_the_vector_probe(tmp_path):
    # Over about a thousand vectors Chroma drops its log once they are in the HNSW files, so
    # deleting those files loses vectors while count() and get() still agree with the manifest.
    cfg = IndexConfig(index_dir=tmp_path / "big")
    write_articles(tmp_path / "articles", 110)
    report = build_index(cfg, [tmp_path / "articles"], embedder=HashingEmbedder())
    assert report.chunks > 1000
    for segment in (cfg.index_dir / "chroma").iterdir():
        if segment.is_dir():
            shutil.rmtree(segment)
    with pytest.raises(StoreCorrupt, match="damaged"):
        open_index(cfg, embedder=HashingEmbedder())
    repaired = build_index(cfg, [tmp_path / "articles"], embedder=HashingEmbedder())
    assert repaired.embedded == repaired.chunks and "rebuilt from the documents" in repaired.notes[0]
    assert len(open_index(cfg, embedder=HashingEmbedder()).dense_search("flood barrier", 5)) == 5


def test_open_lists_ids_only_when_the_count_differs(built, monkeypatch):
    # The count of a sound store equals the version's chunks: nothing is listed (a listing
    # takes 27 s at 1.3M chunks). A lost chunk or a build's leftovers change the count.
    from index import store as store_mod

    listed = []
    real = store_mod.stored_ids
    monkeypatch.setattr(store_mod, "stored_ids", lambda c: listed.append(1) or real(c))
    reader = open_index(built, embedder=HashingEmbedder())
    assert listed == []
    victim = reader.chunks()[0].chunk_id
    reader.collection.upsert(ids=["leftover-of-a-killed-build"], embeddings=[[0.0] * reader.embedder.dim],
                             metadatas=[{"doc_id": "elsewhere"}])
    open_index(built, embedder=HashingEmbedder())     # more than the version: listed, and sound
    assert listed == [1]
    reader.collection.delete(ids=[victim, "leftover-of-a-killed-build"])
    with pytest.raises(StoreCorrupt, match="1 of its .* chunks are missing"):
        open_index(built, embedder=HashingEmbedder())
    assert listed == [1, 1]


class _ApproximateCollection:
    """A collection whose search, like HNSW's, may rank a stored vector below others at a
    distance of ~0 only when enough neighbours are asked for (``wide``), and never at rank 0."""

    def __init__(self, wide: int) -> None:
        self.wide = wide

    def get(self, ids, include):
        return {"ids": list(ids), "embeddings": [[1.0, 0.0]] * len(ids)}

    def query(self, query_embeddings, n_results, include):
        near = [0.3] * min(n_results, 5) + ([0.0] if n_results >= self.wide else [])
        return {"ids": [[]] * len(query_embeddings), "distances": [near] * len(query_embeddings)}


def test_the_vector_probe_allows_for_approximate_search():
    # At 1.32M clustered chunks one probe was found only among 512 neighbours: a sound index
    # must not be reported damaged for it, and one never found still is.
    from index.store import _PROBE_NEIGHBOURS, vector_problem

    assert vector_problem(_ApproximateCollection(wide=_PROBE_NEIGHBOURS), ["a", "b"]) == ""
    assert "damaged" in vector_problem(_ApproximateCollection(wide=_PROBE_NEIGHBOURS + 1), ["a", "b"])


def test_missing_document_store_is_said_clearly(built):
    for p in built.index_dir.glob("documents-*.jsonl"):
        p.write_text("not json\n", encoding="utf-8")
    with pytest.raises(StoreCorrupt, match="document store .* is unreadable"):
        open_index(built, embedder=HashingEmbedder())
