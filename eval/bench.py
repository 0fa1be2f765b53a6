"""The benchmark suite: build throughput, warm and cold latency, accuracy among distractors, memory.

``python -m eval.bench`` builds an index of each corpus (``eval/bench_corpus.py``: the bundled
articles, the bundled articles among the real distractors, synthetic corpora of the sizes asked)
in a work directory and measures, each side by side in one run so ratios hold on a noisy machine:

- build: chunks/s of a full build against the raw encoder's chunks/s on the same chunk texts
  (real corpora; a sample of them for large ones), and the no-change rebuild time;
- warm latency per corpus: ``answer()`` (extractive) p50/p95 against one query embedding
  (interleaved, question by question), and the stock llama-index query pipeline over the same
  index (``eval/baselines.py``) as the peer, with each one's accuracy on the bundled questions;
- the stock llama-index query engine with the local model writing the answer, on the bundled
  corpus and a few questions (each takes the model seconds), against ``answer()``;
- cold ``qa ask`` wall time and peak RSS (new processes), the app's RSS with the embedder and the
  largest index open, and the embedded Chroma against a ``chroma run`` server.

It prints a markdown table, writes ``OUT/bench.json`` and ``OUT/bench_latency.png`` (latency
against corpus size), and never judges: no threshold applies (CI runs a small size of it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from eval import bench_corpus as corpora
from eval import bench_measure as measure
from eval.metrics import percentile
from eval.questions import DEFAULT_QUESTIONS, load_questions

DEFAULT_OUT = Path(__file__).resolve().parent / "out"
SECTIONS = ("build", "latency", "llm-peer", "cold", "small", "memory", "server")
COLD_QUESTION = "How many North Korean troops were deployed to Russia last year?"
# Asked of each new small corpus of distractor articles: any question, the time is the point.
SMALL_QUESTION = "What did the president say about the election?"


def _pipeline(index_dir: Path, corpus_dir: Path, **extra):
    from qa.config import Settings
    from qa.pipeline import Pipeline

    return Pipeline(Settings(index_dir=index_dir, corpus_dir=corpus_dir, llm="none", **extra))


def measure_build(corpus_dir: Path, index_dir: Path, embedder) -> dict:
    """Full build against the raw encoder on the same chunks, then a no-change rebuild
    (``eval.throughput``: both sides timed in this process, the raw encoder before and after),
    and the warm-up every product build ends with (``Pipeline.warm``: BM25, ledger, events)."""
    from eval.throughput import measure_build_throughput

    t = measure_build_throughput([corpus_dir], index_dir.parent, embedder=embedder, index_dir=index_dir)
    t0 = time.perf_counter()
    _pipeline(index_dir, corpus_dir).warm()  # what `qa index` and Pipeline.build do after the build
    warm_s = time.perf_counter() - t0
    return {"warm_s": warm_s, "chunks": t.chunks, "documents": t.documents, "full_s": t.build_seconds,
            "build_chunks_per_s": t.build_rate, "raw_chunks_per_s": t.raw_rate, "build_to_raw": t.ratio,
            "build_to_raw_cpu": t.cpu_ratio, "prepare_s": t.prepare_seconds, "nochange_s": t.rebuild_seconds}


def build_synthetic(corpus_dir: Path, index_dir: Path, embedder, pool: Sequence[str]) -> dict:
    """Build a synthetic corpus's index (generated chunks get cheap vectors; see bench_corpus)."""
    from index.build import build_index

    vectors = corpora.SyntheticVectors(embedder, pool)
    cfg = _pipeline(index_dir, corpus_dir).settings.index_config()
    t0 = time.perf_counter()
    report = build_index(cfg, [corpus_dir], embedder=vectors)
    if report.skipped:  # a skipped file would make the corpus smaller than its name says
        raise RuntimeError(f"the synthetic corpus {corpus_dir} was not indexed whole: {report.skipped}")
    full = time.perf_counter() - t0
    t0 = time.perf_counter()
    _pipeline(index_dir, corpus_dir).warm()  # what `qa index` and Pipeline.build do after the build
    return {"chunks": report.chunks, "documents": report.added, "full_s": full, "warm_s": time.perf_counter() - t0,
            "synthetic_vectors": vectors.synthetic}


