"""The runner on fake systems: scores, the JSON report's keys, the gate and the reports."""

from __future__ import annotations

import json

import pytest

from eval import report
from eval.gate import load_thresholds
from eval.questions import EvalError, load_questions, select
from eval.run import run_suite, score
from qa.errors import BadQuestion
from qa.records import Answer, Citation, Passage

DOC_A = "Intro. Around 600 soldiers were killed. Other news."
DOC_B = "Zelensky said 4,000 casualties. Shoigu met Kim."
TEXTS = {"a": DOC_A, "b": DOC_B}
QUOTE_A = "Around 600 soldiers were killed."
QUOTE_B = "Zelensky said 4,000 casualties."

LINES = [
    {"id": "q1", "category": "number", "question": "How many were killed?", "answers": ["600"],
     "required_values": [], "gold_doc_ids": ["a"], "gold_quotes": [{"doc_id": "a", "quote": QUOTE_A}],
     "answerable": True, "notes": ""},
    {"id": "q2", "category": "conflict", "question": "Killed or casualties?", "answers": [],
     "required_values": [["600"], ["4,000"]], "gold_doc_ids": ["a", "b"],
     "gold_quotes": [{"doc_id": "a", "quote": QUOTE_A}, {"doc_id": "b", "quote": QUOTE_B}],
     "answerable": True, "notes": ""},
    {"id": "q3", "category": "unanswerable", "question": "What gift?", "answers": [], "required_values": [],
     "gold_doc_ids": [], "gold_quotes": [], "answerable": False, "notes": "not in the articles"},
    {"id": "q4", "category": "follow_up", "question": "And him?", "history": [
        {"role": "user", "content": "Who met Kim?"}, {"role": "assistant", "content": "Shoigu."}],
     "answers": ["Kim"], "required_values": [], "gold_doc_ids": ["b"],
     "gold_quotes": [{"doc_id": "b", "quote": "Shoigu met Kim."}], "answerable": True, "notes": ""},
]


def _span(doc, quote):
    start = TEXTS[doc].index(quote)
    return start, start + len(quote)


def _cite(doc, quote):
    s, e = _span(doc, quote)
    return Citation(doc_id=doc, title=doc, quote=quote, start=s, end=e, score=1.0)


def _passage(doc, quote, cid):
    s, e = _span(doc, quote)
    return Passage(chunk_id=cid, doc_id=doc, text=quote, start=s, end=e, score=1.0)


PA, PB = _passage("a", QUOTE_A, "ca"), _passage("b", QUOTE_B, "cb")


class Canned:
    """A system that returns a queued answer per question id (an exception is raised)."""

    def __init__(self, name, replies):
        self.name = name
        self.replies = replies
        self.seen_history = {}

    def answer(self, q):
        self.seen_history[q.id] = q.history
        reply = self.replies[q.id]
        if isinstance(reply, Exception):
            raise reply
        return reply


@pytest.fixture
def questions(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in LINES), encoding="utf-8")
    return load_questions(path)


def good_system():
    return Canned("project", {
        "q1": Answer("q1", "Around 600 soldiers were killed [1].", True, citations=(_cite("a", QUOTE_A),),
                     passages=(PB, PA)),
        "q2": Answer("q2", "About 600 killed [1]; other figures unknown.", True,
                     citations=(_cite("a", QUOTE_A), _cite("b", "Shoigu met Kim.")), passages=(PA, PB)),
        "q3": Answer("q3", "The sources don't say.", False, passages=(PB,)),
        "q4": BadQuestion("too long"),
    })


def bad_baseline():
    top = Answer("x", "Zelensky said 4,000 casualties. [1]", True, citations=(_cite("b", QUOTE_B),), passages=(PB,))
    return Canned("llamaindex", {q: top for q in ("q1", "q2", "q3", "q4")})


def test_score_of_a_correct_cited_answer(questions):
    r = score(questions[0], good_system().replies["q1"], 12.0, "project", TEXTS)
    assert (r.accuracy, r.citation_precision, r.citation_recall) == (1.0, 1.0, 1.0)
    assert (r.hit_at_1, r.hit_at_k, r.recall_at_k, r.mrr) == (0.0, 1.0, 1.0, 0.5)
    assert not r.wrong_confident


