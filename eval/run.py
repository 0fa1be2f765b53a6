"""Run the eval suite: questions -> each system's answers -> scores -> JSON + markdown report.

``python -m eval`` (or ``qa eval``) answers every question of ``eval/questions.jsonl`` with
the project's pipeline and with the baselines of ``eval/baselines.py`` (same questions, same
index), scores each answer with ``eval/metrics.py``, prints a table per category, writes
``eval/out/report.json``, ``eval/out/report.md`` and ``eval/out/by_category.png``, and checks
the CI gate in ``eval/thresholds.json`` (``--check`` turns a failed gate into exit code 1).

How a question is scored (per system):

- accuracy: answerable -> normalised match of an accepted answer (1/0), or the fraction of
  required value groups present for multi-value questions, in what the reader is shown (the
  answer's text and its ``values``: value, resolved time, note); 0 when the system declined.
  Unanswerable -> 1 when the system declined, else 0. ``answer_accuracy`` averages the
  answerable questions only; per category, ``accuracy`` uses the definition above.
- wrong confident answer (the worst error): ``answered=True`` on an unanswerable question,
  or ``answered=True`` on an answerable one with no gold value present (accuracy 0).
- citation precision: answered answerable questions; a citation counts when its quote holds
  a gold value or overlaps a gold quote; an answer with no citation scores 0.
- citation recall: answerable questions; the share of gold documents cited (0 if declined).
- retrieval (hit@5, recall@5, MRR): answerable questions; a passage is relevant when it
  covers half or more of a gold quote. Unanswerable questions have no retrieval score.

Running the answerer and baselines lives here; the questions file in ``eval/questions.py``;
normalisation and metric formulas in ``eval/metrics.py``; the gate in ``eval/gate.py``;
tables and the chart in ``eval/report.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol, Sequence

from eval import metrics as M
from eval.gate import DEFAULT_THRESHOLDS, check_gate, load_thresholds
from eval.questions import CATEGORIES, DEFAULT_QUESTIONS, EvalError, Question, load_questions, select

DEFAULT_OUT = Path(__file__).resolve().parent / "out"
K = 5  # retrieval cut-off of recall@k / hit@k


class System(Protocol):
    """Something that answers eval questions: the project's pipeline or a baseline."""

    name: str

    def answer(self, question: Question):
        """Return a ``qa.records.Answer`` for ``question`` (history included)."""
        ...


@dataclass(frozen=True, slots=True)
class Result:
    """The scores of one system on one question (None: the metric does not apply)."""

    qid: str
    category: str
    system: str
    answerable: bool
    answered: bool
    accuracy: float
    wrong_confident: bool
    citation_precision: float | None
    citation_recall: float | None
    hit_at_1: float | None
    hit_at_k: float | None
    recall_at_k: float | None
    mrr: float | None
    latency_ms: float
    text: str = ""
    cited: tuple[str, ...] = ()
    mode: str = ""
    error: str = ""
    first_piece_ms: float | None = None  # time to the first streamed text (the model's first token)


def locate_quotes(question: Question, texts: dict[str, str]) -> tuple[M.Span, ...]:
    """Gold quotes with their offsets in the documents' text, where they can be found."""
    out = []
    for g in question.gold_quotes:
        start = texts.get(g.doc_id, "").find(g.text)
        out.append(M.Span(g.doc_id, g.text, start, start + len(g.text)) if start >= 0 else g)
    return tuple(out)


def _span(obj) -> M.Span:
    text = getattr(obj, "quote", None)
    return M.Span(obj.doc_id, obj.text if text is None else text, obj.start, obj.end)


def shown_texts(answer) -> list[str]:
    """What a reader is shown: the answer's text, then each value with its resolved time and note."""
    texts = [answer.text]
    for v in getattr(answer, "values", ()) or ():
        texts += [t for t in (v.text, v.when, v.note) if t]
    return texts


