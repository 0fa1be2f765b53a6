"""Build or update the index so it mirrors the documents under the given paths.

Incremental: ``manifest.json`` records the build parameters (embedding model, chunking,
chromadb version, collection) and each document's content hash and chunk ids. A build
embeds only chunks that Chroma does not already hold (chunk ids derive from content
hashes, so an unchanged document is never re-embedded), deletes chunks of changed and
removed documents, and rebuilds from scratch when a parameter changed or the manifest
is unreadable.

Safety: one writer at a time (``FileLock`` on ``index_dir/.lock``; a second writer gets
``IndexLocked``). The manifest is set to ``"building"`` before Chroma is touched and is
replaced atomically by the complete one only at the end; an interrupted build leaves
``index_exists() == False`` and the next build completes it by comparing every
document's chunk ids with what Chroma actually holds.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from filelock import FileLock, Timeout

from index.chunk import chunk_document, embedding_text
from index.clean import clean
from index.embed import Embedder, get_embedder
from index.load import DEFAULT_MAX_FILE_BYTES, add_unique, load_path
from index.meta import apply_metadata, load_overrides
from index.records import BuildReport, Chunk, Document, IndexConfig
from index import store

EMBED_BATCH = 64          # chunks per embedding call
LOCK_TIMEOUT = 2.0        # seconds to wait for another writer before giving up
# Bump when what is embedded changes in a way content hashes do not capture (e.g. the
# format of chunk.embedding_text); a bump re-embeds everything.
PIPELINE_VERSION = 1

Progress = Callable[[int, int, str], None]


class IndexLocked(RuntimeError):
    """Another process is building this index right now."""


def collect_documents(paths: Sequence[Path]) -> tuple[list[Document], list[str]]:
    """Load, clean and annotate every document under ``paths``; returns ``(documents, warnings)``.

    Metadata overrides come from ``metadata.json`` in each given directory (or in a given
    file's directory). A doc_id found under two paths keeps the first and warns.
    Paths that do not exist contribute nothing (e.g. an uploads directory not yet created).
    """
    raw, overrides, warnings = _load_all(paths)
    return [apply_metadata(clean(d), overrides.get(d.doc_id)) for d in raw], warnings


def source_key(raw: Document, overrides: dict[str, str] | None) -> str:
    """What a prepared document depends on: the loaded file, its overrides, the pipeline version."""
    blob = json.dumps([raw.content_hash, raw.source, overrides or {}, PIPELINE_VERSION, _code_fingerprint()],
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """Hash of the loading/cleaning/metadata/chunking code.

    An edited rule must not be skipped by the reuse of prepared documents: any change
    here re-prepares every document, and only those whose content hash (text, kept
    segments, metadata) actually changed are re-embedded.
    """
    import index.chunk
    import index.clean
    import index.load
    import index.meta

    h = hashlib.sha256()
    for module in (index.load, index.clean, index.meta, index.chunk):
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()


def _load_all(paths: Sequence[Path], max_bytes: int | None = DEFAULT_MAX_FILE_BYTES
              ) -> tuple[list[Document], dict[str, dict[str, str]], list[str]]:
    docs: list[Document] = []
    warnings: list[str] = []
    overrides: dict[str, dict[str, str]] = {}
    seen: dict[str, str] = {}
    for path in map(Path, paths):
        if not path.exists():
            continue
        side, side_warnings = load_overrides(path if path.is_dir() else path.parent)
        warnings.extend(side_warnings)
        for doc_id, fields in side.items():
            overrides.setdefault(doc_id, fields)
        loaded, load_warnings = load_path(path, max_bytes=max_bytes)
        warnings.extend(load_warnings)
        add_unique(docs, seen, loaded, warnings)
    return docs, overrides, warnings


def _previous(index_dir: Path, old: dict | None, old_docs: dict[str, dict]
              ) -> tuple[dict[str, Document], dict[str, list[Chunk]]]:
    """The prepared documents and chunks of the last build, when they are trustworthy."""
    if not old_docs:
        return {}, {}
    try:
        _, docs, chunk_list = store.read_documents(index_dir)
    except (OSError, ValueError, KeyError, TypeError):
        return {}, {}
    chunks: dict[str, list[Chunk]] = {}
    for c in chunk_list:
        chunks.setdefault(c.doc_id, []).append(c)
    # Only documents whose stored chunks are exactly the ones the manifest lists.
    good = {d: doc for d, doc in docs.items()
            if d in old_docs and [c.chunk_id for c in chunks.get(d, [])] == old_docs[d].get("chunk_ids")
            and doc.content_hash == old_docs[d].get("hash")}
    return good, {d: chunks.get(d, []) for d in good}


def _params(config: IndexConfig, embedder: Embedder) -> dict:
    return {"model": embedder.name, "chunk_size": config.chunk_size, "chunk_overlap": config.chunk_overlap,
            "chromadb": store.chroma_version(), "collection": config.collection,
            "pipeline": PIPELINE_VERSION}


def _version(params: dict, docs: dict[str, dict]) -> str:
    h = hashlib.sha256(json.dumps(params, sort_keys=True).encode())
    for doc_id in sorted(docs):
        h.update(f"\0{doc_id}\0{docs[doc_id]['hash']}".encode())
    return h.hexdigest()[:16]


def build_index(config: IndexConfig, paths: Sequence[Path], progress: Progress | None = None,
                embedder: Embedder | None = None, *, lock_timeout: float = LOCK_TIMEOUT) -> BuildReport:
    """Build or incrementally update the index from files and directories.

    Args:
        config: where the index lives and how to chunk/embed.
        paths: files or directories of articles; the index mirrors exactly what they hold.
        progress: called as ``progress(done, total, doc_id)`` after each document.
        embedder: the embedder to use; None means ``get_embedder(config.embed_model)``.
        lock_timeout: seconds to wait for another writer.

    Returns:
        A ``BuildReport``: documents added/updated/removed/unchanged, chunks now in the
        index, and the one-line warnings for files that were skipped.

    Raises:
        IndexLocked: another build holds the lock.
        index.embed.EmbedderUnavailable: the embedding model cannot be loaded.
        index.store.StoreUnavailable: Chroma cannot be opened or reached.
    """
    index_dir = Path(config.index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / ".lock"))
    try:
        lock.acquire(timeout=lock_timeout)
    except Timeout as e:
        raise IndexLocked(f"another process is building the index in {index_dir}; "
                          "wait for it to finish and try again") from e
    try:
        return _build(config, paths, progress, embedder or get_embedder(config.embed_model))
    finally:
        lock.release()


def _build(config: IndexConfig, paths: Sequence[Path], progress: Progress | None,
           embedder: Embedder) -> BuildReport:
    index_dir = Path(config.index_dir)
    params = _params(config, embedder)
    old = store.read_manifest(index_dir)
    full = old is None or any(old.get(k) != v for k, v in params.items())
    old_docs: dict[str, dict] = {} if full else old["docs"]
    raw, overrides, warnings = _load_all(paths, max_bytes=int(config.max_file_mb * 1_000_000))
    prev_docs, prev_chunks = _previous(index_dir, old, old_docs)
    docs: list[Document] = []
    chunks: dict[str, list[Chunk]] = {}
    keys: dict[str, str] = {}
    for r in raw:
        key = keys[r.doc_id] = source_key(r, overrides.get(r.doc_id))
        if old_docs.get(r.doc_id, {}).get("source_key") == key and r.doc_id in prev_docs:
            # Same file, same overrides, same pipeline and chunking: reuse the prepared
            # document and its chunks instead of cleaning and splitting it again.
            docs.append(prev_docs[r.doc_id])
            chunks[r.doc_id] = prev_chunks.get(r.doc_id, [])
        else:
            d = apply_metadata(clean(r), overrides.get(r.doc_id))
            docs.append(d)
            chunks[d.doc_id] = chunk_document(d, config.chunk_size, config.chunk_overlap)
    expected = {c.chunk_id for cs in chunks.values() for c in cs}
    new_docs = {d.doc_id: {"hash": d.content_hash, "source": d.source, "source_key": keys[d.doc_id],
                           "chunk_ids": [c.chunk_id for c in chunks[d.doc_id]]} for d in docs}

    # Plan with read-only steps first, so an unreachable server or a missing model fails
    # before the index is marked incomplete.
    client = store.connect(config)
    collection = None if full else store.get_collection(client, config.collection)
    present = set() if full else store.stored_ids(collection)
    stale = present - expected          # chunks of changed/removed docs, leftovers of a crash
    present &= expected
    missing = {d.doc_id: [c for c in chunks[d.doc_id] if c.chunk_id not in present] for d in docs}
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for d in docs:
        prev = old_docs.get(d.doc_id)
        kind = ("added" if prev is None else
                "updated" if prev.get("hash") != d.content_hash or missing[d.doc_id] else "unchanged")
        counts[kind] += 1
    removed = len(set(old_docs) - set(new_docs))
    report = BuildReport(**counts, removed=removed, chunks=len(expected), skipped=tuple(warnings))
    if not full and old.get("state") == store.STATE_COMPLETE and not stale and counts["unchanged"] == len(docs) \
            and not removed and old["docs"] == new_docs and (index_dir / store.DOCUMENTS).is_file():
        if progress:
            for i, d in enumerate(docs, start=1):
                progress(i, len(docs), d.doc_id)
        return report                   # nothing changed: leave every file as it is
    if any(missing.values()):
        embedder.dim                    # load the model now (EmbedderUnavailable before any write)

    # Mark the index incomplete BEFORE changing Chroma; keep what the old manifest knew.
    store.write_json_atomic(index_dir / store.MANIFEST, {
        **params, "state": store.STATE_BUILDING, "docs": old_docs,
        "version": (old or {}).get("version", ""), "started": time.time()})
    if full:
        collection = store.reset_collection(client, config.collection)
    store.delete_ids(collection, stale)

    titles = {d.doc_id: d.title for d in docs}
    pending: list[tuple[Chunk, str]] = []

    def flush() -> None:
        if pending:
            vectors = embedder.embed([text for _, text in pending])  # (n, dim) float32, unit rows
            store.upsert_chunks(collection, [c for c, _ in pending], vectors, titles)
            pending.clear()

    for i, d in enumerate(docs, start=1):
        pending.extend((c, embedding_text(c, d.title)) for c in missing[d.doc_id])
        if len(pending) >= EMBED_BATCH:
            flush()
        if progress:
            progress(i, len(docs), d.doc_id)
    flush()

    version = _version(params, new_docs)
    store.write_documents(index_dir, docs, chunks, version)
    store.write_json_atomic(index_dir / store.MANIFEST, {
        **params, "state": store.STATE_COMPLETE, "docs": new_docs, "version": version,
        "built": time.time()})
    return report
