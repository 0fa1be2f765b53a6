"""The running app in headless Chromium, over the real pipeline and the bundled corpus.

One page walks through what a reader does: ask, watch the answer stream in, click [1]
and see the quote highlighted in its article, ask a follow-up, go back to the first
answer's sources, upload an article and ask about it.
"""

from __future__ import annotations

import re

import pytest

from tests.app.conftest import REPO

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CORPUS_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "corpus").glob("*.txt")))
ANSWER_WAIT_MS = 180_000  # a cold model on a shared 2-core machine; this is a ceiling, not an assertion

# Records the classes of every bot message the page ever shows, so the test can tell that
# the answer streamed (a pending or draft bubble came before the verified one).
WATCH = """
window.__qaSeen = new Set();
new MutationObserver(() => {
  document.querySelectorAll('#qa-chat .qa-answer').forEach((el) => el.classList.forEach((c) => window.__qaSeen.add(c)));
}).observe(document.body, {subtree: true, childList: true, characterData: true});
"""


def _ask(page, question: str) -> None:
    n_before = page.locator("#qa-chat .qa-footer").count()
    page.locator("#qa-question textarea").fill(question)
    page.locator("#qa-send").click()
    page.locator("#qa-chat .qa-footer").nth(n_before).wait_for(timeout=ANSWER_WAIT_MS)


@pytest.fixture
def page(browser, served_real):
    ctx = browser.new_context(viewport={"width": 1400, "height": 950})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(served_real.url)
    pg.locator("#qa-question textarea").wait_for()
    pg.evaluate(WATCH)
    yield pg
    ctx.close()
    assert errors == [], f"the page raised JavaScript errors: {errors}"


def test_reader_asks_clicks_a_citation_follows_up_and_uploads(page, tmp_path):
    # 1. Ask: the answer streams in and carries a linked [1].
    _ask(page, "When did Sergei Shoigu arrive in Pyongyang in June 2025?")
    first = page.locator("#qa-chat .qa-answer:not(.qa-pending):not(.qa-draft)").last
    seen = set(page.evaluate("Array.from(window.__qaSeen)"))
    assert seen & {"qa-pending", "qa-draft"}, f"no streamed step was shown: {seen}"
    cite = first.locator("a.qa-cite", has_text="[1]").first
    assert cite.is_visible()
    assert "qa-mode-extractive" in first.inner_html()

    # 2. Click [1]: its source card lights up with the quote highlighted, verbatim from an article.
    cite.click()
    card = page.locator("#qa-src-0-1")
    assert "qa-active" in (card.get_attribute("class") or "")
    mark = card.locator(".qa-quote mark")
    assert mark.is_visible()
    quote = mark.inner_text().strip()
    assert len(quote) > 20 and quote in CORPUS_TEXT
    assert re.search(r"\d{4}-\d{2}-\d{2}", card.locator(".qa-meta").inner_text())  # the article's date
    # the whole cleaned article opens from the card, the quote marked inside it
    card.locator("summary", has_text="Open the whole article").click()
    assert card.locator(".qa-article mark").inner_text().strip() == quote

    # 3. Follow-up: a second answer with its own sources; the first answer's [1] still works.
    _ask(page, "What did he discuss with Kim Jong Un on that visit?")
    assert page.locator("#qa-chat .qa-footer").count() == 2
    assert page.locator("#qa-turn-1").is_visible()
    assert not page.locator("#qa-turn-0").is_visible()
    page.locator("#qa-chat .qa-answer").first.locator("a.qa-cite").first.click()
    assert page.locator("#qa-turn-0").is_visible()
    assert "qa-active" in (page.locator("#qa-src-0-1").get_attribute("class") or "")

    # 4. Upload a small article on the Documents tab, then ask about it.
    article = tmp_path / "orchard_festival.txt"
    article.write_text(
        "Kaesong orchard festival draws record crowd\n"
        "The Kaesong orchard festival drew 4,200 visitors on May 3, 2025, organisers said.\n"
        "Growers showed seventeen varieties of pear at the festival.\n", encoding="utf-8")
    page.get_by_role("tab", name="Documents").click()
    page.locator("#qa-upload input[type=file]").set_input_files(str(article))
    page.locator("#qa-add").click()
    page.locator("#qa-upload-status", has_text="Added").wait_for(timeout=ANSWER_WAIT_MS)
    assert "orchard_festival.txt" in page.locator("#qa-upload-status").inner_text()
    page.locator("#qa-docs", has_text="orchard").wait_for(timeout=30_000)

    page.get_by_role("tab", name="Ask").click()
    _ask(page, "How many visitors did the Kaesong orchard festival draw?")
    last = page.locator("#qa-chat .qa-answer").last
    last.locator("a.qa-cite").first.click()
    active = page.locator(".qa-card.qa-active")
    assert "4,200 visitors" in active.locator(".qa-quote mark").inner_text()


def test_question_the_corpus_cannot_answer_is_declined_with_closest_passages(page):
    _ask(page, "Who won the football World Cup in 2018?")
    bubble = page.locator("#qa-chat .qa-answer").last
    assert "qa-abstain" in (bubble.get_attribute("class") or "")
    assert "Not in the sources" in bubble.inner_text()
    assert page.locator("#qa-turn-0 .qa-card").count() >= 1  # the closest passages, to check by hand


def test_upload_of_a_wrong_file_type_gets_a_plain_message(page, tmp_path):
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"%PDF-1.4 not an article")
    page.get_by_role("tab", name="Documents").click()
    page.locator("#qa-upload input[type=file]").set_input_files(str(bad))
    page.get_by_text(re.compile(r"Invalid file type: notes\.pdf")).wait_for(timeout=30_000)
    assert "Traceback" not in page.locator("body").inner_text()
    assert not page.locator("#qa-docs", has_text="notes").count()
