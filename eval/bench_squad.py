"""``python -m eval --benchmark squad PATH``: the product on SQuAD-format questions it was not built on.

The corpus is the split's paragraphs, one document each, minus the held-out ones
(``eval/squad.py``): a held-out paragraph's questions are asked against a corpus that still
holds the rest of its article, and the right answer to them is to decline. SQuAD 2.0's
``is_impossible`` questions are unanswerable as they stand.

Scoring, per question:

- answerable: right when the product answers, its text is at most ``MAX_ANSWER_CHARS`` long,
  holds a gold answer (SQuAD normalisation: lower case, no punctuation or articles) and one
  of its citations is in the gold paragraph; answered otherwise is wrong; declined is 0.
- unanswerable: right when declined, wrong when answered.
- ``accuracy`` = right / n; ``crag`` = (right - wrong) / n, CRAG's +1 / 0 / -1 (declining an
  answerable question is 0, a wrong answer costs a point); ``answerable_found`` and
  ``unanswerable_declined`` split accuracy in two.

Baselines on the same questions and index: "always decline" (scores the unanswerable
share) and "best-overlap sentence" (the retrieved sentence sharing the most question words,
never declining).
"""

from __future__ import annotations

import json
import re
import string
import sys
import time
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

from eval import squad, swaps
from eval.baselines import timed_answer, with_local_model
from eval.questions import EvalError

MAX_ANSWER_CHARS = 800
# The eval's draw of replacements (eval/swaps.py); the reader's training draws with its own seed.
SWAP_SEED = 1
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = str.maketrans("", "", string.punctuation)
_ASCII_DASH = re.compile(r"-{2,}")


def squad_normalize(text: str) -> str:
    """SQuAD's answer normalisation: lower case, no punctuation, no articles, single spaces.

    SQuAD deletes ASCII punctuation only, which suits the spans it compares; an answer here
    is free text, where punctuation outside ASCII joins words ("threefold symmetry—triangular
    snowflakes", “Windows”), so that is read as a space and the gold answer is found; so is a
    dash typed in ASCII as two or more hyphens ("kitchen--mixing"), a single hyphen staying
    SQuAD's ("hard-wood" is "hardwood")."""
    text = _ASCII_DASH.sub(" ", text)
    spaced = "".join(" " if ord(ch) > 127 and unicodedata.category(ch).startswith("P") else ch for ch in text)
    return " ".join(_ARTICLES.sub(" ", spaced.lower().translate(_PUNCT)).split())


@dataclass(frozen=True, slots=True)
class Item:
    """One benchmark question, with the paragraph that answers it (absent from the corpus when held out)."""

    qid: str
    question: str
    pid: str
    answers: tuple[str, ...]
    answerable: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one system did on one question."""

    qid: str
    answerable: bool
    answered: bool
    right: bool
    text: str
    latency_ms: float
    reason: str = ""
    score: float = 0.0  # the best citation's score (the reader's probability when it scores)
    confidence: float | None = None  # ``Answer.confidence``: the reader's judgement of the quoted sentence
    mode: str = "extractive"  # ``Answer.mode``: "llm" when the model's text was kept
    first_piece_ms: float | None = None  # time to the first streamed text (the model's first token)
    # ``Answer.note`` of an answer given: why a model's text fell back, sources that differ, copies
    note: str = ""


def spread(items: list, limit: int | None) -> list:
    """``limit`` of ``items`` spread evenly over the list, in order (all when None)."""
    if limit is None or limit >= len(items):
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def holds(text: str, answer: str) -> bool:
    """Whether ``text`` holds ``answer`` as whole words after SQuAD normalisation."""
    a = squad_normalize(answer)
    return bool(a) and f" {a} " in f" {squad_normalize(text)} "


def select_items(paragraphs: list[squad.Paragraph], limit: int | None, swapped: bool = False) -> list[Item]:
    """The questions to ask, ``limit`` of them spread evenly over the file (all when None).
    ``swapped``: instead, the entity-swap unanswerable forms (``eval/swaps.py``) of the questions
    whose paragraph is in the corpus."""
    if swapped:
        kept = [p for p in paragraphs if not squad.held_out(p.pid)]
        return spread([Item(qid=q.qid, question=q.question, pid=p.pid, answers=(), answerable=False)
                       for p, q in swaps.swapped(kept, SWAP_SEED)], limit)
    return spread([Item(qid=q.qid, question=q.question, pid=p.pid, answers=tuple(a for a, _ in q.answers),
                        answerable=not q.impossible and not squad.held_out(p.pid))
                   for p in paragraphs for q in p.questions], limit)


def write_corpus(paragraphs: list[squad.Paragraph], folder: Path) -> Path:
    """The corpus folder: one JSONL line per paragraph kept (``id`` = paragraph id, article as title)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"id": p.pid.replace("/", "-"), "title": p.article, "text": p.context}, ensure_ascii=False)
             for p in paragraphs if not squad.held_out(p.pid)]
    target = folder / "paragraphs.jsonl"
    text = "\n".join(lines) + "\n"
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return folder


