"""Back-references: the words by which a sentence or a question points back to what was said
before it. The words are data (``lang/data/references.toml``); this module turns them into the
few patterns the readers use, so that a sentence's opening and a follow-up question are read
with one list.

Used by the extractive answerer (a sentence that goes on from the quoted one), the figure
and conflict readers (a sentence read with the one before it) and the chat's follow-up
questions (a "he" or "they" that needs the previous turn).
"""

from __future__ import annotations

import re

from lang.lexicon import alternation, table

__all__ = ["PERSON_REFERENCE", "THING_REFERENCE", "POINTS_BACK", "SAME_EVENT", "POSSESSIVES"]

_R = table("references")

_DEMONSTRATIVES = alternation(_R["demonstratives"])
# The possessives that tie an event to the person named before ("his second visit").
POSSESSIVES = alternation(_R["possessives"])

# A person said before ("he", "his"), anywhere in a question.
PERSON_REFERENCE = re.compile(rf"\b(?:{alternation(_R['persons'])})\b", re.I)
# A thing, group or place said before ("they", "those", "there"), anywhere in a question.
THING_REFERENCE = re.compile(rf"\b(?:{alternation([*_R['things'], *_R['demonstratives'], *_R['places']])})\b", re.I)
# A sentence that opens by pointing back: a pronoun, a demonstrative or such a phrase, or a
# preposition before a demonstrative ("During that visit", "Since this").
POINTS_BACK = re.compile(
    rf"(?i)^\W*(?:(?:{alternation(_R['prepositions'])})\s+(?:{_DEMONSTRATIVES})\b|"
    rf"(?:{alternation([*_R['persons'], *_R['things'], *_R['demonstratives'], *_R['phrases']])})\b)")
# A sentence that opens with the event just told ("During that visit", "At the summit").
SAME_EVENT = re.compile(
    rf"(?i)^\W*(?:{alternation(_R['same_event_prepositions'])})\s+(?:{_DEMONSTRATIVES}|the)\s+"
    rf"(?:{alternation(_R['events'])})\b")
