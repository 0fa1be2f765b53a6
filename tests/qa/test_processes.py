"""Two real processes on one embedded index: one answering in a loop, one running `qa index`.

Integration (bundled MiniLM, embedded Chroma, subprocesses). chromadb 1.5's embedded client
keeps a collection's HNSW index in the memory of the process that queried it, so without
reopening, the answering process would keep finding removed chunks and miss added ones in
dense search. The answering process must see the update once it is published (never the
removed article again), and nothing may raise in between.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
ADDED = ("halden", "Halden flood barrier opens\nHALDEN, May 5, 2025 - The Halden flood barrier, which cost "
                   "48 million euros, opened on Monday after four years of work. Engineers said the barrier "
                   "protects 3,200 homes along the Tista river.\n")
REMOVED = ("tromso", "Tromso harbour dredged\nTROMSO, April 2, 2025 - Dredging of the Tromso harbour finished "
                     "on Wednesday. The work removed 210,000 cubic metres of silt so that larger ferries can "
                     "dock at the northern pier.\n")
QUESTIONS = ["When did the Halden flood barrier open?", "How much silt was removed from the Tromso harbour?"]


def _env(corpus: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update(QA_CORPUS_DIR=str(corpus), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               ANONYMIZED_TELEMETRY="False", QA_EMBED_THREADS="1")
    return env


def qa_index(index_dir: Path, corpus: Path) -> float:
    """Run `qa index` to completion in a subprocess; returns the time it finished."""
    done = subprocess.run([sys.executable, "-m", "qa", "--index-dir", str(index_dir), "index"], cwd=REPO,
                          env=_env(corpus), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return time.time()


def test_answering_process_sees_another_process_update_and_never_the_removed_article(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(REPO / "corpus", corpus)
    (corpus / f"{REMOVED[0]}.txt").write_text(REMOVED[1], encoding="utf-8")
    qa_index(index_dir, corpus)

    answerer = subprocess.Popen([sys.executable, "-m", "tests.qa.answer_loop", str(index_dir), str(corpus)],
                                cwd=REPO, env=_env(corpus), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True)
    stop = tmp_path / "stop"
    try:
        assert json.loads(answerer.stdout.readline()) == {"ready": True}
        answerer.stdin.write(json.dumps({"loop": QUESTIONS, "until": str(stop)}) + "\n")
        answerer.stdin.flush()
        first = [json.loads(answerer.stdout.readline()) for _ in QUESTIONS]
        assert not [r for r in first if "error" in r], first
        assert REMOVED[0] in first[1]["cited"] and ADDED[0] not in first[0]["documents"]   # the old version answers

        (corpus / f"{ADDED[0]}.txt").write_text(ADDED[1], encoding="utf-8")
        (corpus / f"{REMOVED[0]}.txt").unlink()
        finished = qa_index(index_dir, corpus)

        replies = first
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:   # until a few answers begun after the update have come
            replies.append(json.loads(answerer.stdout.readline()))
            if sum(r.get("started", 0) > finished for r in replies) >= 4:
                break
        stop.touch()
        while "stopped" not in replies[-1]:
            replies.append(json.loads(answerer.stdout.readline()))
    finally:
        stop.touch()
        answerer.stdin.close()
        try:
            answerer.wait(timeout=60)
        except subprocess.TimeoutExpired:
            answerer.kill()
            answerer.wait()

    answers = replies[:-1]
    assert not [r for r in answers if "error" in r]
    versions = [r["version"] for r in answers]
    assert len(set(versions)) == 2 and versions == sorted(versions, key=versions.index)  # old, then new, never back
    after = [r for r in answers if r["started"] > finished]
    assert len(after) >= 4 and all(r["version"] == versions[-1] for r in after)      # no stale answer
    for r in answers:
        if r["version"] == versions[-1]:
            assert ADDED[0] in r["documents"] and REMOVED[0] not in r["documents"]
            assert REMOVED[0] not in r["cited"] and REMOVED[0] not in r["dense"]
    halden = [r for r in after if r["question"] == QUESTIONS[0]]
    assert halden and all(ADDED[0] in r["cited"] and r["dense"][0] == ADDED[0] for r in halden)


def test_fresh_chroma_system_sees_what_another_process_wrote(tmp_path):
    """What the reopening relies on: a new system for the path reads another process's writes."""
    from index import store
    from index.records import IndexConfig

    cfg = IndexConfig(index_dir=tmp_path)
    rng = np.random.default_rng(8)
    vectors = rng.standard_normal((60, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    np.save(tmp_path / "v.npy", vectors)
    col = store.get_collection(store.connect(cfg, fresh=True), "probe-col")
    col.upsert(ids=[f"a{i}" for i in range(30)], embeddings=vectors[:30])
    assert col.query(query_embeddings=vectors[:1], n_results=1)["ids"] == [["a0"]]   # loads its HNSW
    script = ("import sys, numpy as np; from pathlib import Path; from index import store; "
              "from index.records import IndexConfig; d = Path(sys.argv[1]); v = np.load(d / 'v.npy'); "
              "c = store.get_collection(store.connect(IndexConfig(index_dir=d)), 'probe-col'); "
              "c.upsert(ids=[f'b{i}' for i in range(30)], embeddings=v[30:]); c.delete(ids=['a0'])")
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=REPO, check=True, timeout=120)
    fresh = store.get_collection(store.connect(cfg, fresh=True), "probe-col", create=False)
    assert fresh.query(query_embeddings=vectors[30:31], n_results=1)["ids"] == [["b0"]]
    assert "a0" not in fresh.query(query_embeddings=vectors[:1], n_results=5)["ids"][0]
