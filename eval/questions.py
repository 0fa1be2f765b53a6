"""The eval questions: the record of one line of ``questions.jsonl``, loading and selection.

The file format is documented in ``eval/README.md``; ``load_questions`` validates it and
says which line is wrong. Scoring the answers is left to ``eval/run.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from eval.metrics import Span

DEFAULT_QUESTIONS = Path(__file__).resolve().parent / "questions.jsonl"
CATEGORIES = ("single_fact", "number", "date", "paraphrase", "multi_source", "conflict",
              "time_event", "follow_up", "unanswerable")


class EvalError(Exception):
    """Bad input to the suite (questions file, options, thresholds); the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Question:
    """One line of ``questions.jsonl`` (see ``eval/README.md`` for the format)."""

    id: str
    category: str
    question: str
    answers: tuple[str, ...] = ()
    required_values: tuple[tuple[str, ...], ...] = ()
    gold_doc_ids: tuple[str, ...] = ()
    gold_quotes: tuple[Span, ...] = ()
    answerable: bool = True
    history: tuple[dict, ...] = ()
    notes: str = ""

    @property
    def gold_values(self) -> list[str]:
        """Every accepted variant of every gold value."""
        return list(self.answers) + [v for group in self.required_values for v in group]


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[Question]:
    """Read and validate the questions file.

    Raises:
        EvalError: a line is not JSON, misses a field, or is inconsistent (e.g. an
            answerable question without gold values, a duplicate id, an unknown category).
    """
    questions: list[Question] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"cannot read questions file {path}: {exc}") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            q = Question(
                id=str(d["id"]), category=str(d["category"]), question=str(d["question"]),
                answers=tuple(d.get("answers", ())),
                required_values=tuple(tuple(g) for g in d.get("required_values", ())),
                gold_doc_ids=tuple(d.get("gold_doc_ids", ())),
                gold_quotes=tuple(Span(g["doc_id"], g["quote"]) for g in d.get("gold_quotes", ())),
                answerable=bool(d.get("answerable", True)),
                history=tuple({"role": h["role"], "content": h["content"]} for h in d.get("history", ())),
                notes=str(d.get("notes", "")))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise EvalError(f"{path}:{n}: bad question line ({exc!r}); see eval/README.md") from exc
        if q.category not in CATEGORIES:
            raise EvalError(f"{path}:{n}: unknown category {q.category!r}; use one of {', '.join(CATEGORIES)}")
        if q.answerable and not (q.answers or q.required_values):
            raise EvalError(f"{path}:{n}: answerable question {q.id} has no answers or required_values")
        if not q.answerable and (q.answers or q.required_values or q.gold_quotes):
            raise EvalError(f"{path}:{n}: unanswerable question {q.id} must not have gold values or quotes")
        questions.append(q)
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise EvalError(f"{path}: duplicate question ids: {sorted({i for i in ids if ids.count(i) > 1})}")
    return questions


def select(questions: Sequence[Question], categories: str = "", limit: int | None = None,
           per_category: int | None = None) -> list[Question]:
    """The questions of the given categories (comma-separated; '' = all), at most ``per_category``
    of each, then at most ``limit`` in all (file order is kept)."""
    wanted = [c.strip() for c in categories.split(",") if c.strip()]
    unknown = sorted(set(wanted) - set(CATEGORIES))
    if unknown:
        raise EvalError(f"unknown categories {unknown}; use some of {', '.join(CATEGORIES)}")
    out = [q for q in questions if not wanted or q.category in wanted]
    if per_category is not None:
        if per_category < 1:
            raise EvalError(f"--per-category {per_category}: use a positive number of questions")
        out = [q for i, q in enumerate(out) if sum(p.category == q.category for p in out[:i]) < per_category]
    if limit is not None:
        if limit < 1:
            raise EvalError(f"--limit {limit}: use a positive number of questions")
        out = out[:limit]
    return out