def test_suite_report_has_the_json_keys_and_hand_computed_metrics(questions):
    result = run_suite([good_system(), bad_baseline()], questions, TEXTS)
    assert result["n_questions"] == 4
    assert set(result["by_category"]) == {"number", "conflict", "unanswerable", "follow_up"}
    m = result["metrics"]
    for key in ("answer_accuracy", "citation_precision", "citation_recall", "retrieval_recall_at_5", "mrr",
                "abstention_precision", "abstention_recall", "latency_p50_ms", "latency_p95_ms"):
        assert key in m
    # answerable: q1 = 1, q2 = 1/2 (600 but not 4,000), q4 = error -> declined = 0
    assert m["answer_accuracy"] == pytest.approx(0.5)
    assert m["citation_precision"] == pytest.approx((1.0 + 0.5) / 2)  # q2's second citation supports nothing
    assert m["citation_recall"] == pytest.approx((1.0 + 1.0 + 0.0) / 3)
    # declined: q3 (unanswerable) and q4 (error on an answerable question)
    assert (m["abstention_precision"], m["abstention_recall"]) == (0.5, 1.0)
    assert m["wrong_confident_answers"] == 0 and m["errors"] == 1
    assert m["mrr"] == pytest.approx((0.5 + 1.0 + 0.0) / 3)  # q4 has no passages

    base = result["systems"]["llamaindex"]["metrics"]
    # the top passage: wrong on q1 and q4, half of q2, confident on the unanswerable q3
    assert base["answer_accuracy"] == pytest.approx(0.5 / 3)
    assert base["wrong_confident_answers"] == 3
    assert base["wrong_confident_on_unanswerable"] == 1
    assert base["abstention_recall"] == 0.0 and base["abstention_precision"] is None
    assert result["questions"][0]["baselines"]["llamaindex"]["accuracy"] == 0.0


def test_history_reaches_the_system(questions):
    system = good_system()
    run_suite([system], questions, TEXTS)
    assert system.seen_history["q4"][0]["content"] == "Who met Kim?"


def test_repository_thresholds_name_real_metrics(questions):
    thresholds = load_thresholds()
    result = run_suite([good_system()], questions, TEXTS)
    names = set(thresholds.get("min", {})) | set(thresholds.get("max", {}))
    assert {"answer_accuracy", "citation_precision", "abstention_recall"} <= names
    assert names <= set(result["metrics"])


def test_select_filters_categories_and_limits(questions):
    assert [q.id for q in select(questions, "number,conflict")] == ["q1", "q2"]
    assert [q.id for q in select(questions, "", 1)] == ["q1"]
    assert [q.id for q in select(questions + questions[:2], "", per_category=1)] == ["q1", "q2", "q3", "q4"]
    with pytest.raises(EvalError, match="unknown categories"):
        select(questions, "numbers")


def test_bad_questions_file_names_the_line(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(LINES[0]) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(EvalError, match=":2:"):
        load_questions(path)
    path.write_text(json.dumps({**LINES[0], "answers": []}), encoding="utf-8")
    with pytest.raises(EvalError, match="no answers"):
        load_questions(path)


def test_reports_write_markdown_chart_and_tables(questions, tmp_path):
    result = run_suite([good_system(), bad_baseline()], questions, TEXTS)
    md = report.write_markdown(result, tmp_path)
    text = md.read_text(encoding="utf-8")
    assert "| number |" in text and "llamaindex" in text and "by_category.png" in text
    png = tmp_path / "by_category.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    tables = report.console_tables(result)
    assert "unanswerable" in tables and "ALL" in tables


def test_values_shown_with_the_answer_count_for_accuracy(questions):
    from qa.records import Value

    plain = Answer("q1", "Around that many soldiers were killed [1].", True, citations=(_cite("a", QUOTE_A),))
    assert score(questions[0], plain, 1.0, "project", TEXTS).accuracy == 0.0
    with_value = Answer("q1", plain.text, True, citations=plain.citations,
                        values=(Value(text="around 600", normalized="600", citations=(1,)),))
    assert score(questions[0], with_value, 1.0, "project", TEXTS).accuracy == 1.0


def test_a_value_never_matches_across_two_shown_texts():
    from eval.metrics import matches_any

    assert not matches_any(["He came in June", "4 people"], ["June 4"])
    assert matches_any(["He came in June", "on June 4"], ["June 4"])


class _Streaming:
    """A pipeline whose answers stream: two text pieces, then the final ``Answer``."""

    def __init__(self, answer):
        self.final = answer
        self.snapshots = 0

    def snapshot(self):
        import contextlib

        self.snapshots += 1
        return contextlib.nullcontext()

    def stream(self, question, history=None, mode=None):
        yield ""  # an empty piece shows nothing: it is no first token
        yield "Around 600 "
        yield "soldiers were killed [1]."
        yield self.final


def test_a_streaming_project_system_records_the_time_to_its_first_piece(questions):
    from eval.baselines import ProjectSystem, timed_answer

    final = good_system().replies["q1"]
    pipe = _Streaming(final)
    answer, first = timed_answer(pipe, "How many were killed?", mode="llm")
    assert answer is final and first is not None and first >= 0.0 and pipe.snapshots == 1
    result = run_suite([ProjectSystem(pipe, "llm"), good_system()], questions[:1], TEXTS)
    (row,) = result["questions"]
    assert row["first_piece_ms"] is not None and row["first_piece_ms"] <= row["latency_ms"]
    assert result["metrics"]["first_piece_p50_ms"] == pytest.approx(row["first_piece_ms"])
    # a system that does not stream has no first piece
    assert result["systems"]["project"]["metrics"]["first_piece_p50_ms"] is None