def judge(item: Item, answered: bool, text: str, cited: set[str]) -> bool:
    """Whether one answer is right by the rule of the module docstring."""
    if not item.answerable:
        return not answered
    if not answered or len(text) > MAX_ANSWER_CHARS or item.pid.replace("/", "-") not in cited:
        return False
    return any(holds(text, a) for a in item.answers)


def aggregate(outcomes: list[Outcome]) -> dict:
    """accuracy, crag, answerable_found, unanswerable_declined, wrong_confident, latency."""
    n = len(outcomes)
    ans = [o for o in outcomes if o.answerable]
    una = [o for o in outcomes if not o.answerable]
    right = sum(o.right for o in outcomes)
    wrong = sum(o.answered and not o.right for o in outcomes)
    lat = sorted(o.latency_ms for o in outcomes)
    first = sorted(o.first_piece_ms for o in outcomes if o.first_piece_ms is not None)
    return {
        "n": n, "answerable": len(ans), "unanswerable": len(una),
        "accuracy": round(right / n, 4) if n else 0.0,
        "crag": round((right - wrong) / n, 4) if n else 0.0,
        "answerable_found": round(sum(o.right for o in ans) / len(ans), 4) if ans else None,
        "unanswerable_declined": round(sum(not o.answered for o in una) / len(una), 4) if una else None,
        "wrong_confident": wrong,
        "latency_p50_ms": round(lat[n // 2], 1) if n else 0.0,
        "model_kept": sum(o.mode == "llm" for o in outcomes),
        "first_piece_p50_ms": round(first[len(first) // 2], 1) if first else None,
    }


def _overlap_sentence(pipeline, question: str):
    """Baseline: the retrieved sentence sharing the most question words (never declines)."""
    from lang.sentences import sentence_spans

    qwords = set(squad_normalize(question).split())
    best, best_score = None, -1
    for p in pipeline.retrieve(question):
        for s, e in sentence_spans(p.text):
            score = len(qwords & set(squad_normalize(p.text[s:e]).split()))
            if score > best_score:
                best, best_score = (p.doc_id, p.text[s:e]), score
    return best


def prepare(path: Path, split: str | None, limit: int | None, out_dir: Path, reader_model=None,
            mode: str = "extractive", swapped: bool = False, **settings_override) -> tuple[list[Item], object, int]:
    """The split's questions, a pipeline over its indexed corpus (models loaded) and the
    number of paragraphs indexed.

    ``reader_model``: a ``qa.answering.reader.Reader`` to answer with instead of the packaged one;
    ``swapped``: ask the entity-swap unanswerable questions (``select_items``);
    ``mode``: the answer mode to be measured (a model mode with none configured gets the bundled
    one in-process, as the own questions' suite does); ``settings_override``: ``qa.config.Settings``
    fields to set.
    """
    from qa.config import Settings
    from qa.pipeline import Pipeline

    stem = squad.stem_of(path)
    paragraphs = squad.in_split(squad.load(path), stem, split)
    if not paragraphs:
        raise EvalError(f"{path}: no paragraph in split {split!r}")
    items = select_items(paragraphs, limit, swapped)
    if not items:
        raise EvalError(f"{path}: no question to ask in split {split!r}")
    work = out_dir / f"squad-{stem}-{split or 'all'}"
    corpus = write_corpus(paragraphs, work / "corpus")
    settings = Settings(corpus_dir=corpus, index_dir=work / "index", collection=f"squad-{stem}",
                        **settings_override)
    if mode != "extractive":
        settings = with_local_model(settings)
    pipeline = Pipeline(settings, reader=reader_model)
    pipeline.ensure_index()
    pipeline.answer(items[0].question, mode="extractive")  # load models before timing
    return items, pipeline, sum(not squad.held_out(p.pid) for p in paragraphs)


def run(path: Path, split: str | None, limit: int | None, out_dir: Path, quiet: bool = False, reader_model=None,
        mode: str = "extractive", swapped: bool = False, **settings_override) -> dict:
    """Build the split's index, answer its questions with the product and the baselines, score them.

    ``reader_model``, ``swapped`` and ``settings_override`` as for ``prepare`` (the calibration passes
    ``abstain_threshold=0`` to see every best sentence's score); ``mode`` as for ``qa.answer``
    ("llm" measures the configured local model, its fallbacks included).
    """
    items, pipeline, indexed = prepare(path, split, limit, out_dir, reader_model, mode, swapped, **settings_override)
    settings = pipeline.settings
    outcomes: dict[str, list[Outcome]] = {"product": [], "best-overlap sentence": [], "always decline": []}
    for item in items:
        t0 = time.perf_counter()
        a, first = timed_answer(pipeline, item.question, mode=mode)
        ms = (time.perf_counter() - t0) * 1000.0
        cited = {c.doc_id for c in a.citations}
        ok = judge(item, a.answered, a.text, cited)
        outcomes["product"].append(Outcome(item.qid, item.answerable, a.answered, ok, a.text[:300], ms,
                                           "" if a.answered else a.note[:200],
                                           max((c.score for c in a.citations), default=0.0), a.confidence, a.mode,
                                           first, a.note[:300] if a.answered else ""))
        best = _overlap_sentence(pipeline, item.question)
        got = best is not None
        ok = judge(item, got, best[1] if got else "", {best[0]} if got else set())
        outcomes["best-overlap sentence"].append(Outcome(item.qid, item.answerable, got, ok, best[1][:300] if got else "", 0.0))
        outcomes["always decline"].append(Outcome(item.qid, item.answerable, False, not item.answerable, "", 0.0))
        if not quiet:
            mark = "ok " if outcomes["product"][-1].right else ("-- " if not a.answered else "XX ")
            print(f"  {mark}{'A' if item.answerable else 'U'} {ms:6.0f} ms {item.question[:60]!r} -> {a.text[:70]!r}",
                  file=sys.stderr)
    result = {
        "benchmark": "squad", "file": str(path), "split": split, "n_questions": len(items), "swapped": swapped,
        "corpus_paragraphs": indexed,
        "held_out_share": squad.HELD_OUT_SHARE,
        "reader": settings.reader, "abstain_threshold": pipeline.threshold, "mode": mode,
        "systems": {name: aggregate(os) for name, os in outcomes.items()},
        "questions": [asdict(o) | {"question": i.question, "gold": list(i.answers)}
                      for i, o in zip(items, outcomes["product"])],
    }
    return result


def console_table(result: dict) -> str:
    """The per-system table, one line each."""
    cols = ("accuracy", "crag", "answerable_found", "unanswerable_declined", "wrong_confident", "latency_p50_ms")
    lines = [f"{result['file']} split={result['split']} n={result['n_questions']}",
             f"{'system':<24}" + "".join(f"{c:>22}" for c in cols)]
    for name, m in result["systems"].items():
        lines.append(f"{name:<24}" + "".join(f"{'' if m[c] is None else m[c]!s:>22}" for c in cols))
    return "\n".join(lines)

