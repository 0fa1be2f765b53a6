"""Cues to how a sentence speaks: it withholds what was asked ("did not elaborate", "remains
unclear"), it names a person by role, where a counted noun runs on into its verb, where it
places an event among others of its kind ("the next visit", "his previous trip", "returned",
"marks his second visit"), that it denies ("did not", "never"), that a line credits a picture.
The words are data (``lang/data/cues.toml``); this module turns them into what the readers
match with.

Used by the extractive answerer (a withheld answer, a "who" answer's kind), the claim reader
(``index/claims.py``: the end of a counted noun phrase and the verb that measures it), the event
reader (the event after or before the one named, the latest or the third, a date that is
another event's), the conflict reader (two figures of events set apart are not one fact told
twice), the answer check (a model's sentence and its source deny alike) and the metadata
reader (``index/meta.py``: a credit line is no byline).
"""

from __future__ import annotations

import re

from lang.lexicon import alternation, table

__all__ = ["UNDISCLOSED", "ROLE_WORDS", "AUXILIARIES", "IRREGULAR_VERBS", "EVENT_NOUNS", "NEXT_EVENT", "EVENT_BEFORE",
           "SET_APART", "AGAIN", "LATEST", "EARLIEST", "EARLIER", "PLANNED", "ORDINAL_VERBS", "NEGATION",
           "CAPTION_LINE_WORDS"]

_C = table("cues")
_U = _C["undisclosed"]

# "declined to comment", "was not disclosed", "remains unclear", "no details were given".
UNDISCLOSED = re.compile(
    rf"\b(?:{alternation(_U['refusals'])})\s+(?:(?:{alternation(_U['refusal_hedges'])})\s+)?"
    rf"(?:{alternation(_U['telling'])})\b|"
    rf"\b(?:{alternation(_U['being'])})\s+(?:still\s+)?(?:not\s+(?:{alternation(_U['not_known'])})|"
    rf"{alternation(_U['unknown'])})\b|"
    rf"\b(?:{alternation(_U['perfect'])})\s+not\s+(?:yet\s+)?been\s+(?:{alternation(_U['not_known'])})\b|"
    rf"\b(?:{alternation(_U['perfect'])})(?:\s+not|n['’]t)\s+(?:(?:{alternation(_U['refusal_hedges'])})\s+)?"
    rf"(?:{alternation(_U['told'])})\b|"
    rf"\bno\s+(?:{alternation(_U['withheld'])})\s+(?:{alternation(_U['withheld_tenses'])})\s+"
    rf"(?:{alternation(_U['withheld_verbs'])})\b", re.I)

ROLE_WORDS: tuple[str, ...] = tuple(_C["roles"]["person"])
AUXILIARIES: tuple[str, ...] = tuple(_C["clauses"]["auxiliaries"])
IRREGULAR_VERBS = frozenset(_C["clauses"]["irregular_verbs"])
EVENT_NOUNS = frozenset(_C["clauses"]["event_nouns"])

_E = _C["events"]
_KINDS = alternation(_E["kinds"])
# "the next visit", "the one after that" / "the previous one", "the one before it".
NEXT_EVENT = re.compile(rf"(?i)\b(?:(?:{alternation(_E['after'])})\s+(?:{_KINDS})|"
                        r"one\s+(?:after|following)\s+(?:that|it|this)|after\s+that\s+one)\b")
EVENT_BEFORE = re.compile(rf"(?i)\b(?:(?:{alternation(_E['before'])})\s+(?:{_KINDS})|"
                          r"one\s+before\s+(?:that|it|this)|before\s+that\s+one)\b")
# A word that sets an event apart, ending the text it is searched in, with at most one word
# between ("his previous visit to" read up to the figure's measure word).
SET_APART = re.compile(rf"(?i)\b(?:{alternation(_E['distinct'])})\s+(?:[\w'’-]+\s+)?$")
AGAIN = re.compile(rf"(?i)\b(?:{alternation(_E['again'])})\b")
# Alternations (no groups) for the event reader: "his latest visit", "the initial trip"; "his
# previous visit", "will visit" (a date after them is another event's); "marks his second visit".
LATEST = alternation(_E["latest"])
EARLIEST = alternation(_E["earliest"])
EARLIER = alternation(_E["earlier"])
PLANNED = alternation(_E["planned"])
ORDINAL_VERBS = alternation(_E["ordinal_verbs"])
# A sentence that denies ("did not", "never", "wasn't"): the answer check compares it.
NEGATION = re.compile(rf"\b(?:{alternation(_C['negation']['words'])})\b|n['’]t\b", re.IGNORECASE)
# Words of a metadata line that credits a picture ("Photo: Getty Images"): never a byline.
CAPTION_LINE_WORDS: tuple[str, ...] = tuple(_C["captions"]["line_words"])
