"""Chroma (the only module that imports chromadb) and the read handle over a published index.

An index is a Chroma collection of chunk vectors (embedded ``PersistentClient`` under
``index_dir/chroma``, or a Chroma server through ``HttpClient`` when
``chroma_host``/``chroma_port`` are set; cosine space; no Chroma embedding function:
vectors always come from ``index/embed.py``) plus the local files of ``index/docstore.py``.
The manifest names the collection and the document store of the published version.

The collection may hold more than the published version: the chunks a running (or
killed) build has written but not yet published, and those of the previous version until
the build that replaced it has deleted them. A reader therefore keeps to the chunk ids
of its snapshot (over-fetching so ``k`` remain) and never sees a half-built version.

What chromadb 1.5 does across processes (measured, ``tests/qa/test_processes.py``): an
embedded client keeps each collection's HNSW index in memory, so a process that queried
a collection before another process changed it keeps getting the old neighbours (and
deleted ids), while ``count``/``get`` already see the change. ``open_index`` therefore
starts a fresh Chroma system for the path when it opens a version. Killed with SIGKILL in
the middle of upserts and deletes (55 kills, 256-id batches, up to 12,000 vectors), its files
stayed readable and consistent every time (count == ids, every vector its own nearest
neighbour, batches all or nothing); a damaged store (unreadable sqlite, lost or truncated
HNSW files) is still detected here on opening.

``IndexReader`` is the read handle the ``qa`` side uses. ``build.py`` decides what to
write; this module only knows how.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from index import docstore
from index.claims import Claim
from index.docstore import MANIFEST, read_manifest, write_json_atomic  # noqa: F401 (re-exported)
from index.embed import Embedder, get_embedder
from index.records import Chunk, Document, IndexConfig

_BATCH = 256            # ids per Chroma call
_PROBES = 8             # stored vectors looked up when an index is opened
# Neighbours asked for per probe. HNSW search is approximate, and asking for more widens it
# (hnswlib searches max(ef_search, n) candidates): at 1.32M synthetic chunks in tight clusters
# one of the 8 probes did not find itself as its own first neighbour at Chroma's ef_search of
# 100, nor among 400, and did among 512 (measured 2026-12-05), so a sound index failed as damaged.
_PROBE_NEIGHBOURS = 512
_OPEN_ATTEMPTS = 3      # a build may delete the document store we are about to read: read the manifest again


class IndexNotFound(RuntimeError):
    """No complete index exists at the configured place (never built, or the first build was interrupted)."""


class IndexOutdated(IndexNotFound):
    """The index was written by another chromadb version or an older newsqa; it must be rebuilt."""


class StoreUnavailable(RuntimeError):
    """Chroma cannot be opened or reached; the message says how to fix it."""


class StoreCorrupt(StoreUnavailable):
    """Chroma's files are unreadable or do not hold the published version; rebuilding repairs it."""


class ModelMismatch(RuntimeError):
    """The index was built with a different embedding model than the one configured."""