def _figures(times: dict[str, list[float]], results: dict[str, list]) -> dict:
    """Each system's p50/p95 (ms) and its accuracy, wrong confident answers, citation precision
    and abstention recall, keyed ``{system}_{figure}``."""
    from eval.run import aggregate

    out: dict = {}
    for name, ts in times.items():
        out[f"{name}_ms_p50"], out[f"{name}_ms_p95"] = percentile(ts, 50), percentile(ts, 95)
    for name, rs in results.items():
        m = aggregate(rs)
        out[f"{name}_accuracy"] = m["answer_accuracy"]
        out[f"{name}_wrong_confident"] = m["wrong_confident_answers"]
        out[f"{name}_citation_precision"] = m["citation_precision"]
        out[f"{name}_abstention_recall"] = m["abstention_recall"]
    return out


def measure_latency(index_dir: Path, corpus_dir: Path, questions, repeat: int, peer: bool = True,
                    stock: bool = False) -> dict:
    """Warm ``answer()`` and the llama-index peer against one query embedding, with accuracy.

    ``peer``: the llama-index pipeline with the index's own query encoder; ``stock``: also with
    sentence-transformers as the encoder, as a stock llama-index set-up has.

    Every question is answered once untimed first (its sentences are embedded then, the BM25
    index and the ledger built); then ``repeat`` passes time, per question, a never-seen query
    embedding, the answer and the peer's answer, one after the other.
    """
    from eval.baselines import LlamaIndexBaseline, ProjectSystem
    from eval.run import score

    pipeline = _pipeline(index_dir, corpus_dir)
    t0 = time.perf_counter()
    pipeline.answer("Who is Sergei Shoigu?", mode="extractive")
    first_s = time.perf_counter() - t0
    systems = {"project": ProjectSystem(pipeline, "extractive")}
    if peer:
        systems["llamaindex"] = LlamaIndexBaseline(pipeline)
    if stock:
        # What a stock llama-index set-up embeds queries with: sentence-transformers (torch, its
        # default threads), same model, same vectors.
        from index.embed import SentenceTransformerEmbedder

        st = SentenceTransformerEmbedder(pipeline.settings.embed_model)
        systems["llamaindex-st"] = LlamaIndexBaseline(pipeline, embedder=st, name="llamaindex-st")
    first = []
    for q in questions:
        t0 = time.perf_counter()
        systems["project"].answer(q)
        first.append((time.perf_counter() - t0) * 1000)
        for name, system in systems.items():
            if name != "project":
                system.answer(q)
    texts = {d: doc.text for d, doc in pipeline.documents().items()}
    embedder = pipeline.reader.embedder
    times: dict[str, list[float]] = {"embedding": [], **{name: [] for name in systems}}
    results: dict[str, list] = {name: [] for name in systems}
    for r in range(repeat):
        for i, q in enumerate(questions):
            t0 = time.perf_counter()
            embedder.embed([f"{q.question} #{r}-{i}-{time.perf_counter_ns()}"])  # never cached
            times["embedding"].append((time.perf_counter() - t0) * 1000)
            for name, system in systems.items():
                t0 = time.perf_counter()
                a = system.answer(q)
                ms = (time.perf_counter() - t0) * 1000
                times[name].append(ms)
                if r == repeat - 1:
                    results[name].append(score(q, a, ms, name, texts))
    out = {"chunks": len(pipeline.reader.chunks()), "questions": len(questions), "runs": len(times["embedding"]),
           "first_open_s": first_s, "first_sight_ms_p50": statistics.median(first),
           **_figures(times, results)}
    out["answer_to_embedding"] = out["project_ms_p50"] / out["embedding_ms_p50"]
    if peer:
        out["peer_to_answer"] = out["llamaindex_ms_p50"] / out["project_ms_p50"]
    if stock:
        out["stock_peer_to_answer"] = out["llamaindex-st_ms_p50"] / out["project_ms_p50"]
    return out


