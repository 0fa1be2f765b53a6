"""The write side: files -> cleaned documents -> sentence chunks -> embeddings -> Chroma.

Public entry points (the read side in ``qa/`` uses only these):

- ``build_index(config, paths, progress=None, embedder=None) -> BuildReport``: build or
  update the index incrementally and crash-safely from files/directories
  (``index/build.py``; preparing documents is ``index/prepare.py``, the local files
  ``index/docstore.py``); raises ``IndexLocked`` when another build holds the lock.
- ``open_index(config, embedder=None) -> IndexReader``: a read handle on the published
  version with ``documents()``, ``chunks()``, ``claims()``, ``dense_search()``, ``version``,
  ``is_current()`` (``index/store.py``); ``index_exists(config)`` says whether a complete
  index is published.
- ``load_path(path) -> (documents, warnings)`` and ``load_file(path, max_bytes)`` (raises
  ``LoadError``): load files (``index/load.py``).
- ``sentence_spans(text, start=0, end=None) -> list[(s, e)]``: sentence offsets (``lang/sentences.py``).
- ``get_embedder(model) -> Embedder`` (raises ``EmbedderUnavailable``) (``index/embed.py``).

Errors raised on purpose: ``LoadError`` (a ValueError), ``IndexLocked``,
``IndexNotFound`` (and ``IndexOutdated``: another chromadb version or format),
``ModelMismatch``, ``StoreUnavailable`` (and ``StoreCorrupt``: unreadable or damaged),
``EmbedderUnavailable`` (RuntimeErrors); the qa side turns them into its own errors.

This package imports nothing from ``qa/`` or ``eval/``; chromadb is imported only by
``index/store.py``, and only when an index is opened or built.
"""

import os

# Offline by construction: nothing on this side may fetch weights or phone home.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from index.build import IndexLocked, build_index, collect_documents  # noqa: E402
from index.chunk import chunk_document  # noqa: E402
from index.embed import Embedder, EmbedderUnavailable, SentenceTransformerEmbedder, get_embedder  # noqa: E402
from index.load import SUPPORTED_SUFFIXES, LoadError, load_file, load_path  # noqa: E402
from index.records import BuildReport, Chunk, Document, IndexConfig  # noqa: E402
from lang.sentences import sentence_spans  # noqa: E402 - the package's API has listed it
from index.store import (IndexNotFound, IndexOutdated, IndexReader, ModelMismatch, StoreCorrupt,  # noqa: E402
                         StoreUnavailable, index_exists, open_index)

__all__ = [
    "build_index", "collect_documents", "IndexLocked",
    "open_index", "index_exists", "IndexReader", "IndexNotFound", "IndexOutdated", "ModelMismatch",
    "StoreUnavailable", "StoreCorrupt",
    "load_path", "load_file", "LoadError", "SUPPORTED_SUFFIXES",
    "sentence_spans", "chunk_document",
    "Embedder", "EmbedderUnavailable", "SentenceTransformerEmbedder", "get_embedder",
    "BuildReport", "Chunk", "Document", "IndexConfig",
]
