"""The hybrid's joint threshold check (scripts/calibrate_veto.py --joint): how a question scores
when the hand-written threshold or the veto declines its answer."""

from __future__ import annotations

from tests.eval.scripts import load


def _script():
    return load("calibrate_veto")


def _row(answerable: bool, right: bool, top: float, confidence: float | None) -> dict:
    return {"answerable": answerable, "answered": True, "right": right, "top": top, "confidence": confidence}


def test_an_answer_under_either_threshold_declines():
    cv = _script()
    wrong_to_unanswerable = _row(False, False, top=0.3, confidence=0.9)
    assert cv.joint_points(wrong_to_unanswerable, 0.0, 0.0) == -1
    assert cv.joint_points(wrong_to_unanswerable, 0.35, 0.0) == 1     # the score declines: right
    right = _row(True, True, top=0.6, confidence=0.2)
    assert cv.joint_points(right, 0.35, 0.0) == 1
    assert cv.joint_points(right, 0.35, 0.24) == 0                     # the veto declines it
    unjudged = _row(True, True, top=0.6, confidence=None)              # code checked it: no veto
    assert cv.joint_points(unjudged, 0.35, 0.9) == 1


def test_a_pair_is_scored_over_all_questions():
    cv = _script()
    rows = [_row(True, True, 0.6, 0.9), _row(False, False, 0.3, 0.9), _row(True, False, 0.5, 0.1)]
    loose = cv.at_pair(rows, 0.0, 0.0)
    assert loose["crag"] == round((1 - 1 - 1) / 3, 4) and loose["wrong"] == 2
    strict = cv.at_pair(rows, 0.35, 0.24)
    assert strict["crag"] == round(2 / 3, 4) and strict["wrong"] == 0 and strict["accuracy"] == round(2 / 3, 4)
