"""Take the README's screenshot: the chat answering a question over the bundled corpus.

    .venv/bin/python -m tests.app.shoot docs/screenshot.png ["question"]

Serves the app on a free loopback port over a fresh index in a temporary directory,
asks the question in headless Chromium, clicks the answer's [1] so the sources panel
shows the quote highlighted, and saves a PNG. Not a test; nothing here asserts.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from tests.app.conftest import CHROMIUM, CHROMIUM_ARGS, REPO, free_port

QUESTION = "How many North Korean soldiers were killed fighting for Russia?"


def main(out: str, question: str = QUESTION) -> None:
    import app
    from playwright.sync_api import sync_playwright
    from qa.config import Settings
    from qa.pipeline import Pipeline

    with tempfile.TemporaryDirectory() as tmp:
        corpus = shutil.copytree(REPO / "corpus", Path(tmp) / "corpus")
        pipeline = Pipeline(Settings(index_dir=Path(tmp) / "index", corpus_dir=corpus, llm="none"))
        pipeline.documents()
        blocks = app.build_app(pipeline)
        port = free_port()
        app.launch(blocks, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
                page.goto(f"http://127.0.0.1:{port}/")
                page.locator("#qa-question textarea").fill(question)
                page.locator("#qa-send").click()
                page.locator("#qa-chat .qa-footer").first.wait_for(timeout=180_000)
                page.locator("#qa-chat a.qa-cite").first.click()
                page.wait_for_timeout(800)  # let the smooth scroll settle before the picture
                page.screenshot(path=out)
                browser.close()
        finally:
            blocks.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])