def chroma_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is an error chromadb raised (its Rust side panics with a BaseException)."""
    return not isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit))


# ----------------------------------------------------------------------------- Chroma

def chroma_version() -> str:
    """The installed chromadb version (a change rebuilds the index)."""
    import chromadb

    return chromadb.__version__


def collection_name(base: str, params: dict) -> str:
    """The Chroma collection for one set of build parameters: ``<base>-<hash>``.

    A new model, chunking or chromadb version writes a new collection next to the live one,
    so readers keep the old vectors until the new version is published.
    """
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:12]
    return f"{base}-{digest}"


def _local_path(config: IndexConfig) -> Path:
    return Path(config.index_dir) / "chroma"


def connect(config: IndexConfig, fresh: bool = False):
    """A Chroma client: a server's ``HttpClient`` when host/port are set, else embedded.

    Args:
        fresh: embedded only: start a new Chroma system for the path instead of reusing the
            one this process cached, whose HNSW indexes may predate another process's writes.

    Raises:
        StoreUnavailable: the server does not answer.
        StoreCorrupt: the local store cannot be opened.
    """
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if config.chroma_host:
        where = f"{config.chroma_host}:{config.chroma_port}"
        try:
            client = chromadb.HttpClient(host=config.chroma_host, port=config.chroma_port, settings=settings)
            client.heartbeat()
        except Exception as e:  # noqa: BLE001 - connection errors come in many types
            raise StoreUnavailable(
                f"cannot reach the Chroma server at {where} ({type(e).__name__}); start one with "
                f"`chroma run --path ./chroma-data --host {config.chroma_host} --port {config.chroma_port}` "
                "or unset QA_CHROMA_HOST/QA_CHROMA_PORT to use the embedded store") from e
        return client
    path = _local_path(config)
    if fresh:
        forget_local_system(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=settings)
    except BaseException as e:
        if not chroma_failure(e):
            raise
        forget_local_system(path)  # do not keep a half-started system cached
        raise StoreCorrupt(f"cannot open the Chroma store at {path} ({type(e).__name__}: {e}); "
                           "rebuild the index (`qa index`)") from e


def forget_local_system(path: Path) -> None:
    """Drop this process's cached Chroma system for ``path``; the next client starts a new one.

    chromadb caches one system per path for the whole process (``SharedSystemClient``); its
    public ``clear_system_cache()`` would drop every path's. Clients and collections already
    handed out keep their own system, so readers of an older snapshot keep working.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    with SharedSystemClient._refcount_lock:
        SharedSystemClient._identifier_to_system.pop(str(path), None)
        SharedSystemClient._identifier_to_refcount.pop(str(path), None)


def wipe_local_store(config: IndexConfig) -> None:
    """Delete the embedded store's files (an unreadable store is rebuilt from the documents)."""
    path = _local_path(config)
    forget_local_system(path)
    shutil.rmtree(path, ignore_errors=True)


# Candidates HNSW keeps while it searches (Chroma's ef_search; its default is 100). At 100 a
# query's fifth-nearest chunk of 522 was missed, and found, from one process to the next,
# depending on what the process had loaded before (same index, same question): the same question
# got other passages and another answer. At 150 and more it was found every time (2026-12-07).
# On 100,000 clustered synthetic unit vectors, 512 against 100: recall of the 40 nearest 0.86
# against 0.48, query p50 4-5.5 ms either way (2 busy cores, two rounds; README "Search width").
EF_SEARCH = 512


def get_collection(client, name: str, create: bool = True):
    """The chunk collection: cosine space, ``EF_SEARCH``, no Chroma-side embedding function.

    ``create`` (a build's call): made when missing, and a collection made before
    ``EF_SEARCH`` was set is widened to it (Chroma lets a collection's ef_search change)."""
    if create:
        collection = client.get_or_create_collection(
            name, configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}}, embedding_function=None)
        if (collection.configuration_json.get("hnsw") or {}).get("ef_search", EF_SEARCH) < EF_SEARCH:
            collection.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})
        return collection
    return client.get_collection(name, embedding_function=None)


def collection_names(client) -> list[str]:
    """Names of every collection in the store."""
    return [c.name for c in client.list_collections()]


def delete_collection(client, name: str) -> None:
    """Drop a collection; an absent one is not an error."""
    try:
        client.delete_collection(name)
    except Exception:  # noqa: BLE001 - absent collection: nothing to drop
        pass


# Ids read per ``get`` when listing a collection. Chroma pays for an offset by walking to it, so
# small pages make a listing quadratic: at 174,551 chunks, pages of 5,000 took 3.3 s and one
# call 0.3 s (measured 2026-12-05, embedded, 2 cores). A page this size bounds a request to a
# ``chroma run`` server to a few MB of ids.
_ID_PAGE = 100_000


def stored_ids(collection) -> set[str]:
    """Every chunk id present in the collection."""
    ids: set[str] = set()
    offset = 0
    while True:
        got = collection.get(include=[], limit=_ID_PAGE, offset=offset)["ids"]
        ids.update(got)
        if len(got) < _ID_PAGE:
            return ids
        offset += len(got)


