"""Hybrid retrieval: dense (Chroma) and BM25 ranks fused with reciprocal rank fusion.

The fused list is then diversified so passages come from several documents rather than
several overlapping copies of one. Scores are "higher is better" throughout. This module
does not pick sentences or decide whether to answer; ``extractive.py`` and the LLM path do.

Tokenising every chunk for BM25 takes seconds per 10k chunks, so the BM25 index (and the term
counts the answerer's IDF reuses) is saved under ``index_dir/cache`` per index version and
memory-mapped by the next process; it is a cache: deleting it costs one rebuild.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import tempfile
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import bm25s
import numpy as np

from index.records import Chunk, Document
from index.store import IndexReader
from lang.text import terms
from qa.records import Passage
from qa.tuning import TUNING

Method = Literal["hybrid", "bm25", "dense"]
METHODS: tuple[str, ...] = ("hybrid", "bm25", "dense")

# Term sets of chunks kept for TopicIdf (the retrieved articles' chunks recur across questions).
CHUNK_TERMS_CACHE = 50_000


# Placeholder term of a chunk without content terms (bm25s needs one token per document).
_EMPTY = "\0"


@dataclass(frozen=True, slots=True)
class Bm25Index:
    """BM25 over every chunk of one index version, with the chunks it ranks.

    ``df`` (chunks containing each term) comes from the same tokenisation, so the answerer's IDF
    needs no second pass over the corpus. ``doc_rows`` maps a doc_id to its chunks' row range
    (chunks are ordered by doc_id, then start).
    """

    version: str
    chunks: tuple[Chunk, ...]
    model: bm25s.BM25 | None  # None when the index holds no chunk with a content term
    df: dict[str, int]
    doc_rows: dict[str, tuple[int, int]]

    @classmethod
    def build(cls, version: str, chunks: tuple[Chunk, ...]) -> "Bm25Index":
        """Tokenise every chunk and index it (seconds per 10k chunks: the cost ``load`` saves)."""
        corpus = [terms(c.text) or [_EMPTY] for c in chunks]
        df: dict[str, int] = {}
        for toks in corpus:
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
        df.pop(_EMPTY, None)
        model = None
        if chunks:
            model = bm25s.BM25()
            model.index(corpus, show_progress=False)
        return cls(version, chunks, model, df, _doc_rows(chunks))

    @classmethod
    def cached(cls, version: str, chunks: tuple[Chunk, ...], cache_dir: Path | None) -> "Bm25Index":
        """``load`` from ``cache_dir`` when this version is there, else ``build`` and ``save`` it."""
        if cache_dir is not None:
            try:
                return cls.load(version, chunks, cache_dir)
            except (OSError, ValueError, KeyError):
                pass  # absent, another version or code, or damaged: build it again
        index = cls.build(version, chunks)
        if cache_dir is not None:
            index.save(cache_dir)
        return index

    def _key(self) -> str:
        return _cache_key(self.version)

    def save(self, cache_dir: Path) -> None:
        """Persist under ``cache_dir/bm25-<key>`` atomically (a reader sees all of it or nothing);
        other versions' copies are removed. A failure to write costs only the next start-up."""
        target = Path(cache_dir) / f"bm25-{self._key()}"
        try:
            Path(cache_dir).mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(dir=cache_dir, prefix=".bm25-"))
            (tmp / "df.json").write_text(json.dumps({"n": len(self.chunks), "df": self.df}), encoding="utf-8")
            if self.model is not None:
                self.model.save(str(tmp), show_progress=False)
            try:
                tmp.rename(target)
            except OSError:  # another process saved the same version first
                shutil.rmtree(tmp, ignore_errors=True)
            for old in Path(cache_dir).glob("bm25-*"):
                if old != target:
                    shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass

    @classmethod
    def load(cls, version: str, chunks: tuple[Chunk, ...], cache_dir: Path) -> "Bm25Index":
        """The saved index of ``version``; the score matrix is memory-mapped, not read into RAM.

        Raises:
            OSError, ValueError, KeyError: not saved, saved for other chunks, or unreadable.
        """
        path = Path(cache_dir) / f"bm25-{_cache_key(version)}"
        meta = json.loads((path / "df.json").read_text(encoding="utf-8"))
        if meta["n"] != len(chunks):
            raise ValueError("saved for another set of chunks")
        model = bm25s.BM25.load(str(path), mmap=True) if chunks else None
        return cls(version, chunks, model, meta["df"], _doc_rows(chunks))

    def search(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> list[tuple[Chunk, float]]:
        """Chunks ranked by BM25 score for ``query`` (only those with a positive score), best first;
        equal scores keep index order."""
        q = [t for t in terms(query) if t in self.model.vocab_dict] if self.model else []
        if not q or k <= 0:
            return []
        scores = self.model.get_scores(q)  # (n_chunks,) float
        if doc_ids is None:
            rows = None
            sub = scores
        else:
            spans = sorted(self.doc_rows[d] for d in set(doc_ids) if d in self.doc_rows)
            if not spans:
                return []
            rows = np.concatenate([np.arange(a, b) for a, b in spans])
            sub = scores[rows]
        m = min(k, len(sub))
        # Every row scoring at least the m-th best, then a stable sort: the order a full stable
        # argsort gives, without sorting 100k scores per question.
        kth = np.partition(sub, len(sub) - m)[len(sub) - m]
        cand = np.flatnonzero(sub >= kth)
        top = cand[np.argsort(-sub[cand], kind="stable")][:m]
        picked = top if rows is None else rows[top]
        return [(self.chunks[int(i)], float(scores[i])) for i in picked if scores[i] > 0]


def _doc_rows(chunks: Sequence[Chunk]) -> dict[str, tuple[int, int]]:
    rows: dict[str, tuple[int, int]] = {}
    for i, c in enumerate(chunks):
        a, _ = rows.get(c.doc_id, (i, i))
        rows[c.doc_id] = (a, i + 1)
    return rows


@lru_cache(maxsize=8)
def _cache_key(version: str) -> str:
    # The index version and lang/ (the tokeniser, stemmer and stopwords among it): an edited
    # word list rebuilds it.
    import lang

    h = hashlib.sha256(version.encode())
    h.update(lang.fingerprint().encode())
    return h.hexdigest()[:20]


class TopicIdf:
    """IDF of the question's terms over the chunks of the articles retrieval found.

    Corpus IDF says how rare a word is in the whole index; among the retrieved articles it can be
    common all the same ("Shoigu" in articles about Shoigu's visits), and then it does not tell
    their sentences apart. Adding unrelated articles to the index makes such topic words rare
    corpus-wide, and a sentence that only shares the topic then scores like an answer (measured:
    with ~1,100 unrelated news articles mixed in, 20 wrong confident answers instead of 14).
    Weighing the question's terms by their IDF among the retrieved articles' chunks keeps the
    scores what they are on a corpus of the topic alone, however much else the index holds
    (when the index holds only the topic's articles, the two are the same).

    Same interface as ``qa.answering.extractive.Idf``: ``idf(term)``, ``idf.known(term)`` (corpus-wide:
    whether the index uses the word at all) and ``top``.
    """

    def __init__(self, corpus, local_df: dict[str, int], n_local: int) -> None:
        self.corpus = corpus
        self.local_df = local_df
        self.n_local = n_local
        self.top = math.log(1 + (n_local + 0.5) / 0.5) if n_local else corpus.top

    def __call__(self, term: str) -> float:
        if not self.n_local:
            return self.corpus(term)
        d = self.local_df.get(term, 0)
        return math.log(1 + (self.n_local - d + 0.5) / (d + 0.5))

    def known(self, term: str) -> bool:
        """Whether the corpus uses ``term`` at all (as ``Idf.known``)."""
        return self.corpus.known(term)


class Retriever:
    """Finds passages for a question in one opened index; caches BM25 per index version."""

    def __init__(self, reader: IndexReader, cache_dir: Path | None = None) -> None:
        """``cache_dir``: where the BM25 index is saved between processes (None: never saved)."""
        self.reader = reader
        self.cache_dir = cache_dir
        self._lock = threading.Lock()
        self._chunk_terms: dict[str, frozenset[str]] = {}
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
            with self._lock:
                if self._bm25 is None or self._bm25.version != version:
                    self._bm25 = Bm25Index.cached(version, self.reader.chunks(), self.cache_dir)
        return self._bm25

    def local_term_counts(self, query_terms: Collection[str], doc_ids: Collection[str]) -> tuple[dict[str, int], int]:
        """``(chunks containing each query term, number of chunks)`` over the chunks of ``doc_ids``."""
        bm25 = self._bm25_index()
        wanted = set(query_terms)
        counts: dict[str, int] = {}
        n = 0
        for d in dict.fromkeys(doc_ids):
            a, b = bm25.doc_rows.get(d, (0, 0))
            for chunk in bm25.chunks[a:b]:
                n += 1
                for t in wanted & self._terms_of(chunk):
                    counts[t] = counts.get(t, 0) + 1
        return counts, n

    def _terms_of(self, chunk: Chunk) -> frozenset[str]:
        got = self._chunk_terms.get(chunk.chunk_id)
        if got is None:
            got = frozenset(terms(chunk.text))
            with self._lock:
                self._chunk_terms[chunk.chunk_id] = got
                if len(self._chunk_terms) > CHUNK_TERMS_CACHE:
                    self._chunk_terms.pop(next(iter(self._chunk_terms)))
        return got

    def term_counts(self) -> tuple[dict[str, int], int]:
        """``(chunks containing each term, number of chunks)`` over the index, for IDF."""
        bm25 = self._bm25_index()
        return bm25.df, len(bm25.chunks)

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
        n = max(k * TUNING.candidates_per_result, 20)
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
    """Reciprocal rank fusion: score(c) = sum over rankings of 1 / (TUNING.rrf_k + rank(c)), rank from 1."""
    scores: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    for ranking in rankings:
        for rank, (chunk, _) in enumerate(ranking, start=1):
            scores[chunk.chunk_id] = scores.get(chunk.chunk_id, 0.0) + 1.0 / (TUNING.rrf_k + rank)
            chunks[chunk.chunk_id] = chunk
    order = sorted(scores, key=lambda cid: (-scores[cid], cid))
    return [(chunks[cid], scores[cid]) for cid in order]


def diversify(scored: Sequence[tuple[Chunk, float]], k: int) -> list[tuple[Chunk, float]]:
    """Pick ``k`` chunks, demoting a document's later chunks and dropping overlapping copies.

    A chunk that overlaps an already chosen chunk of the same document by more than half is a
    near copy (chunks share overlap sentences) and is skipped. Each further chunk of a document
    already chosen has its score multiplied by TUNING.same_doc_penalty per earlier pick, so a second
    article's best passage can outrank the first article's third.
    """
    pool = list(scored)
    chosen: list[tuple[Chunk, float]] = []
    per_doc: dict[str, int] = {}
    while pool and len(chosen) < k:
        best_i, best_s = None, float("-inf")
        for i, (c, s) in enumerate(pool):
            adj = s * TUNING.same_doc_penalty ** per_doc.get(c.doc_id, 0) if s > 0 else s
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
