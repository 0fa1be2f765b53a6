"""Figures in answers: the sentences that state each value, who gives it, and the model's answer completed."""

from __future__ import annotations

import hashlib

import pytest

from index.claims import claims_in_text, extract_claims
from index.records import Document
from qa.answering.extractive import Idf, answer_extractively
from qa.answering.figures import apply_values, different_values, measures_asked, with_claims_of, with_sources_of
from qa.question import Need, analyze, read_question
from qa.records import Answer, Citation, Passage, Value
from qa.sources.conflicts import reconcile, stated_as
from tests.index.fakes import HashingEmbedder


def _doc(doc_id: str, text: str, date: str = "2024-10-01") -> Document:
    segments, pos = [], 0
    for line in text.split("\n"):
        segments.append((pos, pos + len(line)))
        pos += len(line) + 1
    return Document(doc_id=doc_id, text=text, source=doc_id, content_hash=hashlib.sha256(text.encode()).hexdigest(),
                    title=doc_id, date=date, segments=tuple(segments))


def _cite(doc: Document, quote: str) -> Citation:
    start = doc.text.index(quote)
    return Citation(doc_id=doc.doc_id, title=doc.title, quote=quote, start=start, end=start + len(quote), score=0.5)


def _answer_over(q: str, docs: dict[str, Document], threshold: float):
    """The extractive answer over whole articles, its ranked sentences and every article's claims."""
    passages = [Passage(chunk_id=f"{d}-0", doc_id=d, text=doc.text, start=0, end=len(doc.text), score=1.0)
                for d, doc in docs.items()]
    answer, ranked = answer_extractively(q, analyze(q), passages, docs, HashingEmbedder().embed,
                                         Idf([d.text for d in docs.values()] + ["weather", "sport"]), threshold)
    return answer, ranked, [c for d in docs.values() for c in extract_claims(d)]


def test_a_value_whose_source_is_named_in_the_next_sentence_cites_that_sentence():
    a = _doc("a", "Around 120 people were injured in the storm.\n"
                  "These figures come from the regional health agency, which counted hospital admissions.\n"
                  "Schools reopened on Friday.")
    b = _doc("b", "The fire service said 95 people were injured in the storm on Tuesday.")
    docs = {"a": a, "b": b}
    q = "How many people were injured in the storm?"
    answer, ranked, claims = _answer_over(q, docs, 0.1)
    out = apply_values(answer, reconcile(read_question(q), claims), ranked, docs, claims)
    named = next(v for v in out.values if v.normalized == "120")
    assert "regional health agency" in named.note
    cited = [out.citations[n - 1].quote for n in named.citations]
    assert any(q.startswith("These figures come from the regional health agency") for q in cited)
    for c in out.citations:
        assert docs[c.doc_id].text[c.start:c.end] == c.quote


def _model_and_base(a: Document, b: Document, said: str, values=()) -> tuple[Answer, Answer]:
    """The model's answer citing only article ``a``; the extractive answer quoting ``a`` and ``b``."""
    model = Answer(question="q", text=f"{said} [1].", answered=True, mode="llm", citations=(_cite(a, a.text),))
    base = Answer(question="q", text=f"{a.text} [1] {b.text} [2]", answered=True,
                  citations=(_cite(a, a.text), _cite(b, b.text)), values=tuple(values))
    return model, base


def test_the_models_set_answer_gets_the_claims_of_the_articles_it_left_out():
    a = _doc("a", "In return, Norland will receive wind turbines.")
    b = _doc("b", "Norland gets access to fishing grounds in exchange for the timber.")
    model, base = _model_and_base(a, b, "Norland will receive wind turbines")
    out = with_claims_of(model, base)
    assert out.text.startswith(model.text) and "Other sources add: " + b.text + " [2]" in out.text
    assert [c.doc_id for c in out.citations] == ["a", "b"]
    assert with_claims_of(out, base) is out  # nothing left out: unchanged
    assert with_sources_of(model, base, several=False) is model  # a single-fact question is left alone


def test_the_models_answer_keeps_every_value_when_the_sources_differ():
    a = _doc("a", "At least 45 people died, the agency said.")
    b = _doc("b", "The ministry said 38 people had died.")
    model, base = _model_and_base(a, b, "At least 45 people died", values=(
        Value(text="At least 45", normalized="45", citations=(1,), relation="contradiction"),
        Value(text="38", normalized="38", citations=(2,), relation="contradiction")))
    out = with_sources_of(model, base, several=True)
    assert {v.normalized for v in out.values} == {"45", "38"} and "Sources differ" in out.text
    assert all(1 <= n <= len(out.citations) for v in out.values for n in v.citations)


