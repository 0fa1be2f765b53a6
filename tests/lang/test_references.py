"""Back-references (lang/references.py): one word list for a sentence's opening, a follow-up
question and the event just told."""

from __future__ import annotations

import pytest

from lang.references import PERSON_REFERENCE, POINTS_BACK, SAME_EVENT, THING_REFERENCE


@pytest.mark.parametrize("sentence", [
    "These shipments included artillery shells.",
    "They arrived on Tuesday.",
    "“It was a historic day,” he said.",
    "His delegation left on Friday.",
    "The same day, the talks ended.",
    "The two signed a treaty.",
    "During that visit, Kim toured a factory.",
    "After this, the delegation left.",
])
def test_a_sentence_that_opens_by_pointing_back(sentence):
    assert POINTS_BACK.match(sentence)


@pytest.mark.parametrize("sentence", [
    # a word that only begins like a pronoun points nowhere
    "Helsinki sent 12 boats.",
    "History shows the pattern.",
    "Italy voted against it.",
    "Heritage groups protested.",
    "Thistle Farm was flooded.",
    # "There were 40 ..." counts, it does not point back; "In the 2010 census" names its time
    "There were 40 people on board.",
    "In the 2010 census, the population was 4,624.",
])
def test_a_sentence_that_does_not(sentence):
    assert not POINTS_BACK.match(sentence)


def test_follow_up_questions_read_people_and_things_from_one_list():
    assert PERSON_REFERENCE.search("Where did he meet Shoigu?")
    assert not PERSON_REFERENCE.search("Where did Kim meet Shoigu?")
    assert THING_REFERENCE.search("What happened there?") and THING_REFERENCE.search("How many of them?")
    assert not THING_REFERENCE.search("Where is Pyongyang?")


def test_the_event_just_told_and_another_time():
    assert SAME_EVENT.match("During the visit, Kim toured a factory.")
    assert SAME_EVENT.match("At that summit, they signed.")
    assert not SAME_EVENT.match("Before that visit, he met the minister.")  # another time
    assert not SAME_EVENT.match("During the war, he served.")  # no event of the list
