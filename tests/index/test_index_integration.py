"""Integration: the real bundled MiniLM on the bundled corpus, and Chroma in server mode.

Marked ``integration``: they load the real embedding model and start a real
``chroma run`` server on a free loopback port.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from index.build import build_index
from index.embed import EmbedderUnavailable, SentenceTransformerEmbedder, get_embedder
from index.records import IndexConfig
from index.store import StoreUnavailable, open_index
from tests.index.fakes import HashingEmbedder

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def minilm():
    return get_embedder("")


def test_real_embedder_gives_unit_vectors_that_rank_by_meaning(minilm):
    vecs = minilm.embed(["North Korean soldiers were killed in action",
                         "Troops from Pyongyang died fighting for Russia",
                         "The recipe needs two cups of flour"])
    assert vecs.shape == (3, minilm.dim) == (3, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2
    assert get_embedder("") is minilm


def test_real_model_on_the_bundled_corpus(tmp_path, minilm):
    cfg = IndexConfig(index_dir=tmp_path / "index")
    report = build_index(cfg, [CORPUS], embedder=minilm)
    assert report.added == 5 and report.chunks > 20
    reader = open_index(cfg, embedder=minilm)
    for question, expected in [
        ("How many North Korean soldiers have been killed in action?", "around 600 North Korean soldiers"),
        ("How many containers of ammunition were shipped to Russia?", "15,800 containers"),
        ("Who issued an arrest warrant for Shoigu?", "International Criminal Court"),
    ]:
        top = reader.dense_search(question, 3)
        assert any(expected in c.text for c, _ in top), (question, [c.text[:60] for c, _ in top])
        assert all(-1.0 <= s <= 1.0 for _, s in top)


def test_unloadable_model_names_the_model_and_the_fix(tmp_path):
    emb = SentenceTransformerEmbedder(str(tmp_path / "no-such-model"))
    with pytest.raises(EmbedderUnavailable, match="no-such-model") as info:
        emb.embed(["x"])
    assert "QA_EMBED_MODEL" in str(info.value)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    """A real ``chroma run`` on a free loopback port; yields (host, port)."""
    exe = Path(sys.executable).parent / "chroma"
    if not exe.exists():
        exe = Path(shutil.which("chroma") or "chroma")
    port = _free_port()
    proc = subprocess.Popen([str(exe), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import chromadb
    from chromadb.config import Settings

    deadline = time.monotonic() + 60
    while True:
        try:
            chromadb.HttpClient(host="127.0.0.1", port=port,
                                settings=Settings(anonymized_telemetry=False)).heartbeat()
            break
        except Exception:  # noqa: BLE001 - not up yet
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"chroma run did not start on port {port}")
            time.sleep(0.3)
    yield "127.0.0.1", port
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_chroma_server_mode_builds_and_searches(tmp_path, chroma_server):
    host, port = chroma_server
    cfg = IndexConfig(index_dir=tmp_path / "index", chroma_host=host, chroma_port=port)
    emb = HashingEmbedder()
    report = build_index(cfg, [CORPUS], embedder=emb)
    assert report.added == 5
    assert not (tmp_path / "index" / "chroma").exists()  # vectors live in the server, not locally
    reader = open_index(cfg, embedder=emb)
    assert reader.collection.count() == report.chunks == len(reader.chunks())
    hits = reader.dense_search("How many containers of ammunition?", 3)
    assert len(hits) == 3 and hits[0][1] >= hits[-1][1]
    again = build_index(cfg, [CORPUS], embedder=HashingEmbedder())
    assert again.unchanged == 5 and again.embedded == 0

    # Other chunking: a new collection on the server, the old one dropped once it is published.
    import dataclasses

    from index.store import collection_names, connect

    smaller = dataclasses.replace(cfg, chunk_size=300)
    first = reader.collection.name
    rebuilt = build_index(smaller, [CORPUS], embedder=HashingEmbedder())
    names = collection_names(connect(smaller))
    assert first not in names and len(names) == 1 and rebuilt.chunks > report.chunks
    assert not reader.is_current()
    assert reader.dense_search("How many containers?", 3) == []   # its collection is gone: no error
    fresh = open_index(smaller, embedder=emb)
    assert fresh.collection.count() == rebuilt.chunks == len(fresh.chunks())
    assert len(fresh.dense_search("How many containers of ammunition?", 3)) == 3


def test_unreachable_server_says_how_to_start_one(tmp_path):
    cfg = IndexConfig(index_dir=tmp_path / "index", chroma_host="127.0.0.1", chroma_port=_free_port())
    with pytest.raises(StoreUnavailable, match="chroma run"):
        build_index(cfg, [CORPUS], embedder=HashingEmbedder())


def test_stock_llama_index_chroma_vector_store_reads_our_collection(tmp_path):
    """The eval baseline wraps ``reader.collection`` in llama-index's ChromaVectorStore."""
    from llama_index.core.vector_stores.types import VectorStoreQuery
    from llama_index.vector_stores.chroma import ChromaVectorStore

    cfg = IndexConfig(index_dir=tmp_path / "index")
    emb = HashingEmbedder()
    build_index(cfg, [CORPUS], embedder=emb)
    reader = open_index(cfg, embedder=emb)
    store = ChromaVectorStore(chroma_collection=reader.collection)
    query = "How many containers of ammunition?"
    result = store.query(VectorStoreQuery(query_embedding=reader.embed_query(query).tolist(), similarity_top_k=3))
    ours = reader.dense_search(query, 3)
    assert [n.node_id for n in result.nodes] == [c.chunk_id for c, _ in ours]
    assert [n.get_content() for n in result.nodes] == [c.text for c, _ in ours]
