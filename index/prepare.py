"""Files -> prepared documents: load, clean, annotate, chunk and read the claim ledger.

A document whose sources are unchanged (same file content, same overrides, same
preparing code: its ``source_key``) is taken from the previous document store instead of
being cleaned and chunked again, and its stored claims are kept when the claim code is
unchanged too. Embedding and storing are ``index/build.py``'s.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from index.chunk import chunk_document
from index.claims import extract_claims
from index.clean import clean
from index.docstore import DocStore, Prepared
from index.load import DEFAULT_MAX_FILE_BYTES, add_unique, load_path
from index.meta import apply_metadata, load_overrides
from index.records import Document

# Bump when what is embedded changes in a way content hashes do not capture (e.g. the
# format of chunk.embedding_text); a bump re-embeds everything.
PIPELINE_VERSION = 1

Progress = Callable[[int, int, str], None]


def collect_documents(paths: Sequence[Path]) -> tuple[list[Document], list[str]]:
    """Load, clean and annotate every document under ``paths``; returns ``(documents, warnings)``.

    Metadata overrides come from ``metadata.json`` in each given directory (or in a given
    file's directory). A doc_id found under two paths keeps the first and warns.
    Paths that do not exist contribute nothing (e.g. an uploads directory not yet created).
    """
    raw, overrides, warnings = load_all(paths)
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


def load_all(paths: Sequence[Path], max_bytes: int | None = DEFAULT_MAX_FILE_BYTES
             ) -> tuple[list[Document], dict[str, dict[str, str]], list[str]]:
    """Every loaded (not yet cleaned) document under ``paths``, the metadata overrides, the warnings.

    ``max_bytes``: larger files are skipped with a warning, unread (``QA_MAX_FILE_MB``).
    """
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


def prepare_documents(raw: Sequence[Document], overrides: dict[str, dict[str, str]], previous: DocStore | None,
                      chunk_size: int, chunk_overlap: int, progress: Progress | None = None) -> list[Prepared]:
    """Each loaded document prepared, reusing what ``previous`` holds for unchanged sources.

    Args:
        raw: loaded documents (``load_all``).
        overrides: metadata overrides by doc_id.
        previous: the published document store when its chunking is the one asked for, else None.
        chunk_size, chunk_overlap: the chunking.
        progress: called as ``progress(i, len(raw), doc_id)`` after each document.
    """
    old = previous.prepared if previous else {}
    out: list[Prepared] = []
    for i, r in enumerate(raw, start=1):
        key = source_key(r, overrides.get(r.doc_id))
        prev = old.get(r.doc_id)
        if prev is not None and prev.source_key == key:
            # Same file, same overrides, same pipeline and chunking: no cleaning or splitting again.
            doc, chunks, claims = prev.doc, prev.chunks, prev.claims
        else:
            doc = apply_metadata(clean(r), overrides.get(r.doc_id))
            chunks, claims = tuple(chunk_document(doc, chunk_size, chunk_overlap)), None
        if claims is None:
            claims = tuple(extract_claims(doc))
        out.append(Prepared(doc, chunks, key, claims))
        if progress:
            progress(i, len(raw), doc.doc_id)
    return out
