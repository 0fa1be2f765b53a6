import pytest

from lang.text import stem
from qa.question import analyze, concept_of, kind_of, states_relation, value_type_of


def test_kinds_follow_the_question_word():
    assert kind_of("How many North Korean troops were deployed?") == "count"
    assert kind_of("What was the death toll among the soldiers?") == "count"
    assert kind_of("When did Shoigu arrive in Pyongyang?") == "date"
    assert kind_of("On what date did the ICC issue its warrant?") == "date"
    assert kind_of("Who sent Shoigu to Pyongyang?") == "person"
    assert kind_of("Which news agency reported the visit?") == "person"
    assert kind_of("Where did the counteroffensive take place?") == "place"
    assert kind_of("Why did Shoigu travel to North Korea?") == "statement"


def test_follow_up_takes_kind_from_context_only_when_it_asks_nothing_itself():
    spec = analyze("and this year?", "and this year? (context: How many troops were deployed last year?)")
    assert spec.kind == "count"
    spec = analyze("When did they arrive?", "When did they arrive? (context: How many troops were deployed?)")
    assert spec.kind == "date"


def test_terms_drop_question_words_and_stopwords():
    spec = analyze("How many troops were deployed to Russia?")
    assert spec.terms == ("troop", "deploy", "russia")


def test_when_and_where_as_conjunctions_do_not_make_date_or_place_questions():
    assert kind_of("What did the envoy and the minister discuss when they met in Oslo?") == "statement"
    assert kind_of("What did he say in the city where the talks were held?") == "statement"
    assert kind_of("And when did he leave?") == "date"
    assert kind_of("So where did they meet?") == "place"


def test_a_question_inside_a_question_and_named_events_and_losses():
    assert kind_of("Did the articles agree on when the treaty was signed?") == "date"
    assert kind_of("Which visit was the third?") == "date"
    assert kind_of("What losses did the regiment suffer?") == "count"
    assert kind_of("How many days were there between the two strikes?") == "duration"
    assert kind_of("How many days did the ferry crews strike?") == "count"  # a count of days, not a gap


def test_set_questions_name_a_relation_and_ask_for_several_claims():
    spec = analyze("What weapons has Norland supplied to Estria?")
    assert (spec.relation, spec.several) == ("supply", True)
    spec = analyze("What does the union get in return for ending the strike?")
    assert (spec.relation, spec.several) == ("receive", True)
    spec = analyze("What did the two ministers discuss?")
    assert (spec.relation, spec.several) == ("discuss", True)
    spec = analyze("What happened on March 4?")
    assert (spec.relation, spec.several) == ("event", True)


def test_single_fact_questions_are_not_sets():
    assert not analyze("Which treaty did they discuss implementing?").several  # one treaty
    assert not analyze("What post does the minister hold?").several
    assert not analyze("Who supplied the turbines?").several  # a person, not a statement
    assert analyze("Who supplied the turbines?").relation == ""


def test_states_relation_reads_other_words_for_it():
    assert states_relation("The city will receive new buses in exchange for the land.", "receive")
    assert states_relation("In return, the union gets a pay rise.", "receive")
    assert not states_relation("The city has supplied land to the company.", "receive")
    assert states_relation("The talks will center on fishing quotas.", "discuss")
    assert states_relation("The minister arrived in Oslo on Monday.", "event")
    assert not states_relation("Posted on June 17, 2025", "event")


def test_an_elliptical_follow_up_asks_what_the_previous_question_asked():
    previous = "When did the minister first visit the wind farm?"
    assert analyze("And the one after that?", "the one after that? (minister first visit wind farm)", previous).kind == "date"
    assert analyze("What about the injured?", "the injured? (people killed floods)",
                   "How many people were killed in the floods?").kind == "count"
    # a follow-up with a question word of its own keeps it
    assert analyze("Who did he meet there?", "Who did he meet there? (minister arrive Oslo)", previous).kind == "person"


