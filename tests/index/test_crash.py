"""`kill -9` of `qa index` at seeded random points, a fresh process checking after each kill.

Integration: real `qa index` subprocesses (bundled MiniLM, embedded Chroma) over the bundled
articles plus generated ones, the corpus changing between stages (articles added, changed,
removed). After every kill a fresh process finds either no index yet (and says so) or a
complete published version whose manifest, document store and collection agree, never a
half-built one; a long-lived answering process (as the chat app is) answers from it; after
the last rerun the index is the one a clean build in another directory gives.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.build import build_index
from index.embed import get_embedder
from index.records import IndexConfig
from tests.index.articles import write_articles

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SEED = 8
KILLS_PER_STAGE = 2
SIZE = (1, 3)        # paragraphs a generated article: about four chunks each
QUESTION = "Who sent Shoigu to Pyongyang?"


def _env(corpus: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update(QA_CORPUS_DIR=str(corpus), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               ANONYMIZED_TELEMETRY="False", QA_EMBED_THREADS="1")
    return env


def qa_index(index_dir: Path, corpus: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "qa", "--index-dir", str(index_dir), "index"], cwd=REPO,
                            env=_env(corpus), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def check(index_dir: Path, corpus: Path) -> dict:
    """The index as a fresh process finds it (``tests/index/index_check.py``)."""
    done = subprocess.run([sys.executable, "-m", "tests.index.index_check", str(index_dir)],
                          cwd=REPO, env=_env(corpus), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


class Answerer:
    """``tests/qa/answer_loop.py`` running beside the builds, asked one question at a time."""

    def __init__(self, index_dir: Path, corpus: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.qa.answer_loop", str(index_dir), str(corpus)],
                                     cwd=REPO, env=_env(corpus), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        assert json.loads(self.proc.stdout.readline()) == {"ready": True}

    def ask(self, question: str) -> dict:
        self.proc.stdin.write(json.dumps({"ask": question}) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def kill_at_random(proc: subprocess.Popen, index_dir: Path, rnd: random.Random) -> bool:
    """SIGKILL ``proc`` at a seeded random moment; returns whether it was still running.

    Most kills land while the build writes (after its journal appears), some while it
    starts and prepares documents.
    """
    # A kill that lands after the build ended tests nothing. With windows of 0.5-8 s and 0-1.5 s
    # a fast build often finished first: 4 of 6 kills landed in a quiet run on 2 cores, 3 (one
    # short of the assertion below) in a CI run; with these, 6 of 6 in the same quiet run.
    if rnd.random() < 0.3:
        time.sleep(rnd.uniform(0.5, 3.0))
    else:
        deadline = time.monotonic() + 300
        while not (index_dir / "build.json").exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rnd.uniform(0.0, 1.0))
    alive = proc.poll() is None
    if alive:
        os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    return alive


def change_corpus(corpus: Path, stage: int) -> None:
    """Stage 0: the bundled articles and 30 generated; then 16 added, one changed, one removed each."""
    if stage == 0:
        shutil.copytree(REPO / "corpus", corpus)
        write_articles(corpus, 30, seed=SEED, paragraphs=SIZE)
        return
    write_articles(corpus, 16, seed=SEED, start=30 + 16 * (stage - 1), paragraphs=SIZE)
    changed = sorted(corpus.glob("gen-*.txt"))[stage]
    changed.write_text(changed.read_text(encoding="utf-8") + f"\nA correction was added in stage {stage}.\n",
                       encoding="utf-8")
    sorted(corpus.glob("gen-*.txt"))[-stage - 5].unlink()


def assert_consistent(state: dict) -> None:
    """Chroma holds every chunk of the version; the manifest, store and collection agree."""
    assert state["chroma_ids_cover"], state
    assert state["chunks"] == state["manifest_chunks"] == state["unique_chunks"] > 0, state


def assert_answers(reply: dict, state: dict) -> None:
    """The answering process answers from exactly the version the fresh process found."""
    assert "error" not in reply, reply
    assert reply["version"] == state["version"] and reply["documents"] == state["docs"], reply
    assert reply["answered"] and reply["cited"] and len(reply["dense"]) == 3, reply


def test_kill_9_at_random_points_never_exposes_a_half_built_index(tmp_path):
    rnd = random.Random(SEED)
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    stage_docs: list[set[str]] = []
    last_seen: int | None = None                    # stage of the newest version a check saw
    kills = 0
    answerer = None
    try:
        for stage in range(3):
            change_corpus(corpus, stage)
            stage_docs.append({p.stem for p in corpus.glob("*.txt")})
            for attempt in range(KILLS_PER_STAGE + 1):
                proc = qa_index(index_dir, corpus)
                if attempt < KILLS_PER_STAGE:
                    kills += kill_at_random(proc, index_dir, rnd)
                else:
                    _, err = proc.communicate(timeout=600)
                    assert proc.returncode == 0, err[-2000:]
                state = check(index_dir, corpus)
                if state["state"] == "none":
                    assert last_seen is None, "a published index disappeared after a kill"
                    assert "no complete index" in state["message"] and "qa index" in state["message"], state
                    continue
                assert_consistent(state)
                docs = set(state["docs"])
                assert docs in stage_docs, "the published documents are not those of any complete stage"
                which = stage_docs.index(docs)
                assert last_seen is None or which >= last_seen, "an older version came back"
                last_seen = which
                answerer = answerer or Answerer(index_dir, corpus)
                assert_answers(answerer.ask(QUESTION), state)
            assert last_seen == stage and set(state["docs"]) == stage_docs[stage]
    finally:
        if answerer is not None:
            answerer.close()

    # The resumed index is exactly what a clean build of the final corpus gives.
    final = check(index_dir, corpus)
    clean_dir = tmp_path / "clean"
    build_index(IndexConfig(index_dir=clean_dir), [corpus], embedder=get_embedder(""))  # same model, here
    clean = check(clean_dir, corpus)
    assert final["chunk_ids"] == clean["chunk_ids"] and final["chunks"] == clean["chunks"]
    assert final["version"] == clean["version"]
    assert final["extra_ids"] == 0 and len(final["collections"]) == 1       # garbage collected
    assert len(final["documents_files"]) == 1 and not final["journal"]
    print(f"\nkill -9 survived: {kills} kills over 3 stages (seed {SEED})")
    assert kills >= 4


_STALLED_PREPARE = """
import tempfile, time
from pathlib import Path
import index.prepare as prepare

corpus = Path(tempfile.mkdtemp())
for k in range(60):                 # 300 distinct documents: more than a worker's pipe holds
    for f in Path("corpus").glob("*.txt"):
        (corpus / f"{k}_{f.name}").write_text(f.read_text(encoding="utf-8") + f"\\nCopy {k}.\\n", encoding="utf-8")
raw, overrides, _ = prepare.load_all([corpus])

def stall(i, n, doc_id):            # the build stops reading; its workers go on, then wait
    if i == 1:
        print("ready", flush=True)
        time.sleep(120)

prepare.prepare_documents(raw, overrides, None, 600, 1, progress=stall, workers=2)
"""


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def test_preparing_workers_do_not_outlive_a_killed_build():
    proc = subprocess.Popen([sys.executable, "-c", _STALLED_PREPARE], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout.readline() == "ready\n"
    workers = [int(pid) for pid in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
    assert len(workers) == 2 and all(_alive(pid) for pid in workers)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)]
