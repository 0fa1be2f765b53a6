"""Persistence: Chroma (the only module that imports chromadb) and the local index files.

An index is two things that must agree:

- a Chroma collection of chunk vectors (embedded ``PersistentClient`` under
  ``index_dir/chroma``, or a Chroma server through ``HttpClient`` when
  ``chroma_host``/``chroma_port`` are set), cosine space, no Chroma embedding function
  (vectors always come from ``index/embed.py``);
- local files in ``index_dir``: ``manifest.json`` (state, version, build parameters, each
  document's content hash and chunk ids) and ``documents.jsonl`` (the cleaned documents
  with metadata and their chunk offsets, so readers get texts and BM25 input without
  asking Chroma).

``IndexReader`` is the read handle the ``qa`` side uses. ``build.py`` decides what to
write; this module only knows how.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from index.embed import Embedder, get_embedder
from index.records import Chunk, Document, IndexConfig

MANIFEST = "manifest.json"
DOCUMENTS = "documents.jsonl"
STATE_COMPLETE = "complete"
STATE_BUILDING = "building"
_BATCH = 256


class IndexNotFound(RuntimeError):
    """No complete index exists at the configured place (never built, or a build was interrupted)."""


class StoreUnavailable(RuntimeError):
    """Chroma cannot be opened or reached; the message says how to fix it."""


class ModelMismatch(RuntimeError):
    """The index was built with a different embedding model than the one configured."""


# ----------------------------------------------------------------------------- files

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


def read_manifest(index_dir: Path) -> dict | None:
    """The manifest as a dict, or None when it is missing, unreadable or malformed."""
    try:
        data = json.loads((Path(index_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("docs"), dict):
        return None
    return data


def index_exists(config: IndexConfig) -> bool:
    """True when a build finished: the manifest exists, is readable and is complete."""
    m = read_manifest(config.index_dir)
    return bool(m) and m.get("state") == STATE_COMPLETE and (Path(config.index_dir) / DOCUMENTS).is_file()


def write_documents(index_dir: Path, docs: Iterable[Document], chunks: dict[str, list[Chunk]],
                    version: str) -> None:
    """Write the document store: one JSON line per document with its chunk offsets."""
    lines = [json.dumps({"version": version})]
    for d in docs:
        row = asdict(d)
        row["segments"] = [list(s) for s in d.segments]
        row["chunks"] = [[c.chunk_id, c.start, c.end] for c in chunks.get(d.doc_id, [])]
        lines.append(json.dumps(row, ensure_ascii=False))
    _write_atomic(Path(index_dir) / DOCUMENTS, "\n".join(lines) + "\n")


def read_documents(index_dir: Path) -> tuple[str, dict[str, Document], list[Chunk]]:
    """``(version, documents by id, chunks ordered by doc_id then start)`` from the document store."""
    path = Path(index_dir) / DOCUMENTS
    with path.open(encoding="utf-8") as f:
        header = json.loads(f.readline())
        docs: dict[str, Document] = {}
        chunks: list[Chunk] = []
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            spans = row.pop("chunks")
            row["segments"] = tuple(tuple(s) for s in row["segments"])
            d = Document(**row)
            docs[d.doc_id] = d
            chunks.extend(Chunk(chunk_id=cid, doc_id=d.doc_id, text=d.text[s:e], start=s, end=e,
                                doc_hash=d.content_hash) for cid, s, e in spans)
    chunks.sort(key=lambda c: (c.doc_id, c.start, c.end))
    return header.get("version", ""), docs, chunks


# ----------------------------------------------------------------------------- Chroma

def chroma_version() -> str:
    """The installed chromadb version (a change rebuilds the index)."""
    import chromadb

    return chromadb.__version__


def connect(config: IndexConfig):
    """A Chroma client: a server's ``HttpClient`` when host/port are set, else embedded.

    Raises:
        StoreUnavailable: the server does not answer, or the local store cannot be opened.
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
    path = Path(config.index_dir) / "chroma"
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=settings)
    except Exception as e:  # noqa: BLE001
        raise StoreUnavailable(f"cannot open the Chroma store at {path} ({type(e).__name__}: {e}); "
                               "delete the directory and rebuild the index") from e


def get_collection(client, name: str, create: bool = True):
    """The chunk collection: cosine space, no Chroma-side embedding function."""
    if create:
        return client.get_or_create_collection(
            name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None)
    return client.get_collection(name, embedding_function=None)


def reset_collection(client, name: str):
    """Drop and recreate the collection (model, chunking or Chroma version changed)."""
    try:
        client.delete_collection(name)
    except Exception:  # noqa: BLE001 - absent collection: nothing to drop
        pass
    return get_collection(client, name)


def stored_ids(collection) -> set[str]:
    """Every chunk id present in the collection."""
    ids: set[str] = set()
    offset = 0
    while True:
        got = collection.get(include=[], limit=5000, offset=offset)["ids"]
        ids.update(got)
        if len(got) < 5000:
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
    ids = list(ids)
    for i in range(0, len(ids), _BATCH):
        collection.delete(ids=ids[i:i + _BATCH])


