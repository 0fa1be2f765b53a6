"""Load: the real app (``python app.py``, the real pipeline over the bundled corpus, extractive)
in its own process on a free loopback port. First 16 ``gradio_client`` users ask at once for a
bounded time; then the run goes on through the same public API over plain HTTP (gradio_client
costs more CPU per request than the server does, and the machine has two cores) until 1,000
questions have been asked, the server's memory read at intervals throughout.

What must hold: every request is answered, or refused as busy or as a bad question; nothing
else goes wrong; the server is alive and answering at the end; its memory is steady (the mean
resident size over the last quarter of the run stays within a generous bound of the first
quarter's, after warm-up). The numbers are printed (``pytest -s``) for the record; no timing
is asserted. Every loop is bounded by count and by time.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.app.conftest import REPO, free_port

pytestmark = pytest.mark.integration

USERS = 16
CONCURRENT_PHASE = 30.0  # seconds of 16 gradio_client users at once
HTTP_USERS = 4           # then plain HTTP clients of the same API, to 1,000 questions
QUESTIONS = 1_000
TIME_LIMIT = 420.0       # seconds for the whole run: a bound on the loop, not an assertion
START_LIMIT = 240.0      # seconds for the server to start and build its index
RSS_GROWTH = 1.25        # last-quarter mean RSS / first-quarter mean RSS must stay under this...
RSS_SLACK_MB = 40.0      # ...plus this, for allocator noise


def _questions() -> list[str]:
    """The eval questions, each also with a distinct suffix: half the traffic is new text, so
    any cache keyed by question text would grow through the run."""
    rows = [json.loads(line) for line in (REPO / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [r["question"] for r in rows]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``python app.py`` on a free loopback port, over a copy of the corpus and a fresh index."""
    root = tmp_path_factory.mktemp("load")
    corpus = shutil.copytree(REPO / "corpus", root / "corpus")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "GRADIO_"))}
    env.update(QA_INDEX_DIR=str(root / "index"), QA_CORPUS_DIR=str(corpus), QA_LLM="none",
               QA_EMBED_THREADS="1",  # the README's advice for a busy machine
               GRADIO_SERVER_NAME="127.0.0.1", GRADIO_SERVER_PORT=str(port), GRADIO_ANALYTICS_ENABLED="False",
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    log = open(root / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + START_LIMIT
    try:
        while True:
            assert proc.poll() is None, (root / "server.log").read_text(errors="replace")[-3000:]
            try:
                with urllib.request.urlopen(f"{url}config", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.5)
        yield proc, url, root / "server.log"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _ask_http(url: str, question: str) -> dict:
    """One question through the public REST API (/gradio_api/call/ask): the answer dict, or an
    exception carrying the server's error message."""
    req = urllib.request.Request(f"{url}gradio_api/call/ask", data=json.dumps({"data": [question]}).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            event_id = json.loads(r.read())["event_id"]
    except urllib.error.HTTPError as e:  # 503: the queue is full
        raise RuntimeError(e.read().decode("utf-8", "replace")) from None
    with urllib.request.urlopen(f"{url}gradio_api/call/ask/{event_id}", timeout=120) as r:
        stream = r.read().decode("utf-8")
    # server-sent events; the last one is "complete" with the outputs, or "error" with the message
    last = [block for block in stream.split("\n\n") if block.strip()][-1]
    fields = dict(line.split(": ", 1) for line in last.splitlines() if ": " in line)
    payload = json.loads(fields.get("data", "null"))
    if fields.get("event") != "complete":
        raise RuntimeError(str(payload))
    return payload[0]


def _traceback_kinds(log_text: str) -> set[str]:
    """The exception type that ends each traceback in the server log."""
    kinds = set()
    for chunk in log_text.split("Traceback (most recent call last):")[1:]:
        last = next((line for line in chunk.splitlines() if line and not line.startswith((" ", "During", "The above"))), "")
        kinds.add(last.split(":")[0])
    return kinds


def test_sixteen_users_then_a_thousand_questions_leave_the_server_answering_with_steady_memory(server):
    from gradio_client import Client

    proc, url, log = server
    warm = Client(url, verbose=False)
    for q in _questions()[:5]:  # builds the index and loads the model: not part of the measure
        assert warm.predict(q, api_name="/ask")["text"]
    questions = _questions()
    outcomes = {"answered": 0, "declined": 0, "busy": 0, "refused": 0}
    errors: list[str] = []
    latencies: dict[str, list[float]] = {"gradio_client": [], "http": []}
    rss: list[tuple[int, float]] = []  # (questions asked so far, MB)
    lock = threading.Lock()
    asked = [0]
    started = time.monotonic()

    def next_question(until: float) -> str | None:
        with lock:
            if asked[0] >= QUESTIONS or time.monotonic() > until:
                return None
            n = asked[0]
            asked[0] += 1
        if n % 50 == 7:
            return " \x00 "  # a bad question now and then: refused, and the rest goes on
        q = questions[n % len(questions)]
        # half the traffic is new text: a cache keyed by question text would grow through the run
        return q if n % 2 else f"{q.rstrip('?')} (question {n})?"

    def record(kind: str, how: str, seconds: float, detail: str = "") -> None:
        with lock:
            if kind == "error":
                errors.append(detail[:200])
            else:
                outcomes[kind] += 1
            latencies[how].append(seconds)

    def outcome(ask, how: str, until: float) -> None:
        while (q := next_question(until)) is not None:
            t0 = time.monotonic()
            try:
                d = ask(q)
                kind, detail = ("answered" if d["answered"] else "declined"), ""
            except Exception as e:  # noqa: BLE001 - every outcome is recorded, then judged
                text = str(e)
                kind = "busy" if "queue is full" in text.lower() else "refused" if "question is empty" in text else "error"
                detail = f"{type(e).__name__}: {text}"
            record(kind, how, time.monotonic() - t0, detail)

    def client_user() -> None:
        client = Client(url, verbose=False)
        outcome(lambda q: client.submit(q, api_name="/ask").result(timeout=120), "gradio_client",
                started + CONCURRENT_PHASE)

    def http_user() -> None:
        outcome(lambda q: _ask_http(url, q), "http", started + TIME_LIMIT)

    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss.append((asked[0], _rss_mb(proc.pid)))
            done.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    for phase in ([client_user] * USERS, [http_user] * HTTP_USERS):
        threads = [threading.Thread(target=f) for f in phase]
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIME_LIMIT + 180)
    done.set()
    sampler.join()
    elapsed = time.monotonic() - started

    total = sum(outcomes.values()) + len(errors)
    first = [m for n, m in rss if n <= total / 4]
    last = [m for n, m in rss if n >= 3 * total / 4]
    report = {"requests": total, "by_gradio_client": len(latencies["gradio_client"]), "seconds": round(elapsed, 1),
              **outcomes, "errors": len(errors), "rss_first_quarter_mb": round(statistics.mean(first), 1),
              "rss_last_quarter_mb": round(statistics.mean(last), 1), "rss_max_mb": round(max(m for _, m in rss), 1)}
    for how, values in latencies.items():
        values.sort()
        if values:
            report[f"{how}_p50_s"] = round(statistics.median(values), 3)
            report[f"{how}_p95_s"] = round(values[int(0.95 * (len(values) - 1))], 3)
            report[f"{how}_max_s"] = round(values[-1], 3)
    print("\nload:", json.dumps(report))

    assert errors == [], errors[:5]
    assert proc.poll() is None, log.read_text(errors="replace")[-3000:]  # no crash
    assert total == QUESTIONS, f"only {total} requests within {TIME_LIMIT:.0f} s"
    assert report["by_gradio_client"] >= USERS  # every concurrent user got through
    assert outcomes["refused"] == QUESTIONS // 50  # every bad question, and only those
    assert report["rss_last_quarter_mb"] <= report["rss_first_quarter_mb"] * RSS_GROWTH + RSS_SLACK_MB, report
    after = Client(url, verbose=False).predict("When did Sergei Shoigu arrive in Pyongyang in June 2025?",
                                               api_name="/ask")
    assert after["answered"]
    # gradio logs each refusal (a gr.Error) with its traceback; nothing else may have failed
    assert _traceback_kinds(log.read_text(errors="replace")) <= {"gradio.exceptions.Error"}
