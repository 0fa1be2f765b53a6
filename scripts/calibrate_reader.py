"""Fit the reader's combiner and decline threshold on the calibration split and record them.

Two passes over the *calibrate* split (by article, ``eval/squad.py``) of each SQuADShifts
file, with the near-miss unanswerable questions of ``eval/bench_squad.py``; the report split
is never read here.

1. **Combiner.** The product (extractive, learned reader, no combiner, threshold 0) ranks each
   question's sentences; every sentence the reader read gives one row: the inputs of
   ``qa.answering.reader.COMBINER_FEATURES`` and whether it is an answer (in the gold paragraph and
   holding a gold answer; never, for an unanswerable question). A logistic regression
   (L2 ``L2`` on the weights, Newton's method) fits P(answer) on them.
2. **Threshold.** The product with that combiner (threshold 0) answers every question; the
   threshold is the one that maximises the CRAG-style score (+1 right, 0 declined, -1
   wrong) pooled over the three files, read off the best sentence's combined probability:
   a wrong answer costs a point, so it answers only where an answer is more often right
   than wrong.

    .venv/bin/python scripts/calibrate_reader.py [--limit 200]

Writes ``qa/answering/reader_model/calibration.json``: threshold, combiner, criterion, data, date, the
curve the threshold was chosen from and, on the first pass's rows, the CRAG of the best
sentence by the reader alone and by the combiner (the same proxy for both: the best read
sentence is right when it is an answer).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval import bench_squad  # noqa: E402
from qa.answering.reader import COMBINER_FEATURES, MODEL_DIR, Combiner, Reader, features  # noqa: E402

FILES = ("new_wiki", "reddit", "amazon_reviews")
GRID = [round(0.02 * i, 2) for i in range(1, 50)]
# Ridge on the combiner's weights (not its bias): a handful of inputs on thousands of rows
# needs little; it keeps Newton's method finite when one input separates the rows.
L2 = 1.0


def at_threshold(rows: list[dict], t: float) -> dict:
    """accuracy and CRAG of the rows if the product declined below ``t``."""
    right = wrong = 0
    for r in rows:
        answered = r["answered"] and r["score"] >= t
        if r["answerable"]:
            right += answered and r["right"]
            wrong += answered and not r["right"]
        else:
            right += not answered
            wrong += answered
    n = len(rows) or 1
    return {"accuracy": round(right / n, 4), "crag": round((right - wrong) / n, 4)}


def is_answer(item: bench_squad.Item, doc_id: str, text: str) -> bool:
    """Whether one sentence answers ``item`` by the benchmark's rule (gold paragraph, gold answer)."""
    return bench_squad.judge(item, True, text, {doc_id}) if item.answerable else False


def sentence_rows(path: Path, limit: int, work: Path, model: Path = MODEL_DIR) -> list[dict]:
    """Pass 1: one row per read sentence of each question (reader alone, threshold 0)."""
    bare = Reader(model, calibration={"threshold": 0.0})  # no combiner: score = reader probability
    items, pipeline, _ = bench_squad.prepare(path, "calibrate", limit, work, bare, abstain_threshold=0.0,
                                             reader="learned")
    rows = []
    for item in items:
        for c in [c for c in pipeline.candidates(item.question) if c.read]:
            rows.append({"qid": item.qid, "answerable": item.answerable, "p": c.score, "prior": c.prior,
                         "dense": c.dense, "coverage": c.coverage, "label": is_answer(item, c.doc_id, c.text)})
    return rows


def fit(rows: list[dict], l2: float = L2, steps: int = 50) -> Combiner:
    """Logistic regression of ``label`` on the combiner's inputs, by Newton's method."""
    x = features([r["p"] for r in rows], [r["prior"] for r in rows], [r["dense"] for r in rows],
                 [r["coverage"] for r in rows])
    x = np.column_stack([x, np.ones(len(x))])
    y = np.array([r["label"] for r in rows], dtype=np.float64)
    ridge = np.diag([l2] * (x.shape[1] - 1) + [0.0])
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + ridge @ w
        hess = (x * (p * (1 - p))[:, None]).T @ x + ridge
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return Combiner(tuple(round(float(v), 5) for v in w[:-1]), round(float(w[-1]), 5))


