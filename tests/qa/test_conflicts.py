"""Reconciling values across sources: same, different measure, parts of a total, events, contradictions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.claims import claims_in_text, extract_claims
from index.records import Document
from qa.question import read_question
from qa.sources.conflicts import (COMPATIBLE, CONTRADICTION, DIFFERENT_EVENT, DIFFERENT_MEASURE, PART_OF_TOTAL, RELATIONS,
                                  SAME, reconcile)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "claims"
# Publication dates as index/meta.py reads them from the articles' text (002's is a photo caption's).
CORPUS_DATES = {"000": "2025-06-04", "001": "2025-06-04", "002": "2025-03-21", "003": "2025-06-17", "004": "2025-03-21"}


@pytest.fixture(scope="module")
def corpus_claims():
    claims = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        doc = Document(doc_id=path.stem[:3], text=path.read_text(encoding="utf-8"), source=str(path),
                       content_hash="test", date=CORPUS_DATES[path.stem[:3]])
        claims.extend(extract_claims(doc))
    return claims


def fixture_claims(*names: str):
    meta = json.loads((DATA / "metadata.json").read_text(encoding="utf-8"))
    claims = []
    for name in names:
        doc = Document(doc_id=name, text=(DATA / f"{name}.txt").read_text(encoding="utf-8"), source=name,
                       content_hash="test", date=meta[name]["date"], title=meta[name]["title"])
        claims.extend(extract_claims(doc))
    return claims


def docs_of(group) -> set[str]:
    return {c.doc_id for c in group.claims}


# --- reading the question ---------------------------------------------------------------------

@pytest.mark.parametrize("question, kind, measure, unit", [
    ("How many troops were deployed?", "count", "deployed", "personnel"),
    ("How many North Korean soldiers were killed?", "count", "killed", "personnel"),
    ("how many troops has North Korea sent to Russia", "count", "sent", "personnel"),
    ("When did Shoigu arrive in Pyongyang?", "date", "arrived", ""),
    ("How many casualties did North Korean forces suffer?", "count", "casualties", "people"),
    ("How much money did the council approve?", "count", "allocated", "money"),
    ("Who is Sergei Shoigu?", "", "", ""),
])
def test_question_kind_measure_and_unit(question, kind, measure, unit):
    need = read_question(question)
    assert (need.kind, need.measure, need.unit) == (kind, measure, unit)


def test_question_subject_terms_leave_out_measure_unit_and_time_words():
    need = read_question("How many North Korean troops were deployed in March?")
    assert need.terms == ("north", "korean") and need.time == "--03"


# --- the bundled corpus -----------------------------------------------------------------------

def test_killed_vs_casualties_are_different_measures(corpus_claims):
    r = reconcile(read_question("How many North Korean soldiers were killed?"), corpus_claims)
    assert [g.normalized for g in r.groups] == ["600", "4000"]
    killed, casualties = r.groups
    assert (killed.measure, casualties.measure) == ("killed", "casualties")
    assert {g.relation for g in r.groups} == {DIFFERENT_MEASURE}
    assert killed.claims[0].attribution == "South Korean lawmaker Lee Seong-kweun"
    assert casualties.claims[0].attribution == "President Volodymyr Zelensky"
    assert casualties.detail.startswith("two-thirds of them killed")
    assert r.summary.startswith("Sources differ:") and "different things" in r.summary
    assert "killed and wounded" in casualties.note


def test_troops_sent_are_parts_of_a_total(corpus_claims):
    r = reconcile(read_question("How many troops has North Korea sent to Russia?"), corpus_claims)
    assert [g.normalized for g in r.groups] == ["12000", "3000"]
    twelve, three = r.groups
    assert docs_of(twelve) == {"000", "004"}  # one value, two sources
    assert (twelve.when, three.when) == ("2024", "2025")
    assert {g.relation for g in r.groups} == {PART_OF_TOTAL}
    assert r.total == "15000" and "15,000 in all" in r.summary


def test_a_named_year_selects_one_value(corpus_claims):
    r = reconcile(read_question("How many North Korean troops were deployed last year?", reference="2025-06-04"),
                  corpus_claims)
    assert [g.normalized for g in r.groups] == ["12000"]
    assert r.groups[0].relation == SAME and r.summary == ""


def test_arrival_dates_are_different_visits(corpus_claims):
    r = reconcile(read_question("When did Shoigu arrive in Pyongyang?"), corpus_claims)
    assert [g.normalized for g in r.groups] == ["2025-03-21", "2025-06-04", "2025-06-17"]
    assert {g.relation for g in r.groups} == {DIFFERENT_EVENT}
    assert [g.when for g in r.groups] == ["March 21, 2025", "June 4, 2025", "June 17, 2025"]
    assert {"000", "001"} <= docs_of(r.groups[1])
    # the Jakarta photo caption (Feb. 25) dates a picture, not an arrival
    assert all(not g.normalized.startswith("2025-02") for g in r.groups)


def test_treaty_signed_in_june_or_november_is_a_contradiction(corpus_claims):
    r = reconcile(read_question("When was the mutual defense treaty signed?"), corpus_claims)
    assert [g.normalized for g in r.groups] == ["2024-06", "2024-11"]
    assert {g.relation for g in r.groups} == {CONTRADICTION}
    assert r.summary.startswith("Sources contradict each other") and "do not say which is right" in r.summary


def test_questions_without_a_figure_or_date_get_no_groups(corpus_claims):
    r = reconcile(read_question("Who is Sergei Shoigu?"), corpus_claims)
    assert r.groups == () and r.summary == "" and r.need.kind == ""


def test_single_source_single_value_has_no_relation(corpus_claims):
    r = reconcile(read_question("How many containers were shipped?"), corpus_claims)
    assert [(g.normalized, g.relation) for g in r.groups] == [("15800", "")]
    assert r.summary == ""


# --- other topics -----------------------------------------------------------------------------

def test_flood_death_tolls_from_two_agencies_contradict():
    r = reconcile(read_question("How many people died in the Varna floods?"), fixture_claims("flood_agency", "flood_ministry"))
    assert [g.normalized for g in r.groups] == ["45", "38"]
    assert {g.relation for g in r.groups} == {CONTRADICTION}
    assert "the regional emergency agency" in r.summary and "national health ministry" in r.summary
    # "15 of the dead were children" is a part of a toll, not a rival toll
    assert all(g.normalized != "15" for g in r.groups)


def test_flood_injuries_are_not_mixed_with_deaths():
    r = reconcile(read_question("How many people were injured in the floods?"), fixture_claims("flood_agency", "flood_ministry"))
    assert [g.normalized for g in r.groups] == ["120"]


def test_budget_instalments_add_up_when_marked_as_further():
    r = reconcile(read_question("How much money did the council approve for the bridge?"), fixture_claims("budget"))
    assert [g.normalized for g in r.groups] == ["12000000", "8000000"]
    assert {g.relation for g in r.groups} == {PART_OF_TOTAL}
    assert r.total == "20000000" and "$20 million in all" in r.summary


def test_an_amount_in_a_two_word_unit_counts_the_thing_it_measures():
    # "210,000 cubic metres of silt" answers "how much silt"; "of ferries" later does not count
    sentence = "The work removed 210,000 cubic metres of silt so that larger ferries can dock."
    claims = claims_in_text(sentence, published="2025-04-02", doc_id="harbour")
    assert [g.normalized for g in reconcile(read_question("How much silt was removed from the harbour?"), claims).groups] == ["210000"]
    assert reconcile(read_question("How much sand was removed from the harbour?"), claims).groups == ()


def test_strike_dated_differently_by_two_sources_is_a_contradiction():
    r = reconcile(read_question("When did the Halden port strike begin?"), fixture_claims("strike_monday", "strike_tuesday"))
    assert [g.normalized for g in r.groups] == ["2024-03-04", "2024-03-05"]
    assert {g.relation for g in r.groups} == {CONTRADICTION}


def test_repeated_visits_are_different_events_and_a_month_joins_its_day():
    r = reconcile(read_question("When did Ana Ruiz visit the Solbakken wind farm?"),
                  fixture_claims("visit_first", "visit_second", "visit_third"))
    assert [g.normalized for g in r.groups] == ["2024-09-09", "2024-10-21", "2024-11-04"]
    assert {g.relation for g in r.groups} == {DIFFERENT_EVENT}
    # "her previous visit in September" (second article) cites the September 9 visit
    assert docs_of(r.groups[0]) == {"visit_first", "visit_second"}


def test_figures_whose_bounds_agree_are_compatible():
    claims = (claims_in_text("At least 64 shipments were sent, inspectors said.", doc_id="a")
              + claims_in_text("Exactly 70 shipments were sent, the navy said.", doc_id="b"))
    r = reconcile(read_question("How many shipments were sent?"), claims)
    assert [g.normalized for g in r.groups] == ["64", "70"]
    assert {g.relation for g in r.groups} == {COMPATIBLE}


def test_the_same_figure_from_two_sources_is_one_value_with_two_citations():
    claims = (claims_in_text("Officials said 250 workers walked out.", doc_id="a")
              + claims_in_text("About 250 workers walked out, the union said.", doc_id="b"))
    r = reconcile(read_question("How many workers walked out?"), claims)
    assert len(r.groups) == 1 and docs_of(r.groups[0]) == {"a", "b"} and r.groups[0].relation == SAME


def test_relation_vocabulary_is_closed(corpus_claims):
    for q in ("How many North Korean soldiers were killed?", "When did Shoigu arrive in Pyongyang?",
              "How many troops has North Korea sent to Russia?"):
        assert all(g.relation in RELATIONS for g in reconcile(read_question(q), corpus_claims).groups)


def test_figures_of_different_measures_are_never_called_a_contradiction(corpus_claims):
    # the question names no measure: killed, casualties and deployed figures all fit "troops"
    r = reconcile(read_question("How many North Korean troops are in Russia?"), corpus_claims)
    assert len(r.groups) >= 3
    assert CONTRADICTION not in {g.relation for g in r.groups}
    by_value = {g.normalized: g.relation for g in r.groups}
    assert by_value["600"] == DIFFERENT_MEASURE and by_value["12000"] == PART_OF_TOTAL


def test_vague_figure_is_kept_when_no_source_gives_a_number_for_that_measure(corpus_claims):
    r = reconcile(read_question("How many North Korean soldiers were wounded?"), corpus_claims)
    assert [(g.normalized, g.measure) for g in r.groups] == [("thousands", "wounded"), ("4000", "casualties")]
    assert {g.relation for g in r.groups} == {DIFFERENT_MEASURE}


def test_a_figure_for_the_asked_noun_is_found_when_another_verb_carries_it(corpus_claims):
    r = reconcile(read_question("How many rounds of ammunition did North Korea send?"), corpus_claims)
    assert [g.normalized for g in r.groups] == ["4200000-5800000"]
    r = reconcile(read_question("How many shipments did North Korea send to Russia?"), corpus_claims)
    assert [(g.normalized, g.when) for g in r.groups] == [("64", "August 2023 to March 2025")]


def test_a_mention_of_a_previous_visit_adds_no_date_of_its_own(corpus_claims):
    # answering from the June 4 articles only (event filter): "his previous visit in March"
    june4 = [c for c in corpus_claims if c.doc_id in ("000", "001")]
    r = reconcile(read_question("When did Shoigu visit Pyongyang for the second time?"), june4)
    assert [g.normalized for g in r.groups] == ["2025-06-04"]


def test_a_generic_unit_counts_the_thing_named_after_it(corpus_claims):
    r = reconcile(read_question("How many multiple rocket launchers did North Korea supply?"), corpus_claims)
    assert [(g.normalized, g.unit) for g in r.groups] == [("220", "units")]
    assert reconcile(read_question("How many howitzers were supplied?"), corpus_claims).groups == ()


def test_a_date_the_sources_give_only_by_month_name(corpus_claims):
    r = reconcile(read_question("When did North Korea confirm it had deployed troops to Russia?"), corpus_claims)
    assert [(g.normalized, g.when) for g in r.groups] == [("2025-04", "April 2025")]


def test_how_many_more_is_not_a_unit():
    need = read_question("and how many more were sent this year?")
    assert (need.kind, need.measure, need.unit) == ("count", "sent", "")
    assert read_question("Which dates did Shoigu visit?").kind == "date"


# --- reading what is counted, times, sources and wordings --------------------------------------

@pytest.mark.parametrize("question, unit", [
    ("how many North Korean troops went to Russia last year?", "personnel"),
    ("And how many were wounded?", ""),                        # a verb, not the counted thing
    ("How many additional medics were sent?", "people"),        # an adjective before the noun
    ("How much oil has the ship delivered?", "oil"),
    ("How many people died in the Varna floods?", "people"),
])
def test_the_counted_noun_is_read_up_to_the_verb(question, unit):
    assert read_question(question).unit == unit


def test_a_figure_without_its_own_time_does_not_answer_a_question_about_a_time():
    undated = claims_in_text("Northland has sent 500 engineers to the region.", doc_id="a", published="2024-05-01")
    dated = claims_in_text("Northland sent 500 engineers to the region last year.", doc_id="b", published="2024-05-01")
    assert reconcile(read_question("How many engineers were sent in 2023?"), undated).groups == ()
    assert [g.normalized for g in reconcile(read_question("How many engineers were sent in 2023?"), dated).groups] == ["500"]


def test_a_source_the_question_names_keeps_its_own_figure():
    r = reconcile(read_question("How many people did the health ministry say died in the floods?"),
                  fixture_claims("flood_agency", "flood_ministry"))
    assert [g.normalized for g in r.groups] == ["38"]


def test_a_bound_and_a_point_value_are_both_said_with_their_sources():
    claims = (claims_in_text("About 120 medics were deployed last year, officials said.", doc_id="a",
                             published="2025-03-01")
              + claims_in_text("Up to 120 medics have been deployed since last spring, the army said.", doc_id="b",
                               published="2025-03-01"))
    r = reconcile(read_question("How many medics were deployed?"), claims)
    assert len(r.groups) == 1
    said = r.groups[0].note
    assert "About 120 deployed in 2024 (per officials)" in said and "Up to 120 deployed since" in said
    assert "(per the army)" in said


def test_rounds_count_ammunition_and_troops_do_not():
    claims = (claims_in_text("The convoy carried 2 million rounds of ammunition, officials said.", doc_id="a")
              + claims_in_text("The convoy carried 300 soldiers.", doc_id="b"))
    r = reconcile(read_question("How much ammunition did the convoy carry?"), claims)
    assert [g.normalized for g in r.groups] == ["2000000"]
    assert reconcile(read_question("How much fuel did the convoy carry?"), claims).groups == ()


def test_a_calibre_is_not_reconciled_as_a_count(corpus_claims):
    assert reconcile(read_question("What calibre were the self-propelled howitzers?"), corpus_claims).groups == ()


def test_asking_whether_sources_agree_on_a_date_reads_as_a_date_question():
    r = reconcile(read_question("Did the reports agree on when the Halden port strike began?"),
                  fixture_claims("strike_monday", "strike_tuesday"))
    assert [g.normalized for g in r.groups] == ["2024-03-04", "2024-03-05"]
    assert {g.relation for g in r.groups} == {CONTRADICTION}
    assert read_question("What losses did the flood cause?").kind == "count"


@pytest.mark.parametrize("asked, month", [("in June 2025", "2025-06"), ("in March", "2025-03")])
def test_a_date_question_that_names_a_time_keeps_the_dates_within_it(corpus_claims, asked, month):
    # "in March" has no year: it meets the dates of any year in that month
    r = reconcile(read_question(f"When did Shoigu arrive in Pyongyang {asked}?"), corpus_claims)
    assert r.groups and all(g.normalized.startswith(month) for g in r.groups)


def _population_claims(*texts: str):
    return [c for i, t in enumerate(texts) for c in claims_in_text(t, doc_id=f"p{i}")]


def test_two_populations_of_one_time_contradict_and_of_two_times_are_not_parts_of_a_total():
    need = read_question("What is the population of Ostrand?")
    same_time = reconcile(need, _population_claims("The population was 2,051 at the 2000 census.",
                                                   "The population was 2,104 at the 2000 census."))
    assert [g.value_text for g in same_time.groups] and same_time.summary.startswith("Sources contradict")
    two_times = reconcile(need, _population_claims("The population was 2,051 at the 2000 census.",
                                                   "The population was 1,763 at the 2010 census."))
    assert "different times" in two_times.summary and not two_times.total
    # the housing units of the same page are no population
    housing = reconcile(need, _population_claims("The population was 2,051 in 2000, in 743 housing units."))
    assert [g.normalized for g in housing.groups] == ["2051"]


def test_two_counts_of_the_asked_thing_with_no_verb_contradict():
    # written for this test: neither figure is measured by a verb, both count the moons asked for
    need = read_question("How many moons does the planet Kereth have?")
    r = reconcile(need, _population_claims("Astronomers say the planet Kereth has eight moons.",
                                           "The planet Kereth has twelve known moons, a survey found."))
    assert sorted(g.normalized for g in r.groups) == ["12", "8"]
    assert r.summary.startswith("Sources contradict") and "different things" not in r.summary
    # a figure a verb measures still counts something else than one no verb measures
    sent = reconcile(read_question("How many soldiers does Estria have?"),
                     _population_claims("Estria has 40,000 soldiers.", "Estria sent 3,000 soldiers abroad."))
    assert CONTRADICTION not in {g.relation for g in sent.groups}


def test_a_volume_is_no_height():
    # written for this test: the reservoir's cubic kilometres are no value of the dam's height
    r = reconcile(read_question("How high is the Lumen dam?"), _population_claims(
        "It is 142 metres high and holds back a reservoir of 3.1 cubic kilometres.",
        "It is 165 metres high and holds back a reservoir of 3.1 cubic kilometres."))
    assert sorted(g.normalized for g in r.groups) == ["142", "165"]


def _document_claims(doc_id: str, text: str):
    return extract_claims(Document(doc_id=doc_id, text=text, source=doc_id, content_hash="test", date="2025-03-01"))


def test_one_document_in_its_own_voice_does_not_contradict_itself():
    need = read_question("How many volunteers were sent to the camp?")
    own_voice = reconcile(need, _document_claims(
        "a", "In the first week 400 volunteers were sent to the camp. By the end 650 volunteers were sent to the camp."))
    assert [g.normalized for g in own_voice.groups] == ["400", "650"]
    assert CONTRADICTION not in {g.relation for g in own_voice.groups}
    assert not own_voice.summary.startswith("Sources contradict")
    # one article reporting two sources that disagree: a contradiction between them
    reported = reconcile(need, _document_claims(
        "a", "The mayor said 400 volunteers were sent to the camp. The charity said 650 volunteers were sent to the camp."))
    assert {g.relation for g in reported.groups} == {CONTRADICTION}
    # and two documents, each in its own voice
    two = reconcile(need, _document_claims("a", "400 volunteers were sent to the camp.")
                    + _document_claims("b", "650 volunteers were sent to the camp."))
    assert {g.relation for g in two.groups} == {CONTRADICTION}


def test_a_sentence_is_about_what_its_documents_title_names():
    # the minister's figure does not name the earthquake again: its article's title does
    claims = (claims_in_text("A magnitude 6.1 earthquake struck on Saturday, injuring at least 35 people.", doc_id="a")
              + claims_in_text("Health Minister Fahrettin Koca said 52 people had been injured.", doc_id="b"))
    need = read_question("How many people were injured in the earthquake?")
    assert [g.normalized for g in reconcile(need, claims).groups] == ["35"]
    titles = {"a": "Quake injures dozens", "b": "Strong earthquake hits Kutahya province"}
    assert sorted(g.normalized for g in reconcile(need, claims, titles).groups) == ["35", "52"]


def test_a_count_naming_no_unit_or_measure_takes_figures_of_what_it_names():
    # "how big is the pay raise?": the raise's 9 percent, not the workers or the night shifts
    claims = claims_in_text("The deal gives the port's 4,200 workers a 9 percent raise over two years and "
                            "limits night shifts to three per week.", doc_id="d")
    recon = reconcile(read_question("How big is the pay raise?"), claims)
    assert [g.value_text for g in recon.groups] == ["9 percent"]
    # a question naming its unit still takes no share
    assert not reconcile(read_question("How many workers got the raise?"), claims).groups[0].unit == "percent"


def test_a_question_word_in_an_agency_name_and_in_a_title_is_a_subject_not_a_source():
    # "by the fire": "Cal Fire spokesman" says who gives 14, and the other report's title is about
    # the fire too; only a word no sentence or title uses beside its source names a source
    monday = claims_in_text("At least 14 homes have been destroyed, Cal Fire spokesman Daniel Ortiz said.",
                            doc_id="mon")
    wednesday = claims_in_text("The number of homes destroyed rose to 61, officials said.", doc_id="wed")
    need = read_question("How many homes were destroyed by the fire?")
    titles = {"mon": "Wildfire forces thousands to flee", "wed": "Ridge Fire grows to 31,500 acres"}
    assert sorted(g.value_text for g in reconcile(need, monday + wednesday, titles).groups) == ["61", "At least 14"]
