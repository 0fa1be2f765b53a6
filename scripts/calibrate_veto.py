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
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval import bench_squad  # noqa: E402
from qa.answering.reader import MODEL_DIR, Reader  # noqa: E402

FILES = ("new_wiki", "reddit", "amazon_reviews")
GRID = [round(0.02 * i, 2) for i in range(0, 50)]


def points(row: dict, t: float) -> int:
    """+1 right, 0 declined, -1 wrong for one question if answers judged under ``t`` declined."""
    vetoed = row["answered"] and row["confidence"] is not None and row["confidence"] < t
    if vetoed:
        return 0 if row["answerable"] else 1
    if row["right"]:
        return 1
    return -1 if row["answered"] else 0


def at_threshold(rows: list[dict], t: float) -> dict:
    """accuracy, CRAG and its standard error over ``rows`` with the veto at ``t``."""
    scores = [points(r, t) for r in rows]
    n = len(scores) or 1
    mean = sum(scores) / n
    var = sum((s - mean) ** 2 for s in scores) / max(n - 1, 1)
    return {"accuracy": round(sum(s == 1 for s in scores) / n, 4), "crag": round(mean, 4),
            "crag_se": round(math.sqrt(var / n), 4), "wrong": sum(s == -1 for s in scores)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--benchmarks", default=str(ROOT.parent / "shared" / "benchmarks" / "squadshifts"))
    ap.add_argument("--limit", type=int, default=200, help="questions per file, spread evenly")
    ap.add_argument("--model", default=str(MODEL_DIR), help="the exported, calibrated reader")
    args = ap.parse_args(argv)
    model = Path(args.model)
    where = model / "calibration.json"
    record = json.loads(where.read_text(encoding="utf-8"))
    reader = Reader(model)
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
