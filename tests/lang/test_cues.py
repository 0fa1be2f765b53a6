"""lang.cues: withheld answers, role words and clause words, read from lang/data/cues.toml."""

from __future__ import annotations

import pytest

from lang.cues import AUXILIARIES, EVENT_NOUNS, IRREGULAR_VERBS, ROLE_WORDS, UNDISCLOSED
from lang.lexicon import table


@pytest.mark.parametrize("sentence", [
    "A spokesman declined to comment on the number of troops.",
    "The ministry didn’t give details.",
    "The cost of the project remains unclear.",
    "The exact figure was still not immediately clear.",
    "No figures have been disclosed.",
])
def test_a_sentence_that_withholds_the_answer_is_told(sentence):
    assert UNDISCLOSED.search(sentence)


@pytest.mark.parametrize("sentence", [
    "He said 40 people were killed.",
    "The talks were clear and productive.",
    "She did not travel to Seoul.",
    "Details were given at a press conference.",
])
def test_a_sentence_that_says_something_is_not_told_as_withholding(sentence):
    assert not UNDISCLOSED.search(sentence)


def test_cue_lists_are_non_empty_without_repeats():
    for group, lists in table("cues").items():
        for name, words in lists.items():
            assert words and len(set(words)) == len(words), (group, name)
    assert "Minister" in ROLE_WORDS and "took" in IRREGULAR_VERBS and "visit" in EVENT_NOUNS
    assert all(w == w.lower() for w in [*AUXILIARIES, *IRREGULAR_VERBS, *EVENT_NOUNS])
