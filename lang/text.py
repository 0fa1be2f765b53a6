"""Word-level text helpers shared by retrieval and answering: tokens, stopwords, question words.

One place for how the read side sees words, so BM25, sentence scoring and question analysis
agree on what a term is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lang.lexicon import table
from lang.nltk_import import import_nltk

import_nltk()
from nltk.stem.snowball import SnowballStemmer  # noqa: E402 - after the fast import above

_SNOWBALL = SnowballStemmer("english")
_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*")

_STOPWORDS = table("stopwords")
# Function words and reporting verbs: not terms (lang/data/stopwords.toml says what each list is for).
STOPWORDS = frozenset(_STOPWORDS["general"])
# Words of a question that name no subject: its own list and every function word ("because",
# "per", "since" name none either).
QUESTION_STOPWORDS = frozenset(_STOPWORDS["question"]) | STOPWORDS


_ACRONYM_PLURAL = re.compile(r"[A-Z]{2,}s")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of ``word``, lower-cased: troops -> troop, commemorated ->
    commemor. nltk's stemmer is pure code: it needs no downloaded data."""
    if _ACRONYM_PLURAL.fullmatch(word):
        word = word[:-1]  # "DJs", "NGOs", "MPs": the plural of an acronym the stemmer leaves whole
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    return _SNOWBALL.stem(w)


def words(text: str) -> list[str]:
    """The words of ``text`` as written (no lowercasing), in order."""
    return _WORD.findall(text)


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content terms of ``text``, stopwords removed, in order."""
    return [stem(w) for w in words(text) if w.lower() not in STOPWORDS]


def same_term(a: str, b: str) -> bool:
    """Whether two stemmed terms are one word loosely: equal, or one a short extension of the
    other (korea/korean, russia/russian, estria/estrian, china/chines): the shorter has four
    letters or more, the longer is at most three letters longer and starts with all of it, or
    with all but a final vowel (china -> chinese, not lead -> leach)."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) < 4 or len(long_) - len(short) > 3:
        return False
    return long_.startswith(short) or (short[-1] in "aeiouy" and long_.startswith(short[:-1]))


@lru_cache(maxsize=16384)
def _stems(text: str) -> frozenset[str]:
    # a hyphenated compound counts by its parts: "News-Democrat" has "news" and "democrat"
    return frozenset(stem(w) for w in words(text.replace("-", " ")))


def has_term(term: str, text: str) -> bool:
    """Whether ``text`` has the stemmed ``term`` loosely (``same_term``), as a word or a part of
    a hyphenated compound: the one loose word match of the read side."""
    return any(same_term(term, t) for t in _stems(text))


def mentions(word: str, text: str) -> bool:
    """``has_term`` for a word as written: "korea" in "North Korean", "troops" in "a troop",
    "shipments" in "two shipments", "Korean" in "Korean-made"."""
    return has_term(stem(word), text)