@pytest.mark.integration
def test_the_llm_answer_to_a_set_question_keeps_every_articles_claim(corpus_pipeline, monkeypatch):
    from tests.qa.fakes_llm import FakeLLM

    fake = FakeLLM("North Korea is believed to have received rare defense technologies from Russia [1].")
    monkeypatch.setattr(corpus_pipeline, "llm", lambda: fake)
    q = "What does North Korea get from Russia in return for its troops and weapons?"
    final = [x for x in corpus_pipeline.stream(q, mode="llm") if isinstance(x, Answer)][-1]
    docs = corpus_pipeline.documents()
    assert final.mode == "llm", final.note
    assert "oil products" in final.text and "Other sources add" in final.text
    for c in final.citations:
        assert docs[c.doc_id].text[c.start:c.end] == c.quote
    assert len({c.doc_id for c in final.citations}) >= 2


def test_dates_of_other_peoples_meetings_do_not_answer_when_someone_met():
    a = _doc("a", "The minister arrived in Oslo on Monday, May 6, 2024, to meet the mayor.", date="2024-05-06")
    b = _doc("b", "Nordin's prior meeting with the minister took place in Bergen last month, aides said.",
             date="2024-05-07")
    docs = {"a": a, "b": b}
    q = "When did Nordin meet the minister?"
    answer, ranked, claims = _answer_over(q, docs, 0.05)
    assert ranked[0].doc_id == "b"
    recon = reconcile(read_question(q), claims)
    # the minister's arrival only: "last month" in a sentence marking another event adds no date
    assert [g.normalized for g in recon.groups] == ["2024-05-06"]
    out = apply_values(answer, recon, ranked, docs, claims)
    assert out.values == () and "May 6" not in out.text and out.citations[0].doc_id == "b"


def test_one_figure_is_never_listed_as_different_values_nor_a_date_beside_itself():
    def value(text: str, measure: str = "", when: str = "") -> Value:
        return Value(text=text, normalized=text, unit="", measure=measure, when=when, citations=(1,))

    # one figure read under two measures ("meeting", "paid") is not two values
    assert different_values([value("$5000", "met"), value("$5000", "spent")]) == ""
    assert different_values([value("April 1, 1958", when="April 1, 1958"),
                             value("January 1, 1960", when="January 1, 1960")]) == \
        "Sources give different values: April 1, 1958; January 1, 1960."
    assert different_values([value("2,097", when="2010"), value("2,274", when="2000")]) == \
        "Sources give different values: 2,097 (2010); 2,274 (2000)."


def test_a_vague_amount_in_the_best_sentence_does_not_hide_a_precise_one():
    a = _doc("a", "Norland supplied millions of rounds of ammunition to the front this year, officials said.")
    # scored well below the first sentence, and its verb is not the asked one
    b = _doc("b", "Norland's shipments included 3.1 million rounds of ammunition, analysts at a Danish institute "
                  "estimate from satellite images of rail yards and ports.")
    docs = {"a": a, "b": b}
    q = "How much ammunition did Norland supply to the front?"
    answer, ranked, claims = _answer_over(q, docs, 0.1)
    assert any(c.kind == "vague" for c in claims if c.doc_id == "a")
    out = apply_values(answer, reconcile(read_question(q), claims), ranked, docs, claims)
    assert "3.1 million" in out.text and any(c.doc_id == "b" for c in out.citations)


def _value(unit: str, measure: str = "") -> Value:
    return Value(text="12", normalized="12", unit=unit, measure=measure)


@pytest.mark.parametrize("need, values, told", [
    (Need("date", measure="departed"), [_value("date", "departed")], True),  # the asked measure
    (Need("count", unit="money"), [_value("EUR")], True),                    # a sum for "how much money"
    (Need("count", unit="rounds"), [_value("rounds")], True),                # exactly the asked unit
    (Need("count", unit="personnel"), [_value("personnel")], False),         # people: the unit is too loose
    (Need("count", measure="killed"), [_value("personnel", "wounded")], False),
    (Need("count"), [_value("years"), _value("")], False),                   # nothing named to check
    (Need("count", unit="money"), [], False),
    (Need("", value_type="people"), [_value("")], True),                    # kept only when stated as people
])
def test_code_tells_values_are_what_is_asked_only_by_a_named_measure_money_or_the_asked_unit(need, values, told):
    assert measures_asked(need, values) is told


@pytest.mark.parametrize("sentence, value, stated", [
    ("The population was 2,051 at the 2000 census.", "2,051", True),
    ("The 2025 projected population for Lost Springs is 4 .", "4", True),
    ("At the 2006 census, its population was 2,772, in 720 families.", "2,772", True),
    ("At the 2006 census, its population was 2,772, in 720 families.", "720", False),   # another figure between
    ("In 2000 there were 2,104 people, 787 households, and 497 families in the city.", "2,104", True),
    ("In 2000 there were 2,104 people, 787 households, and 497 families in the city.", "787", False),
    ("The population density was 39.1 inhabitants per square mile.", "39.1", False),    # not a whole count
    ("The population density was 885.0 people per square mile.", "885.0", False),       # a rate
    ("The population density was 885 people per square mile.", "885", False),
    ("The village lies 12 miles north of the county seat.", "12", False),
])
def test_a_figure_is_a_population_only_where_its_sentence_states_it_so(sentence, value, stated):
    claim = next(c for c in claims_in_text(sentence) if c.value_text.strip() == value)
    assert stated_as(claim, "people") is stated


