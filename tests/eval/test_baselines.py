"""The stock llama-index baseline over a real Chroma collection written by the project's store."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import numpy as np
import pytest

from eval.questions import Question
from index.records import Chunk, Document, IndexConfig

TEXTS = {
    "a": "Around 600 soldiers were killed in action. The figures come from a lawmaker.",
    "b": "Shoigu arrived in Pyongyang on June 4, 2025. He met Kim Jong Un.",
}


class HashingEmbedder:
    """Bag-of-words vectors from hashed tokens: texts sharing words are close (no model needed)."""

    name = "hashing-test"
    dim = 64

    def embed(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for tok in text.lower().replace(".", " ").replace(",", " ").split():
                out[i, int(hashlib.md5(tok.encode()).hexdigest(), 16) % self.dim] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


@pytest.fixture
def pipeline(tmp_path):
    pytest.importorskip("llama_index.vector_stores.chroma")
    from index.store import connect, get_collection, upsert_chunks

    chunks, docs = [], {}
    for doc_id, text in TEXTS.items():
        docs[doc_id] = Document(doc_id=doc_id, text=text, source=doc_id, content_hash=doc_id, title=f"T{doc_id}")
        start = 0
        for sentence in text.split(". "):
            s = text.index(sentence, start)
            e = s + len(sentence)
            chunks.append(Chunk(chunk_id=f"{doc_id}:{s}", doc_id=doc_id, text=text[s:e], start=s, end=e,
                                doc_hash=doc_id))
            start = e
    embedder = HashingEmbedder()
    collection = get_collection(connect(IndexConfig(index_dir=tmp_path / "idx")), "news")
    upsert_chunks(collection, chunks, embedder.embed([c.text for c in chunks]), {d: f"T{d}" for d in TEXTS})
    reader = SimpleNamespace(collection=collection, embedder=embedder, chunks=lambda: tuple(chunks))
    return SimpleNamespace(reader=reader, settings=SimpleNamespace(top_k=3), documents=lambda: docs)


def test_llamaindex_baseline_answers_with_the_top_chunk_and_cites_its_offsets(pipeline):
    from eval.baselines import LlamaIndexBaseline

    baseline = LlamaIndexBaseline(pipeline)
    answer = baseline.answer(Question(id="x", category="number", question="How many soldiers were killed in action?"))
    assert answer.answered and answer.mode == "llamaindex"
    top = answer.passages[0]
    assert top.doc_id == "a" and TEXTS["a"][top.start:top.end] == top.text
    assert "600 soldiers" in answer.text
    cite = answer.citations[0]
    assert (cite.doc_id, cite.start, cite.end, cite.quote) == ("a", top.start, top.end, top.text)
    assert len(answer.passages) == 3
    assert [p.score for p in answer.passages] == sorted((p.score for p in answer.passages), reverse=True)


def test_unknown_baseline_name_is_refused(pipeline):
    from eval.baselines import make_baselines

    with pytest.raises(ValueError, match="unknown baseline"):
        make_baselines(pipeline, ["bm25", "tfidf"])
