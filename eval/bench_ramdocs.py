"""``python -m eval --benchmark ramdocs PATH``: conflicting, ambiguous and planted-false evidence.

RAMDocs (Wang, Prasad, Stengel-Eskin, Bansal 2025; MIT licence) gives each question its own
2-10 documents, each ``correct``, ``misinfo`` (a planted false value) or ``noise``, and
``gold_answers`` (all must be in the answer: an ambiguous name can have several) and
``wrong_answers`` (none may be). Each question's documents become one small corpus and index;
the product answers from it.

Scoring, per question, on the answer text after SQuAD normalisation (``bench_squad``):

- ``exact_match``: every gold answer and no wrong one (the paper's measure);
- ``every_gold``, ``no_wrong``: the two halves of it;
- ``both_sides``: where a planted document gives a wrong value, the answer shows a gold and a
  wrong one (the sources disagreeing, said so) -- the product's promise, which exact match
  counts against it;
- ``cites_planted``: a citation points to a ``misinfo`` document.

Questions are split calibrate / report by a hash of the question text (``split_of``), fixed;
there is no article to split by. Baselines on the same questions: "always decline" and "echo
every document" (all documents' text as the answer: about 0.42 exact match in the paper's
setting, and it fails ``no_wrong``).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from eval.bench_squad import holds, spread
from eval.questions import EvalError

SPLITS = ("calibrate", "report")


@dataclass(frozen=True, slots=True)
class Question:
    """One RAMDocs question with its own documents (``(text, type)`` pairs)."""

    qid: str
    question: str
    documents: tuple[tuple[str, str], ...]
    gold: tuple[str, ...]
    wrong: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one system did on one question."""

    qid: str
    n_gold: int
    answered: bool
    exact_match: bool
    every_gold: bool
    no_wrong: bool
    planted: bool  # a document gives a wrong value
    both_sides: bool
    cites_planted: bool
    latency_ms: float
    text: str = ""


def split_of(question: str) -> str:
    """``calibrate`` or ``report``, by a hash of the question text (half each)."""
    return SPLITS[hashlib.sha1(question.encode("utf-8")).digest()[0] % 2]


