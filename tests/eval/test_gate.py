"""The CI gate: thresholds and the check that fails a run below them."""

from __future__ import annotations

import pytest

from eval.gate import check_gate, load_thresholds
from eval.questions import EvalError


def test_gate_fails_when_a_metric_is_below_its_threshold():
    thresholds = {"min": {"answer_accuracy": 0.6, "citation_precision": 0.7}, "max": {"wrong_confident_answers": 2}}
    assert check_gate({"answer_accuracy": 0.7, "citation_precision": 0.7, "wrong_confident_answers": 2},
                      thresholds) == []
    failures = check_gate({"answer_accuracy": 0.59, "citation_precision": 0.9, "wrong_confident_answers": 3},
                          thresholds)
    assert len(failures) == 2 and "answer_accuracy" in failures[0] and "wrong_confident" in failures[1]
    assert check_gate({"answer_accuracy": 0.9}, thresholds)  # a missing metric never passes


def test_thresholds_file_must_map_metrics_to_numbers(tmp_path):
    path = tmp_path / "t.json"
    path.write_text('{"min": [0.5]}', encoding="utf-8")
    with pytest.raises(EvalError, match="'min' and 'max'"):
        load_thresholds(path)
    with pytest.raises(EvalError, match="cannot read thresholds"):
        load_thresholds(tmp_path / "missing.json")


def test_repository_gate_is_for_extractive_mode_with_margins_below_measured():
    thresholds = load_thresholds()
    assert thresholds["mode"] == "extractive"
    for name, floor in thresholds["min"].items():
        assert floor <= thresholds["measured"][name], name
    for name, ceiling in thresholds["max"].items():
        assert ceiling >= thresholds["measured"][name], name
