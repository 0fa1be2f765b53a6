"""The build-throughput measurement (eval/throughput.py) on the bundled articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embed import get_embedder
from index.records import IndexConfig
from index.store import open_index

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_throughput_times_the_build_and_the_raw_encoder_on_the_same_chunks(tmp_path):
    from eval.throughput import measure_build_throughput

    t = measure_build_throughput([CORPUS], tmp_path)
    reader = open_index(IndexConfig(index_dir=tmp_path / "index"), embedder=get_embedder(""))
    assert t.documents == 5 and t.chunks == len(reader.chunks()) and t.batch_size == 32
    assert 0 < t.prepare_seconds < t.build_seconds and t.raw_seconds > 0 and t.rebuild_seconds > 0
    assert t.ratio == pytest.approx(t.raw_seconds / t.build_seconds)
    assert set(t.to_dict()) >= {"raw_rate", "build_rate", "ratio", "cpu_ratio"}
