"""Names in text: the one reader of capitalised words for every step that needs names.

``name_words`` gives the capitalised words that can be names (people, places, bodies), with
function words, months, weekdays and sentence openers passed over; ``name_runs`` gives
multi-word names ("Kim Jong Un", "Ri Chang-dae") without the titles before them. The words
passed over are data (``lang/data/names.toml`` and the general stopwords).
"""

from __future__ import annotations

import re

from lang.lexicon import table
from lang.text import STOPWORDS

__all__ = ["name_words", "name_runs", "NOT_NAMES", "DATE_WORDS", "TITLES"]

_NAMES = table("names")
NOT_NAMES = frozenset(_NAMES["not_names"]) | STOPWORDS
DATE_WORDS = frozenset(_NAMES["dates"])
TITLES = frozenset(_NAMES["titles"])
_BEFORE_A_NAME = NOT_NAMES | DATE_WORDS | TITLES  # dropped from the start of a run

_WORD = re.compile(r"\b[A-Z][\w’'-]*")
# A capital inside a sentence: one at the start of the text or of a sentence says nothing.
_INSIDE_SENTENCE = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z]")
_POSSESSIVE = re.compile(r"['’]s$")
# Two or more capitalised words, or one with a hyphenated part: "Kim Jong Un", "Ri Chang-dae".
_RUN = re.compile(r"\b([A-Z][a-z]+(?:[- ][A-Z][a-z]+|-[a-z]+)+)\b")


def name_words(text: str, sentence_starts: bool = True, dates: bool = False) -> list[str]:
    """The capitalised words of ``text`` that can be names, as written without a possessive
    "'s", in order and without repeats.

    ``sentence_starts=False`` also passes over the first word of the text and of each
    sentence (in a question, its first word is capitalised because it comes first:
    "Approximately how many ..."). ``dates=True`` keeps months and weekdays, for a reader to
    whom "in March" says what a question is about.
    """
    out = []
    for m in _WORD.finditer(text):
        if not sentence_starts and not _INSIDE_SENTENCE.match(text, m.start()):
            continue
        word = _POSSESSIVE.sub("", m.group(0)).rstrip("-’'")
        low = word.lower()
        if word and low not in NOT_NAMES and (dates or low not in DATE_WORDS):
            out.append(word)
    return list(dict.fromkeys(out))


def name_runs(text: str) -> list[str]:
    """Multi-word names in ``text``, in order: runs of capitalised words with the words before a
    name that are not part of it (titles, offices, nations, sentence openers) dropped; a run
    left with one word counts only when it is hyphenated ("Chang-dae")."""
    out = []
    for run in _RUN.findall(text):
        parts = run.replace("-", " - ").split()
        while parts and (parts[0] == "-" or parts[0].lower() in _BEFORE_A_NAME):
            parts.pop(0)
        name = " ".join(parts).replace(" - ", "-")
        if len(name.split()) >= 2 or "-" in name:
            out.append(name)
    return out
