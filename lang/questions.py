"""How a question is put: its question words and the openings of a follow-up. The words are
data (``lang/data/questions.toml``); this module turns them into the patterns the question
analysis, the chat's follow-ups and the answer check read questions with.
"""

from __future__ import annotations

import re

from lang.lexicon import alternation, table

__all__ = ["WH", "WH_OPENING", "FOLLOW_UP", "ELLIPTICAL", "SEVERAL", "MASS_NOUNS", "HAPPENING", "ASKING_WORDS",
           "ANSWER_NOUNS"]

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