def test_a_length_money_or_mass_is_told_by_its_unit():
    claims = claims_in_text("The tower is 324 m tall, weighs 10,100 tonnes and cost $1.5 million to build.")
    by = {c.value_text.strip(): c for c in claims}
    assert stated_as(by["324"], "height") and not stated_as(by["324"], "mass")
    assert stated_as(by["10,100"], "mass") and not stated_as(by["10,100"], "height")
    assert stated_as(next(c for c in claims if c.kind == "money"), "money")


def test_a_length_that_places_something_answers_how_far_not_how_high():
    claims = claims_in_text("The town lies 120 kilometres south-east of Oslo; its fortress is 40 m high and 3 km away.")
    by = {c.value_text.strip(): c for c in claims}
    assert not stated_as(by["120"], "height") and stated_as(by["120"], "distance")
    assert stated_as(by["40"], "height")
    assert not stated_as(by["3 km"], "height") and stated_as(by["3 km"], "distance")  # glued to its unit
    assert read_question("How far is Halden from Oslo?").value_type == "distance"
    assert read_question("How high is the fortress?").value_type == "height"


def test_a_length_of_another_dimension_than_asked_answers_nothing():
    # a lake's elevation is not its depth; a figure no words place in a dimension is any of them
    claims = claims_in_text("It has a maximum depth of 210 metres and lies at an elevation of 271 metres. "
                            "The dam is 412 metres long and 38 metres high. The peak rises to 1,342 m.")
    by = {c.value_text.strip(): c for c in claims}
    assert stated_as(by["210"], "depth") and not stated_as(by["210"], "height")
    assert stated_as(by["271"], "height") and not stated_as(by["271"], "depth")
    assert stated_as(by["412"], "length") and not stated_as(by["412"], "height")
    assert stated_as(by["38"], "height") and not stated_as(by["38"], "length")
    assert all(stated_as(by["1,342"], d) for d in ("height", "depth", "length"))
    assert [read_question(q).value_type for q in ("How deep is the lake?", "How wide is the river?",
                                                   "What is the elevation of Halden?")] == ["depth", "width", "height"]


def test_a_measure_question_asks_for_its_type_and_the_measure_word_is_not_its_subject():
    need = read_question("What is the population of Ostrand Township?")
    assert need.value_type == "people" and "population" not in need.terms and "ostrand" in need.terms
    assert read_question("How many troops were deployed?").value_type == ""
    assert read_question("How high is the percentage of renters?").value_type == ""      # a share, not a length
    assert read_question("How heavy was the cost of the war?").value_type == "money"


FLOOD = ("Floods kill dozens in Moravia\n"
         "At least 42 people have died in floods in southern Moravia after the Svratka river burst its banks, "
         "officials said on Tuesday.\n"
         "The army deployed 600 soldiers to build flood barriers.")
QUAKE = ("Earthquake shakes western Anatolia\n"
         "A magnitude 6.1 quake struck western Turkey on Saturday, damaging dozens of buildings, the disaster "
         "agency said.\n"
         "In February 2023, two earthquakes killed more than 50,000 people in the south of the country.")


def test_a_figure_from_a_story_that_never_names_what_was_asked_is_no_value_of_it(tmp_path):
    # the ledger reads both death tolls as "killed"; only the quake's article names a quake
    from tests.qa.test_library import built_pipeline

    p = built_pipeline(tmp_path, "news", [FLOOD, QUAKE])
    a = p.answer("How many people died in the quake?", mode="extractive")
    assert a.answered and "50,000" in a.text
    assert "42" not in a.text and not any(c.doc_id.startswith("news-0") for c in a.citations)
    assert [v.normalized for v in a.values] == ["50000"]


def test_figures_from_stories_none_of_which_names_what_was_asked_answer_nothing(tmp_path):
    from tests.qa.test_library import built_pipeline

    # the flood report's 42 dead is the only "died" figure; no article names a landslide
    p = built_pipeline(tmp_path, "news", [FLOOD, QUAKE.replace("earthquakes killed more than 50,000 people", "quakes hit")])
    a = p.answer("How many people died in the landslide?", mode="extractive")
    assert "42" not in a.text and not a.values


QUAKE_WIRE = ("Strong earthquake hits western Anatolia\n"
              "A strong earthquake rocked western Turkey on Saturday, the disaster agency said.\n"
              "Health Minister Fahrettin Koca said 52 people had been injured, most of them lightly.")


def test_two_reports_of_one_quake_each_give_their_count_though_one_names_the_quake_only_in_its_title(tmp_path):
    from tests.qa.test_library import built_pipeline

    quake = QUAKE.replace("quake struck western Turkey on Saturday, damaging dozens of buildings",
                          "earthquake struck western Turkey on Saturday, injuring at least 35 people")
    assert quake != QUAKE
    a = built_pipeline(tmp_path, "news", [quake, QUAKE_WIRE]).answer(
        "How many people were injured in the earthquake?", mode="extractive")
    assert a.answered and {v.normalized for v in a.values} == {"35", "52"}
    assert "35" in a.text and "52" in a.text
