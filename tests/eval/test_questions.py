"""The question set itself: verbatim gold quotes, categories, and honest gold values."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from eval.metrics import matches_any
from eval.questions import CATEGORIES, DEFAULT_QUESTIONS, load_questions

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def questions():
    return load_questions(DEFAULT_QUESTIONS)


@pytest.fixture(scope="module")
def corpus():
    return {p.stem: p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")}


def test_every_gold_quote_occurs_verbatim_in_its_document(questions, corpus):
    missing = [(q.id, g.doc_id, g.text[:60]) for q in questions for g in q.gold_quotes
               if g.text not in corpus.get(g.doc_id, "")]
    assert not missing


def test_gold_doc_ids_name_bundled_articles_and_cover_the_quotes(questions, corpus):
    for q in questions:
        assert set(q.gold_doc_ids) <= set(corpus), q.id
        assert {g.doc_id for g in q.gold_quotes} <= set(q.gold_doc_ids), q.id


def test_suite_has_at_least_sixty_questions_with_unique_ids(questions):
    assert len(questions) >= 60
    assert len({q.id for q in questions}) == len(questions)


def test_every_category_has_several_questions(questions):
    counts = Counter(q.category for q in questions)
    assert set(counts) == set(CATEGORIES)
    assert all(n >= 5 for n in counts.values()), counts


def test_at_least_ten_unanswerable_questions_without_gold(questions):
    unanswerable = [q for q in questions if not q.answerable]
    assert len(unanswerable) >= 10
    assert all(q.category == "unanswerable" for q in unanswerable)
    assert all(not q.gold_quotes and not q.answers and q.notes for q in unanswerable)


def test_answerable_questions_have_gold_documents_and_quotes(questions):
    for q in questions:
        if q.answerable:
            assert q.gold_doc_ids and q.gold_quotes, q.id


def test_follow_ups_carry_a_chat_history(questions):
    follow_ups = [q for q in questions if q.category == "follow_up"]
    assert follow_ups
    for q in follow_ups:
        assert q.history and {h["role"] for h in q.history} <= {"user", "assistant"}, q.id


def test_multi_source_questions_cite_several_documents(questions):
    for q in questions:
        if q.category == "multi_source":
            assert len(q.gold_doc_ids) >= 2, q.id


def test_conflict_questions_require_every_disagreeing_value(questions):
    for q in questions:
        if q.category == "conflict":
            assert len(q.required_values) >= 2 and len(q.gold_doc_ids) >= 2, q.id


def test_time_questions_cover_the_three_visits(questions):
    text = " ".join(v for q in questions if q.category == "time_event" for v in q.gold_values)
    for visit in ("March 21", "June 4", "June 17"):
        assert visit in text


def test_gold_values_are_stated_in_the_gold_quotes(questions):
    """Every gold value is in its quotes, except relative dates resolved against the article's date."""
    for q in questions:
        if not q.answerable:
            continue
        quotes = " ".join(g.text for g in q.gold_quotes)
        groups = q.required_values or (q.answers,)
        missing = [g for g in groups if not matches_any(quotes, g)]
        if q.category == "time_event":
            assert not missing or q.notes, q.id  # the note says how the date was resolved
        else:
            assert not missing, (q.id, missing)


def test_questions_file_is_one_json_object_per_line():
    for line in DEFAULT_QUESTIONS.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        assert {"id", "category", "question", "answers", "required_values", "gold_doc_ids",
                "gold_quotes", "answerable", "notes"} <= set(d)
