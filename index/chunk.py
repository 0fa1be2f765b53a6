"""Sentence offsets and sentence-aware chunks, both as offsets into the original text.

``sentence_spans`` finds sentences with NLTK's trained English Punkt model from the
data llama-index-core ships inside its wheel (the data behind its
``split_by_sentence_tokenizer``), so nothing is downloaded; a regex splitter takes
over if that is missing.
Line breaks are hard boundaries: a headline never merges with the sentence below it.

``chunk_document`` packs whole sentences of a cleaned document into chunks of about
``chunk_size`` characters, repeating ``overlap`` sentences between neighbours. A chunk
never spans a line that cleaning removed, and ``chunk.text == doc.text[start:end]``.
It deliberately does not use llama-index's ``SentenceSplitter`` nodes: those re-join
text and lose exact offsets, which citations need.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from index.records import Chunk, Document

# A "sentence" longer than this is unpunctuated scraped text, cut at whitespace; real
# sentences are never cut (and the embedding model reads ~256 tokens, about this many chars).
OVERLONG = 1000
# Fallback sentence end: punctuation (plus closing quotes/brackets), whitespace, then an
# uppercase letter, digit or opening quote.
_FALLBACK = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


@lru_cache(maxsize=1)
def _punkt():
    """English Punkt from the NLTK data llama-index-core ships in ``_static/nltk_cache``, or None.

    llama-index's own ``split_by_sentence_tokenizer`` uses an untrained
    ``PunktSentenceTokenizer`` (it splits "Feb. 25" and "Mr. Kim"); the trained English
    model in the same bundled data does not. Nothing is downloaded.
    """
    try:
        import importlib.util

        from lang.nltk_import import import_nltk

        nltk = import_nltk()
        from nltk.tokenize import PunktTokenizer

        # Locate the package without importing it: importing llama_index.core takes seconds.
        spec = importlib.util.find_spec("llama_index.core")
        bundled = str(Path(spec.origin).parent / "_static" / "nltk_cache")
        if bundled not in nltk.data.path:
            nltk.data.path.append(bundled)
        return PunktTokenizer("english")
    except Exception:  # noqa: BLE001 - missing package or data: use the regex fallback
        return None


def _line_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    tok = _punkt()
    piece = text[start:end]
    if tok is not None:
        raw = [(start + s, start + e) for s, e in tok.span_tokenize(piece)]
    else:
        raw, pos = [], 0
        for m in _FALLBACK.finditer(piece):
            raw.append((start + pos, start + m.start() + len(m.group(0).rstrip())))
            pos = m.end()
        raw.append((start + pos, end))
    spans = []
    for s, e in raw:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence offsets inside ``text[start:end]``, whitespace trimmed.

    Args:
        text: the full original text (offsets are into it, not into the slice).
        start, end: the region to split; ``end=None`` means the end of ``text``.

    Returns:
        ``(s, e)`` pairs in order with ``start <= s < e <= end``; a line break always
        ends a sentence.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl == -1 else nl
        if line_end > pos and text[pos:line_end].strip():
            spans.extend(_line_sentences(text, pos, line_end))
        pos = line_end + 1
    return spans


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
