"""The CI gate: thresholds kept in ``eval/thresholds.json`` and the check against them.

``python -m eval --mode extractive --check`` exits 1 when ``check_gate`` returns failures.
The thresholds are measured values minus a small margin, raised as the product improves.
"""

from __future__ import annotations

import json
from pathlib import Path

from eval.questions import EvalError

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.json"


def load_thresholds(path: Path = DEFAULT_THRESHOLDS) -> dict:
    """Read the gate: ``{"min": {metric: value}, "max": {metric: value}}``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise EvalError(f"cannot read thresholds {path}: {exc}") from exc
    if not isinstance(data.get("min", {}), dict) or not isinstance(data.get("max", {}), dict):
        raise EvalError(f"{path}: 'min' and 'max' must map metric names to numbers")
    return data


def check_gate(metrics: dict, thresholds: dict) -> list[str]:
    """The failed conditions of the gate, one line each (empty: the gate passes).

    A metric missing from ``metrics`` (or None) fails: a gate must not pass by omission.
    """
    failures = []
    for name, floor in thresholds.get("min", {}).items():
        got = metrics.get(name)
        if got is None or got < floor:
            failures.append(f"{name} = {_fmt(got)} is below the threshold {floor}")
    for name, ceiling in thresholds.get("max", {}).items():
        got = metrics.get(name)
        if got is None or got > ceiling:
            failures.append(f"{name} = {_fmt(got)} is above the limit {ceiling}")
    return failures


def _fmt(x) -> str:
    return "missing" if x is None else (f"{x:.3f}" if isinstance(x, float) else str(x))
