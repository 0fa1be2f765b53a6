"""Answers about events themselves: their date, what happened, the time between two of them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from index.claims import extract_claims
from index.records import Document
from qa.answering.extractive import abstain
from qa.question import analyze
from qa.records import Answer, Citation
from qa.sources.events import event_scope, events_of_documents, resolve_event
from qa.sources.timeline import dating_claim, event_answers

DATA = Path(__file__).resolve().parents[1] / "data" / "claims"
VISITS = ("visit_first", "visit_second", "visit_third")


@pytest.fixture(scope="module")
def ruiz():
    meta = json.loads((DATA / "metadata.json").read_text(encoding="utf-8"))
    docs = {n: Document(doc_id=n, text=(DATA / f"{n}.txt").read_text(encoding="utf-8"), source=n, content_hash="t",
                        date=meta[n]["date"], title=meta[n]["title"]) for n in VISITS}
    claims = {n: extract_claims(d) for n, d in docs.items()}
    events = events_of_documents(docs, claims)
    references = {n: d.date for n, d in docs.items()}
    return docs, claims, events, references


def _ask(ruiz, question: str, answer: Answer | None = None) -> Answer:
    docs, claims, events, references = ruiz
    spec = analyze(question)
    chosen = resolve_event(question, events, activity=spec.relation == "event")
    return event_answers(answer or abstain(question, ()), spec, chosen, claims, docs, references, events)


def test_each_event_is_dated_by_the_sentence_that_gives_its_day(ruiz):
    docs, claims, events, _ = ruiz
    dated = [dating_claim(e, claims) for e in events]
    assert [c.doc_id for c in dated] == list(VISITS)
    assert all(c.value == e.date for c, e in zip(dated, events))


def test_the_gap_between_two_named_visits_is_counted_from_their_cited_dates(ruiz):
    docs = ruiz[0]
    a = _ask(ruiz, "How long after her first visit to Solbakken did the second one happen?")
    assert a.answered
    assert a.text.startswith("42 days (about 6 weeks) passed between the visit of September 9, 2024 and the visit "
                             "of October 21, 2024")
    assert [c.doc_id for c in a.citations] == ["visit_first", "visit_second"]
    for c in a.citations:
        assert docs[c.doc_id].text[c.start:c.end] == c.quote
    assert {int(n) for n in re.findall(r"\[(\d+)\]", a.text)} == {1, 2}
    assert "“Monday” = September 9, 2024" in a.text  # the relative day in the quote is resolved


def test_a_date_question_about_an_ordinal_event_is_answered_by_its_dating_sentence(ruiz):
    a = _ask(ruiz, "Which visit was the third?")
    assert a.answered and a.citations[0].doc_id == "visit_third"
    assert [v.normalized for v in a.values] == ["2024-11-04"] and "November 4, 2024" in a.text


def test_what_happened_opens_with_the_event_and_keeps_the_answer_after_it(ruiz):
    docs = ruiz[0]
    doc = docs["visit_second"]
    quote = "During her previous visit in September, Ruiz promised grid upgrades."
    start = doc.text.index(quote)
    prior = Answer(question="q", text=f"{quote} [1]", answered=True, citations=(
        Citation(doc_id="visit_second", title="", quote=quote, start=start, end=start + len(quote), score=0.5),))
    a = _ask(ruiz, "What happened at Solbakken in September?", prior)
    assert [c.doc_id for c in a.citations] == ["visit_first", "visit_second"]
    assert a.text.index("[1]") < a.text.index(quote) < a.text.index("[2]")


def test_questions_about_no_single_event_are_left_alone(ruiz):
    prior = abstain("q", ())
    a = _ask(ruiz, "When were her first and second visits?", prior)  # two events, no gap asked
    assert a is prior or not a.answered


def test_how_many_times_counts_the_events_and_cites_each_date(ruiz):
    a = _ask(ruiz, "How many times did Ruiz visit Solbakken?")
    assert a.answered and a.text.startswith(
        "The sources report 3 visits: September 9, 2024, October 21, 2024 and November 4, 2024.")
    assert [v.normalized for v in a.values] == ["2024-09-09", "2024-10-21", "2024-11-04"]
    assert {v.relation for v in a.values} == {"different-event"}
    assert [c.doc_id for c in a.citations] == list(VISITS)


def test_an_answer_covering_several_events_says_which_is_which(ruiz):
    docs, claims, events, references = ruiz
    q = "What did Ruiz do on her first and second visits?"
    chosen = resolve_event(q, events)
    first, second = docs["visit_first"], docs["visit_second"]
    quotes = ("Energy Minister Ana Ruiz visited the Solbakken wind farm on Monday, meeting engineers and local officials.",
              "Energy Minister Ana Ruiz returned to the Solbakken wind farm on Monday, October 21, 2024, her second visit in "
              "six weeks.")
    cites = tuple(Citation(doc_id=d.doc_id, title="", quote=q_, start=d.text.index(q_), end=d.text.index(q_) + len(q_),
                           score=0.5) for d, q_ in zip((first, second), quotes))
    prior = Answer(question=q, text=f"{quotes[0]} [1] {quotes[1]} [2]", answered=True, citations=cites)
    scope = event_scope(chosen, docs, claims, events, per_event=True)
    a = event_answers(prior, analyze(q), chosen, claims, docs, references, events, scope)
    assert a.text.endswith("(By visit: September 9, 2024 [1]; October 21, 2024 [2].)")
    assert event_answers(prior, analyze(q), chosen, claims, docs, references, events) is prior  # no scope: as is