def upsert_chunks(collection, chunks: Sequence[Chunk], vectors: np.ndarray, titles: dict[str, str]) -> None:
    """Upsert chunks with their vectors and metadata (doc_id, start, end, doc_hash, title), in batches."""
    for i in range(0, len(chunks), _BATCH):
        part = chunks[i:i + _BATCH]
        collection.upsert(
            ids=[c.chunk_id for c in part],
            embeddings=vectors[i:i + _BATCH],
            documents=[c.text for c in part],
            metadatas=[{"doc_id": c.doc_id, "start": c.start, "end": c.end, "doc_hash": c.doc_hash,
                        "title": titles.get(c.doc_id, "")} for c in part],
        )


def delete_ids(collection, ids: Iterable[str]) -> None:
    """Delete chunk ids, in batches."""
    ids = sorted(ids)
    for i in range(0, len(ids), _BATCH):
        collection.delete(ids=ids[i:i + _BATCH])


def vector_problem(collection, ids: Sequence[str]) -> str:
    """Why the stored vectors of ``ids`` cannot be trusted, or "" when they can.

    A sample of them is read back and searched for: each must be found (distance ~0) among
    its ``_PROBE_NEIGHBOURS`` nearest. A deleted or truncated HNSW file passes ``count`` and
    ``get`` but fails this.
    """
    if not ids:
        return ""
    step = max(1, len(ids) // _PROBES)
    sample = sorted(ids)[::step][:_PROBES]
    try:
        got = collection.get(ids=sample, include=["embeddings"])
        if len(got["ids"]) != len(sample):
            return f"{len(sample) - len(got['ids'])} of {len(sample)} sampled chunks are missing"
        found = collection.query(query_embeddings=np.asarray(got["embeddings"], dtype=np.float32),
                                 n_results=_PROBE_NEIGHBOURS, include=["distances"])
    except BaseException as e:
        if not chroma_failure(e):
            raise
        return f"{type(e).__name__}: {e}"
    # cosine distance 1 - cos: a stored vector finds itself (or an identical copy) at ~0
    if any(not d or min(d) > 1e-3 for d in found["distances"]):
        return "stored vectors are not found by search (damaged HNSW index)"
    return ""


# ----------------------------------------------------------------------------- reader

def cosine_score(distance: float) -> float:
    """Chroma's cosine distance -> similarity. The ONE place distances become scores.

    Chroma's "cosine" space returns ``d = 1 - cos(q, v)``, so ``score = 1 - d = cos(q, v)``
    (in [-1, 1], higher is better).
    """
    return 1.0 - float(distance)


class IndexReader:
    """Read handle over one published index version: documents, chunks, claims and dense search.

    Attributes:
        config: the ``IndexConfig`` it was opened with.
        version: changes whenever a build changed the index.
        collection: the chromadb Collection (for a stock llama-index ``ChromaVectorStore``).
        embedder: the embedder used for queries (the model the index was built with).
    """

    __slots__ = ("config", "version", "collection", "embedder", "_docs", "_chunks", "_by_id", "_manifest",
                 "_claims", "_stamp")

    def __init__(self, config: IndexConfig, manifest: dict, store: docstore.DocStore, collection,
                 embedder: Embedder, stamp: tuple[int, int, int] | None = None) -> None:
        # Frozen: a reader is a snapshot of one index version; open a new one after a build.
        chunks = store.chunks()
        for name, value in (("config", config), ("version", manifest["version"]), ("collection", collection),
                            ("embedder", embedder), ("_manifest", manifest), ("_docs", store.documents()),
                            ("_chunks", tuple(chunks)), ("_by_id", {c.chunk_id: c for c in chunks}),
                            ("_claims", store.claims()), ("_stamp", stamp)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"IndexReader is read-only (cannot set {name!r}); open_index() again after a build")

    def documents(self) -> dict[str, Document]:
        """Cleaned documents with metadata, by doc_id (a fresh dict; the records are frozen)."""
        return dict(self._docs)

    def chunks(self) -> tuple[Chunk, ...]:
        """Every chunk, ordered by doc_id then start."""
        return self._chunks

    def claims(self) -> Mapping[str, list[Claim]] | None:
        """Each document's claim ledger as the build read it (doc_id -> a fresh list, each
        document's read from the store when first asked for).

        None when the build's claim code differs from this process's (the caller then reads
        the claims itself with ``index.claims.extract_claims``).
        """
        return self._claims

    def chunk_counts(self) -> dict[str, int]:
        """Number of chunks per doc_id."""
        counts: dict[str, int] = {d: 0 for d in self._docs}
        for c in self._chunks:
            counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
        return counts

    def is_current(self) -> bool:
        """Whether this snapshot is still the published version (a stat of the manifest, read when it changed)."""
        stamp = docstore.manifest_stamp(self.config.index_dir)
        if stamp is not None and stamp == self._stamp:
            return True
        manifest = read_manifest(self.config.index_dir)
        return bool(manifest) and manifest.get("version") == self.version

    def embed_query(self, text: str) -> np.ndarray:
        """The query vector: ``(dim,)`` float32, L2-normalised."""
        return self.embedder.embed([text])[0]

    def dense_search(self, query: str, k: int,
                     doc_ids: Collection[str] | None = None) -> list[tuple[Chunk, float]]:
        """The ``k`` chunks of this version most similar to ``query``, best first, with cosine similarity.

        Args:
            query: the text to search for.
            k: how many chunks at most.
            doc_ids: restrict to these documents (a Chroma ``where`` filter); None = all.

        Raises:
            StoreUnavailable: Chroma failed while this version is still the published one.
        """
        if k <= 0 or not self._chunks:
            return []
        where = None
        if doc_ids is not None:
            doc_ids = [d for d in doc_ids if d in self._docs]
            if not doc_ids:
                return []
            where = {"doc_id": {"$in": sorted(doc_ids)}}
        vector = self.embed_query(query)
        # The collection may also hold chunks of a build in progress or of the version before
        # (until its build deletes them): ask for more until k of ours remain.
        n = min(k, len(self._chunks)) + 8
        while True:
            try:
                res = self.collection.query(query_embeddings=[vector], n_results=n, where=where,
                                            include=["distances"])
            except BaseException as e:
                if not chroma_failure(e):
                    raise
                if not self.is_current():
                    # A newer version replaced this one (and dropped its collection): the next
                    # question opens the new one; this one answers from BM25 alone.
                    return []
                raise StoreUnavailable(f"dense search failed ({type(e).__name__}: {e}); "
                                       "rebuild the index with `qa index`") from e
            out = [(self._by_id[cid], cosine_score(dist))
                   for cid, dist in zip(res["ids"][0], res["distances"][0]) if cid in self._by_id]
            if len(out) >= k or len(res["ids"][0]) < n:
                break
            n *= 2
        out.sort(key=lambda p: (-p[1], p[0].doc_id, p[0].start))
        return out[:k]


def index_exists(config: IndexConfig) -> bool:
    """True when a complete index is published: a manifest of this format naming a document store that exists."""
    m = read_manifest(config.index_dir)
    return docstore.is_current_format(m) and (Path(config.index_dir) / m["documents"]).is_file()


def _not_found(config: IndexConfig) -> IndexNotFound:
    started = docstore.journal_started(config.index_dir)
    if started is not None:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started))
        return IndexNotFound(f"no complete index in {config.index_dir} yet: the build started at {when} "
                             "has not finished (still running, or interrupted); run `qa index` to finish it")
    return IndexNotFound(f"no complete index in {config.index_dir}; build it first (`qa index`)")


