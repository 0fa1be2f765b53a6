"""Word-level text helpers shared by retrieval and answering: tokens, stopwords, question words.

One place for how the read side sees words, so BM25, sentence scoring and question analysis
agree on what a term is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lang.nltk_import import import_nltk

import_nltk()
from nltk.stem.snowball import SnowballStemmer  # noqa: E402 - after the fast import above

_SNOWBALL = SnowballStemmer("english")
_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*")

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves also did does many much according
    said says say tell told s t don""".split()
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of ``word``, lower-cased: troops -> troop, commemorated ->
    commemor. nltk's stemmer is pure code: it needs no downloaded data."""
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
