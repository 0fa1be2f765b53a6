"""lang.cues: withheld answers, role words, clause words and an event's place among others, read from
lang/data/cues.toml; and lang.questions.SEVERAL."""

from __future__ import annotations

import pytest

from lang.cues import (AGAIN, AUXILIARIES, EVENT_BEFORE, EVENT_NOUNS, IRREGULAR_VERBS, NEGATION, NEXT_EVENT,
                       ROLE_WORDS, SET_APART, UNDISCLOSED)
from lang.questions import SEVERAL
from lang.lexicon import table


@pytest.mark.parametrize("sentence", [
    "A spokesman declined to comment on the number of troops.",
    "The ministry didn’t give details.",
    "The cost of the project remains unclear.",
    "The exact figure was still not immediately clear.",
    "No figures have been disclosed.",
    "Police did not immediately say how many people were hurt.",
    "The identity of the victim has not yet been released.",
    "The victims were not identified.",
    "Police have not released the names of the two men arrested.",
    "The company has not yet commented on the recall.",
])
def test_a_sentence_that_withholds_the_answer_is_told(sentence):
    assert UNDISCLOSED.search(sentence)


@pytest.mark.parametrize("sentence", [
    "He said 40 people were killed.",
    "The talks were clear and productive.",
    "She did not travel to Seoul.",
    "Details were given at a press conference.",
    "He was released from hospital on Monday.",
    "The report has not been widely read.",
    "She has not travelled since May.",
])
def test_a_sentence_that_says_something_is_not_told_as_withholding(sentence):
    assert not UNDISCLOSED.search(sentence)


def test_cue_lists_are_non_empty_without_repeats():
    for group, lists in table("cues").items():
        for name, words in lists.items():
            assert words and len(set(words)) == len(words), (group, name)
    assert "Minister" in ROLE_WORDS and "took" in IRREGULAR_VERBS and "visit" in EVENT_NOUNS
    assert all(w == w.lower() for w in [*AUXILIARIES, *IRREGULAR_VERBS, *EVENT_NOUNS])


def test_the_event_next_to_the_one_named():
    assert NEXT_EVENT.search("And the one after that?") and NEXT_EVENT.search("What about the next visit?")
    assert EVENT_BEFORE.search("What happened on the previous trip?") and EVENT_BEFORE.search("the one before it")
    assert not NEXT_EVENT.search("What did they discuss later?") and not EVENT_BEFORE.search("a prior agreement")


def test_an_event_set_apart_or_told_again():
    assert SET_APART.search("during his previous visit ") and SET_APART.search("the second ")
    assert not SET_APART.search("his previous visit to Moscow in ")  # the word must be near the end
    assert AGAIN.search("Shoigu returned to Pyongyang.") and not AGAIN.search("Shoigu arrived in Pyongyang.")


def test_a_question_that_wants_several_values():
    assert SEVERAL.search("On which dates did he visit?") and SEVERAL.search("Did the reports disagree?")
    assert not SEVERAL.search("When did he arrive?")


@pytest.mark.parametrize("sentence", ["Shoigu did not meet Kim.", "The talks weren’t public.", "He never arrived.",
                                      "Neither side commented.", "They left without an agreement."])
def test_a_sentence_that_denies(sentence):
    assert NEGATION.search(sentence)


@pytest.mark.parametrize("sentence", ["Notably, Shoigu met Kim.", "The knot held.", "Nonetheless he arrived.",
                                      "Another round of talks began."])
def test_a_word_that_only_begins_or_holds_a_negation_is_no_denial(sentence):
    assert not NEGATION.search(sentence)


def test_the_event_words_of_a_question_and_a_date():
    from qa.sources import events

    assert events._IS_ORDINAL.search("This marks Shoigu's second visit.").group("o") == "second"
    assert events._IS_ORDINAL.search("The trip was his third.").group("o") == "third"
    assert not events._IS_ORDINAL.search("He met the third secretary.")
    assert events._NAMED_DATE.search("late Sept.") and events._NAMED_DATE.search("June 4")
    assert not events._NAMED_DATE.search("since last week")


def test_a_metadata_line_crediting_a_picture():
    from index.meta import CAPTION

    for line in ("Photo: Getty Images", "(AP Photo/Ahn Young-joon)", "Kim and Shoigu shake hands in Pyongyang"):
        assert CAPTION.search(line), line
    for line in ("By Jane Doe, Reuters", "Published by the Photographers' Guild", "June 17, 2025"):
        assert not CAPTION.search(line), line


def test_every_form_of_happening_asks_for_an_event():
    from qa.question import relation_of

    for q in ("What happened on June 17?", "What occurs during the ceremony?", "What took place in Wonsan?"):
        assert relation_of(q) == "event", q
    assert relation_of("What did the ministry say about the happenings?") != "event"
