"""Fit the "hybrid" answerer's veto threshold on the calibration split and record it.

In ``reader="hybrid"`` the hand-written score chooses the sentence to quote and the learned
reader (with its calibrated combiner) judges that one sentence; the answer declines when the
reader's probability is under the veto threshold. This script answers the *calibrate* split
(by article, ``eval/squad.py``) of each SQuADShifts file, near-miss unanswerables included,
with the veto off (threshold 0), reads each answer's ``confidence``, and scores every
threshold of a grid as if the answers under it had declined. The report split is never read.

The threshold is chosen by the one-standard-error rule (Breiman et al. 1984): the smallest
threshold whose pooled CRAG-style score (+1 right, 0 declined, -1 wrong) is within one
standard error of the best. The curve is flat near its top, and each step up it declines
more answers of a kind the benchmark does not hold (news questions the hand-written score
answers rightly): among thresholds the data cannot tell apart, the one that declines least.

    .venv/bin/python scripts/calibrate_veto.py [--limit 200]

Run it after ``scripts/calibrate_reader.py`` (which rewrites the calibration without a veto).
Adds ``veto`` to ``qa/answering/reader_model/calibration.json``: threshold, rule, data, date, curve.

``--joint`` checks the veto together with the hybrid's other decline threshold, the
hand-written score's (``qa.tuning.TUNING.heuristic_threshold``), on the same split: it answers
with both off, reads each question's best hand-written score and the veto's probability, and
records under ``veto.joint`` the pooled CRAG-style score of every pair of a grid as if the
answers under either had declined. It changes no threshold: the record says where the pair in
use stands against the best pair and the most accurate pair within one standard error of it,
for the README and ``qa/tuning.py`` to cite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval import bench_squad  # noqa: E402
from qa.answering.reader import MODEL_DIR, Reader  # noqa: E402

FILES = ("new_wiki", "reddit", "amazon_reviews")
GRID = [round(0.02 * i, 2) for i in range(0, 50)]
# --joint: hand-written score thresholds x veto thresholds
SCORE_GRID = [round(0.05 * i, 2) for i in range(0, 14)]
VETO_GRID = [round(0.04 * i, 2) for i in range(0, 16)]


def points(row: dict, t: float) -> int:
    """+1 right, 0 declined, -1 wrong for one question if answers judged under ``t`` declined."""
    vetoed = row["answered"] and row["confidence"] is not None and row["confidence"] < t
    if vetoed:
        return 0 if row["answerable"] else 1
    if row["right"]:
        return 1
    return -1 if row["answered"] else 0


def summarize(scores: list[int]) -> dict:
    """accuracy, CRAG and its standard error, and wrong answers over per-question points."""
    n = len(scores) or 1
    mean = sum(scores) / n
    var = sum((s - mean) ** 2 for s in scores) / max(n - 1, 1)
    return {"accuracy": round(sum(s == 1 for s in scores) / n, 4), "crag": round(mean, 4),
            "crag_se": round(math.sqrt(var / n), 4), "wrong": sum(s == -1 for s in scores)}


def at_threshold(rows: list[dict], t: float) -> dict:
    """``summarize`` over ``rows`` with the veto at ``t``."""
    return summarize([points(r, t) for r in rows])


def joint_rows(path: Path, limit: int, out_dir: Path, reader: Reader) -> list[dict]:
    """The calibrate split's questions answered by the hybrid with both of its decline
    thresholds off: per question answerable, answered, right, the veto's probability
    ("confidence", None where the veto does not judge) and the best hand-written score ("top")."""
    items, pipeline, _ = bench_squad.prepare(path, "calibrate", limit, out_dir, reader, reader="hybrid",
                                             veto_threshold=0.0, abstain_threshold=0.0)
    rows = []
    for item in items:
        a = pipeline.answer(item.question, mode="extractive")
        ranked = pipeline.candidates(item.question)
        rows.append({"answerable": item.answerable, "answered": a.answered, "confidence": a.confidence,
                     "right": bench_squad.judge(item, a.answered, a.text, {c.doc_id for c in a.citations}),
                     "top": ranked[0].score if ranked else 0.0})
    return rows


def joint_points(row: dict, score: float, veto: float) -> int:
    """``points`` with answers under either the hand-written ``score`` or the ``veto`` declined."""
    if row["answered"] and row["top"] < score:
        return 0 if row["answerable"] else 1
    return points(row, veto)


def at_pair(rows: list[dict], score: float, veto: float) -> dict:
    """``summarize`` over ``rows`` for a pair of thresholds (``joint_points``)."""
    return {"score_threshold": score, "veto": veto, **summarize([joint_points(r, score, veto) for r in rows])}


def joint(args, record: dict, reader: Reader) -> dict:
    """The ``veto.joint`` record (see the module docstring); no threshold changes."""
    from qa.tuning import TUNING

    rows: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for stem in FILES:
            rows[stem] = joint_rows(Path(args.benchmarks) / f"{stem}_v1.0.json", args.limit, Path(tmp), reader)
            print(stem, "answered with both thresholds off", flush=True)
    pooled = [r for rs in rows.values() for r in rs]
    grid = [at_pair(pooled, s, v) for s in SCORE_GRID for v in VETO_GRID]
    best = max(grid, key=lambda c: c["crag"])
    within = [c for c in grid if c["crag"] >= best["crag"] - best["crag_se"]]
    current = at_pair(pooled, TUNING.heuristic_threshold, record["veto"]["threshold"])
    return {
        "current": current,
        "best": best,
        "most_accurate_within_one_se": max(within, key=lambda c: (c["accuracy"], c["crag"])),
        "per_file_current": {s: at_pair(rs, current["score_threshold"], current["veto"])["crag"] for s, rs in rows.items()},
        "per_file_best": {s: at_pair(rs, best["score_threshold"], best["veto"])["crag"] for s, rs in rows.items()},
        "fitted_on": {"data": "SQuADShifts calibrate split by article (eval/squad.py), answers of the hybrid with "
                              "the hand-written threshold and the veto both off",
                      "files": list(FILES), "questions_per_file": args.limit, "questions": len(pooled)},
        "date": dt.date.today().isoformat(),
        "grid": {"columns": list(grid[0]), "rows": [list(c.values()) for c in grid]},
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--benchmarks", default=str(ROOT.parent / "shared" / "benchmarks" / "squadshifts"))
    ap.add_argument("--limit", type=int, default=200, help="questions per file, spread evenly")
    ap.add_argument("--model", default=str(MODEL_DIR), help="the exported, calibrated reader")
    ap.add_argument("--joint", action="store_true",
                    help="check the veto with the hand-written threshold (veto.joint); changes no threshold")
    args = ap.parse_args(argv)
    model = Path(args.model)
    where = model / "calibration.json"
    record = json.loads(where.read_text(encoding="utf-8"))
    reader = Reader(model)
    if args.joint:
        record["veto"]["joint"] = result = joint(args, record, reader)
        text = json.dumps(record, indent=1)
        # one grid row a line: [score threshold, veto, accuracy, crag, crag_se, wrong]
        text = re.sub(r"\[\n\s+([\d.]+),\n\s+([\d.]+),\n\s+([\d.]+),\n\s+([-\d.]+),\n\s+([\d.]+),\n\s+(\d+)\n\s+\]",
                      lambda m: "[" + ", ".join(m.groups()) + "]", text)
        where.write_text(text + "\n", encoding="utf-8")
        print(json.dumps({k: result[k] for k in ("current", "best", "most_accurate_within_one_se")}, indent=1))
        return 0
    rows: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for stem in FILES:
            result = bench_squad.run(Path(args.benchmarks) / f"{stem}_v1.0.json", "calibrate", args.limit,
                                     Path(tmp), quiet=True, reader_model=reader, reader="hybrid",
                                     veto_threshold=0.0)
            rows[stem] = result["questions"]
            print(stem, "veto off:", result["systems"]["product"], flush=True)
    pooled = [r for rs in rows.values() for r in rs]
    curve = [{"threshold": t, **at_threshold(pooled, t),
              **{f"crag_{s}": at_threshold(rs, t)["crag"] for s, rs in rows.items()}} for t in GRID]
    best = max(curve, key=lambda c: (c["crag"], -c["threshold"]))
    chosen = next(c for c in curve if c["crag"] >= best["crag"] - best["crag_se"])
    record["veto"] = {
        "threshold": chosen["threshold"],
        "rule": "one standard error: the smallest threshold whose pooled CRAG-style score (+1 right, 0 "
                "declined, -1 wrong) is within one standard error of the best on the grid",
        "best": best,
        "at_threshold": chosen,
        "fitted_on": {"data": "SQuADShifts calibrate split by article (eval/squad.py), near-miss unanswerables "
                              f"held out at share {bench_squad.squad.HELD_OUT_SHARE}; answers of the hand-written "
                              "score with the veto off",
                      "files": list(FILES), "questions_per_file": args.limit, "questions": len(pooled)},
        "date": dt.date.today().isoformat(),
        "curve": curve,
    }
    where.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print("best", json.dumps(best), "\nchosen", json.dumps(chosen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
