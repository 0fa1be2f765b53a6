"""Warm latency of answer() against one query embedding, measured in the same process.

Also the latency of the first answer to each question (its sentences not yet embedded).

Usage: .venv/bin/python scripts/bench.py [--index-dir DIR] [--repeat N]
Prints medians and the ratio; a benchmark, not a test (no assertions on time).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from qa.config import Settings
from qa.pipeline import Pipeline

QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "questions.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = Settings(**({"index_dir": args.index_dir} if args.index_dir else {}))
    pipeline = Pipeline(settings)
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines() if line.strip()]
    embedder = pipeline.reader.embedder
    pipeline.answer("Who is Sergei Shoigu?", mode="extractive")  # loads the model, BM25, the ledger
    first_ms = []
    for q in questions:  # first sight of each question: its candidate sentences are embedded now
        t0 = time.perf_counter()
        pipeline.answer(q, mode="extractive")
        first_ms.append((time.perf_counter() - t0) * 1000)
    embed_ms, answer_ms = [], []
    for _ in range(args.repeat):
        for i, q in enumerate(questions):
            probe = f"{q} #{i}-{time.perf_counter_ns()}"  # never cached
            t0 = time.perf_counter()
            embedder.embed([probe])
            embed_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            pipeline.answer(q, mode="extractive")
            answer_ms.append((time.perf_counter() - t0) * 1000)
    e, a = statistics.median(embed_ms), statistics.median(answer_ms)
    print(json.dumps({"questions": len(questions), "runs": len(answer_ms), "query_embedding_ms_p50": round(e, 1),
                      "first_answer_ms_p50": round(statistics.median(first_ms), 1),
                      "answer_ms_p50": round(a, 1), "answer_ms_p95": round(sorted(answer_ms)[int(0.95 * len(answer_ms)) - 1], 1),
                      "answer_to_embedding_ratio": round(a / e, 1)}))


if __name__ == "__main__":
    main()
