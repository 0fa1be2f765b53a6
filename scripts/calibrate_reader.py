"""Fit the reader's decline threshold on the calibration split and record it.

Runs the product (extractive, learned reader, threshold 0) on the *calibrate* split (by
article, ``eval/squad.py``) of each SQuADShifts file, with the near-miss unanswerable
questions of ``eval/bench_squad.py``; for each question it keeps the best sentence's reader
probability and whether that answer is right. The threshold is the one that maximises the
CRAG-style score (+1 right, 0 declined, -1 wrong) pooled over the three files: a wrong
answer costs a point, so it answers only where an answer is more often right than wrong.
The report split is never read here.

    .venv/bin/python scripts/calibrate_reader.py [--limit 200]

Writes ``qa/reader_model/calibration.json``: the threshold, the criterion, the data, the date
and the curve it was chosen from.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval import bench_squad  # noqa: E402
from qa.reader import MODEL_DIR  # noqa: E402

FILES = ("new_wiki", "reddit", "amazon_reviews")
GRID = [round(0.02 * i, 2) for i in range(1, 50)]


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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--benchmarks", default=str(ROOT.parent / "shared" / "benchmarks" / "squadshifts"))
    ap.add_argument("--limit", type=int, default=200, help="questions per file, spread evenly")
    ap.add_argument("--out", default=str(MODEL_DIR / "calibration.json"))
    args = ap.parse_args(argv)
    rows: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for stem in FILES:
            result = bench_squad.run(Path(args.benchmarks) / f"{stem}_v1.0.json", "calibrate", args.limit,
                                     Path(tmp), quiet=True, abstain_threshold=0.0, reader="learned")
            rows[stem] = result["questions"]
            print(stem, result["systems"]["product"], flush=True)
    pooled = [r for rs in rows.values() for r in rs]
    curve = [{"threshold": t, **at_threshold(pooled, t), **{f"crag_{s}": at_threshold(rs, t)["crag"]
                                                           for s, rs in rows.items()}} for t in GRID]
    best = max(curve, key=lambda c: (c["crag"], c["accuracy"]))
    record = {
        "threshold": best["threshold"],
        "criterion": "maximum CRAG-style score (+1 right, 0 declined, -1 wrong), pooled over the files",
        "fitted_on": {"data": "SQuADShifts calibrate split by article (eval/squad.py), near-miss unanswerables "
                              f"held out at share {bench_squad.squad.HELD_OUT_SHARE}",
                      "files": list(FILES), "questions_per_file": args.limit, "questions": len(pooled)},
        "date": dt.date.today().isoformat(),
        "at_threshold": best,
        "curve": curve,
    }
    Path(args.out).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(best))
    return 0


if __name__ == "__main__":
    sys.exit(main())
