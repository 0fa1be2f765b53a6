"""Question words and follow-up openings (lang/questions.py): one list for the question
analysis, the chat's follow-ups and the answer check."""

from __future__ import annotations

import pytest

from lang.questions import ELLIPTICAL, FOLLOW_UP, WH, WH_OPENING


def test_question_words():
    assert WH.search("Whose troops crossed the border?") and not WH.search("The troops crossed the border.")
    assert WH_OPENING.match("  How many were there?").group(1) == "How"


def test_an_elliptical_follow_up_has_no_question_word_of_its_own():
    assert ELLIPTICAL.search("and the one after that?")
    assert ELLIPTICAL.search("What about casualties?")
    assert not ELLIPTICAL.search("and when did he leave?")
    # every question word counts ("whose" was missing from the follow-up reader's copy)
    assert not ELLIPTICAL.search("and whose soldiers were they?")


def test_a_follow_up_opening():
    for q in ("And when did he leave?", "but how many?", "What else did they discuss?", "Or were any wounded?"):
        assert FOLLOW_UP.search(q), q
    assert not FOLLOW_UP.search("Andrei Belousov met whom?")  # a word that only begins like one


@pytest.mark.parametrize("sentence, question, held", [
    # written for this test
    ("It was not immediately clear how many people were killed.", "How many people were killed?", True),
    ("Scientists do not fully understand why whales beach in groups.", "Why do whales beach in groups?", True),
    ("Nobody knows what the minister told the envoy.", "What did the minister tell the envoy?", True),
    ("At least 12 people were killed, police said.", "How many people were killed?", False),
    # a colon brings the answer; the question's words must all follow its question word
    ("Engineers explained why the bridge closed: a crack in a pier.", "Why did the bridge close?", False),
    ("The bridge closed, and engineers explained why.", "Why did the bridge close?", False),
    # a question mark asks the question: a page's heading after its table is no statement
    ("Year Population 2020 2,143 2010 2,100 - What is the population of Lund?", "What is the population of Lund?",
     False),
    # "who" opens relative clauses that answer: never read as holding the question
    ("Smith, who won the race in 2019, retired.", "Who won the race?", False),
])
def test_a_sentence_holding_the_question_as_an_indirect_question_is_known(sentence, question, held):
    from lang.questions import embeds_question

    assert embeds_question(sentence, question) is held