def delete_docs(collection, doc_ids: Iterable[str]) -> None:
    """Delete every chunk of the given documents (also ones a crashed build left behind)."""
    doc_ids = list(doc_ids)
    for i in range(0, len(doc_ids), _BATCH):
        collection.delete(where={"doc_id": {"$in": doc_ids[i:i + _BATCH]}})


# ----------------------------------------------------------------------------- reader

def cosine_score(distance: float) -> float:
    """Chroma's cosine distance -> similarity. The ONE place distances become scores.

    Chroma's "cosine" space returns ``d = 1 - cos(q, v)``, so ``score = 1 - d = cos(q, v)``
    (in [-1, 1], higher is better).
    """
    return 1.0 - float(distance)


class IndexReader:
    """Read handle over a complete index: documents, chunks and dense search.

    Attributes:
        config: the ``IndexConfig`` it was opened with.
        version: changes whenever a build changed the index.
        collection: the chromadb Collection (for a stock llama-index ``ChromaVectorStore``).
        embedder: the embedder used for queries (the model the index was built with).
    """

    __slots__ = ("config", "version", "collection", "embedder", "_docs", "_chunks", "_by_id", "_manifest")

    def __init__(self, config: IndexConfig, manifest: dict, docs: dict[str, Document],
                 chunks: list[Chunk], collection, embedder: Embedder) -> None:
        # Frozen: a reader is a snapshot of one index version; open a new one after a build.
        for name, value in (("config", config), ("version", manifest["version"]), ("collection", collection),
                            ("embedder", embedder), ("_manifest", manifest), ("_docs", docs),
                            ("_chunks", tuple(chunks)), ("_by_id", {c.chunk_id: c for c in chunks})):
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"IndexReader is read-only (cannot set {name!r}); open_index() again after a build")

    def documents(self) -> dict[str, Document]:
        """Cleaned documents with metadata, by doc_id (a fresh dict; the records are frozen)."""
        return dict(self._docs)

    def chunks(self) -> tuple[Chunk, ...]:
        """Every chunk, ordered by doc_id then start."""
        return self._chunks

    def chunk_counts(self) -> dict[str, int]:
        """Number of chunks per doc_id."""
        counts: dict[str, int] = {d: 0 for d in self._docs}
        for c in self._chunks:
            counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
        return counts

    def embed_query(self, text: str) -> np.ndarray:
        """The query vector: ``(dim,)`` float32, L2-normalised."""
        return self.embedder.embed([text])[0]

    def dense_search(self, query: str, k: int,
                     doc_ids: Collection[str] | None = None) -> list[tuple[Chunk, float]]:
        """The ``k`` chunks most similar to ``query``, best first, with cosine similarity.

        Args:
            query: the text to search for.
            k: how many chunks at most.
            doc_ids: restrict to these documents (a Chroma ``where`` filter); None = all.
        """
        if k <= 0 or not self._chunks:
            return []
        where = None
        if doc_ids is not None:
            doc_ids = [d for d in doc_ids if d in self._docs]
            if not doc_ids:
                return []
            where = {"doc_id": {"$in": sorted(doc_ids)}}
        n = min(k, len(self._chunks))
        res = self.collection.query(query_embeddings=[self.embed_query(query)], n_results=n,
                                    where=where, include=["distances"])
        out = []
        for cid, dist in zip(res["ids"][0], res["distances"][0]):
            chunk = self._by_id.get(cid)
            if chunk is not None:  # an id the document store does not know is stale: skip it
                out.append((chunk, cosine_score(dist)))
        out.sort(key=lambda p: (-p[1], p[0].doc_id, p[0].start))
        return out[:k]


def open_index(config: IndexConfig, embedder: Embedder | None = None) -> IndexReader:
    """Open a complete index for reading.

    Args:
        config: where the index is.
        embedder: the query embedder; None uses ``get_embedder(config.embed_model)``.

    Raises:
        IndexNotFound: no complete index (build it first).
        ModelMismatch: the index was built with another embedding model.
        StoreUnavailable: Chroma cannot be opened or reached.
    """
    manifest = read_manifest(config.index_dir)
    if not manifest or manifest.get("state") != STATE_COMPLETE:
        raise IndexNotFound(f"no complete index in {config.index_dir}; build it first "
                            "(an interrupted build is completed by the next build)")
    embedder = embedder if embedder is not None else get_embedder(config.embed_model)
    if manifest.get("model") != embedder.name:
        raise ModelMismatch(f"the index in {config.index_dir} was built with {manifest.get('model')!r}, "
                            f"but the embedding model is {embedder.name!r}; rebuild the index")
    try:
        version, docs, chunks = read_documents(config.index_dir)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise IndexNotFound(f"the document store in {config.index_dir} is unreadable ({e}); rebuild the index") from e
    if version != manifest["version"]:
        raise IndexNotFound(f"the index in {config.index_dir} is being rebuilt; try again when the build finishes")
    client = connect(config)
    try:
        collection = get_collection(client, config.collection, create=False)
    except Exception as e:  # noqa: BLE001
        raise IndexNotFound(f"Chroma has no collection {config.collection!r}; rebuild the index") from e
    return IndexReader(config, manifest, docs, chunks, collection, embedder)