def open_index(config: IndexConfig, embedder: Embedder | None = None) -> IndexReader:
    """Open the published index version for reading, after checking Chroma holds all of it.

    Args:
        config: where the index is.
        embedder: the query embedder; None uses ``get_embedder(config.embed_model)``.

    Raises:
        IndexNotFound: no complete index (build it first).
        IndexOutdated: built by another chromadb version or an older format (rebuild it).
        ModelMismatch: the index was built with another embedding model.
        StoreCorrupt: Chroma's files are unreadable or miss chunks of the version (rebuild it).
        StoreUnavailable: the Chroma server cannot be reached.
    """
    for _ in range(_OPEN_ATTEMPTS):
        stamp = docstore.manifest_stamp(config.index_dir)
        manifest = read_manifest(config.index_dir)
        if not manifest:
            raise _not_found(config)
        if not docstore.is_current_format(manifest):
            raise IndexOutdated(f"the index in {config.index_dir} was written by an older version of newsqa; "
                                "rebuild it (`qa index`)")
        if manifest.get("chromadb") != chroma_version():
            raise IndexOutdated(f"the index in {config.index_dir} was built with chromadb {manifest.get('chromadb')}, "
                                f"this is chromadb {chroma_version()}; rebuild it (`qa index`)")
        embedder = embedder if embedder is not None else get_embedder(config.embed_model)
        if manifest.get("model") != embedder.name:
            raise ModelMismatch(f"the index in {config.index_dir} was built with {manifest.get('model')!r}, "
                                f"but the embedding model is {embedder.name!r}; rebuild the index")
        # Chroma opens the collection and counts it while the document store is read: each
        # takes most of a second at 132k chunks, and Chroma leaves the interpreter free.
        with ThreadPoolExecutor(max_workers=1) as pool:
            listing = pool.submit(_open_published, config, manifest)
            try:
                store = docstore.read_documents(config.index_dir, manifest["documents"])
            except FileNotFoundError:
                continue  # a build published a newer version and deleted this store meanwhile
            except (OSError, ValueError, KeyError, TypeError) as e:
                raise StoreCorrupt(f"the document store in {config.index_dir} is unreadable ({e}); "
                                   "rebuild the index (`qa index`)") from e
            if store.version != manifest["version"]:
                raise StoreCorrupt(f"the document store in {config.index_dir} is not the published version; "
                                   "rebuild the index (`qa index`)")
            collection, count = listing.result()
        _check_published(config, collection, count, store)
        return IndexReader(config, manifest, store, collection, embedder, stamp)
    raise IndexNotFound(f"the index in {config.index_dir} keeps changing while it is opened; try again")


