"""Sentence embeddings kept between questions and between processes.

The extractive answerer embeds every candidate sentence of the retrieved passages; in a new
process that is most of a first answer's time (58 sentences, about a second on 2 busy cores).
``SentenceVectors`` keeps them in memory (bounded, oldest dropped first) and appends new ones
to a file under the index's cache directory, so the next process starts with them. The file
is a cache: fixed-size records (text digest, vector, checksum), appended under a file lock; a
torn or damaged tail is cut off, a missing or unreadable file is an empty cache. Vectors
depend only on the text and the model, so the file is per model, not per index version.
"""

from __future__ import annotations

import hashlib
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

# The cache file stops growing here (about 30 MiB at 384 dimensions); memory holds as many.
MAX_RECORDS = 20_000
_KEY = 16  # bytes of blake2b digest per text


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=_KEY).digest()


class SentenceVectors:
    """Vectors by text, computed once by ``embed`` and remembered (in memory and, optionally, on disk).

    Args:
        path: the cache file (None: memory only); its directory is created on first write.
        max_records: how many vectors memory and the file keep.
    """

    def __init__(self, path: Path | None = None, max_records: int = MAX_RECORDS) -> None:
        self.path = Path(path) if path is not None else None
        self.max_records = max_records
        self._mem: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._dim: int | None = None
        self._on_disk = 0
        self._loaded = False

    def _record_dtype(self, dim: int) -> np.dtype:
        return np.dtype([("key", f"S{_KEY}"), ("vec", "<f4", (dim,)), ("crc", "<u4")])

    def _load(self) -> None:
        """Read the cache file once: every record up to the first damaged one."""
        self._loaded = True
        if self.path is None or not self.path.is_file():
            return
        try:
            data = self.path.read_bytes()
        except OSError:
            return
        dim = int.from_bytes(data[:4], "little") if len(data) >= 4 else 0
        if not 0 < dim <= 8192:
            return
        dtype = self._record_dtype(dim)
        body = data[4:]
        records = np.frombuffer(body[:len(body) - len(body) % dtype.itemsize], dtype=dtype)
        for rec in records:
            vec = np.array(rec["vec"], dtype=np.float32)
            if zlib.crc32(vec.tobytes()) != int(rec["crc"]):
                break  # a torn write or damage: nothing after it is trusted
            self._mem[bytes(rec["key"])] = vec
        self._dim = dim
        self._on_disk = len(self._mem)

    def get(self, texts: Sequence[str], embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """``(len(texts), dim)`` vectors of ``texts``; only those never seen are passed to ``embed``."""
        keys = [_digest(t) for t in texts]
        with self._lock:
            if not self._loaded:
                self._load()
            found = {k: self._mem[k] for k in keys if k in self._mem}
        missing = {k: t for k, t in zip(keys, texts) if k not in found}
        if missing:
            new = dict(zip(missing, np.asarray(embed(list(missing.values())), dtype=np.float32)))
            found.update(new)
            with self._lock:
                self._mem.update(new)
                self._append(new)
        with self._lock:
            for k in keys:
                if k in self._mem:
                    self._mem.move_to_end(k)  # recently used: dropped last
            while len(self._mem) > self.max_records:
                self._mem.popitem(last=False)
        return np.stack([found[k] for k in keys])

    def _append(self, new: dict[bytes, np.ndarray]) -> None:
        if self.path is None or not new or self._on_disk >= self.max_records:
            return
        dim = len(next(iter(new.values())))
        if self._dim not in (None, dim):
            return  # another model's file: leave it alone
        dtype = self._record_dtype(dim)
        rows = np.zeros(len(new), dtype=dtype)
        for i, (k, v) in enumerate(new.items()):
            rows[i] = (k, v, zlib.crc32(np.ascontiguousarray(v, dtype=np.float32).tobytes()))
        try:
            from filelock import FileLock

            self.path.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(str(self.path) + ".lock", timeout=1), self.path.open("ab") as f:
                size = f.seek(0, 2)
                if size == 0:
                    f.write(dim.to_bytes(4, "little"))
                elif (size - 4) % dtype.itemsize:
                    f.truncate(size - (size - 4) % dtype.itemsize)  # a torn record: cut it off first
                f.write(rows.tobytes())
            self._dim = dim
            self._on_disk += len(new)
        except Exception:  # noqa: BLE001 - a cache that cannot be written only costs time
            pass
