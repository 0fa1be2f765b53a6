"""Question words and follow-up openings (lang/questions.py): one list for the question
analysis, the chat's follow-ups and the answer check."""

from __future__ import annotations

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
