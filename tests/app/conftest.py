"""Fixtures that serve the app on a free loopback port, in this process, for the browser and API tests.

``served_real``: the real pipeline over the bundled corpus, its index built once in a
temporary directory (integration). ``served_fake``: the fake pipeline (fast).
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("QA_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """A launched app: its URL, the blocks and the pipeline behind it."""

    def __init__(self, blocks, pipeline, url: str):
        self.blocks, self.pipeline, self.url = blocks, pipeline, url


def _serve(pipeline, **launch_kwargs) -> Served:
    import app

    blocks = app.build_app(pipeline)
    port = free_port()
    app.launch(blocks, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True, **launch_kwargs)
    return Served(blocks, pipeline, f"http://127.0.0.1:{port}/")


@pytest.fixture(scope="session")
def served_real(tmp_path_factory):
    """The app over the real pipeline and the bundled corpus, index built in a temp dir."""
    from qa.config import Settings
    from qa.pipeline import Pipeline

    # A copy of the corpus: the test uploads articles, which must never reach the repo.
    root = tmp_path_factory.mktemp("real")
    corpus = shutil.copytree(REPO / "corpus", root / "corpus")
    pipeline = Pipeline(Settings(index_dir=root / "index", corpus_dir=corpus, llm="none"))
    pipeline.documents()  # build the index before the first page load
    served = _serve(pipeline)
    yield served
    served.blocks.close()


@pytest.fixture(scope="session")
def served_fake(tmp_path_factory):
    """The app over the fake pipeline, with basic auth off."""
    from qa.config import Settings
    from tests.app.fakes import FakePipeline

    pipeline = FakePipeline(Settings(index_dir=tmp_path_factory.mktemp("fake") / "index"))
    served = _serve(pipeline)
    yield served
    served.blocks.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (no Playwright browser download)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run scripts/install_browser.sh (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
