"""Hybrid retrieval: dense (Chroma) and BM25 ranks fused with reciprocal rank fusion.

The fused list is then diversified so passages come from several documents rather than
several overlapping copies of one. Scores are "higher is better" throughout. This module
does not pick sentences or decide whether to answer; ``extractive.py`` and the LLM path do.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

import bm25s
import numpy as np

from index.records import Chunk, Document
from index.store import IndexReader
from qa.records import Passage
from qa.text import terms

Method = Literal["hybrid", "bm25", "dense"]
METHODS: tuple[str, ...] = ("hybrid", "bm25", "dense")

# RRF constant from Cormack et al. (2009); 60 damps the weight of the very first ranks.
RRF_K = 60
# How many candidates each retriever contributes before fusion, per requested passage.
CANDIDATES_PER_RESULT = 4
# A document's second and later chunks are demoted so other documents get a place.
SAME_DOC_PENALTY = 0.6


@dataclass(frozen=True, slots=True)
class Bm25Index:
    """BM25 over every chunk of one index version, with the chunks it ranks."""

    version: str
    chunks: tuple[Chunk, ...]
    model: bm25s.BM25 | None  # None when the index holds no chunk with a content term

    @classmethod
    def build(cls, version: str, chunks: tuple[Chunk, ...]) -> "Bm25Index":
        corpus = [terms(c.text) or ["\0"] for c in chunks]
        if not chunks:
            return cls(version, chunks, None)
        model = bm25s.BM25()
        model.index(corpus, show_progress=False)
        return cls(version, chunks, model)

    def search(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> list[tuple[Chunk, float]]:
        """Chunks ranked by BM25 score for ``query`` (only those with a positive score)."""
        q = [t for t in terms(query) if t in self.model.vocab_dict] if self.model else []
        if not q:
            return []
        scores = self.model.get_scores(q)  # (n_chunks,) float
        order = np.argsort(-scores, kind="stable")
        out: list[tuple[Chunk, float]] = []
        for i in order:
            if scores[i] <= 0 or len(out) >= k:
                break
            chunk = self.chunks[int(i)]
            if doc_ids is None or chunk.doc_id in doc_ids:
                out.append((chunk, float(scores[i])))
        return out


class Retriever:
    """Finds passages for a question in one opened index; caches BM25 per index version."""

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader
        self._bm25: Bm25Index | None = None
        self._documents: tuple[str, dict[str, Document]] | None = None

    def documents(self) -> dict[str, Document]:
        """The indexed documents by id (cached per index version)."""
        version = self.reader.version
        if self._documents is None or self._documents[0] != version:
            self._documents = (version, self.reader.documents())
        return self._documents[1]

    def _bm25_index(self) -> Bm25Index:
        version = self.reader.version
        if self._bm25 is None or self._bm25.version != version:
            self._bm25 = Bm25Index.build(version, self.reader.chunks())
        return self._bm25

    def retrieve(
        self,
        question: str,
        k: int = 8,
        method: Method = "hybrid",
        doc_ids: Collection[str] | None = None,
    ) -> list[Passage]:
        """The ``k`` best passages for ``question``.

        Args:
            question: a self-contained question (follow-ups are rewritten before this).
            k: number of passages to return.
            method: "hybrid" (RRF of dense and BM25), "bm25" or "dense" (the baselines).
            doc_ids: restrict to these documents (e.g. the articles about one event).

        Returns:
            Passages, best first; ``score`` is the fused RRF score (or the single
            retriever's score for "bm25"/"dense").
        """
        if method not in METHODS:
            raise ValueError(f"unknown retrieval method {method!r}; use one of {', '.join(METHODS)}")
        n = max(k * CANDIDATES_PER_RESULT, 20)
        ranked: list[list[tuple[Chunk, float]]] = []
        if method in ("hybrid", "dense"):
            ranked.append(self.reader.dense_search(question, n, doc_ids=doc_ids))
        if method in ("hybrid", "bm25"):
            ranked.append(self._bm25_index().search(question, n, doc_ids=doc_ids))
        if method == "hybrid":
            scored = fuse(ranked)
        else:
            scored = ranked[0]
        return [self._passage(c, s) for c, s in diversify(scored, k)]

    def _passage(self, chunk: Chunk, score: float) -> Passage:
        doc = self.documents().get(chunk.doc_id)
        return Passage(
            chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, text=chunk.text, start=chunk.start,
            end=chunk.end, score=score, title=doc.title if doc else "",
            publisher=doc.publisher if doc else "", date=doc.date if doc else "",
            url=doc.url if doc else "",
        )


def fuse(rankings: Sequence[Sequence[tuple[Chunk, float]]]) -> list[tuple[Chunk, float]]:
    """Reciprocal rank fusion: score(c) = sum over rankings of 1 / (RRF_K + rank(c)), rank from 1."""
    scores: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    for ranking in rankings:
        for rank, (chunk, _) in enumerate(ranking, start=1):
            scores[chunk.chunk_id] = scores.get(chunk.chunk_id, 0.0) + 1.0 / (RRF_K + rank)
            chunks[chunk.chunk_id] = chunk
    order = sorted(scores, key=lambda cid: (-scores[cid], cid))
    return [(chunks[cid], scores[cid]) for cid in order]


def diversify(scored: Sequence[tuple[Chunk, float]], k: int) -> list[tuple[Chunk, float]]:
    """Pick ``k`` chunks, demoting a document's later chunks and dropping overlapping copies.

    A chunk that overlaps an already chosen chunk of the same document by more than half is a
    near copy (chunks share overlap sentences) and is skipped. Each further chunk of a document
    already chosen has its score multiplied by SAME_DOC_PENALTY per earlier pick, so a second
    article's best passage can outrank the first article's third.
    """
    pool = list(scored)
    chosen: list[tuple[Chunk, float]] = []
    per_doc: dict[str, int] = {}
    while pool and len(chosen) < k:
        best_i, best_s = None, float("-inf")
        for i, (c, s) in enumerate(pool):
            adj = s * SAME_DOC_PENALTY ** per_doc.get(c.doc_id, 0) if s > 0 else s
            if adj > best_s:
                best_i, best_s = i, adj
        chunk, score = pool.pop(best_i)
        if any(_overlap(chunk, c) > 0.5 for c, _ in chosen):
            continue
        chosen.append((chunk, score))
        per_doc[chunk.doc_id] = per_doc.get(chunk.doc_id, 0) + 1
    return chosen


def _overlap(a: Chunk, b: Chunk) -> float:
    """Share of the shorter chunk covered by the other (0 for different documents)."""
    if a.doc_id != b.doc_id:
        return 0.0
    inter = min(a.end, b.end) - max(a.start, b.start)
    return max(inter, 0) / max(1, min(a.end - a.start, b.end - b.start))
