"""Sentence-aware chunks, as offsets into the original text.

``chunk_document`` packs whole sentences of a cleaned document into chunks of about
``chunk_size`` characters, repeating ``overlap`` sentences between neighbours. A chunk
never spans a line that cleaning removed, and ``chunk.text == doc.text[start:end]``.
It deliberately does not use llama-index's ``SentenceSplitter`` nodes: those re-join
text and lose exact offsets, which citations need.
"""

from __future__ import annotations

import hashlib

from index.records import Chunk, Document
from lang.sentences import sentence_spans

# A "sentence" longer than this is unpunctuated scraped text, cut at whitespace; real
# sentences are never cut (and the embedding model reads ~256 tokens, about this many chars).
OVERLONG = 1000


def chunk_id(doc_id: str, content_hash: str, start: int, end: int) -> str:
    """Deterministic chunk id from the document's id, content hash and the offsets.

    The doc_id is included so two documents with identical text never share an id.
    """
    return hashlib.sha256(f"{doc_id}\0{content_hash}\0{start}\0{end}".encode()).hexdigest()[:20]


def _blocks(doc: Document) -> list[tuple[int, int]]:
    """Runs of consecutive segments with only whitespace (no removed line) between them."""
    blocks: list[tuple[int, int]] = []
    for s, e in doc.segments:
        if blocks and not doc.text[blocks[-1][1]:s].strip():
            blocks[-1] = (blocks[-1][0], e)
        else:
            blocks.append((s, e))
    return blocks


def _split_overlong(text: str, s: int, e: int, limit: int) -> list[tuple[int, int]]:
    """Cut a 'sentence' longer than ``limit`` at whitespace (unpunctuated scraped text)."""
    out = []
    while e - s > limit:
        cut = text.rfind(" ", s + limit // 2, s + limit)
        if cut <= s:
            cut = s + limit
        out.append((s, cut))
        s = cut
        while s < e and text[s].isspace():
            s += 1
    if e > s:
        out.append((s, e))
    return out


def chunk_document(doc: Document, chunk_size: int, overlap: int) -> list[Chunk]:
    """Split a cleaned document into chunks of whole sentences.

    Args:
        doc: a document with ``segments`` set (``clean`` it first; without segments the
            whole text is used).
        chunk_size: target length in characters; a chunk grows sentence by sentence
            while it stays within this (a longer sentence is its own chunk; only text
            over ``OVERLONG`` characters without a sentence end is cut at whitespace).
        overlap: sentences repeated at the start of the next chunk in the same block.

    Returns:
        Chunks in text order; ``chunk.text == doc.text[chunk.start:chunk.end]``.
    """
    text = doc.text
    blocks = _blocks(doc) if doc.segments else [(0, len(text))]
    chunks: list[Chunk] = []
    for b_start, b_end in blocks:
        sents: list[tuple[int, int]] = []
        for s, e in sentence_spans(text, b_start, b_end):
            sents.extend(_split_overlong(text, s, e, max(chunk_size, OVERLONG)))
        i = 0
        while i < len(sents):
            j = i + 1
            while j < len(sents) and sents[j][1] - sents[i][0] <= chunk_size:
                j += 1
            s, e = sents[i][0], sents[j - 1][1]
            chunks.append(Chunk(chunk_id=chunk_id(doc.doc_id, doc.content_hash, s, e), doc_id=doc.doc_id,
                                text=text[s:e], start=s, end=e, doc_hash=doc.content_hash))
            if j >= len(sents):
                break
            # Step back `overlap` sentences, but always move forward by at least one.
            i = max(i + 1, j - overlap)
    return chunks


def embedding_text(chunk: Chunk, title: str) -> str:
    """What is embedded for a chunk: the document title as context, then the chunk text.

    A chunk deep in an article often never names its subject; the headline supplies it.
    ``chunk.text`` itself (and every offset) is unchanged.
    """
    if title and not chunk.text.startswith(title):
        return f"{title}\n{chunk.text}"
    return chunk.text
