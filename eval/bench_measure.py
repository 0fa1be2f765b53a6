"""What the benchmark measures from outside a process: cold ``qa ask``, the app's memory, and a
``chroma run`` server.

Each figure comes from a fresh child process (its wall time, and its peak RSS from the kernel's
``wait4`` accounting) or from a real server on a loopback port; ``eval/bench.py`` decides what
to run and reports it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def child_env(index_dir: Path, corpus_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a measured child: the caller's, offline, with only the given QA_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
                "QA_INDEX_DIR": str(index_dir), "QA_CORPUS_DIR": str(corpus_dir), "QA_LLM": "none", **extra})
    return env


def run_measured(cmd: list[str], env: dict[str, str], timeout: float = 600) -> dict:
    """Run ``cmd`` to completion; returns wall seconds, peak RSS (MiB), exit code and stdout."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "code": proc.returncode, "stdout": out, "stderr": err[-2000:]}


_PEAK_WRAPPER = (
    "import os, resource, subprocess, sys, json, time\n"
    "t = time.perf_counter(); p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "wall = time.perf_counter() - t\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
    "print(json.dumps({'wall_s': wall, 'peak_mib': peak, 'code': p.returncode, 'stdout': p.stdout[-4000:],"
    " 'stderr': p.stderr[-2000:]}))\n"
)


def run_with_peak(cmd: list[str], env: dict[str, str], timeout: float = 600) -> dict:
    """Run ``cmd`` under a wrapper that reports its wall time and peak RSS (MiB, the kernel's count).

    The kernel reports children's peak RSS only as a maximum over all of them, so each measured
    command gets its own short-lived wrapper whose only child it is.
    """
    res = run_measured([sys.executable, "-c", _PEAK_WRAPPER, *cmd], env, timeout)
    try:
        return json.loads(res["stdout"].strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"wall_s": res["wall_s"], "peak_mib": float("nan"), "code": res["code"] or -1,
                "stdout": "", "stderr": res["stderr"]}


def cold_ask(index_dir: Path, corpus_dir: Path, question: str, runs: int) -> dict:
    """``qa ask --mode extractive`` in a new process ``runs`` times: wall time and peak RSS medians."""
    env = child_env(index_dir, corpus_dir)
    cmd = [sys.executable, "-m", "qa", "ask", "--mode", "extractive", question]
    results = [run_with_peak(cmd, env) for _ in range(runs)]
    failed = [r for r in results if r["code"] != 0]
    if failed:
        raise RuntimeError(f"qa ask failed: {failed[0]['stderr'][-500:]}")
    walls = [r["wall_s"] for r in results]
    return {"runs": runs, "wall_s_p50": statistics.median(walls), "wall_s_min": min(walls),
            "wall_s_max": max(walls), "peak_mib_p50": statistics.median(r["peak_mib"] for r in results)}


_APP_MEMORY = """
import json, sys
from qa.config import Settings
from qa.pipeline import Pipeline
import app
settings = Settings()
pipeline = Pipeline(settings)
blocks = app.build_app(pipeline, settings=settings)
for q in json.loads(sys.argv[1]):
    pipeline.answer(q, mode="extractive")
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
print(json.dumps({"rss_mib": int(status["VmRSS"].split()[0]) / 1024, "peak_mib": int(status["VmHWM"].split()[0]) / 1024,
                  "chunks": len(pipeline.reader.chunks())}))
"""


def app_memory(index_dir: Path, corpus_dir: Path, questions: list[str]) -> dict:
    """RSS of a process holding the chat app, the embedder and the index, after a few answers."""
    res = run_measured([sys.executable, "-c", _APP_MEMORY, json.dumps(questions)], child_env(index_dir, corpus_dir),
                       timeout=1800)
    if res["code"] != 0:
        raise RuntimeError(f"app memory probe failed: {res['stderr'][-500:]}")
    return json.loads(res["stdout"].strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def chroma_server(data_dir: Path, timeout: float = 60):
    """A real ``chroma run`` on a free loopback port for the duration; yields ``(host, port)``."""
    exe = Path(sys.executable).parent / "chroma"
    if not exe.exists():
        exe = Path(shutil.which("chroma") or "chroma")
    port = _free_port()
    proc = subprocess.Popen([str(exe), "run", "--path", str(data_dir), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("chroma run did not start")
                time.sleep(0.2)
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def small_corpus(work: Path, articles: list[str], question: str, runs: int = 5, size: int = 5) -> dict:
    """A new corpus of ``size`` articles indexed and asked through ``qa.open`` in a warm process.

    The process first opens the bundled corpus and answers once (models loaded, as in a
    notebook or a server that already answered); then each run writes ``size`` new articles
    to a new folder and times ``index()`` plus the first ``answer()``.
    """
    import qa

    with qa.open(REPO / "corpus", index_dir=work / "small-warmup") as lib:
        lib.index()
        lib.answer(question)
    totals, indexing, first = [], [], []
    for r in range(runs):
        folder = work / f"small-{r}"
        folder.mkdir(parents=True, exist_ok=True)
        for i, text in enumerate(articles[size * r:size * (r + 1)]):
            (folder / f"article-{i}.txt").write_text(text, encoding="utf-8")
        t0 = time.perf_counter()
        with qa.open(folder) as lib:
            lib.index()
            t1 = time.perf_counter()
            lib.answer(question)
        t2 = time.perf_counter()
        totals.append(t2 - t0)
        indexing.append(t1 - t0)
        first.append(t2 - t1)
    return {"runs": runs, "articles": size, "total_s_p50": statistics.median(totals),
            "index_s_p50": statistics.median(indexing), "first_answer_s_p50": statistics.median(first)}
