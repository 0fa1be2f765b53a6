"""answer() end to end over the bundled corpus: real embedder, real Chroma, no LLM."""

from __future__ import annotations

import re

import pytest

from qa.errors import BadQuestion

pytestmark = pytest.mark.integration

QUESTIONS = [
    "How many North Korean troops were deployed to Russia last year?",
    "How many North Korean soldiers have been killed?",
    "When did Shoigu arrive in Pyongyang for the March visit?",
    "Who sent Shoigu to Pyongyang?",
    "What did Shoigu and Kim discuss?",
    "What is the name of Shoigu's interpreter?",
]


def test_troops_deployed_last_year_is_12000_cited_from_the_diaspora_article(corpus_pipeline):
    a = corpus_pipeline.answer("How many North Korean troops were deployed to Russia last year?")
    assert a.answered and a.mode == "extractive"
    assert "12,000" in a.text
    cited = {c.doc_id for c in a.citations if "12,000" in c.quote}
    assert "000_39919b6c59c34877" in cited


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_citation_quote_is_the_original_text_at_its_offsets(corpus_pipeline, question):
    docs = corpus_pipeline.documents()
    a = corpus_pipeline.answer(question)
    for c in a.citations:
        assert docs[c.doc_id].text[c.start:c.end] == c.quote
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", a.text)}
    assert markers <= set(range(1, len(a.citations) + 1))


def test_killed_figures_from_two_sources_are_both_given_as_different_measures(corpus_pipeline):
    a = corpus_pipeline.answer("How many North Korean soldiers have been killed?")
    assert a.answered
    assert {"600", "4000"} <= {v.normalized for v in a.values}
    assert {v.relation for v in a.values} == {"different-measure"}
    assert {c.doc_id for c in a.citations} >= {"000_39919b6c59c34877", "004_373a661a67fa0f25"}


def test_march_visit_is_answered_from_the_march_article_only(corpus_pipeline):
    a = corpus_pipeline.answer("When did Shoigu arrive in Pyongyang for the March visit?")
    assert a.answered
    assert {c.doc_id for c in a.citations} == {"004_373a661a67fa0f25"}
    assert "March 21" in a.text


def test_question_the_corpus_cannot_answer_is_declined_with_closest_passages(corpus_pipeline):
    a = corpus_pipeline.answer("What is the name of Shoigu's interpreter?")
    assert not a.answered
    assert a.citations == ()
    assert a.passages


def test_follow_up_uses_the_chat_history(corpus_pipeline):
    history = [{"role": "user", "content": "How many North Korean troops were deployed to Russia last year?"},
               {"role": "assistant", "content": "approximately 12,000 [1]"}]
    a = corpus_pipeline.answer("and how many more were sent this year?", history=history)
    assert a.answered
    assert "3,000" in a.text
    assert "deployed" in a.standalone_question


def test_no_model_configured_is_said_in_auto_mode(corpus_pipeline):
    a = corpus_pipeline.answer("Who sent Shoigu to Pyongyang?", mode="auto")
    assert a.mode == "extractive"
    assert "No local model" in a.note


@pytest.mark.parametrize("question", ["", "   \n", "x" * 501])
def test_empty_or_overlong_question_raises_bad_question(corpus_pipeline, question):
    with pytest.raises(BadQuestion):
        corpus_pipeline.answer(question)


def test_to_dict_is_json_ready(corpus_pipeline):
    import json

    a = corpus_pipeline.answer("How many North Korean soldiers have been killed?")
    d = json.loads(json.dumps(a.to_dict()))
    assert d["answered"] is True and d["citations"][0]["quote"]
    assert {"text", "mode", "values", "passages", "rejected", "raw_text"} <= set(d)


def _with_fake_llm(pipeline, monkeypatch, *replies):
    from tests.qa.fakes_llm import FakeLLM

    fake = FakeLLM(*replies)
    monkeypatch.setattr(pipeline, "llm", lambda: fake)
    return fake


def test_llm_answer_streams_then_keeps_every_value_the_sources_give(corpus_pipeline, monkeypatch):
    _with_fake_llm(corpus_pipeline, monkeypatch,
                   "Around 600 North Korean soldiers have been killed in action, South Korean reports say [1].")
    items = list(corpus_pipeline.stream("How many North Korean soldiers have been killed?", mode="auto"))
    final = items[-1]
    assert all(isinstance(x, str) for x in items[:-1]) and len(items) > 2  # streamed pieces
    assert final.mode == "llm"
    assert {"600", "4000"} <= {v.normalized for v in final.values}
    assert "Sources differ" in final.text
    docs = corpus_pipeline.documents()
    for c in final.citations:
        assert docs[c.doc_id].text[c.start:c.end] == c.quote
    for v in final.values:
        assert all(1 <= n <= len(final.citations) for n in v.citations)


def test_llm_wrong_figure_falls_back_to_the_extractive_answer(corpus_pipeline, monkeypatch):
    _with_fake_llm(corpus_pipeline, monkeypatch, "600 North Korean troops were deployed to Russia last year [1].")
    a = corpus_pipeline.answer("How many North Korean troops were deployed to Russia last year?", mode="auto")
    assert a.mode == "extractive-fallback"
    assert "12,000" in a.text and "600" not in a.text
    assert a.rejected and a.raw_text


def test_llm_mode_without_a_model_is_a_clear_error(corpus_pipeline):
    from qa.errors import ModelUnavailable

    with pytest.raises(ModelUnavailable, match="QA_LLM"):
        corpus_pipeline.answer("Who sent Shoigu to Pyongyang?", mode="llm")


def test_when_did_he_leave_answers_the_departure_not_the_arrival(corpus_pipeline):
    a = corpus_pipeline.answer("When did Shoigu leave Pyongyang after meeting Kim on June 4?")
    assert a.answered
    assert all("departed" in c.quote for c in a.citations)
    assert "later in the day" in a.text and "June 4, 2025" in a.text  # resolved from the article's date


@pytest.mark.parametrize("ordinal", ["fifth", "eighth", "11th"])
def test_a_visit_the_sources_do_not_report_is_declined_with_the_reason(corpus_pipeline, ordinal):
    a = corpus_pipeline.answer(f"What did Shoigu discuss during his {ordinal} visit to Pyongyang?")
    assert not a.answered
    assert ordinal in a.note


def test_a_dated_meeting_mentioned_in_passing_is_still_answered(corpus_pipeline):
    a = corpus_pipeline.answer("Who did Shoigu meet in Jakarta in February 2025?")
    assert a.answered
    assert "Sjafrie Sjamsoeddin" in a.text


def test_a_period_holding_one_reported_visit_is_named_as_that_visit(corpus_pipeline):
    a = corpus_pipeline.answer("The June 17 report mentions Shoigu's visit 'earlier in June'. "
                               "On what date did that earlier visit happen?")
    assert a.answered
    assert "the visit of June 4, 2025" in a.text
