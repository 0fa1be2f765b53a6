"""Near-duplicate sources: two documents that are the same text except for a few words.

A copied article with one figure or name changed is the classic planted falsehood (RAMDocs'
misinformation documents are often exactly that), and a wire story republished by two sites
is the honest case of the same shape. Either way, when the answer quotes a sentence of one
of them and the other says something else in the same place, the reader must see both and be
told that the rest of the two texts is the same: the difference is the whole question.

``near_duplicates`` compares documents by the Jaccard overlap of their word 5-grams;
``counterpart`` finds, in the other document, the sentence standing where the quoted one
stands and the words that differ between them; ``differences`` lists every such place of two
copies. All are exact text operations; which sentence answers the question is the answerer's
business (``qa/answering/extractive.py``: ``altered_copies``, ``copy_conflicts``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from lang.sentences import joined_sentences
from index.records import Document
from qa.tuning import TUNING

_WORD = re.compile(r"\w+")
# Near-duplicates by the Jaccard overlap of word n-grams, and which sentence stands in another's
# place: TUNING.shingle_words, near_duplicate and same_place (qa/tuning.py, with what they were fitted on).


@dataclass(frozen=True, slots=True)
class Counterpart:
    """The sentence of a near-duplicate document standing where a quoted sentence stands.

    Attributes:
        doc_id: the other document.
        start, end: the sentence's offsets in that document's text.
        ours, theirs: the words that differ, as written in each ("12,000" / "15,000").
    """

    doc_id: str
    start: int
    end: int
    ours: str
    theirs: str


# A question compares the few documents retrieval found; a small cache keeps a chat's repeats
# cheap. Shingles are kept as hashes (ints), a third of the memory of word tuples; collisions
# within one process are as rare as 64-bit hash collisions.
@lru_cache(maxsize=256)
def _shingles(text: str) -> frozenset[int]:
    words = _WORD.findall(text.lower())
    n = TUNING.shingle_words
    return frozenset(hash(tuple(words[i:i + n])) for i in range(max(0, len(words) - n + 1)))


def overlap(a: str, b: str) -> float:
    """Jaccard overlap of the word 5-grams of two texts (0 when either has none)."""
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


def near_duplicates(doc: Document, others: list[Document]) -> list[Document]:
    """The documents of ``others`` (``doc`` itself excluded) that are near-duplicates of ``doc``."""
    return [o for o in others if o.doc_id != doc.doc_id and overlap(doc.text, o.text) >= TUNING.near_duplicate]


def independent(docs: list[Document]) -> int:
    """How many independent sources ``docs`` are: near-duplicates (directly or through a chain
    of them) count as one."""
    root = list(range(len(docs)))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            if overlap(docs[i].text, docs[j].text) >= TUNING.near_duplicate:
                root[find(i)] = find(j)
    return len({find(i) for i in range(len(docs))})


def counterpart(doc: Document, start: int, end: int, other: Document) -> Counterpart | None:
    """The sentence of ``other`` in the place of ``doc.text[start:end]`` when it differs from it
    (None when ``other`` says the same there, or has no sentence in that place)."""
    ours = _WORD.findall(doc.text[start:end])
    if not ours:
        return None
    best, best_ratio = None, 0.0
    for s, e in joined_sentences(other.text):
        theirs = _WORD.findall(other.text[s:e])
        ratio = difflib.SequenceMatcher(None, ours, theirs, autojunk=False).ratio()
        if ratio > best_ratio:
            best, best_ratio = (s, e, theirs), ratio
    if best is None or best_ratio < TUNING.same_place or best[2] == ours:
        return None
    s, e, theirs = best
    return Counterpart(other.doc_id, s, e, *_changes(ours, theirs))


def _changes(ours: list[str], theirs: list[str]) -> tuple[str, str]:
    """The words that differ between two wordings, as written in each."""
    ops = [d for d in difflib.SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes() if d[0] != "equal"]
    return " ".join(w for d in ops for w in ours[d[1]:d[2]]), " ".join(w for d in ops for w in theirs[d[3]:d[4]])


def differences(doc: Document, other: Document) -> list[tuple[int, int, Counterpart]]:
    """Each sentence of ``doc`` (its offsets) that ``other`` words otherwise in the same place,
    with that counterpart: the two texts' sentences aligned in order (difflib), and within each
    run that differs, each sentence paired with the other run's most alike one near its own
    place (``TUNING.same_place_window``) when it shares ``TUNING.same_place`` of its words.
    Sentences only in one text, and a sentence one copy only lengthens (words added, none
    changed), are not differences in wording."""
    ours, theirs = joined_sentences(doc.text), joined_sentences(other.text)
    a = [_WORD.findall(doc.text[s:e]) for s, e in ours]
    b = [_WORD.findall(other.text[s:e]) for s, e in theirs]
    out = []
    blocks = difflib.SequenceMatcher(None, [tuple(w) for w in a], [tuple(w) for w in b], autojunk=False)
    for op, i1, i2, j1, j2 in blocks.get_opcodes():
        if op != "replace":
            continue
        for i in range(i1, i2):
            near = j1 + i - i1  # its own place in the other run
            ratios = [(difflib.SequenceMatcher(None, a[i], b[j], autojunk=False).ratio(), j)
                      for j in range(max(j1, near - TUNING.same_place_window),
                                     min(j2, near + TUNING.same_place_window + 1))]
            if not ratios:
                continue
            ratio, j = max(ratios)
            if ratio < TUNING.same_place or a[i] == b[j]:
                continue
            said, says = _changes(a[i], b[j])
            if said and says:  # one copy only adding words (a longer sentence) rewords nothing
                out.append((*ours[i], Counterpart(other.doc_id, *theirs[j], said, says)))
    return out


def note(doc: Document, other: Document, c: Counterpart) -> str:
    """One sentence saying what differs between two near-duplicate documents, each named with
    its date when it has one (a wire story's later version and an altered copy look alike:
    the dates are the reader's first clue)."""
    def name(d: Document) -> str:
        said = ", ".join(x for x in (d.doc_id, d.date) if x)
        return f"{d.title} ({said})" if d.title else said

    return (f"Two documents are the same text except here: “{c.ours or '(nothing)'}” in {name(doc)}, "
            f"“{c.theirs or '(nothing)'}” in {name(other)}; one of them may have been altered or updated.")