def score(question: Question, answer, latency_ms: float, system: str,
          texts: dict[str, str] | None = None, error: str = "", first_piece_ms: float | None = None) -> Result:
    """Score one answer (a ``qa.records.Answer``, or None when the system raised)."""
    gold = locate_quotes(question, texts or {})
    answered = bool(answer is not None and answer.answered)
    text = answer.text if answer is not None else ""
    citations = [_span(c) for c in answer.citations] if answer is not None else []
    passages = [_span(p) for p in answer.passages] if answer is not None else []
    if question.answerable:
        acc = M.answer_score(shown_texts(answer), question.answers, question.required_values) if answered else 0.0
        wrong = answered and acc == 0.0
        cp = M.citation_precision(citations, question.gold_values, gold) if answered else None
        cr = M.citation_recall([c.doc_id for c in citations], question.gold_doc_ids) if answered else 0.0
        retrieval = bool(gold)
    else:
        acc = 0.0 if answered else 1.0
        wrong, cp, cr, retrieval = answered, None, None, False
    return Result(
        qid=question.id, category=question.category, system=system, answerable=question.answerable,
        answered=answered, accuracy=acc, wrong_confident=wrong, citation_precision=cp, citation_recall=cr,
        hit_at_1=M.hit_at_k(passages, gold, 1) if retrieval else None,
        hit_at_k=M.hit_at_k(passages, gold, K) if retrieval else None,
        recall_at_k=M.recall_at_k(passages, gold, K) if retrieval else None,
        mrr=M.reciprocal_rank(passages, gold) if retrieval else None,
        latency_ms=latency_ms, text=text, cited=tuple(dict.fromkeys(c.doc_id for c in citations)),
        mode=getattr(answer, "mode", "") if answer is not None else "", error=error, first_piece_ms=first_piece_ms)


def aggregate(results: Sequence[Result]) -> dict:
    """Overall metrics of one system's results (the JSON report's ``metrics``)."""
    answerable = [r for r in results if r.answerable]
    precision, recall = M.abstention([not r.answered for r in results], [r.answerable for r in results])
    lat = [r.latency_ms for r in results]
    first = [r.first_piece_ms for r in results if r.first_piece_ms is not None]
    return {
        "n": len(results),
        "answer_accuracy": M.mean(r.accuracy for r in answerable),
        "overall_accuracy": M.mean(r.accuracy for r in results),
        "citation_precision": M.mean(r.citation_precision for r in answerable),
        "citation_recall": M.mean(r.citation_recall for r in answerable),
        "retrieval_hit_at_1": M.mean(r.hit_at_1 for r in answerable),
        f"retrieval_hit_at_{K}": M.mean(r.hit_at_k for r in answerable),
        f"retrieval_recall_at_{K}": M.mean(r.recall_at_k for r in answerable),
        "mrr": M.mean(r.mrr for r in answerable),
        "abstention_precision": precision,
        "abstention_recall": recall,
        "answered_rate": M.mean(float(r.answered) for r in results),
        "wrong_confident_answers": sum(r.wrong_confident for r in results),
        "wrong_confident_on_unanswerable": sum(r.wrong_confident and not r.answerable for r in results),
        "wrong_answers_on_answerable": sum(r.wrong_confident and r.answerable for r in results),
        "wrong_confident_rate": M.mean(float(r.wrong_confident) for r in results),
        "errors": sum(bool(r.error) for r in results),
        # LLM mode: answers where the model's text was rejected or failed and the extractive one was kept
        "llm_fallbacks": sum(r.mode == "extractive-fallback" for r in results),
        "latency_p50_ms": M.percentile(lat, 50),
        "latency_p95_ms": M.percentile(lat, 95),
        # the model's first token in llm mode (systems that do not stream have none)
        "first_piece_p50_ms": M.percentile(first, 50) if first else None,
    }


def by_category(results: Sequence[Result]) -> dict[str, dict]:
    """``aggregate`` per category, in the suite's category order."""
    cats = [c for c in CATEGORIES if any(r.category == c for r in results)]
    cats += sorted({r.category for r in results} - set(cats))
    return {c: aggregate([r for r in results if r.category == c]) for c in cats}


def run_system(system: System, questions: Sequence[Question], texts: dict[str, str],
               progress=None) -> list[Result]:
    """Answer and score every question with one system; an error scores as a declined answer."""
    from qa.errors import QAError

    # A system that streams also times its first piece of text; the others have none.
    timed = getattr(system, "answer_timed", None) or (lambda q: (system.answer(q), None))
    results = []
    for q in questions:
        t0 = time.perf_counter()
        try:
            (ans, first), err = timed(q), ""
        except QAError as exc:  # a bad question or a failing model is a result, not a crash
            ans, first, err = None, None, f"{type(exc).__name__}: {exc}"
        ms = (time.perf_counter() - t0) * 1000.0
        results.append(score(q, ans, ms, system.name, texts, err, first))
        if progress:
            progress(system.name, q, results[-1])
    return results


