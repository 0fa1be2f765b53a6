"""Index build throughput against the raw encoder on the same chunks, measured side by side.

``measure_build_throughput(paths, work_dir)`` prepares the documents once to get exactly
the texts a build embeds, times the embedder alone on them (``embed`` of every text: the
very encoder object the build then uses, same batch size, same process), a full build from
scratch into ``work_dir/index``, the raw encoder again (the mean of both raw runs is the
reference, so a machine that slows down in the middle does not flatter either side), and a
rebuild with no change. For the benchmark
suite (``python -m eval.bench``) and by hand:

    python -m eval.throughput corpus/ ../shared/distractors/news.jsonl --work-dir /tmp/tp

A measurement, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from index.build import STAGE_PREPARE, build_index
from index.chunk import embedding_text
from index.embed import Embedder, get_embedder
from index.prepare import load_all, prepare_documents
from index.records import IndexConfig


@dataclass(frozen=True, slots=True)
class Throughput:
    """One side-by-side measurement; rates in chunks per second.

    Attributes:
        documents, chunks: what the build embedded (every chunk: it starts from nothing).
        raw_seconds: mean of the two timed ``encode`` runs over the same texts.
        build_seconds: the full build, loading and preparing the documents included.
        prepare_seconds: the part of it spent loading, cleaning, chunking and reading claims.
        rebuild_seconds: a second build with nothing changed.
        raw_cpu, build_cpu: the same two as CPU seconds of this process (all its threads) and
            its preparing workers, which other processes on a shared machine disturb much less
            than wall time.
    """

    documents: int
    chunks: int
    batch_size: int
    raw_seconds: float
    build_seconds: float
    prepare_seconds: float
    rebuild_seconds: float
    raw_cpu: float
    build_cpu: float

    @property
    def raw_rate(self) -> float:
        return self.chunks / self.raw_seconds

    @property
    def build_rate(self) -> float:
        return self.chunks / self.build_seconds

    @property
    def ratio(self) -> float:
        """Build throughput over raw encoder throughput (1.0 = the build costs no more than encoding)."""
        return self.build_rate / self.raw_rate

    @property
    def cpu_ratio(self) -> float:
        """``ratio`` in CPU time: raw encoder CPU seconds over build CPU seconds for the same chunks."""
        return self.raw_cpu / self.build_cpu

    def to_dict(self) -> dict:
        return {**asdict(self), "raw_rate": round(self.raw_rate, 2), "build_rate": round(self.build_rate, 2),
                "ratio": round(self.ratio, 3), "cpu_ratio": round(self.cpu_ratio, 3)}


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the build's preparing workers)."""
    t = os.times()
    return time.process_time() + t.children_user + t.children_system


def measure_build_throughput(paths: Sequence[Path], work_dir: Path, embedder: Embedder | None = None,
                             index_dir: Path | None = None) -> Throughput:
    """Time the raw encoder and a full build on the same chunks; see the module docstring.

    Args:
        paths: the corpus (files or directories, as ``qa index`` takes them).
        work_dir: an empty or disposable directory; the index is built in ``work_dir/index``.
        embedder: the encoder, timed alone and inside the build (None: the project's default,
            ``get_embedder("")``, which is what ``qa index`` uses).
        index_dir: build there instead of ``work_dir/index`` (it is emptied first).
    """
    embedder = embedder or get_embedder("")
    batch_size = getattr(embedder, "batch_size", 0)
    config = IndexConfig(index_dir=Path(index_dir or Path(work_dir) / "index"))
    shutil.rmtree(config.index_dir, ignore_errors=True)
    raw, overrides, _ = load_all(paths)
    prepared = prepare_documents(raw, overrides, None, config.chunk_size, config.chunk_overlap)
    texts = [embedding_text(c, p.doc.title) for p in prepared for c in p.chunks]
    embedder.embed(texts[:64])  # warm-up: the model loads, first calls are slower

    def raw_run() -> tuple[float, float]:
        t0, c0 = time.perf_counter(), _cpu()
        embedder.embed(texts)
        return time.perf_counter() - t0, _cpu() - c0

    first = raw_run()
    marks: dict[str, float] = {}

    def progress(done: int, total: int, label: str) -> None:
        if label.startswith(STAGE_PREPARE):
            marks["prepared"] = time.perf_counter()  # the last call: every document is prepared

    t0, c0 = time.perf_counter(), _cpu()
    report = build_index(config, paths, progress=progress, embedder=embedder)
    build, build_cpu = time.perf_counter() - t0, _cpu() - c0
    second = raw_run()
    t1 = time.perf_counter()
    build_index(config, paths, embedder=embedder)
    rebuild = time.perf_counter() - t1
    if report.embedded != len(texts):
        raise RuntimeError(f"the build embedded {report.embedded} chunks, the raw encoder {len(texts)}")
    return Throughput(documents=len(prepared), chunks=len(texts), batch_size=batch_size,
                      raw_seconds=(first[0] + second[0]) / 2, build_seconds=build,
                      prepare_seconds=marks.get("prepared", t0) - t0, rebuild_seconds=rebuild,
                      raw_cpu=(first[1] + second[1]) / 2, build_cpu=build_cpu)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Index build throughput against the raw encoder.")
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--work-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    print(json.dumps(measure_build_throughput(args.paths, args.work_dir).to_dict()))


if __name__ == "__main__":
    main()
