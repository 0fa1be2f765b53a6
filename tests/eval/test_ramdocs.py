"""The RAMDocs benchmark mode: its split, its scoring rules and the CLI on a toy file."""

from __future__ import annotations

import json

import pytest

from eval import bench_ramdocs
from eval.questions import EvalError


def _q(gold=("12,000",), wrong=("15,000",), types=("correct", "misinfo")):
    docs = tuple((f"document {i}", t) for i, t in enumerate(types))
    return bench_ramdocs.Question("r1", "How many?", docs, tuple(gold), tuple(wrong))


def test_the_split_is_fixed_by_the_question_text_and_covers_both_halves():
    qs = [f"Question number {i}?" for i in range(200)]
    first = [bench_ramdocs.split_of(q) for q in qs]
    assert first == [bench_ramdocs.split_of(q) for q in qs]
    assert 60 < first.count("report") < 140 and set(first) == {"calibrate", "report"}


def test_exact_match_needs_every_gold_answer_and_no_wrong_one():
    q = _q(gold=("Paris", "Lyon"))
    assert bench_ramdocs.judge(q, True, "Paris and Lyon.", set(), 1.0).exact_match
    only_one = bench_ramdocs.judge(q, True, "Paris.", set(), 1.0)
    assert not only_one.exact_match and not only_one.every_gold and only_one.no_wrong
    with_wrong = bench_ramdocs.judge(q, True, "Paris, Lyon, or 15,000.", {"misinfo"}, 1.0)
    assert with_wrong.every_gold and not with_wrong.no_wrong and not with_wrong.exact_match
    assert with_wrong.both_sides and with_wrong.cites_planted


def test_a_decline_holds_nothing_and_shows_no_side():
    o = bench_ramdocs.judge(_q(), False, "The sources don't say. 12,000 is listed below.", set(), 1.0)
    assert not o.every_gold and o.no_wrong and not o.both_sides and o.planted


def test_answers_are_matched_as_whole_normalised_words():
    q = _q(gold=("ice hockey",), wrong=("hockey",), types=("correct", "noise"))
    o = bench_ramdocs.judge(q, True, "He played Ice-Hockey.", set(), 1.0)
    assert not o.every_gold  # "icehockey" after SQuAD's punctuation removal
    o = bench_ramdocs.judge(q, True, "He played ice hockey.", set(), 1.0)
    assert o.every_gold and not o.no_wrong and not o.planted  # no planted document: not a both-sides case


def test_aggregate_counts_both_sides_only_where_a_document_is_planted():
    outs = [bench_ramdocs.judge(_q(), True, "12,000 or 15,000", set(), 1.0),
            bench_ramdocs.judge(_q(), True, "12,000", set(), 1.0),
            bench_ramdocs.judge(_q(types=("correct", "noise")), True, "12,000", set(), 1.0)]
    m = bench_ramdocs.aggregate(outs)
    assert m["planted"] == 2 and m["both_sides"] == 0.5
    assert m["exact_match"] == round(2 / 3, 4) and m["by_gold_answers"] == {"1": {"n": 3, "exact_match": m["exact_match"]}}


def test_a_malformed_line_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"question": "Who?"}\n', encoding="utf-8")
    with pytest.raises(EvalError, match=r"bad.jsonl:1: not a RAMDocs record"):
        bench_ramdocs.load(path)


@pytest.mark.integration
def test_benchmark_cli_answers_each_question_from_its_own_documents(tmp_path, capsys):
    from eval.run import main

    rows = [{"question": "How many delegates attended the Brenn summit?",
             "documents": [{"text": "The Brenn summit opened on Monday. About 40 delegates attended the Brenn summit, "
                                    "organisers said.", "type": "correct", "answer": "40"},
                           {"text": "The Brenn summit opened on Monday. About 90 delegates attended the Brenn summit, "
                                    "organisers said.", "type": "misinfo", "answer": "90"}],
             "disambig_entity": [], "gold_answers": ["40"], "wrong_answers": ["90"]},
            {"question": "Which river flows through Ostvik?",
             "documents": [{"text": "The river Almo flows through Ostvik before it reaches the sea.", "type": "correct",
                            "answer": "Almo"}],
             "disambig_entity": [], "gold_answers": ["Almo"], "wrong_answers": []}]
    path = tmp_path / "toy.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    rc = main(["--benchmark", "ramdocs", str(path), "--out-dir", str(tmp_path / "out"), "--quiet"])
    assert rc == 0
    report = json.loads((tmp_path / "out" / "ramdocs-toy-all.json").read_text())
    assert report["n_questions"] == 2 and set(report["systems"]) == {"product", "echo every document", "always decline"}
    assert report["systems"]["echo every document"]["both_sides"] == 1.0
    assert report["systems"]["always decline"]["no_wrong"] == 1.0
    assert "Gate: none recorded for ramdocs:toy:None:None:" in capsys.readouterr().out
    assert main(["--benchmark", "ramdocs", str(path), "--split", "train", "--out-dir", str(tmp_path / "o2")]) == 2