def best_sentence_crag(rows: list[dict], score) -> dict:
    """Pass-1 proxy: the best read sentence by ``score`` answers; CRAG at the best threshold."""
    by_q: dict[str, list[dict]] = {}
    for r in rows:
        by_q.setdefault(r["qid"], []).append(r)
    tops = []
    for rs in by_q.values():
        s = score(rs)
        i = int(np.argmax(s))
        tops.append({"answerable": rs[i]["answerable"], "answered": True, "right": rs[i]["label"],
                     "score": float(s[i])})
    best = max((at_threshold(tops, t) | {"threshold": t} for t in GRID), key=lambda c: c["crag"])
    return best | {"questions": len(tops)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--benchmarks", default=str(ROOT.parent / "shared" / "benchmarks" / "squadshifts"))
    ap.add_argument("--limit", type=int, default=200, help="questions per file, spread evenly")
    ap.add_argument("--model", default=str(MODEL_DIR), help="the exported reader to calibrate")
    ap.add_argument("--out", default=None, help="where to write the record (default: MODEL/calibration.json)")
    args = ap.parse_args(argv)
    model = Path(args.model)
    args.out = args.out or str(model / "calibration.json")
    with tempfile.TemporaryDirectory() as tmp:
        sentences = []
        for stem in FILES:
            sentences += sentence_rows(Path(args.benchmarks) / f"{stem}_v1.0.json", args.limit, Path(tmp), model)
            print(stem, "pass 1:", len(sentences), "read sentences so far", flush=True)
        combiner = fit(sentences)
        print("combiner", combiner, flush=True)
        combined = Reader(model, calibration={"threshold": 0.0, "combiner": {
            "features": list(COMBINER_FEATURES), "weights": list(combiner.weights), "bias": combiner.bias}})
        rows: dict[str, list[dict]] = {}
        for stem in FILES:
            result = bench_squad.run(Path(args.benchmarks) / f"{stem}_v1.0.json", "calibrate", args.limit,
                                     Path(tmp), quiet=True, reader_model=combined, abstain_threshold=0.0,
                                     reader="learned")
            rows[stem] = result["questions"]
            print(stem, "pass 2:", result["systems"]["product"], flush=True)
    pooled = [r for rs in rows.values() for r in rs]
    curve = [{"threshold": t, **at_threshold(pooled, t), **{f"crag_{s}": at_threshold(rs, t)["crag"]
                                                           for s, rs in rows.items()}} for t in GRID]
    best = max(curve, key=lambda c: (c["crag"], c["accuracy"]))

    def raw(rs):
        return np.array([r["p"] for r in rs])

    def mixed(rs):
        return combiner([r["p"] for r in rs], [r["prior"] for r in rs], [r["dense"] for r in rs],
                        [r["coverage"] for r in rs])

    record = {
        "threshold": best["threshold"],
        "combiner": {"features": list(COMBINER_FEATURES), "weights": list(combiner.weights), "bias": combiner.bias,
                     "fitted_on": f"{len(sentences)} read sentences ({sum(r['label'] for r in sentences)} answers) "
                                  "of the calibrate split, pass 1", "l2": L2},
        "criterion": "maximum CRAG-style score (+1 right, 0 declined, -1 wrong), pooled over the files",
        "fitted_on": {"data": "SQuADShifts calibrate split by article (eval/squad.py), near-miss unanswerables "
                              f"held out at share {bench_squad.squad.HELD_OUT_SHARE}",
                      "files": list(FILES), "questions_per_file": args.limit, "questions": len(pooled)},
        "date": dt.date.today().isoformat(),
        "at_threshold": best,
        "best_sentence_proxy": {"reader_alone": best_sentence_crag(sentences, raw),
                                "combined": best_sentence_crag(sentences, mixed)},
        "curve": curve,
    }
    Path(args.out).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(best), json.dumps(record["best_sentence_proxy"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
