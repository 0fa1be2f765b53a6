"""Cited question answering over a news corpus.

    from qa import answer
    a = answer("How many North Korean troops were deployed to Russia last year?")
    print(a.text)            # "... [1]"
    a.citations[0].quote     # the verbatim sentence, a.citations[0].start/end its offsets

``stream()`` yields the draft text as it is generated, then the verified ``Answer``.
``open(corpus_dir)`` gives one ``Library`` per corpus (several may be open at once):

    import qa
    with qa.open("my-articles/") as lib:
        lib.index()
        print(lib.answer("Who signed the treaty?").text)
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from qa.records import Answer, Citation, Passage, Value  # noqa: E402

# ``open`` is left out of __all__: ``from qa import *`` must not shadow the builtin.
__all__ = ["answer", "stream", "Library", "Answer", "Citation", "Passage", "Value"]


def open(corpus_dir, index_dir=None, **settings):  # noqa: A001 - qa.open, as the issue asks
    """Open the articles in ``corpus_dir`` as a ``qa.library.Library`` (its index in
    ``corpus_dir/.qa-index`` unless ``index_dir`` says otherwise; other ``Settings`` fields as
    keywords). Nothing is built or loaded until asked for."""
    from qa.library import Library

    return Library(corpus_dir, index_dir, **settings)


def __getattr__(name: str):
    if name == "Library":  # imported on first use: ``import qa`` stays light
        from qa.library import Library

        return Library
    raise AttributeError(f"module 'qa' has no attribute {name!r}")


def answer(question: str, history: list[dict] | None = None, mode: str | None = None) -> Answer:
    """Answer ``question`` from the indexed corpus, with citations.

    Args:
        question: the user's question.
        history: earlier chat messages ``{"role": "user"|"assistant", "content": str}``;
            a follow-up is made self-contained from them before retrieval.
        mode: "extractive", "llm" or "auto"; None uses the configured default.

    Returns:
        An ``Answer``; ``answered`` is False when the sources do not support one.

    Raises:
        qa.errors.BadQuestion: empty, whitespace-only or over-long question.
        qa.errors.QAError: the index cannot be opened or built.
    """
    from qa.pipeline import default_pipeline

    return default_pipeline().answer(question, history=history, mode=mode)


def stream(question: str, history: list[dict] | None = None, mode: str | None = None):
    """Yield the answer's text pieces as they are generated, then the final ``Answer``.

    Same arguments and errors as ``answer``. In extractive mode the text comes in one piece.
    """
    from qa.pipeline import default_pipeline

    yield from default_pipeline().stream(question, history=history, mode=mode)