def measure_llm_peer(index_dir: Path, corpus_dir: Path, questions) -> dict:
    """Warm ``answer()`` (extractive) against the stock llama-index query engine with an LLM.

    The peer is ``as_query_engine`` over the same collection, the bundled local model writing
    (``eval.baselines.LlamaIndexQueryEngine``): what a stock llama-index set-up answers with.
    Each question is answered by both, one after the other, after one untimed answer each.
    Returns ``{"error": ...}`` when no local model loads.
    """
    from eval.baselines import LlamaIndexQueryEngine, ProjectSystem
    from eval.run import score
    from qa.errors import QAError

    pipeline = _pipeline(index_dir, corpus_dir)
    try:
        systems = {"project": ProjectSystem(pipeline, "extractive"), "llamaindex-llm": LlamaIndexQueryEngine(pipeline)}
    except QAError as exc:
        return {"error": str(exc)}
    for system in systems.values():
        system.answer(questions[0])  # the model's load and first prompt are not a question's latency
    texts = {d: doc.text for d, doc in pipeline.documents().items()}
    times: dict[str, list[float]] = {name: [] for name in systems}
    results: dict[str, list] = {name: [] for name in systems}
    for q in questions:
        for name, system in systems.items():
            t0 = time.perf_counter()
            a = system.answer(q)
            ms = (time.perf_counter() - t0) * 1000
            times[name].append(ms)
            results[name].append(score(q, a, ms, name, texts))
    out = {"questions": len(questions), "model": pipeline.settings.llm_model or "bundled",
           **_figures(times, results)}
    out["peer_to_answer"] = out["llamaindex-llm_ms_p50"] / out["project_ms_p50"]
    return out


def measure_server(corpus_dir: Path, work: Path, questions) -> dict:
    """The same bundled corpus in the embedded store and in a ``chroma run`` server: dense search
    (one precomputed query vector, the store alone) and ``answer()`` p50, side by side."""
    embedded = _pipeline(work / "srv-embedded", corpus_dir)
    with measure.chroma_server(work / "srv-data") as (host, port):
        server = _pipeline(work / "srv-client", corpus_dir, chroma_host=host, chroma_port=port)
        pipes = {"embedded": embedded, "server": server}
        vecs = embedded.reader.embedder.embed([q.question for q in questions])
        for p in pipes.values():
            p.answer(questions[0].question, mode="extractive")
            for q in questions:  # first sight untimed, as for the warm latency
                p.answer(q.question, history=list(q.history) or None, mode="extractive")
        times: dict[str, list[float]] = {f"{k}_{m}": [] for k in pipes for m in ("query", "answer")}
        for q, v in zip(questions, vecs):
            for name, p in pipes.items():
                t0 = time.perf_counter()
                p.reader.collection.query(query_embeddings=[v], n_results=32, include=["distances"])
                times[f"{name}_query"].append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                p.answer(q.question, history=list(q.history) or None, mode="extractive")
                times[f"{name}_answer"].append((time.perf_counter() - t0) * 1000)
    return {f"{k}_ms_p50": statistics.median(v) for k, v in times.items()}