def run_suite(systems: Sequence[System], questions: Sequence[Question], texts: dict[str, str],
              progress=None) -> dict:
    """Run every system; the first is the project's answerer, the others are baselines.

    Returns:
        The JSON report: ``n_questions``, ``metrics``/``by_category`` (the first system),
        ``systems`` (every system's metrics and per-category metrics) and ``questions``.
    """
    if not systems:
        raise EvalError("no system to evaluate")
    per_system = {s.name: run_system(s, questions, texts, progress) for s in systems}
    main = per_system[systems[0].name]
    return {
        "n_questions": len(questions),
        "system": systems[0].name,
        "metrics": aggregate(main),
        "by_category": by_category(main),
        "systems": {name: {"metrics": aggregate(rs), "by_category": by_category(rs)}
                    for name, rs in per_system.items()},
        "questions": [{**asdict(r), "question": q.question, "baselines": {
            name: {"answered": b.answered, "accuracy": b.accuracy, "text": b.text[:300]}
            for name, rs in per_system.items() if name != systems[0].name for b in [rs[i]]}}
            for i, (q, r) in enumerate(zip(questions, main))],
    }


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m eval", description="Run the eval suite and write its reports.")
    p.add_argument("--mode", choices=("extractive", "llm", "auto"), default="extractive",
                   help="answer mode of the project's pipeline (default: extractive)")
    p.add_argument("--json-out", type=Path, default=None, help="JSON report path (default: OUT_DIR/report.json)")
    p.add_argument("--out-dir", type=Path, default=DEFAULT_OUT, help="where report.md and the chart go")
    p.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    p.add_argument("--thresholds", type=Path, default=DEFAULT_THRESHOLDS)
    p.add_argument("--limit", type=int, default=None, help="only the first N questions (after --categories)")
    p.add_argument("--categories", default="", help="comma-separated categories to run (default: all)")
    p.add_argument("--per-category", type=int, default=None,
                   help="at most N questions of each category (a cheap spread, e.g. for --mode llm in CI)")
    p.add_argument("--baselines", default="bm25,dense,llamaindex",
                   help="comma-separated baselines to run alongside ('' for none)")
    p.add_argument("--check", action="store_true", help="exit 1 when the gate in --thresholds fails")
    p.add_argument("--quiet", action="store_true", help="no per-question progress")
    p.add_argument("--benchmark", choices=("squad", "ramdocs"), default=None,
                   help="run a public benchmark file (PATH) instead of the questions file")
    p.add_argument("path", nargs="?", type=Path, default=None, help="the benchmark file for --benchmark")
    p.add_argument("--reader", choices=("hybrid", "learned", "heuristic"), default=None,
                   help="sentence scorer for --benchmark (default: the QA_READER setting)")
    p.add_argument("--split", choices=("train", "calibrate", "report"), default=None,
                   help="the benchmark's part to use (squad: articles, eval/squad.py; ramdocs: questions, "
                        "calibrate or report, eval/bench_ramdocs.py; default: all)")
    p.add_argument("--swaps", action="store_true",
                   help="squad: ask entity-swap unanswerable forms of the questions instead, their paragraphs "
                        "kept (eval/swaps.py, SQuAD 2.0's most common unanswerable kind)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry of ``python -m eval`` and ``qa eval``; returns the exit code."""
    args = _parser().parse_args(argv)
    from qa.errors import QAError

    try:
        return _main(args)
    except (EvalError, QAError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2


def _benchmark(args) -> int:
    """``--benchmark squad|ramdocs PATH``: eval/bench_squad.py or eval/bench_ramdocs.py, gated by
    thresholds.json's "benchmarks" entry."""
    from eval import bench_ramdocs, bench_squad
    from eval.squad import stem_of

    if args.path is None:
        raise EvalError(f"--benchmark {args.benchmark} needs the benchmark file: "
                        f"python -m eval --benchmark {args.benchmark} PATH")
    bench = bench_squad if args.benchmark == "squad" else bench_ramdocs
    if bench is bench_ramdocs and args.split == "train":
        raise EvalError("RAMDocs has no train split: use --split calibrate or --split report")
    override = {"reader": args.reader} if args.reader else {}
    if args.mode != "extractive":
        if bench is bench_ramdocs:
            raise EvalError("the RAMDocs benchmark measures extractive answers only")
        override["mode"] = args.mode
    if args.swaps:
        if bench is bench_ramdocs:
            raise EvalError("--swaps makes questions from SQuAD-format files only")
        override["swapped"] = True
    result = bench.run(args.path, args.split, args.limit, args.out_dir, quiet=args.quiet, **override)

    # One gate per benchmark, file, split, slice, scorer and mode: thresholds measured for one do not bind another.
    key = f"{args.benchmark}:{stem_of(args.path)}:{args.split}:{args.limit}:{result['reader']}"
    if args.mode != "extractive":
        key += f":{args.mode}"
    if args.swaps:
        key += ":swaps"
    gate = load_thresholds(args.thresholds).get("benchmarks", {}).get(key)
    failures = check_gate(result["systems"]["product"], gate) if gate else []
    result["gate"] = {"key": key, "applied": gate is not None, "thresholds": gate, "failures": failures}
    json_out = args.json_out or args.out_dir / (f"{args.benchmark}-{stem_of(args.path)}-{args.split or 'all'}"
                                                f"{'-swaps' if args.swaps else ''}.json")
    json_out.parent.mkdir(parents=True, exist_ok=True)
    json_out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(bench.console_table(result))
    print(f"\nJSON report: {json_out}")
    print(_verdict(failures, None if gate else f"none recorded for {key}"))
    return 1 if args.check and failures else 0


def _verdict(failures: list[str], not_applied: str | None) -> str:
    """The gate's line for the console: not applied (and why), failed (each failure) or passed."""
    if not_applied:
        return f"Gate: {not_applied}"
    return "Gate FAILED:\n  " + "\n  ".join(failures) if failures else "Gate: passed"


def _main(args) -> int:
    from eval import baselines, report

    if args.benchmark:
        return _benchmark(args)
    questions = select(load_questions(args.questions), args.categories, args.limit, args.per_category)
    if not questions:
        raise EvalError("no question selected; check --categories and --limit")
    thresholds = load_thresholds(args.thresholds)
    names = [b.strip() for b in args.baselines.split(",") if b.strip()]
    unknown = sorted(set(names) - set(baselines.BASELINES))
    if unknown:
        raise EvalError(f"unknown baselines {unknown}; use some of {', '.join(baselines.BASELINES)} or ''")
    pipeline = baselines.make_pipeline(args.mode)
    texts = {d: doc.text for d, doc in pipeline.documents().items()}
    systems = [baselines.ProjectSystem(pipeline, args.mode)]
    systems += baselines.make_baselines(pipeline, names)
    for s in systems:  # load models before timing: latency is per question, not start-up
        baselines.warm_up(s, questions[0])

    def progress(name: str, q: Question, r: Result) -> None:
        if not args.quiet:
            mark = "ok " if r.accuracy >= 1 else ("~  " if r.accuracy > 0 else "XX ")
            print(f"  [{name:>10}] {mark}{q.id:<5} {r.latency_ms:7.0f} ms  {r.text[:70]!r}", file=sys.stderr)

    result = run_suite(systems, questions, texts, progress)
    # The thresholds were measured on the whole suite in one mode: a subset or another mode is reported only.
    whole = len(questions) == len(load_questions(args.questions))
    applied = whole and args.mode == thresholds.get("mode", args.mode)
    failures = check_gate(result["metrics"], thresholds) if applied else []
    result.update({
        "mode": args.mode,
        "questions_file": str(args.questions),
        "settings": baselines.settings_summary(pipeline),
        "gate": {"applied": applied, "thresholds": thresholds, "failures": failures,
                 "passed": applied and not failures},
    })
    json_out = args.json_out or args.out_dir / "report.json"
    json_out.parent.mkdir(parents=True, exist_ok=True)
    json_out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    md = report.write_markdown(result, args.out_dir)
    print(report.console_tables(result))
    print(f"\nJSON report: {json_out}\nMarkdown report: {md}")
    print("\n" + _verdict(failures, None if applied else
                          f"not applied (it is for the whole suite in {thresholds.get('mode')!r} mode)"))
    return 1 if args.check and failures else 0
