"""What a fresh process finds in an index directory, as one JSON line (run by the crash and process tests).

Usage: ``python -m tests.index.index_check INDEX_DIR``

Prints ``{"state": "none", "message": ...}`` when no complete index is published, else
``{"state": "ok", "version", "docs", "chunks", "chroma_ids_cover", "extra_ids", ...}``: what
the published manifest, the document store and the collection hold, so the test can check
that they agree, as Chroma's own tests do after every operation. It loads no model and
never builds anything.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from index import docstore, store
from index.records import IndexConfig


def check(index_dir: Path) -> dict:
    """The published state of ``index_dir``; see the module docstring."""
    cfg = IndexConfig(index_dir=index_dir)
    manifest = store.read_manifest(index_dir)
    try:
        # the manifest's model name: only queries would load it, and none is made here
        reader = store.open_index(cfg, embedder=_Named(manifest["model"]) if manifest else None)
    except store.IndexNotFound as e:
        return {"state": "none", "message": str(e), "type": type(e).__name__}
    chunk_ids = [c.chunk_id for c in reader.chunks()]
    stored = store.stored_ids(reader.collection)
    return {"state": "ok", "version": reader.version, "docs": sorted(reader.documents()),
            "chunks": len(chunk_ids), "manifest_chunks": manifest["chunks"],
            "unique_chunks": len(set(chunk_ids)), "chroma_ids_cover": set(chunk_ids) <= stored,
            "extra_ids": len(stored - set(chunk_ids)), "chunk_ids": sorted(chunk_ids),
            "collections": store.collection_names(store.connect(cfg)),
            "documents_files": sorted(p.name for p in index_dir.glob("documents*.jsonl")),
            "journal": (index_dir / docstore.JOURNAL).exists()}


class _Named:
    """An embedder that only has a name: opening an index needs no more."""

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def dim(self) -> int:
        raise RuntimeError("the index check loads no model")

    def embed(self, texts):
        raise RuntimeError("the index check makes no query")


if __name__ == "__main__":
    print(json.dumps(check(Path(sys.argv[1]))))
