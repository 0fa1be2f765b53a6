"""The index's local files: the manifest (the commit point), the document store, the build journal.

``index_dir`` holds:

- ``manifest.json``: the published version. Small (build parameters, version, the Chroma
  collection and the document-store file it goes with), so a reader can tell cheaply
  whether the index changed. It is only ever replaced whole, by one ``os.replace``: the
  commit point of a build.
- ``documents-<version>.jsonl``: that version's cleaned documents with metadata, their
  chunk offsets, the key of the sources they were prepared from, and their claim ledger
  (``index.claims``). Written completely before the manifest names it; older ones are
  deleted after the manifest moved on.
- ``build.json``: present while a build changes the store (or after one was killed); it
  only lets a reader say why there is no index yet.

Chroma is ``index/store.py``'s; what to write and when is ``index/build.py``'s.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import orjson

from index.claims import Claim
from index.records import Chunk, Document, record_fields, record_from_row, record_to_row

MANIFEST = "manifest.json"
JOURNAL = "build.json"
LEGACY_DOCUMENTS = "documents.jsonl"   # format 1 kept one unversioned document store
FORMAT = 2
STATE_COMPLETE = "complete"
# A claim's sentence is the document's text at its offsets: not written twice.
# Fields a stored claim row leaves out: its document and sentence are known where it is read.
CLAIM_SKIP = ("doc_id", "sentence")


@dataclass(frozen=True, slots=True)
class Prepared:
    """One document as the build prepared it: cleaned, chunked, its claims read.

    ``claims`` is None when they were not extracted (a document store written by other
    claim-reading code); the read side then extracts them itself. Read back from a store,
    they are a ``StoredClaims``: records made on first use.
    """

    doc: Document
    chunks: tuple[Chunk, ...]
    source_key: str
    claims: Sequence[Claim] | None


@dataclass(frozen=True, slots=True)
class DocStore:
    """A document store as read back: its version and every prepared document by doc_id."""

    version: str
    prepared: dict[str, Prepared]

    def documents(self) -> dict[str, Document]:
        return {d: p.doc for d, p in self.prepared.items()}

    def chunks(self) -> list[Chunk]:
        """Every chunk, ordered by doc_id then start."""
        # Documents are sorted, and each one's chunks only if they are not in order already
        # (they are as chunking makes them): sorting all 1.3M chunks by a key took 3.3 s of
        # each first open at that size (measured 2026-12-05).
        out: list[Chunk] = []
        for doc_id in sorted(self.prepared):
            cs = self.prepared[doc_id].chunks
            ordered = all((a.start, a.end) <= (b.start, b.end) for a, b in zip(cs, cs[1:]))
            out.extend(cs if ordered else sorted(cs, key=lambda c: (c.start, c.end)))
        return out

    def claims(self) -> "ClaimsView | None":
        """Each document's claims, or None when any document's are missing."""
        if any(p.claims is None for p in self.prepared.values()):
            return None
        return ClaimsView(self.prepared)


class ClaimsView(Mapping):
    """doc_id -> a fresh list of that document's claims, read from the store only when asked.

    An index of 100k chunks holds about 200k claims, and turning every row into a record took
    2.7 s of each start (measured 2026-12-05); a question reads a few documents' claims.
    """

    def __init__(self, prepared: Mapping[str, Prepared]) -> None:
        self._prepared = prepared

    def __getitem__(self, doc_id: str) -> list[Claim]:
        return list(self._prepared[doc_id].claims)

    def __iter__(self):
        return iter(self._prepared)

    def __len__(self) -> int:
        return len(self._prepared)


class StoredClaims(Sequence):
    """One document's claims as the store holds them: rows, turned into records on first use."""

    __slots__ = ("_doc", "_names", "_rows", "_records")

    def __init__(self, doc: Document, names: Sequence[str], rows: list[list]) -> None:
        self._doc, self._names, self._rows, self._records = doc, names, rows, None

    def _all(self) -> tuple[Claim, ...]:
        if self._records is None:
            self._records = tuple(_claim_from_row(self._doc, self._names, r) for r in self._rows)
        return self._records

    def __getitem__(self, i):
        return self._all()[i]

    def __len__(self) -> int:
        return len(self._rows)

    def __eq__(self, other) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None


# ----------------------------------------------------------------------------- atomic files

def write_json_atomic(path: Path, data) -> None:
    """Write JSON so a reader sees the old file or the new one, never half of one."""
    _write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # The rename itself must reach the disk before the next step relies on it.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------- manifest

