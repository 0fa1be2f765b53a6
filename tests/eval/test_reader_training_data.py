"""The reader's RAMDocs training pairs (scripts/train_reader.py): calibrate split only, labels
from each document's own answer."""

from __future__ import annotations

import json
from pathlib import Path

from eval import bench_ramdocs
from tests.eval.scripts import load


def _script():
    return load("train_reader")


def _question(split: str, stem: str) -> str:
    """An invented question that the hash puts in ``split``."""
    for i in range(200):
        q = f"What is the population of {stem} {i}?"
        if bench_ramdocs.split_of(q) == split:
            return q
    raise AssertionError("no question found for the split")


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "ramdocs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _docs() -> list[dict]:
    return [
        {"type": "correct", "answer": "2,772",
         "text": "Qorbeh is a city in Kurdistan Province. At the 2006 census, its population was 2,772, in 720 "
                 "families. The city lies on a river. Its bazaar is old and busy."},
        {"type": "misinfo", "answer": "9,100",
         "text": "Qorbeh is a city in Kurdistan Province. At the 2006 census, its population was 9,100, in 720 "
                 "families. The city lies on a river."},
        {"type": "noise", "answer": "",
         "text": "The river floods in spring most years. Farmers grow wheat and barley there."},
        {"type": "correct", "answer": "Politician and writer",
         "text": "He is a Pakistani politician and a writer of books. He served as a minister."},
    ]


def test_pairs_come_from_the_calibrate_split_only(tmp_path):
    calibrate, report = _question("calibrate", "Qorbeh"), _question("report", "Qorbeh")
    path = _write(tmp_path, [{"question": q, "documents": _docs(), "gold_answers": ["2,772"],
                              "wrong_answers": ["9,100"]} for q in (calibrate, report)])
    pairs = _script().ramdocs_pairs(path, seed=1)
    assert pairs and {p[0] for p in pairs} == {calibrate}


def test_each_document_labels_the_sentences_holding_its_own_answer(tmp_path):
    q = _question("calibrate", "Qorbeh")
    path = _write(tmp_path, [{"question": q, "documents": _docs(), "gold_answers": ["2,772"],
                              "wrong_answers": ["9,100"]}])
    pairs = _script().ramdocs_pairs(path, seed=1)
    positives = {s for _, s, _, label in pairs if label == 1}
    # the true and the planted value both answer the question; the reader is not the fact-checker
    assert positives == {"At the 2006 census, its population was 2,772, in 720 families.",
                         "At the 2006 census, its population was 9,100, in 720 families."}
    # the sentence before is the context, as at query time
    assert all(c == "Qorbeh is a city in Kurdistan Province." for _, s, c, label in pairs if label == 1)
    noise = {s for _, s, _, label in pairs if "floods" in s or "Farmers" in s}
    assert noise and all(label == 0 for _, s, _, label in pairs if s in noise)
    # a document whose answer no sentence holds verbatim gives no pair at all
    assert not any("Pakistani" in s or "minister" in s for _, s, _, _ in pairs)
