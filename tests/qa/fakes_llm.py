"""A fake LLM with queued replies, and corpus passages built by hand (no index needed)."""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

from index.records import Document
from qa.answering.generate import Prompt, completion_text
from qa.records import Answer, Passage

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
# Publication dates as the articles state them (000 and 001: June 4; 002 describes the
# June 17 visit but is undated; 003: June 17; 004: March 21, 2025).
DATES = {
    "000_39919b6c59c34877": "2025-06-04",
    "001_133155d823987fac": "2025-06-04",
    "002_edba56166cb57432": "",
    "003_652080ecbbae7d75": "2025-06-17",
    "004_373a661a67fa0f25": "2025-03-21",
}
HANG = object()  # a reply that blocks until the fake is released


class FakeLLM:
    """Returns queued replies in order, streamed word by word.

    A reply is a string (its text), an exception (raised when streaming starts), or
    ``HANG`` (blocks until ``release()``, to exercise the deadline). Prompts are kept
    in ``prompts``; token counts are one per four characters of the completion prompt.
    """

    name = "fake"

    def __init__(self, *replies, context_window: int = 8192, max_tokens: int = 128) -> None:
        self.replies = list(replies)
        self.prompts: list[Prompt] = []
        self.context_window = context_window
        self.max_tokens = max_tokens
        self._released = threading.Event()
        self.closed = threading.Event()

    def prompt_tokens(self, prompt: Prompt) -> int:
        return len(completion_text(prompt)) // 4 + 1

    def stream(self, prompt: Prompt):
        self.prompts.append(prompt)
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        try:
            if reply is HANG:
                self._released.wait(30)
                yield "too late"
                return
            for piece in re.findall(r"\S+\s*", reply):
                yield piece
        finally:
            self.closed.set()

    def release(self) -> None:
        self._released.set()


def corpus_document(doc_id: str) -> Document:
    """One corpus article as a ``Document`` (original text, hand-set date)."""
    text = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")
    return Document(
        doc_id=doc_id,
        text=text,
        source=str(CORPUS / f"{doc_id}.txt"),
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        title=text.strip().splitlines()[0][:80],
        date=DATES[doc_id],
    )


def passage(doc: Document, first: str, last: str | None = None, score: float = 1.0) -> Passage:
    """The passage of ``doc`` from the sentence starting with ``first`` to the one starting with ``last``."""
    start = doc.text.find(first)
    assert start >= 0, f"{first!r} not in {doc.doc_id}"
    tail = last or first
    t = doc.text.find(tail, start)
    assert t >= 0, f"{tail!r} not in {doc.doc_id} after {first!r}"
    nl = doc.text.find("\n", t)
    end = len(doc.text) if nl == -1 else nl
    return Passage(
        chunk_id=f"{doc.doc_id}:{start}:{end}",
        doc_id=doc.doc_id,
        text=doc.text[start:end],
        start=start,
        end=end,
        score=score,
        title=doc.title,
        date=doc.date,
    )


def extractive_stand_in(question: str, text: str = "The extractive answer [1].") -> Answer:
    """What the pipeline's extractive path would return: a plain ``Answer``."""
    return Answer(question=question, text=text, answered=True, mode="extractive", note="")
