"""A real pipeline over the bundled corpus, its index built once per session in a temp dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def corpus_pipeline(tmp_path_factory):
    """Pipeline(real MiniLM embedder, embedded Chroma) over a copy of corpus/."""
    from qa.config import Settings
    from qa.pipeline import Pipeline

    root = tmp_path_factory.mktemp("qa-real")
    corpus = shutil.copytree(REPO / "corpus", root / "corpus")
    pipeline = Pipeline(Settings(index_dir=root / "index", corpus_dir=corpus, llm="none"))
    pipeline.ensure_index()
    return pipeline
