"""The benchmark's corpora: the bundled articles, the bundled articles among real distractors, and
synthetic corpora of any size for latency scaling.

- ``bundled``: ``corpus/`` as shipped.
- ``mixed``: ``corpus/`` plus the ~1,150 real news articles of ``news.jsonl`` (read from where they
  are, never copied into the repo; ``find_distractors`` says where, or None).
- ``synthetic``: ``corpus/`` plus generated articles until the index holds about N chunks. Their
  sentences are real news sentences (the distractors', or the bundled articles' when those are
  absent) shuffled across articles, so BM25, sentence splitting and the claim ledger see real
  text. Their vectors are not computed by the model: embedding 100k chunks would take about 25
  minutes on 2 cores (67 chunks/s), so ``SyntheticVectors`` gives each generated chunk a vector
  near one of a pool of real sentence vectors (cosine about 0.8), which keeps the clustered
  shape HNSW search sees in real data. The bundled articles keep their real vectors, so the
  questions still find their answers among the generated chunks.

Latency is what the synthetic corpora measure; accuracy is measured on ``bundled`` and ``mixed``.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
from pathlib import Path
from typing import Sequence

import numpy as np

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
DISTRACTORS_ENV = "NEWSQA_DISTRACTORS"
# Title prefix of generated articles: how SyntheticVectors tells their chunks from real ones.
SYNTHETIC_TITLE = "Synthetic article"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
CHUNK_CHARS = 520  # text per 600-character chunk once sentences are packed (measured: 450 gave 1.15x the chunks asked)


def find_distractors(explicit: str | Path | None = None) -> Path | None:
    """The distractor file: ``explicit``, else $NEWSQA_DISTRACTORS, else ``shared/distractors/news.jsonl``
    beside the repo (or beside its parent: a git worktree sits one level deeper); None when none exists."""
    beside = [up / "shared" / "distractors" / "news.jsonl" for up in (REPO.parent, REPO.parent.parent)]
    for candidate in (explicit, os.environ.get(DISTRACTORS_ENV), *beside):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def _copy_bundled(dst: Path) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    for f in CORPUS.iterdir():
        if f.is_file():
            shutil.copyfile(f, dst / f.name)


def bundled_corpus(root: Path) -> Path:
    """A copy of ``corpus/`` under ``root``."""
    _copy_bundled(root / "bundled")
    return root / "bundled"


def mixed_corpus(root: Path, distractors: Path, limit: int = 0) -> Path:
    """``corpus/`` plus the distractor articles under ``root``: linked, or the first ``limit`` copied."""
    d = root / "mixed"
    _copy_bundled(d)
    target = d / "distractors.jsonl"
    if limit:
        with distractors.open(encoding="utf-8") as f:
            lines = [line for line in f if line.strip()][:limit]
        target.write_text("".join(lines), encoding="utf-8")
    elif not target.exists():
        target.symlink_to(distractors.resolve())
    return d


def pool_sentences(distractors: Path | None, limit: int = 200_000) -> list[str]:
    """Real news sentences to generate articles from: the distractors', else the bundled articles'."""
    texts: list[str] = []
    if distractors is not None:
        with distractors.open(encoding="utf-8") as f:
            texts = [json.loads(line).get("text", "") for line in f if line.strip()]
    else:
        texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    out = []
    for text in texts:
        for para in text.split("\n"):
            out += [s.strip() for s in _SENTENCE.split(para) if 40 <= len(s.strip()) <= 400]
    return out[:limit]


def synthetic_corpus(root: Path, n_chunks: int, sentences: Sequence[str], chunks_per_doc: int = 8,
                     seed: int = 0, docs_per_file: int = 1000) -> Path:
    """``corpus/`` plus generated articles of about ``chunks_per_doc`` chunks each, ~``n_chunks`` in all.

    The articles go into JSONL files of ``docs_per_file`` each (about 4 MB), as an archive
    would come: one file of 100k chunks (53 MB) is over the loader's size limit and skipped.
    """
    if not sentences:
        raise ValueError("no sentences to generate a synthetic corpus from")
    d = root / f"synthetic-{n_chunks}"
    _copy_bundled(d)
    rng = random.Random(seed)
    n_docs = max(1, n_chunks // chunks_per_doc)
    target = chunks_per_doc * CHUNK_CHARS
    for first in range(0, n_docs, docs_per_file):
        with (d / f"synthetic-{first // docs_per_file:03d}.jsonl").open("w", encoding="utf-8") as f:
            for i in range(first, min(n_docs, first + docs_per_file)):
                body, size = [], 0
                while size < target:
                    s = rng.choice(sentences)
                    body.append(s)
                    size += len(s) + 1
                paragraphs = [" ".join(body[j:j + 4]) for j in range(0, len(body), 4)]
                f.write(json.dumps({"id": f"synth-{i:06d}", "title": f"{SYNTHETIC_TITLE} {i}",
                                    "text": f"{SYNTHETIC_TITLE} {i}\n" + "\n".join(paragraphs)}) + "\n")
    return d


class SyntheticVectors:
    """An embedder that is the real one for real text and gives generated chunks cheap vectors.

    A text starting with ``SYNTHETIC_TITLE`` (the title the build puts before a generated chunk)
    gets ``normalise(pool[h] + noise)``, with ``h`` and the noise derived from the text's hash, so
    it is deterministic and lies about cosine 0.8 from one real sentence vector. Every other text
    goes to the real embedder. ``name`` is the real model's, so the index opens for real queries.
    """

    def __init__(self, real, pool_texts: Sequence[str], pool_size: int = 256, noise: float = 0.75) -> None:
        self.real = real
        self.name = real.name
        picks = list(pool_texts)[:: max(1, len(pool_texts) // pool_size)][:pool_size]
        self.pool = real.embed(picks)  # (P, dim) real sentence vectors
        self.noise = noise
        self.synthetic = 0

    @property
    def dim(self) -> int:
        return int(self.pool.shape[1])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        real = [i for i, t in enumerate(texts) if not t.startswith(SYNTHETIC_TITLE)]
        if real:
            out[real] = self.real.embed([texts[i] for i in real])
        for i, t in enumerate(texts):
            if t.startswith(SYNTHETIC_TITLE):
                seed = int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")
                rng = np.random.default_rng(seed)
                v = self.pool[seed % len(self.pool)] + rng.normal(0.0, self.noise / np.sqrt(self.dim), self.dim)
                out[i] = v / np.linalg.norm(v)
                self.synthetic += 1
        return out