def load(path: Path, split: str | None = None) -> list[Question]:
    """The file's questions (of ``split`` only, when given), in file order."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise EvalError(f"cannot read {path}: {e}") from e
    out = []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            q = Question(qid=f"r{i:04d}", question=str(raw["question"]),
                         documents=tuple((str(d["text"]), str(d.get("type", ""))) for d in raw["documents"]),
                         gold=tuple(str(a) for a in raw.get("gold_answers", ())),
                         wrong=tuple(str(a) for a in raw.get("wrong_answers", ())))
        except (ValueError, KeyError, TypeError) as e:
            raise EvalError(f"{path}:{i}: not a RAMDocs record ({type(e).__name__}: {e})") from e
        if split is None or split_of(q.question) == split:
            out.append(q)
    return out


def judge(q: Question, answered: bool, text: str, cited_types: set[str], ms: float) -> Outcome:
    """Score one answer by the rules of the module docstring."""
    shown = text if answered else ""
    every = bool(q.gold) and all(holds(shown, a) for a in q.gold)
    none_wrong = not any(holds(shown, a) for a in q.wrong)
    planted = any(t == "misinfo" for _, t in q.documents) and bool(q.wrong)
    both = planted and any(holds(shown, a) for a in q.gold) and not none_wrong
    return Outcome(q.qid, len(q.gold), answered, every and none_wrong, every, none_wrong, planted, both,
                   "misinfo" in cited_types, ms, text[:300])


def aggregate(outcomes: list[Outcome]) -> dict:
    """The shares of the module docstring, overall and by number of gold answers."""
    def share(os, field):
        return round(sum(getattr(o, field) for o in os) / len(os), 4) if os else None

    planted = [o for o in outcomes if o.planted]
    lat = sorted(o.latency_ms for o in outcomes)
    by_gold = {}
    for k in sorted({min(o.n_gold, 3) for o in outcomes}):
        group = [o for o in outcomes if min(o.n_gold, 3) == k]
        by_gold["3+" if k == 3 else str(k)] = {"n": len(group), "exact_match": share(group, "exact_match")}
    return {"n": len(outcomes), "answered": share(outcomes, "answered"),
            "exact_match": share(outcomes, "exact_match"), "every_gold": share(outcomes, "every_gold"),
            "no_wrong": share(outcomes, "no_wrong"), "planted": len(planted),
            "both_sides": share(planted, "both_sides"), "cites_planted": share(outcomes, "cites_planted"),
            "latency_p50_ms": round(lat[len(lat) // 2], 1) if lat else 0.0, "by_gold_answers": by_gold}


def run(path: Path, split: str | None, limit: int | None, out_dir: Path, quiet: bool = False,
        **settings_override) -> dict:
    """Answer each question from an index of its own documents; score the product and baselines."""
    from index.embed import get_embedder
    from qa.config import Settings
    from qa.pipeline import Pipeline

    questions = spread(load(path, split), limit)
    if not questions:
        raise EvalError(f"{path}: no question in split {split!r}")
    base = Settings(**settings_override)
    embedder = get_embedder(base.embed_model, threads=base.embed_threads)  # one model for every index
    work = out_dir / f"ramdocs-{split or 'all'}"
    outcomes: dict[str, list[Outcome]] = {"product": [], "echo every document": [], "always decline": []}
    for q in questions:
        folder = work / q.qid
        corpus = folder / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        (corpus / "documents.jsonl").write_text(
            "".join(json.dumps({"id": f"{q.qid}-d{i}", "title": "", "text": text}, ensure_ascii=False) + "\n"
                    for i, (text, _) in enumerate(q.documents)), encoding="utf-8")
        types = {f"{q.qid}-d{i}": t for i, (_, t) in enumerate(q.documents)}
        settings = Settings(**(settings_override | {"corpus_dir": corpus, "index_dir": folder / "index",
                                                    "collection": f"ramdocs-{q.qid}"}))
        pipeline = Pipeline(settings, embedder=embedder)
        pipeline.ensure_index()
        t0 = time.perf_counter()
        a = pipeline.answer(q.question, mode="extractive")
        ms = (time.perf_counter() - t0) * 1000.0
        outcomes["product"].append(judge(q, a.answered, a.text, {types.get(c.doc_id, "") for c in a.citations}, ms))
        echo = "\n".join(text for text, _ in q.documents)
        outcomes["echo every document"].append(judge(q, True, echo, {t for _, t in q.documents}, 0.0))
        outcomes["always decline"].append(judge(q, False, "", set(), 0.0))
        if not quiet:
            o = outcomes["product"][-1]
            mark = "ok " if o.exact_match else ("-- " if not a.answered else "XX ")
            print(f"  {mark}{ms:6.0f} ms {q.question[:60]!r} -> {a.text[:70]!r}", file=sys.stderr)
    return {
        "benchmark": "ramdocs", "file": str(path), "split": split, "n_questions": len(questions),
        "split_rule": "sha1(question)[0] % 2: 0 calibrate, 1 report",
        "reader": base.reader,
        "systems": {name: aggregate(os) for name, os in outcomes.items()},
        "questions": [asdict(o) | {"question": q.question, "gold": list(q.gold), "wrong": list(q.wrong)}
                      for q, o in zip(questions, outcomes["product"])],
    }


def console_table(result: dict) -> str:
    """The per-system table, one line each."""
    cols = ("exact_match", "every_gold", "no_wrong", "both_sides", "cites_planted", "answered", "latency_p50_ms")
    lines = [f"{result['file']} split={result['split']} n={result['n_questions']}",
             f"{'system':<22}" + "".join(f"{c:>16}" for c in cols)]
    for name, m in result["systems"].items():
        lines.append(f"{name:<22}" + "".join(f"{'' if m[c] is None else m[c]!s:>16}" for c in cols))
    return "\n".join(lines)