def _open_published(config: IndexConfig, manifest: dict):
    """The published collection and how many chunks it holds."""
    client = connect(config, fresh=True)
    name = manifest["store_collection"]
    try:
        collection = get_collection(client, name, create=False)
        return collection, collection.count()
    except BaseException as e:
        if not chroma_failure(e):
            raise
        raise StoreCorrupt(f"Chroma cannot read collection {name!r} of the index in {config.index_dir} "
                           f"({type(e).__name__}: {e}); rebuild the index (`qa index`)") from e


def _check_published(config: IndexConfig, collection, count: int, store: docstore.DocStore) -> None:
    """Raise StoreCorrupt unless the collection holds every chunk of the version with searchable vectors.

    A collection holding exactly as many chunks as the version is taken as holding them: only
    a build (one at a time, under the lock) writes to it, adding chunks before it publishes and
    deleting old ones after, so fewer means chunks were lost and more means a build is under
    way or left leftovers. Only then are its ids listed to find the missing ones (27 s at 1.3M
    chunks, measured 2026-12-05; a count takes milliseconds). The sampled vectors are searched
    for either way.
    """
    wanted = [c.chunk_id for p in store.prepared.values() for c in p.chunks]
    lost = 0 if count == len(wanted) else len(set(wanted) - stored_ids(collection))
    problem = f"{lost} of its {len(wanted)} chunks are missing" if lost else vector_problem(collection, wanted)
    if problem:
        raise StoreCorrupt(f"the Chroma store of the index in {config.index_dir} is damaged ({problem}); "
                           "rebuild the index (`qa index`)")
