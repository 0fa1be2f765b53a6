"""A question that names a year asks about it: a source that writes its years out and never
that one is about other times (qa/sources/events.py states_time, the pipeline's filter)."""

from __future__ import annotations

from index.claims import extract_claims
from index.records import Document
from lang import timex
from qa.sources.events import asked_period, states_time
from tests.qa.test_library import built_pipeline

BRIDGE = ("Bridge history\n\nThe old bridge over the Velm was opened by Queen Maria in 1931. "
          "It was widened by the engineer Tomas Hale in 1954, when traffic had doubled.\n")
MARKET = ("Market news\n\nThe fish market of Velmora moved to the harbour in 1988. "
          "Its stalls open before dawn.\n")


def _doc(text: str, date: str = "") -> Document:
    return Document(doc_id="d", text=text, source="d", content_hash="d", date=date)


def _states(text: str, asked: str, date: str = "") -> bool | None:
    doc = _doc(text, date)
    return states_time(timex.period(asked), doc, extract_claims(doc))


def test_only_a_time_with_its_year_is_asked():
    assert asked_period("2014") is not None and asked_period("2000/2011") is not None
    assert asked_period("--03") is None and asked_period("") is None


def test_a_source_states_the_asked_time_by_a_date_a_range_or_its_own_date():
    assert _states("Prices rose in October 2014, the bank said.", "2014") is True
    assert _states("Prices rose every year from 2010 to 2015, the bank said.", "2014-12") is True
    assert _states("Prices rose last month, the bank said.", "2014-11", date="2014-12-03") is True
    assert _states("Prices fell in 2009, the bank said.", "2014") is False


def test_an_undated_source_with_a_relative_time_cannot_tell():
    assert _states("Prices rose last year, the bank said.", "2014") is None
    assert _states("Prices rose in 2009 and again last year, the bank said.", "2014") is None
    # a relative time that writes its year out tells
    assert _states("From January to November 2012, prices rose.", "1948") is False


def test_a_year_no_source_states_declines_and_says_so(tmp_path):
    p = built_pipeline(tmp_path, "town", [BRIDGE, MARKET])
    a = p.answer("Who opened the old bridge over the Velm in 1962?", mode="extractive")
    assert not a.answered and "No source found mentions 1962" in a.note
    a = p.answer("Who opened the old bridge over the Velm in 1931?", mode="extractive")
    assert a.answered and "Queen Maria" in a.text


NEW_BRIDGE = ("New bridge\n\nThe new bridge over the Velm was opened by Mayor Ilse Brandt in 2004. "
              "It carries a tram line.\n")


def test_sources_of_other_years_are_left_out_of_the_answer(tmp_path):
    p = built_pipeline(tmp_path, "town", [BRIDGE, MARKET, NEW_BRIDGE])
    a = p.answer("Who opened the bridge over the Velm in 2004?", mode="extractive")
    assert a.answered and "Ilse Brandt" in a.text and "Queen Maria" not in a.text
    assert {c.doc_id for c in a.citations} == {"town-2"}