def test_words_for_the_same_thing_share_a_concept():
    assert concept_of(stem("soldiers")) == concept_of(stem("troops")) != ""
    assert concept_of(stem("died")) == concept_of(stem("killed")) != ""
    assert concept_of(stem("received")) == concept_of(stem("get")) != ""
    assert concept_of(stem("issues")) == ""  # "issue" has other senses than "issued"


def test_what_happened_is_stated_by_any_event_sentence():
    from qa.question import relation_terms, states_relation

    assert relation_terms("What happened on June 17?", "event") == {"happen"}
    assert relation_terms("What did Ruiz do at Solbakken?", "event") == frozenset()  # no names among them
    assert states_relation("Ruiz arrived at Solbakken on Monday.", "event")


@pytest.mark.parametrize("question, value_type", [
    ("What is the population of Pilzno?", "people"),
    ("What is the estimated total population of Handa?", "people"),
    ("What is the length of the Moravica river?", "length"),
    ("How tall is the tower?", "height"),
    ("How far is Pyongyang from Seoul?", "distance"),      # a length between places
    ("What is the area of the park?", "area"),
    ("What is the weight of the cup?", "mass"),
    ("How much did the belt cost?", "money"),
    ("What was the price of the ticket?", "money"),
    # the word in another frame asks for no figure
    ("Does precipitation increase or decrease with height?", ""),
    ("What is the high school called?", ""),
    ("How long is the Moravica river?", ""),     # a length or a duration: not told
    ("How many troops were deployed?", ""),      # a count: the kind says it
])
def test_value_type_is_read_from_the_measure_the_question_names(question, value_type):
    assert value_type_of(question) == value_type
    assert analyze(question).value_type == value_type


def test_one_analysis_reads_what_a_figure_or_date_question_asks():
    spec = analyze("How many North Korean troops were deployed to Russia in 2024?")
    assert (spec.need.kind, spec.need.measure, spec.need.unit, spec.need.time) == ("count", "deployed", "personnel", "2024")
    assert "russia" in spec.need.terms
    # an elliptical follow-up asks what the question before it asked: the analysis's kind decides
    follow = analyze("and the one after that?", "When did Shoigu visit Pyongyang after that?", "When did Shoigu visit Pyongyang?")
    assert (follow.kind, follow.need.kind) == ("date", "date")
    assert analyze("Who is Sergei Shoigu?").need.kind == ""


@pytest.mark.parametrize("question, kind, need", [
    # a year asked about a number is a date question, for the sentence score and the ledger alike
    ("In what year was the number of stripes on the flag increased?", "date", "date"),
    ("What year did the city have a night count of 5,922 homeless people?", "date", "date"),
    ("Since when has the river flooded every spring?", "date", "date"),
    # "count" and "figure" as names or nouns ask for no figure
    ("Who played tenor sax in the Count Basie Orchestra?", "person", ""),
    ("What political figure tried to coordinate the defence?", "statement", ""),
    # a calibre or a type names a kind of thing: nothing to reconcile
    ("What calibre were the howitzers?", "count", ""),
    ("How many troops were deployed?", "count", "count"),
])
def test_the_ledger_reads_the_kind_the_analysis_read(question, kind, need):
    from qa.question import read_question

    spec = analyze(question)
    assert (spec.kind, spec.need.kind) == (kind, need)
    assert read_question(question).kind == need


def test_a_rate_counts_the_noun_before_per():
    # "jobs per month" counts jobs; the month only says over what the rate runs
    assert analyze("How many jobs per month were added in 2012?").need.unit == "jobs"
    assert analyze("How many rounds of ammunition were sent?").need.unit == "ammunition"


def test_function_words_name_no_subject():
    # the ledger keeps values whose sentences name the question's subject terms: "because" is none
    assert analyze("How many people were evacuated because of the wildfire?").need.terms == ("wildfire",)


def test_a_change_of_pay_asks_its_size_not_a_sum_paid():
    # "9 percent raise" answers "how big is the pay raise?": no money unit, no "paid" measure
    assert (analyze("How big is the pay raise?").need.unit, analyze("How big is the pay raise?").need.measure) == ("", "")
    assert analyze("How much did the company pay?").need.unit == "money"