def read_manifest(index_dir: Path) -> dict | None:
    """The manifest as a dict, or None when it is missing, unreadable or malformed.

    A manifest of an older format is returned as it is (``format`` tells); callers decide.
    """
    try:
        data = json.loads((Path(index_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_current_format(manifest: dict | None) -> bool:
    """True for a complete manifest this code wrote (format, state, version, files named)."""
    return (bool(manifest) and manifest.get("format") == FORMAT and manifest.get("state") == STATE_COMPLETE
            and isinstance(manifest.get("version"), str) and isinstance(manifest.get("documents"), str)
            and isinstance(manifest.get("store_collection"), str))


def manifest_stamp(index_dir: Path) -> tuple[int, int, int] | None:
    """``(inode, size, mtime_ns)`` of the manifest, None when there is none: a change means a new version."""
    try:
        st = (Path(index_dir) / MANIFEST).stat()
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def publish(index_dir: Path, manifest: dict) -> None:
    """Make ``manifest`` the published version: one atomic replace of ``manifest.json``."""
    write_json_atomic(Path(index_dir) / MANIFEST, {**manifest, "format": FORMAT, "state": STATE_COMPLETE})


def documents_file(version: str) -> str:
    """The document store's file name for one index version."""
    return f"documents-{version}.jsonl"


# ----------------------------------------------------------------------------- journal

def write_journal(index_dir: Path, target_version: str) -> None:
    """Record that a build is about to change the store (kept if the build is killed)."""
    write_json_atomic(Path(index_dir) / JOURNAL, {"started": time.time(), "pid": os.getpid(),
                                                  "target": target_version})


def clear_journal(index_dir: Path) -> None:
    """The build finished: nothing is left half done."""
    (Path(index_dir) / JOURNAL).unlink(missing_ok=True)


def journal_started(index_dir: Path) -> float | None:
    """When the unfinished build recorded in the journal started (epoch seconds), or None."""
    try:
        started = json.loads((Path(index_dir) / JOURNAL).read_text(encoding="utf-8")).get("started")
    except (OSError, ValueError, AttributeError):
        return None
    return float(started) if isinstance(started, (int, float)) else None


# ----------------------------------------------------------------------------- document store

@lru_cache(maxsize=1)
def claims_fingerprint() -> str:
    """Hash of the code that reads claims (and of ``lang/``, whose sentences, words and times it reads).

    Stored claims are reused only when it matches: an edited rule re-reads every
    document's claims at the next build (nothing is re-embedded for it).
    """
    import index.claims
    import lang

    h = hashlib.sha256(",".join(record_fields(Claim)).encode())
    # every module whose rules shape a claim: the ledger's reader and all of lang/ (its
    # sentence splitter, vocabularies, figures, times; code and word lists)
    h.update(Path(index.claims.__file__).read_bytes())
    h.update(lang.fingerprint().encode())
    return h.hexdigest()[:16]


def write_documents(index_dir: Path, version: str, prepared: Iterable[Prepared]) -> str:
    """Write the document store of ``version`` (atomically); returns its file name.

    One JSON line per document: its fields, its chunks as ``[chunk_id, start, end]``, the
    key of its sources, and its claims as rows of the fields named in the header.
    """
    name = documents_file(version)
    header = {"version": version, "claims_fingerprint": claims_fingerprint(),
              "claim_fields": record_fields(Claim, CLAIM_SKIP)}
    lines = [json.dumps(header)]
    for p in prepared:
        row = asdict(p.doc)
        row["segments"] = [list(s) for s in p.doc.segments]
        row["source_key"] = p.source_key
        row["chunks"] = [[c.chunk_id, c.start, c.end] for c in p.chunks]
        row["claims"] = None if p.claims is None else [_claim_row(p.doc, c) for c in p.claims]
        lines.append(json.dumps(row, ensure_ascii=False))
    _write_atomic(Path(index_dir) / name, "\n".join(lines) + "\n")
    return name


def _claim_row(doc: Document, claim: Claim) -> list:
    if doc.text[claim.start:claim.end] != claim.sentence:
        raise ValueError(f"claim of {doc.doc_id} at {claim.start}:{claim.end} is not the document's sentence")
    return record_to_row(claim, CLAIM_SKIP)


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_documents(index_dir: Path, name: str) -> DocStore:
    """Read a document store back.

    Claims are kept only when they were read by the same claim code (``claims_fingerprint``).

    Raises:
        OSError: the file is missing or unreadable.
        ValueError, KeyError, TypeError: it is malformed.
    """
    path = Path(index_dir) / name
    # orjson (a dependency of chromadb) parses the store 2-3 times faster than json, and the
    # cyclic garbage collector is paused while the records are made: none of them is garbage,
    # and its passes over the growing heap took 0.9 of the 1.3 s this read cost at 132k chunks
    # (0.37 s without them; measured 2026-12-05).
    with path.open("rb") as f, _collector_paused():
        header = orjson.loads(f.readline())
        same_claims = header.get("claims_fingerprint") == claims_fingerprint()
        claim_names = header.get("claim_fields") or []
        prepared: dict[str, Prepared] = {}
        for line in f:
            if not line.strip():
                continue
            row = orjson.loads(line)
            spans, key, claim_rows = row.pop("chunks"), row.pop("source_key"), row.pop("claims")
            row["segments"] = tuple(tuple(s) for s in row["segments"])
            d = Document(**row)
            chunks = tuple(Chunk(chunk_id=cid, doc_id=d.doc_id, text=d.text[s:e], start=s, end=e,
                                 doc_hash=d.content_hash) for cid, s, e in spans)
            claims = None
            if same_claims and claim_rows is not None:
                claims = StoredClaims(d, claim_names, claim_rows)
            prepared[d.doc_id] = Prepared(d, chunks, key, claims)
    if not isinstance(header.get("version"), str):
        raise ValueError(f"{path} has no version header")
    return DocStore(header["version"], prepared)


def _claim_from_row(doc: Document, names: Sequence[str], row: list) -> Claim:
    start, end = row[names.index("start")], row[names.index("end")]
    return record_from_row(Claim, names, row, doc_id=doc.doc_id, sentence=doc.text[start:end])


def read_published(index_dir: Path, manifest: Mapping | None) -> DocStore | None:
    """The document store the manifest names, when it is there, readable and of that version."""
    if not is_current_format(manifest):
        return None
    try:
        store = read_documents(index_dir, manifest["documents"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return store if store.version == manifest["version"] else None


def remove_other_documents(index_dir: Path, keep: str) -> None:
    """Delete document stores of older versions (and leftovers of killed writes), keeping ``keep``."""
    for path in Path(index_dir).iterdir():
        name = path.name
        old_store = name != keep and (name.startswith("documents-") and name.endswith(".jsonl")
                                      or name == LEGACY_DOCUMENTS)
        leftover = name.startswith(".") and name.endswith(".tmp")
        if old_store or leftover:
            path.unlink(missing_ok=True)
