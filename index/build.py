"""Build or update the index so it mirrors the documents under the given paths.

Incremental: chunk ids derive from content hashes, so a build embeds only the chunks the
Chroma collection does not hold yet, whatever the reason (new or changed documents, a
build that was killed half way, chunks lost from the store).

Crash-safe, in this order, one writer at a time (``FileLock`` on ``index_dir/.lock``; a
second writer gets ``IndexLocked``):

1. prepare every document (``index/prepare.py``) and plan, reading only;
2. embed the missing chunks and write them to the collection, in batches of
   ``EMBED_BATCH`` (their ids never collide with the live version's, so readers are not
   disturbed, and a killed build loses at most one batch of work);
3. check the collection now holds every chunk of the new version;
4. write the new document store, then publish the manifest (one atomic rename): the commit;
5. collect garbage: chunks no version needs, collections of other build parameters
   (another model, chunking or chromadb version is built into a new collection next to
   the live one), older document stores.

A kill at any point leaves the last published version answering; the next build
finishes the work and cleans up. An embedded store that Chroma cannot read is rebuilt
from the documents, with a note in the report.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from filelock import FileLock, Timeout

from index import docstore, store
from index.chunk import embedding_text
from index.docstore import Prepared
from index.embed import Embedder, get_embedder
from index.prepare import PIPELINE_VERSION, collect_documents, load_all, prepare_documents, source_key  # noqa: F401
from index.records import BuildReport, Chunk, IndexConfig

# Chunks per embed call and Chroma write; a multiple of the encoder's batch. Each call ends with
# one encoder thread idle while the other finishes the last part, and each write waits for the
# encoder: 256 cost 17% of the raw encoder's speed on 3,393 chunks, 1024 about 9% (a killed
# build loses at most ~17 s of encoding on 2 cores).
EMBED_BATCH = 1024
LOCK_TIMEOUT = 2.0        # seconds to wait for another writer before giving up
STAGE_PREPARE = "preparing"
STAGE_EMBED = "embedding chunks"

Progress = Callable[[int, int, str], None]


class IndexLocked(RuntimeError):
    """Another process is building this index right now."""


def build_index(config: IndexConfig, paths: Sequence[Path], progress: Progress | None = None,
                embedder: Embedder | None = None, *, lock_timeout: float = LOCK_TIMEOUT) -> BuildReport:
    """Build or incrementally update the index from files and directories.

    Args:
        config: where the index lives and how to chunk/embed.
        paths: files or directories of articles; the index mirrors exactly what they hold.
        progress: called as ``progress(done, total, label)``: first per document prepared
            (label ``"preparing <doc_id>"``), then per batch of chunks embedded and written
            (done/total in chunks, label ``"embedding chunks"``).
        embedder: the embedder to use; None means ``get_embedder(config.embed_model)``.
        lock_timeout: seconds to wait for another writer.

    Returns:
        A ``BuildReport``: documents added/updated/removed/unchanged, chunks now in the
        index, chunks embedded, the one-line warnings for files that were skipped, and
        notes about the store.

    Raises:
        IndexLocked: another build holds the lock.
        index.embed.EmbedderUnavailable: the embedding model cannot be loaded.
        index.store.StoreUnavailable: the Chroma server cannot be reached (or its
            collection cannot be read: a server's data is never deleted).
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


def _params(config: IndexConfig, embedder: Embedder) -> dict:
    return {"model": embedder.name, "chunk_size": config.chunk_size, "chunk_overlap": config.chunk_overlap,
            "chromadb": store.chroma_version(), "collection": config.collection,
            "pipeline": PIPELINE_VERSION}


def _version(params: dict, prepared: Sequence[Prepared]) -> str:
    h = hashlib.sha256(json.dumps(params, sort_keys=True).encode())
    h.update(docstore.claims_fingerprint().encode())  # new claims are a new version for readers
    for p in sorted(prepared, key=lambda p: p.doc.doc_id):
        h.update(f"\0{p.doc.doc_id}\0{p.doc.content_hash}".encode())
    return h.hexdigest()[:16]


def _build(config: IndexConfig, paths: Sequence[Path], progress: Progress | None,
           embedder: Embedder) -> BuildReport:
    t0 = time.perf_counter()
    index_dir = Path(config.index_dir)
    params = _params(config, embedder)
    name = store.collection_name(config.collection, params)
    old = docstore.read_manifest(index_dir)
    previous = docstore.read_published(index_dir, old)
    same_chunking = previous is not None and all(
        old.get(k) == params[k] for k in ("chunk_size", "chunk_overlap", "pipeline"))

    # 1. prepare and plan: nothing is written yet
    raw, overrides, warnings = load_all(paths, max_bytes=int(config.max_file_mb * 1_000_000))
    prepared = prepare_documents(
        raw, overrides, previous if same_chunking else None, config.chunk_size, config.chunk_overlap,
        progress and (lambda i, n, doc_id: progress(i, n, f"{STAGE_PREPARE} {doc_id}")))
    expected = {c.chunk_id for p in prepared for c in p.chunks}
    version = _version(params, prepared)
    client, collection, present, notes = _open_target(config, name, expected)
    stale = present - expected            # of changed/removed documents, leftovers of a killed build
    missing = [(c, embedding_text(c, p.doc.title)) for p in prepared for c in p.chunks
               if c.chunk_id not in present]
    same_store = previous is not None and old["store_collection"] == name and all(
        old.get(k) == v for k, v in params.items())
    # documents of other build parameters count as new: everything is embedded again
    report = _report(prepared, previous.prepared if same_store else {}, {c.chunk_id for c, _ in missing},
                     len(expected), warnings, notes)
    published = same_store and old["version"] == version and all(
        p.doc.doc_id in previous.prepared and previous.prepared[p.doc.doc_id].source_key == p.source_key
        for p in prepared)
    if published and not missing:
        # Nothing changed: leave every published file as it is; finish a killed build's cleanup.
        _collect_garbage(config, client, collection, stale, keep_collection=name, keep_documents=old["documents"])
        return _timed(report, t0)
    if missing:
        embedder.dim                      # load the model now (EmbedderUnavailable before any write)

    # 2. embed and write what the collection lacks
    docstore.write_journal(index_dir, version)
    titles = {p.doc.doc_id: p.doc.title for p in prepared}
    _embed_and_write(collection, missing, titles, embedder, progress)

    # 3. check, 4. publish, 5. clean up
    lost = expected - store.stored_ids(collection)
    problem = f"{len(lost)} chunks are missing after writing" if lost else \
        store.vector_problem(collection, sorted(expected))
    if problem:
        raise store.StoreCorrupt(f"the Chroma store did not keep what was written ({problem}); build again")
    documents = docstore.write_documents(index_dir, version, prepared)
    docstore.publish(index_dir, {**params, "version": version, "store_collection": name, "documents": documents,
                                 "chunks": len(expected), "doc_count": len(prepared), "built": time.time()})
    _collect_garbage(config, client, collection, stale, keep_collection=name, keep_documents=documents)
    return _timed(report, t0)


def _timed(report: BuildReport, t0: float) -> BuildReport:
    return replace(report, seconds=time.perf_counter() - t0)


def _report(prepared: Sequence[Prepared], old: dict[str, Prepared], missing: set[str], chunks: int,
            warnings: list[str], notes: list[str]) -> BuildReport:
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for p in prepared:
        prev = old.get(p.doc.doc_id)
        kind = ("added" if prev is None else
                "updated" if prev.doc.content_hash != p.doc.content_hash or any(c.chunk_id in missing for c in p.chunks)
                else "unchanged")
        counts[kind] += 1
    removed = len(set(old) - {p.doc.doc_id for p in prepared})
    return BuildReport(**counts, removed=removed, chunks=chunks, skipped=tuple(warnings), embedded=len(missing),
                       notes=tuple(notes))


def _open_target(config: IndexConfig, name: str, expected: set[str]) -> tuple[object, object, set[str], list[str]]:
    """``(client, collection, ids it holds, notes)`` for the collection this build writes.

    An embedded store Chroma cannot read, or whose stored vectors cannot be found, is
    deleted and started anew (its chunks are embedded again); a server's never is.
    """
    notes: list[str] = []
    problem = ""
    try:
        # a fresh Chroma system: one cached before another process wrote may be stale
        client = store.connect(config, fresh=True)
        collection = store.get_collection(client, name)
        present = store.stored_ids(collection)
        problem = store.vector_problem(collection, sorted(present & expected))
    except store.StoreCorrupt as e:
        problem = str(e)
    except store.StoreUnavailable:
        raise                             # the server does not answer: nothing to repair here
    except BaseException as e:  # chromadb's own errors (and Rust panics) reading a damaged store
        if not store.chroma_failure(e):
            raise
        problem = f"{type(e).__name__}: {e}"
    if not problem:
        return client, collection, present, notes
    if config.chroma_host:
        raise store.StoreUnavailable(f"the Chroma server's collection {name!r} cannot be read ({problem}); "
                                     "delete it on the server and build again")
    notes.append(f"the Chroma store in {Path(config.index_dir) / 'chroma'} could not be read ({problem}); "
                 "it was rebuilt from the documents")
    store.wipe_local_store(config)
    client = store.connect(config, fresh=True)
    return client, store.get_collection(client, name), set(), notes


def _embed_and_write(collection, missing: list[tuple[Chunk, str]], titles: dict[str, str], embedder: Embedder,
                     progress: Progress | None) -> None:
    """Embed the missing chunks and upsert them, one batch at a time, longest texts first.

    Sorting by length gives batches of similar length (little padding), the same batches the
    encoder forms when it is handed every text at once, while each batch is written as soon
    as it is embedded (an interrupted build resumes after the last batch written).
    """
    order = sorted(missing, key=lambda m: -len(m[1]))
    for i in range(0, len(order), EMBED_BATCH):
        part = order[i:i + EMBED_BATCH]
        vectors = embedder.embed([text for _, text in part])  # (n, dim) float32, unit rows
        store.upsert_chunks(collection, [c for c, _ in part], vectors, titles)
        if progress:
            progress(i + len(part), len(order), STAGE_EMBED)


def _collect_garbage(config: IndexConfig, client, collection, stale: set[str], *, keep_collection: str,
                     keep_documents: str) -> None:
    """Delete what no published version needs; a build killed here is finished by the next one."""
    store.delete_ids(collection, stale)
    for other in store.collection_names(client):
        if other != keep_collection and (other == config.collection or other.startswith(f"{config.collection}-")):
            store.delete_collection(client, other)
    docstore.remove_other_documents(config.index_dir, keep_documents)
    docstore.clear_journal(config.index_dir)
