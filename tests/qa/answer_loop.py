"""A long-lived answering process, as the chat app is one, for the crash and process tests.

Usage: ``python -m tests.qa.answer_loop INDEX_DIR CORPUS_DIR``, then one JSON request a
line on stdin:

- ``{"ask": QUESTION}``: answer once; one JSON line back.
- ``{"loop": [QUESTION, ...], "until": PATH}``: answer the questions in turn until the file
  PATH exists, one JSON line per answer (``started``, ``version``, ``cited``, ``dense``,
  ``documents``, or ``error``), then ``{"stopped": n}``.

The pipeline here never builds: a missing or broken index is an error in the reply, so a
test cannot be passed by this process quietly repairing what it should only read.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from qa.config import Settings
from qa.pipeline import Pipeline


class ReadOnlyPipeline(Pipeline):
    """The real pipeline, except that it refuses to build."""

    def build(self, progress=None):
        raise RuntimeError("the answering process must not build the index")


def answer(pipeline: Pipeline, question: str) -> dict:
    """One answer as a JSON-ready dict; an exception becomes ``error``."""
    t0, started = time.perf_counter(), time.time()
    try:
        with pipeline.snapshot():
            a = pipeline.answer(question, mode="extractive")
            reader = pipeline.reader
            dense = [c.doc_id for c, _ in reader.dense_search(question, 3)]
            return {"question": question, "started": started, "version": reader.version, "answered": a.answered,
                    "cited": sorted({c.doc_id for c in a.citations}), "dense": dense,
                    "documents": sorted(reader.documents()), "seconds": time.perf_counter() - t0}
    except Exception as e:  # noqa: BLE001 - reported to the test, which fails on it
        return {"question": question, "started": started, "error": f"{type(e).__name__}: {e}"}


def main(index_dir: Path, corpus_dir: Path) -> None:
    pipeline = ReadOnlyPipeline(Settings(index_dir=index_dir, corpus_dir=corpus_dir, llm="none"))
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if "ask" in request:
            print(json.dumps(answer(pipeline, request["ask"])), flush=True)
            continue
        stop, questions, i = Path(request["until"]), request["loop"], 0
        while not stop.exists():
            print(json.dumps(answer(pipeline, questions[i % len(questions)])), flush=True)
            i += 1
        print(json.dumps({"stopped": i}), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
