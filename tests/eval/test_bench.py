"""The benchmark suite: its corpora, its report, and a small run of the whole of it (CI's size)."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest

from eval import bench_corpus as corpora
from eval.bench_report import plot_latency, table
from tests.index.fakes import HashingEmbedder

REPO = Path(__file__).resolve().parents[2]


def _write_distractors(path: Path, n: int) -> Path:
    rows = [{"id": f"d{i}", "category": "Sports", "url": "", "text":
             f"Team {i} won the match on Saturday against the league leaders. "
             "The coach said it was a fine result for the whole squad. Fans cheered loudly in the rain all night."}
            for i in range(n)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_distractors_are_found_explicitly_then_by_env_then_beside_the_repo(tmp_path, monkeypatch):
    explicit = _write_distractors(tmp_path / "a.jsonl", 2)
    by_env = _write_distractors(tmp_path / "b.jsonl", 2)
    monkeypatch.setenv(corpora.DISTRACTORS_ENV, str(by_env))
    assert corpora.find_distractors(explicit) == explicit
    assert corpora.find_distractors(None) == by_env
    monkeypatch.setenv(corpora.DISTRACTORS_ENV, str(tmp_path / "missing.jsonl"))
    beside = [up / "shared" / "distractors" / "news.jsonl" for up in (REPO.parent, REPO.parent.parent)]
    expected = next((p for p in beside if p.is_file()), None)
    assert corpora.find_distractors(tmp_path / "nope.jsonl") == expected


def test_mixed_corpus_holds_the_bundled_articles_and_the_first_n_distractors(tmp_path):
    src = _write_distractors(tmp_path / "news.jsonl", 10)
    d = corpora.mixed_corpus(tmp_path / "work", src, limit=3)
    assert sorted(p.name for p in d.glob("*.txt")) == sorted(p.name for p in corpora.CORPUS.glob("*.txt"))
    assert len((d / "distractors.jsonl").read_text().splitlines()) == 3
    whole = corpora.mixed_corpus(tmp_path / "work2", src)
    assert (whole / "distractors.jsonl").is_symlink()


def test_synthetic_corpus_reaches_about_the_size_asked_from_real_sentences(tmp_path):
    from index.build import build_index
    from index.records import IndexConfig

    src = _write_distractors(tmp_path / "news.jsonl", 30)
    pool = corpora.pool_sentences(src)
    assert "The coach said it was a fine result for the whole squad." in pool
    d = corpora.synthetic_corpus(tmp_path / "work", 300, pool, docs_per_file=10)
    assert len(list(d.glob("synthetic-*.jsonl"))) == 4  # 37 articles, 10 a file: no file over the size limit
    report = build_index(IndexConfig(index_dir=tmp_path / "idx"), [d],
                         embedder=corpora.SyntheticVectors(HashingEmbedder(), pool))
    assert 0.6 * 300 <= report.chunks <= 1.6 * 300
    assert not report.skipped
    again = corpora.synthetic_corpus(tmp_path / "work-again", 300, pool, docs_per_file=10)
    assert [p.read_text() for p in sorted(again.glob("synthetic-*"))] == [
        p.read_text() for p in sorted(d.glob("synthetic-*"))]  # seeded


def test_synthetic_vectors_are_deterministic_unit_rows_near_real_ones_and_real_text_is_embedded_for_real():
    real = HashingEmbedder()
    vectors = corpora.SyntheticVectors(real, [f"sentence number {i} about topic {i % 7}" for i in range(50)],
                                       pool_size=16)
    assert vectors.name == real.name and vectors.dim == real.dim
    texts = [f"{corpora.SYNTHETIC_TITLE} 3\nsome text", "A real chunk of the bundled corpus."]
    a, b = vectors.embed(texts), vectors.embed(texts)
    assert np.array_equal(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert np.allclose(a[1], real.embed([texts[1]])[0])
    assert float((vectors.pool @ a[0]).max()) > 0.5  # close to one of the real pool vectors
    assert vectors.synthetic == 2


def _fake_report() -> dict:
    lat = {"chunks": 38, "questions": 4, "runs": 4, "first_open_s": 1.0, "first_sight_ms_p50": 50.0,
           "embedding_ms_p50": 6.0, "embedding_ms_p95": 7.0, "project_ms_p50": 12.0, "project_ms_p95": 20.0,
           "llamaindex_ms_p50": 30.0, "llamaindex_ms_p95": 40.0, "project_accuracy": 0.8,
           "llamaindex_accuracy": 0.5, "project_wrong_confident": 1, "llamaindex_wrong_confident": 3,
           "answer_to_embedding": 2.0, "peer_to_answer": 2.5, "llamaindex-st_ms_p50": 60.0,
           "stock_peer_to_answer": 5.0}
    build = {"chunks": 38, "documents": 5, "full_s": 2.0, "build_chunks_per_s": 19.0, "build_to_raw_cpu": 0.9,
             "raw_chunks_per_s": 20.0, "build_to_raw": 0.95, "nochange_s": 0.1}
    return {"machine": {"cpus": 2, "cpu": "test CPU", "python": "3.11", "load_avg_at_start": 1.0, "date": "today"},
            "embedder_backend": "numpy",
            "corpora": {"bundled": {"build": build, "latency": lat},
                        "synthetic-1000": {"build": {"chunks": 1000, "documents": 3, "full_s": 5.0,
                                                     "synthetic_vectors": 990},
                                           "latency": {**lat, "chunks": 1000, "project_ms_p50": 14.0}}},
            "cold": {"bundled": {"runs": 3, "wall_s_p50": 2.5, "wall_s_min": 2.0, "wall_s_max": 3.0,
                                 "peak_mib_p50": 300.0}},
            "llm_peer": {"questions": 4, "model": "bundled", "project_ms_p50": 20.0, "llamaindex-llm_ms_p50": 9000.0,
                         "peer_to_answer": 450.0, "project_accuracy": 0.75, "llamaindex-llm_accuracy": 0.25,
                         "project_wrong_confident": 1, "llamaindex-llm_wrong_confident": 3},
            "small": {"runs": 5, "articles": 5, "total_s_p50": 1.25, "index_s_p50": 1.0, "first_answer_s_p50": 0.25},
            "memory": {"corpus": "synthetic-1000", "chunks": 1000, "rss_mib": 400.0, "peak_mib": 450.0},
            "server": {"embedded_query_ms_p50": 1.0, "server_query_ms_p50": 2.0, "embedded_answer_ms_p50": 12.0,
                       "server_answer_ms_p50": 13.0}}


def test_the_table_reports_every_figure_with_its_ratio_and_the_machine(tmp_path):
    text = table(_fake_report())
    for expected in ("2 CPUs (test CPU)", "| bundled | 38 | 2.0 s | 19.0 | 20.0 | 0.95 | 0.90 | 0.10 s |",
                     "(synthetic vectors)", "12.0 / 20.0 ms", "2.00×", "2.50×", "60.0 ms | 5.00×", "0.80 / 0.50", "1 / 3",
                     "2.50 s (2.00–3.00)", "index + first answer p50 1.25 s (index 1.00 s, first answer 0.25 s)",
                     "| 4 (bundled model) | 20.0 ms | 9.0 s | 450× | 0.75 / 0.25 | 1 / 3 |", "RSS 400 MiB", "| `chroma run` server | 2.00 ms | 13.0 ms |"):
        assert expected in text, expected
    plot_latency(_fake_report(), tmp_path / "plot.png")
    assert (tmp_path / "plot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    without_model = table({**_fake_report(), "llm_peer": {"error": "no local model"}})
    assert "query engine with a local model: not measured (no local model)" in without_model


def test_bad_sizes_are_refused_with_a_message(capsys):
    from eval.bench import main

    assert main(["--sizes", "ten"]) == 2
    assert "--sizes" in capsys.readouterr().err
    assert main(["--sizes", "5"]) == 2


@pytest.mark.integration
def test_a_small_run_of_the_suite_reports_sane_numbers(tmp_path, capsys):
    """CI's size: the bundled corpus, 40 distractors (when present), 2,000 synthetic chunks, 10 questions
    (2 for the query engine with the local model); the peer with a torch encoder is left out (its
    import alone is seconds)."""
    from eval.bench import main

    out = tmp_path / "out"
    code = main(["--sizes", "2000", "--repeat", "1", "--questions-limit", "10", "--distractor-limit", "40",
                 "--cold-runs", "1", "--llm-peer-questions", "2", "--skip", "stock", "--work-dir", str(tmp_path / "work"), "--out-dir", str(out)])
    printed = capsys.readouterr().out
    with capsys.disabled():  # CI's log shows the table even under pytest -q
        print("\n" + printed)
    assert code == 0
    report = json.loads((out / "bench.json").read_text())
    names = set(report["corpora"])
    assert {"bundled", "synthetic-2000"} <= names
    assert ("mixed" in names) == (corpora.find_distractors() is not None)
    assert report["corpora"]["synthetic-2000"]["build"]["chunks"] >= 1500
    for name, c in report["corpora"].items():
        x = c["latency"]
        for key in ("project", "embedding", "llamaindex"):
            assert 0 < x[f"{key}_ms_p50"] <= x[f"{key}_ms_p95"] < 60_000, (name, key)
        assert math.isfinite(x["answer_to_embedding"]) and x["answer_to_embedding"] > 0
        assert 0.0 <= x["project_accuracy"] <= 1.0 and x["questions"] == 10
    b = report["corpora"]["bundled"]["build"]
    assert b["chunks"] > 20 and b["raw_chunks_per_s"] > 0 and b["nochange_s"] < b["full_s"]
    assert 0 < report["cold"]["bundled"]["wall_s_p50"] < 120 and report["cold"]["bundled"]["peak_mib_p50"] > 50
    llm = report["llm_peer"]
    if importlib.util.find_spec("llama_cpp") is None:
        assert "llama" in llm["error"] or "model" in llm["error"]
    else:  # the model writes for seconds; answer() takes milliseconds
        assert llm["questions"] == 2 and llm["llamaindex-llm_ms_p50"] > llm["project_ms_p50"] > 0, llm
        assert 0.0 <= llm["llamaindex-llm_accuracy"] <= 1.0
    if "mixed" in names:  # the small corpora are made of distractor articles
        small = report["small"]
        assert 0 < small["index_s_p50"] < small["total_s_p50"] < 120 and small["runs"] == 5
    assert report["memory"]["rss_mib"] > 50 and report["memory"]["chunks"] >= 1500
    assert report["server"]["server_query_ms_p50"] > 0
    assert "| corpus | chunks | answer() p50 / p95 |" in printed
    assert (out / "bench_latency.png").read_bytes()[:4] == b"\x89PNG"
