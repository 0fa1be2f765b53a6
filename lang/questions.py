"""How a question is put: its question words and the openings of a follow-up. The words are
data (``lang/data/questions.toml``); this module turns them into the patterns the question
analysis, the chat's follow-ups and the answer check read questions with.
"""

from __future__ import annotations

import re

from lang.lexicon import alternation, table
from lang.text import same_term, terms
from lang.vocab import IRREGULAR_FORMS

__all__ = ["WH", "WH_OPENING", "FOLLOW_UP", "ELLIPTICAL", "SEVERAL", "MASS_NOUNS", "HAPPENING", "ASKING_WORDS",
           "ANSWER_NOUNS", "embeds_question"]

_Q = table("questions")

_WH_WORDS = alternation(_Q["wh"])
_CONJUNCTIONS = alternation(_Q["conjunctions"])

# A question word anywhere ("how", "whose").
WH = re.compile(rf"\b(?:{_WH_WORDS})\b", re.I)
# A question word that opens the text, as group 1 ("Who ..." -> "Who").
WH_OPENING = re.compile(rf"\s*({_WH_WORDS})\b", re.I)
# An opening that goes on from the turn before: a conjunction, "what about", "what else".
FOLLOW_UP = re.compile(rf"^\s*(?:{alternation([*_Q['conjunctions'], *_Q['again_about'], *_Q['more']])})\b", re.I)
# A follow-up without a question word of its own, asking what the previous question asked:
# a conjunction not followed by a question word ("and the one after that?"), or "what about".
ELLIPTICAL = re.compile(rf"^\W*(?:(?:{_CONJUNCTIONS})\b(?!\s+(?:{_WH_WORDS})\b)|(?:{alternation(_Q['again_about'])})\b)",
                        re.I)
# A question that wants several values ("on which dates", "did the reports agree").
SEVERAL = re.compile(rf"(?i)\b(?:{alternation(_Q['several'])}|(?:{alternation(_Q['several_stems'])})\w*)\b")
# Nouns asked for as a set though singular ("what equipment", "which aid"), as an alternation.
MASS_NOUNS = alternation(_Q["mass_nouns"])
# "happened", "took place", "occurs": an alternation (no groups).
HAPPENING = alternation(_Q["happening"])
# The words that ask ("how", "which", "many", "much"), and the nouns that say what kind of
# answer is asked ("date", "number"): left out when a question's subject is read from its words.
ASKING_WORDS = frozenset([*_Q["wh"], *_Q["asking"]])
ANSWER_NOUNS = frozenset(_Q["answer_nouns"])


_EMBEDDING = frozenset(_Q["embedding"])
# How far after its question word an indirect question's words are looked for, in words: a
# clause's length. Hand-set 2026-12-07, not fitted (no public data here holds such sentences;
# the SQuADShifts and RAMDocs calibrate splits' read sentences have none).
_EMBEDDED_SPAN = 12


def _read_terms(text: str) -> list[str]:
    return terms(" ".join(IRREGULAR_FORMS.get(w.lower(), w) for w in text.split()))


def embeds_question(sentence: str, question: str) -> bool:
    """Whether ``sentence`` holds ``question`` as an indirect question, which says the question
    is open rather than answering it: "It was not immediately clear how many people were
    killed." for "How many people were killed?", "Scientists do not fully understand why
    dolphins strand in groups." for "Why do dolphins strand in groups?". Every content word of
    the question after its question word must follow that word in the sentence; a colon after
    it ("officials explained why the bridge closed: ...") brings the answer, and a question mark
    makes it a question asked, not held (a page's heading "What is the current population of
    X?" closing a run of table text), so neither is an embedding."""
    m = WH_OPENING.match(question)
    if not m or m.group(1).lower() not in _EMBEDDING:
        return False
    asked = [t for t in _read_terms(question[m.end():]) if t not in ASKING_WORDS]
    if len(asked) < 2:
        return False
    for hit in re.finditer(rf"\b{m.group(1)}\b", sentence, re.IGNORECASE):
        tail = sentence[hit.end():]
        if ":" in tail or tail.rstrip(" \"'”’)").endswith("?"):
            continue  # the answer follows a colon; a question mark asks it (a page's own FAQ heading)
        said = _read_terms(" ".join(tail.split()[:_EMBEDDED_SPAN]))
        if all(any(same_term(t, w) for w in said) for t in asked):
            return True
    return False
