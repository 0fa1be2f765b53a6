"""Test doubles for the write side, usable from any test package.

``HashingEmbedder`` gives every text a vector derived from its words (a hashed bag of
words, L2-normalised), so similar texts score higher and scores do not tie. It needs no
model and no network.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

_TOKEN = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """Deterministic bag-of-words embedder: token -> hashed bucket, signed count, unit norm.

    Attributes:
        calls: number of ``embed`` calls; ``texts_embedded``: total texts embedded.
        fail_after: raise ``RuntimeError`` once this many texts have been embedded (to
            simulate a crash in the middle of a build); None never fails.
    """

    def __init__(self, dim: int = 256, name: str = "hashing-bow", fail_after: int | None = None) -> None:
        self.dim = dim
        self.name = name
        self.fail_after = fail_after
        self.calls = 0
        self.texts_embedded = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self.fail_after is not None and self.texts_embedded + len(texts) > self.fail_after:
            raise RuntimeError("HashingEmbedder: simulated failure in the middle of a build")
        self.calls += 1
        self.texts_embedded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for tok in _TOKEN.findall(text.casefold()):
                h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "little")
                out[i, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
            norm = np.linalg.norm(out[i])
            if norm == 0:  # no word at all: a fixed unit vector keeps the contract
                out[i, 0], norm = 1.0, 1.0
            out[i] /= norm
        return out
