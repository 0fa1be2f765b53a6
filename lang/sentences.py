"""Sentences as offsets into the original text: the one sentence splitter of the project.

``sentence_spans`` finds sentences with NLTK's trained English Punkt model from the data
llama-index-core ships inside its wheel (the data behind its ``split_by_sentence_tokenizer``),
so nothing is downloaded; a regex splitter takes over if that is missing. Line breaks are hard
boundaries: a headline never merges with the sentence below it. The chunker and cleaning split
with it.

``joined_sentences`` rejoins its splits after an abbreviation ("Feb. 25", "the U.S. army",
"Symphony No. 38"): the sentences the claim reader reads and the answerer scores, quotes and
verifies, so no answer is a fragment ending in "No.". (The chunker does not rejoin: chunk
offsets, hence chunk ids and stored vectors, would change for every index; a chunk holds whole
split sentences, and the answerer joins within a chunk.)
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lang.lexicon import alternation
from lang.vocab import ABBREVIATIONS, INTRODUCERS

__all__ = ["sentence_spans", "joined_sentences"]

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


_ABBREV_END = re.compile(rf"(?:\b(?:{alternation(ABBREVIATIONS)})|\b[A-Z](?:\.[A-Z])*)\.$")
_INTRODUCER_END = re.compile(rf"\b(?:{alternation(INTRODUCERS)})\.$")


def joined_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``sentence_spans``, rejoined where a split fell after "Feb." or "U.S." before a digit or
    a lower-case word, or after "e.g." or "cf." before anything on the same line: the
    sentences the claim reader reads figures and dates in, and the answerer's sentences."""
    spans = sentence_spans(text, start, end)
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        before = text[merged[-1][0]:merged[-1][1]] if merged else ""
        if before and "\n" not in text[merged[-1][1]:s] and (
                _INTRODUCER_END.search(before) or (_ABBREV_END.search(before) and re.match(r"[\da-z]", text[s:s + 1]))):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged
