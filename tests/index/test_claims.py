"""The claim ledger: figures and dates with unit, measure, attribution and resolved time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.claims import Claim, claims_in_text, extract_claims, measure_family, supported_by, supports
from index.records import Document

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
DATA = ROOT / "tests" / "data" / "claims"
# Publication dates as index/meta.py reads them from the articles' own text.
CORPUS_DATES = {"000": "2025-06-04", "001": "2025-06-04", "002": "2025-03-21", "003": "2025-06-17", "004": "2025-03-21"}


def corpus_doc(prefix: str, date: str | None = None) -> Document:
    path = next(CORPUS.glob(f"{prefix}_*.txt"))
    return Document(doc_id=path.stem, text=path.read_text(encoding="utf-8"), source=str(path),
                    content_hash="test", date=CORPUS_DATES[prefix] if date is None else date)


def fixture_doc(name: str) -> Document:
    meta = json.loads((DATA / "metadata.json").read_text(encoding="utf-8"))[name]
    path = DATA / f"{name}.txt"
    return Document(doc_id=name, text=path.read_text(encoding="utf-8"), source=str(path),
                    content_hash="test", date=meta["date"], title=meta["title"])


def find(claims: list[Claim], value: str, kind: str | None = None) -> Claim:
    hits = [c for c in claims if c.value == value and (kind is None or c.kind == kind)]
    assert len(hits) == 1, [(c.value_text, c.kind, c.value) for c in claims]
    return hits[0]


def one(sentence: str, published: str = "") -> Claim:
    claims = [c for c in claims_in_text(sentence, published=published) if c.kind != "date"]
    assert len(claims) == 1, claims
    return claims[0]


# --- the bundled corpus ---------------------------------------------------------------------

def test_deployed_last_year_is_a_personnel_count_for_2024():
    c = find(extract_claims(corpus_doc("000")), "12000")
    assert (c.kind, c.qualifier, c.unit, c.measure, c.time, c.time_text) == \
        ("count", "approximately", "personnel", "deployed", "2024", "last year")
    assert c.value_text == "approximately 12,000" and c.about == "North Korean soldiers"
    assert c.attribution == "Reports"


def test_additional_troops_sent_this_year_are_a_separate_2025_figure():
    c = find(extract_claims(corpus_doc("000")), "3000")
    assert (c.unit, c.measure, c.time, c.qualifier) == ("personnel", "sent", "2025", "an additional")
    assert measure_family(c.measure) == measure_family("deployed")


def test_killed_figure_is_attributed_through_the_following_sentence():
    doc = corpus_doc("000")
    c = find(extract_claims(doc), "600")
    assert (c.measure, c.unit, c.qualifier) == ("killed", "personnel", "around")
    assert c.attribution == "South Korean lawmaker Lee Seong-kweun"
    assert doc.text[c.value_start:c.value_end] == "around 600"
    assert doc.text[c.start:c.end] == c.sentence


def test_casualties_and_their_killed_share_per_zelensky():
    claims = extract_claims(corpus_doc("004"))
    casualties = find(claims, "4000")
    share = find(claims, "2/3")
    assert (casualties.measure, casualties.unit, casualties.attribution) == \
        ("casualties", "personnel", "President Volodymyr Zelensky")
    assert (share.kind, share.measure, share.share_of) == ("fraction", "killed", "4000")


def test_up_to_twelve_thousand_since_last_fall():
    c = find(extract_claims(corpus_doc("004")), "12000")
    assert (c.qualifier, c.measure, c.unit, c.attribution) == ("up to", "deployed", "personnel", "Officials")
    assert c.time == "2024-09/2025-03-21" and c.time_text == "since last fall"


def test_shipments_containers_and_a_range_of_rounds():
    claims = extract_claims(corpus_doc("000"))
    ships, containers, rounds = find(claims, "64"), find(claims, "15800"), find(claims, "4200000-5800000")
    assert (ships.unit, ships.measure, ships.qualifier, ships.time) == ("shipments", "identified", "at least", "2023-08/2025-03")
    assert (containers.unit, containers.qualifier) == ("containers", "over")
    assert (rounds.unit, rounds.value_text) == ("ammunition", "an estimated 4.2 to 5.8 million")


@pytest.mark.parametrize("sentence, figures", [
    # two figures joined by "and" are a range only after "between"; a second figure no larger
    # than the first ends no range: each is a figure of its own, with its own unit
    ("The company would have sales of about $9 billion and 23,000 employees in 14 countries.",
     {"9000000000": "USD", "23000": "people", "14": "countries"}),
    ("The ticket price fell from $500 to $300.", {"500": "USD", "300": "USD"}),
    ("Between 9 and 12 soldiers were wounded.", {"9-12": "personnel"}),
    ("Officials reported 4.2 to 5.8 million rounds.", {"4200000-5800000": "ammunition"}),
])
def test_two_figures_make_a_range_only_when_they_read_as_one(sentence, figures):
    assert {c.value: c.unit for c in claims_in_text(sentence)} == figures


@pytest.mark.parametrize("sentence, value, unit, measure", [
    # every form of a measure's verb names it; a participle after the counted noun ends its phrase
    ("The quake damaged dozens of buildings, injuring at least 35 people, the agency said.", "35", "people",
     "wounded"),
    ("Police were evacuating 2,000 residents on Sunday.", "2000", "people", "evacuated"),
    ("The strike left more than 80 container ships waiting offshore.", "80", "ships", ""),
    ("The navy sent 300 fishing boats to help.", "300", "boats", "sent"),
    # a measure is not looked for past a turn to another matter
    ("No one was killed in the blast, but 14 people were treated in hospital, police said.", "14", "people", ""),
])
def test_the_unit_and_measure_of_a_figure(sentence, value, unit, measure):
    c = next(c for c in claims_in_text(sentence) if c.value == value)
    assert (c.unit, c.measure) == (unit, measure)


def test_calibres_and_ordinals_are_not_counts():
    claims = extract_claims(corpus_doc("000")) + extract_claims(corpus_doc("002"))
    calibres = {c.value: c for c in claims if c.kind == "calibre"}
    assert set(calibres) == {"170", "240"} and calibres["170"].unit == "mm" and calibres["170"].measure == "calibre"
    counts = {c.value for c in claims if c.kind == "count"}
    assert "13" not in counts and "170" not in counts
    assert find(claims, "220").unit == "units"


def test_a_passive_verb_quotes_no_one():
    # invented: "He was confirmed" is the subject confirmed, not a source that confirms
    date = next(c for c in claims_in_text("He was confirmed by the Senate on August 10, 1966.") if c.kind == "date")
    assert date.attribution == ""
    assert one("Officials confirmed that 12,000 troops were sent.").attribution == "Officials"


def test_a_rate_and_its_denominator_are_not_counts():
    # invented: the deaths are counts, "1 per 100,000" and "0.8 per 100,000" are rates, and no
    # one was "100,000 people killed"
    claims = claims_in_text("About 25 civilians died in the unrest (about 1 per 100,000 people), falling to 21 "
                            "civilian deaths in 2013 (or 0.8 per 100,000 people).")
    assert sorted(c.value for c in claims if c.kind != "date") == ["21", "25"]
    # "21 civilian deaths" counts people: "civilian" modifies the deaths
    assert {(c.value, c.unit, c.measure) for c in claims if c.kind != "date"} == \
        {("21", "people", "killed"), ("25", "people", "killed")}
    assert (one("There were 40 traffic injuries.").unit, one("Some 300 homes were affected.").unit) == ("people", "homes")
    assert one("The clinic saw 3 per thousand births and 40 people were treated.").value == "40"
    # a share "per cent" and a price per share stay what they were
    assert one("Turnout rose 5 per cent.").kind == "percent"
    assert one("It paid $12 per share.").kind == "money"


@pytest.mark.parametrize("sentence", [
    "Section 11 forces the Senate to proceed regardless.",
    "Apollo 11 astronauts landed on the Moon.",
    "UN Security Council Resolution 2231 sanctions were lifted.",
    "Flight 370 passengers were never found.",
])
def test_a_number_that_names_something_is_no_count(sentence):
    assert [c for c in claims_in_text(sentence) if c.kind != "date"] == []


@pytest.mark.parametrize("sentence, value", [
    ("Some 300 troops were sent to the border.", "300"),
    ("Nearly 600 soldiers have been killed.", "600"),
    ("More than 600 soldiers have been killed.", "600"),
    ("Russia's 12,000 troops were sent to the border.", "12000"),
    ("North Korea sent 12,000 troops to Russia.", "12000"),
    ("In the United States 11% of people have the disease.", "11%"),
])
def test_a_count_after_a_capitalised_word_that_leads_it_is_still_read(sentence, value):
    assert value in {c.value for c in claims_in_text(sentence)}


def test_dates_carry_their_event_and_resolved_day():
    arrival = [c for c in extract_claims(corpus_doc("003")) if c.value_text == "Tuesday"]
    assert [(c.value, c.measure) for c in arrival] == [("2025-06-17", "arrived")]
    treaty = find(extract_claims(corpus_doc("000")), "2024-11", "date")
    assert treaty.measure == "signed" and "treaty" in treaty.about
    signing = find(extract_claims(corpus_doc("001")), "2024-06", "date")
    assert signing.measure == "signed" and signing.about == "a mutual defense treaty"


def test_undated_article_resolves_against_the_latest_day_it_states():
    claims = extract_claims(corpus_doc("004", date=""))
    assert find(claims, "2025-03-21", "date").reference == "2025-03-21"
    assert find(claims, "12000").time == "2024-09/2025-03-21"


def test_every_value_span_is_a_lookup_into_the_text():
    for prefix in CORPUS_DATES:
        doc = corpus_doc(prefix)
        for c in extract_claims(doc):
            assert doc.text[c.value_start:c.value_end] == c.value_text
            assert doc.text[c.start:c.end] == c.sentence


def test_segments_limit_the_sentences_read():
    doc = corpus_doc("000")
    start = doc.text.index("Reports reveal")
    end = doc.text.index("\n", start)
    from dataclasses import replace
    claims = extract_claims(replace(doc, segments=((start, end),)))
    assert {c.value for c in claims if c.kind == "count"} == {"12000", "3000"}


# --- other topics (articles written for the tests) -------------------------------------------

def test_flood_deaths_injuries_and_evacuations_are_different_measures():
    claims = extract_claims(fixture_doc("flood_agency"))
    dead, hurt, moved = find(claims, "45"), find(claims, "120"), find(claims, "3000")
    assert (dead.measure, dead.unit, dead.qualifier) == ("killed", "people", "at least")
    assert dead.attribution == "the regional emergency agency"
    assert (hurt.measure, moved.measure, moved.unit) == ("wounded", "evacuated", "people")
    assert find(claims, "2024-09-29", "date").measure == "began"
    level = find(claims, "6.2")
    assert level.kind == "count" and level.measure == "" or level.unit == "m"


def test_budget_instalments_are_money_in_two_years():
    claims = extract_claims(fixture_doc("budget"))
    first, second = find(claims, "12000000"), find(claims, "8000000")
    assert (first.kind, first.unit, first.measure, first.time) == ("money", "USD", "allocated", "2023")
    assert (second.unit, second.time, second.qualifier) == ("USD", "2025", "a further")
    assert first.attribution == "the finance committee"
    assert find(claims, "40%").kind == "percent"


def test_word_numbers_fractions_and_vague_amounts():
    assert one("Twelve thousand soldiers were sent to the front.").value == "12000"
    assert one("Some twenty-five people were injured.").value == "25"
    c = one("Thousands of troops have been deployed.")
    assert (c.kind, c.value, c.unit, c.measure) == ("vague", "thousands", "personnel", "deployed")
    assert one("Two-thirds of the workers joined the strike.").value == "2/3"
    assert one("The fund grew by 30 percent.").value == "30%"
    assert one("The city spent €1.5 billion on trams.").value == "1500000000"


def test_names_and_models_are_not_figures():
    assert claims_in_text("The F-16 and the Su-57 flew over; COVID-19 cases fell in Q4.") == []


# --- supports: the answer verifier's check ----------------------------------------------------

SOURCE = "Reports from South Korea indicate that around 600 North Korean soldiers have been killed in action."


def test_same_figure_for_a_different_measure_is_not_supported():
    ok, why = supports(one("600 troops were deployed."), one(SOURCE))
    assert not ok and "deployed" in why and "killed" in why


def test_same_figure_same_measure_other_wording_is_supported():
    assert supports(one("About 600 North Korean troops died."), one(SOURCE)) == (True, "")


def test_different_value_or_unit_is_not_supported():
    assert not supports(one("700 soldiers were killed."), one(SOURCE))[0]
    ok, why = supports(one("600 containers were killed."), one(SOURCE))
    assert not ok and "containers" in why


def test_time_and_bounds_must_agree():
    src = one("approximately 12,000 North Korean soldiers were deployed last year", "2025-06-04")
    assert supports(one("12,000 troops were deployed in 2024."), src)[0]
    assert not supports(one("12,000 troops were deployed in 2023."), src)[0]
    upto = one("up to 12,000 troops were deployed")
    assert not supports(one("more than 12,000 troops were deployed"), upto)[0]


def test_dates_are_supported_by_the_same_or_a_more_precise_day():
    src = [c for c in claims_in_text("Shoigu arrived in Pyongyang on Tuesday, June 17, 2025.") if c.kind == "date"]
    said = [c for c in claims_in_text("Shoigu arrived on June 17.") if c.kind == "date"]
    wrong = [c for c in claims_in_text("Shoigu arrived on June 18.") if c.kind == "date"]
    month = [c for c in claims_in_text("Shoigu arrived in June 2025.") if c.kind == "date"]
    assert supported_by(said[0], src) == (True, "")
    assert supported_by(month[0], src)[0]
    assert not supported_by(wrong[0], src)[0]
    assert not supports(src[0], month[0])[0]  # the day is more than the month says


def test_vague_claim_is_supported_by_a_figure_in_range():
    assert supports(one("North Korea sent thousands of troops."), one("North Korea sent 12,000 troops."))[0]
    assert not supports(one("North Korea sent 12,000 troops."), one("North Korea sent thousands of troops."))[0]


# --- robustness -------------------------------------------------------------------------------

DISTRACTORS = ROOT.parent / "shared" / "distractors" / "news.jsonl"


@pytest.mark.skipif(not DISTRACTORS.exists(), reason="distractor articles not present")
def test_real_news_articles_extract_without_errors_and_spans_hold():
    with DISTRACTORS.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for _, line in zip(range(120), fh)]
    total = 0
    for row in rows:
        doc = Document(doc_id=row["id"], text=row["text"], source="distractors", content_hash="x")
        for c in extract_claims(doc):
            assert doc.text[c.value_start:c.value_end] == c.value_text
            total += 1
    assert total > 100


@pytest.mark.parametrize("date", ["", "2025-03-21"])
def test_article_with_an_outdated_date_resolves_names_but_not_relative_times(date):
    # 002: its only full date is a photo caption of March 21, yet it reports "late April"
    claims = extract_claims(corpus_doc("002", date=date))
    assert find(claims, "2025-04", "date").measure == "confirmed"
    assert not [c for c in claims if c.value_text == "last month"]  # no reference: unresolved, no claim


@pytest.mark.parametrize("sentence, unit, measure", [
    ("Officials said 250 workers walked out.", "people", "striking"),        # a phrase verb ends the noun
    ("About 2,400 workers took part in the walkout, the union said.", "people", "striking"),
    ("Some 12 villages flooded overnight.", "villages", ""),
])
def test_the_counted_noun_ends_where_its_verb_begins(sentence, unit, measure):
    c = one(sentence)
    assert c.unit == unit
    if measure:
        assert c.measure == measure


@pytest.mark.parametrize("sentence, unit", [
    ("The reservoir holds 3.1 cubic kilometres of water.", "volume"),
    ("The lake covers 12 square kilometres.", "square"),
    ("The park covers 40 sq km.", "square"),
    ("The road to the pass runs for 12 kilometres.", "km"),
])
def test_a_word_before_a_unit_of_length_makes_an_area_or_a_volume(sentence, unit):
    # "3.1 cubic kilometres" answers no "how high?"; "12 kilometres" still measures a length
    assert one(sentence).unit == unit


def test_a_number_in_a_measure_compound_is_not_a_count():
    from index.claims import claims_in_text

    claims = claims_in_text("Dozens hurt after a 5.8-magnitude quake rocks the island.", doc_id="quake")
    assert "5.8" not in {c.value for c in claims}
    # "12,000-strong" counts the force: only measure words make the compound an adjective
    claims = claims_in_text("A 12,000-strong force was sent on a three-month tour.", doc_id="force")
    assert {c.value for c in claims if c.kind == "count"} == {"12000"}


@pytest.mark.parametrize("sentence", [
    "Billions of dollars were pledged for the rebuilding.",
    "Scores of people were evacuated from the valley.",
])
def test_a_sentence_counting_only_in_vague_words_is_read(sentence):
    # every vague amount of the lexicon passes the cheap pre-filter, not only four of them
    doc = Document(doc_id="v", text=sentence, source="v", content_hash="v")
    assert [c for c in extract_claims(doc) if c.kind == "vague"]


def test_a_year_before_1900_is_a_date_not_a_count_of_the_dead():
    # "In 1373, the king died." had been read as 1,373 people killed
    claims = claims_in_text("In 1373, the king died.")
    assert [(c.kind, c.value) for c in claims] == [("date", "1373")]
    assert [(c.kind, c.unit) for c in claims_in_text("The regiment lost 1870 men.")] == [("count", "personnel")]


def test_a_name_after_a_figure_is_no_verb_measuring_it():
    # "Lost" of "Lost Springs" had measured the four people as casualties
    claims = claims_in_text("With 4 people , Lost Springs is the 193rd most populated town in Wyoming.")
    assert [(c.value, c.unit, c.measure) for c in claims if c.kind == "count"] == [("4", "people", "")]
    assert [c.measure for c in claims_in_text("About 3,000 residents were evacuated.")] == ["evacuated"]


@pytest.mark.parametrize("sentence, counts", [
    # its own verb, no measure word: "sickened" and "treated" are not "killed" and "injuries"
    ("An outbreak has sickened 2,340 people and killed 31 since January, the ministry said.",
     {"2340": "", "31": "killed"}),
    ("Two firefighters suffered minor injuries, and at least 14 people have been treated.",
     {"2": "wounded", "14": ""}),
    # ... and where the verb is one (an outbreak's infections, a disaster's destruction)
    ("An outbreak has infected 2,340 people and killed 31.", {"2340": "infected", "31": "killed"}),
    ("Two firefighters suffered minor injuries, and at least 14 homes have been destroyed.",
     {"2": "wounded", "14": "destroyed"}),
    # a measure noun another figure counts is that figure's: 3,100 are cases, 44 the deaths
    ("The WHO said 3,100 suspected cholera cases and 44 deaths had been recorded.",
     {"3100": "identified", "44": "killed"}),
    # a measure verb of its own, or a measure elsewhere and no verb of its own, still counts
    ("At least 12 people were killed and 30 injured.", {"12": "killed", "30": "wounded"}),
    ("The blast killed five soldiers, and 30 civilians were injured.", {"5": "killed", "30": "wounded"}),
    # "including" lists a figure's parts: the part has the whole's measure, the whole its own verb's
    ("The strikes killed 40 people, including 12 children.", {"40": "killed", "12": "killed"}),
    ("At least 3,000 residents, including children, were evacuated.", {"3000": "evacuated"}),
    ("The number of structures destroyed rose to 87, including 61 homes.", {"87": "destroyed", "61": "destroyed"}),
    ("Shipments included 15,800 containers.", {"15800": "included"}),
    # a verb of its own in its own clause, or a relative clause: nothing from the rest of the sentence
    ("Some 12 villages flooded overnight, and officials evacuated 300 people.", {"12": "", "300": "evacuated"}),
    ("In 2023 the army, which has 600 soldiers there, said it would send more.", {"600": ""}),
])
def test_a_figure_with_a_verb_of_its_own_borrows_no_measure(sentence, counts):
    from index.claims import claims_in_text

    assert {c.value: c.measure for c in claims_in_text(sentence) if c.kind == "count"} == counts


def test_a_figure_in_a_relative_clause_takes_no_time_of_the_main_clause():
    from index.claims import claims_in_text

    claims = claims_in_text("The company, which has 3,200 employees, said the order secures work until 2028.")
    assert [(c.value, c.time) for c in claims if c.kind == "count"] == [("3200", "")]
    claims = claims_in_text("The army, which deployed 600 soldiers in 2023, said it would send more.")
    assert [(c.value, c.time) for c in claims if c.kind == "count"] == [("600", "2023")]


def test_a_date_with_a_verb_of_its_own_dates_no_other_event():
    from index.claims import claims_in_text

    claims = claims_in_text("The tram line opened in 1888 as a horse-drawn service and was electrified in 1925.")
    assert [(c.value, c.measure) for c in claims if c.kind == "date"] == [("1888", "began"), ("1925", "")]


def test_a_part_its_own_verb_measures_is_a_count_of_that_measure():
    from index.claims import claims_in_text

    # "four of the animals died": four died; "15 of the dead were children": a part of the dead
    assert [(c.kind, c.measure) for c in claims_in_text("Four of the animals died before rescuers arrived.")] == \
        [("count", "killed")]
    assert [c.kind for c in claims_in_text("15 of the dead were children.")] == ["part"]


@pytest.mark.parametrize("sentence, counts", [
    ("One person was killed and 12 were injured in the blast.", {"1": "killed", "12": "wounded"}),
    ("One firefighter injured as blaze spreads", {"1": "wounded"}),
    ("No one was hurt.", {}),                       # "no one", "one of", "one day": no count
    ("One of the victims died in hospital.", {}),
    ("One day later, 12 were injured.", {"12": "wounded"}),
])
def test_one_counts_when_a_noun_and_what_befell_it_follow(sentence, counts):
    from index.claims import claims_in_text

    assert {c.value: c.measure for c in claims_in_text(sentence) if c.kind == "count"} == counts


def test_one_of_a_singular_noun_counts_what_its_plural_counts():
    from index.claims import claims_in_text

    # "one resident killed" counts people, as "two residents killed" does
    assert [c.unit for c in claims_in_text("Ridge Fire grows; one resident killed") if c.kind == "count"] == ["people"]


@pytest.mark.parametrize("sentence, value, unit", [
    ("The army fielded two 155-millimetre howitzers near the river.", "2", "howitzers"),
    ("She served three 5-year terms on the council.", "3", "terms"),
    ("I put eight 4-place dinner settings and 4 knives in it.", "8", "settings"),
])
def test_a_figure_before_a_number_compound_counts_the_noun_after_it(sentence, value, unit):
    from index.claims import claims_in_text

    # "two 155-millimetre howitzers": the compound describes the howitzers, which two counts,
    # and counts nothing itself
    claims = claims_in_text(sentence)
    assert [(c.value, c.unit) for c in claims if c.kind == "count" and c.unit != "knives"] == [(value, unit)]