def spread(questions: Sequence, n: int) -> list:
    """``n`` of ``questions`` evenly spaced, so every category of the file has its share."""
    if n >= len(questions):
        return list(questions)
    return [questions[i * len(questions) // n] for i in range(n)]


def run(args) -> dict:
    """Prepare every corpus and run the sections asked for; returns the JSON report."""
    from index.embed import get_embedder

    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    questions = load_questions(args.questions)
    if args.questions_limit:
        questions = questions[:args.questions_limit]
    work = Path(args.work_dir or tempfile.mkdtemp(prefix="newsqa-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    distractors = None if args.no_distractors else corpora.find_distractors(args.distractors)
    embedder = get_embedder("")
    embedder.embed(["load the model before timing"])
    report: dict = {"machine": machine(), "work_dir": str(work), "embedder_backend": embedder.backend,
                    "distractors": str(distractors) if distractors else None, "corpora": {}}
    plan = [("bundled", corpora.bundled_corpus(work), False)]
    if distractors is not None:
        plan.append(("mixed", corpora.mixed_corpus(work, distractors, args.distractor_limit), False))
    else:
        print("bench: no distractor file (../shared/distractors/news.jsonl, --distractors or "
              f"${corpora.DISTRACTORS_ENV}); the mixed corpus is skipped", file=sys.stderr)
    pool = corpora.pool_sentences(distractors) if args.sizes else []
    plan += [(f"synthetic-{n}", corpora.synthetic_corpus(work, n, pool), True) for n in args.sizes]
    for name, corpus_dir, synthetic in plan:
        index_dir = work / f"index-{name}"
        entry: dict = {"corpus_dir": str(corpus_dir), "index_dir": str(index_dir)}
        print(f"bench: {name}: building", file=sys.stderr)
        entry["build"] = (build_synthetic(corpus_dir, index_dir, embedder, pool) if synthetic else
                          measure_build(corpus_dir, index_dir, embedder))
        if "latency" not in skip:
            print(f"bench: {name}: latency", file=sys.stderr)
            entry["latency"] = measure_latency(index_dir, corpus_dir, questions, args.repeat,
                                               peer="peer" not in skip, stock="stock" not in skip)
        report["corpora"][name] = entry
    bundled = report["corpora"]["bundled"]
    if "llm-peer" not in skip and args.llm_peer_questions:
        print("bench: stock llama-index query engine with the local model", file=sys.stderr)
        report["llm_peer"] = measure_llm_peer(Path(bundled["index_dir"]), Path(bundled["corpus_dir"]),
                                              spread(questions, args.llm_peer_questions))
    if "cold" not in skip:
        print("bench: cold qa ask", file=sys.stderr)
        report["cold"] = {name: measure.cold_ask(Path(c["index_dir"]), Path(c["corpus_dir"]), COLD_QUESTION,
                                                 args.cold_runs)
                          for name, c in report["corpora"].items() if name in ("bundled", "mixed")}
    if "small" not in skip and distractors is not None:
        print("bench: new five-article corpora in a warm process", file=sys.stderr)
        texts = [json.loads(line)["text"] for line in distractors.read_text(encoding="utf-8").splitlines()[:25]]
        report["small"] = measure.small_corpus(work, texts, SMALL_QUESTION)
    if "memory" not in skip:
        name, largest = max(report["corpora"].items(), key=lambda kv: kv[1]["build"]["chunks"])
        print(f"bench: app memory over {name}", file=sys.stderr)
        report["memory"] = {"corpus": name, **measure.app_memory(
            Path(largest["index_dir"]), Path(largest["corpus_dir"]), [q.question for q in questions[:5]])}
    if "server" not in skip:
        print("bench: embedded vs chroma run", file=sys.stderr)
        report["server"] = measure_server(Path(bundled["corpus_dir"]), work, questions)
    return report


def machine() -> dict:
    """What the numbers were measured on."""
    import os
    import platform

    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "load_avg_at_start": os.getloadavg()[0], "date": time.strftime("%Y-%m-%d")}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10000,30000,100000",
                   help="synthetic corpus sizes in chunks, comma-separated ('' for none)")
    p.add_argument("--repeat", type=int, default=2, help="timed passes over the questions per corpus")
    p.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    p.add_argument("--questions-limit", type=int, default=0, help="only the first N questions (0 = all)")
    p.add_argument("--distractors", type=Path, default=None,
                   help=f"news.jsonl of distractor articles (default: ${corpora.DISTRACTORS_ENV}, "
                        "then ../shared/distractors/news.jsonl)")
    p.add_argument("--distractor-limit", type=int, default=0, help="only the first N distractor articles (0 = all)")
    p.add_argument("--no-distractors", action="store_true", help="skip the mixed corpus")
    p.add_argument("--llm-peer-questions", type=int, default=12,
                   help="questions, evenly spaced over the file, for the llama-index query engine with the local "
                        "model (seconds each; 0 = none)")
    p.add_argument("--cold-runs", type=int, default=5, help="new processes per cold qa ask figure")
    p.add_argument("--skip", default="", help=f"comma-separated sections to skip: {', '.join(SECTIONS)}, peer, stock "
                        "(the llama-index peer with sentence-transformers as its encoder)")
    p.add_argument("--work-dir", type=Path, default=None, help="where corpora and indexes go (default: a temp dir)")
    p.add_argument("--out-dir", type=Path, default=DEFAULT_OUT, help="bench.json and bench_latency.png go here")
    p.add_argument("--plot", type=Path, default=None, help="also write the latency plot here (e.g. docs/)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m eval.bench``; returns the exit code."""
    from eval.bench_report import plot_latency, table

    args = _parser().parse_args(argv)
    try:
        args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        print(f"eval.bench: --sizes takes chunk counts like 10000,30000, not {args.sizes!r}", file=sys.stderr)
        return 2
    if any(n < 100 for n in args.sizes) or args.repeat < 1 or args.cold_runs < 1:
        print("eval.bench: sizes must be >= 100 chunks, --repeat and --cold-runs >= 1", file=sys.stderr)
        return 2
    report = run(args)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / "bench.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    plots = [args.out_dir / "bench_latency.png"] + ([args.plot] if args.plot else [])
    for path in plots:
        plot_latency(report, path)
    print(table(report))
    print(f"\nJSON: {args.out_dir / 'bench.json'}\nplot: {', '.join(map(str, plots))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
