"""The chat's event handlers: plain methods over one pipeline, testable without a browser.

``ChatHandlers`` turns pipeline results into what the components show (rendered by
``webui/render.py``) and pipeline errors into ``gr.Error``/``gr.Warning`` messages; answering,
indexing and validation are the pipeline's (``qa/pipeline.py``). ``app.py`` wires them to
the page.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr

from index.load import SUPPORTED_SUFFIXES, upload_problem
from qa.chat import check_question
from qa.config import Settings as _Settings
from qa.errors import BadDocument, BadQuestion, QAError
from qa.records import Answer
from webui import render as ui

if TYPE_CHECKING:  # the pipeline pulls in Chroma and torch; import it only when used
    from qa.pipeline import Pipeline

log = logging.getLogger("qa.app")

ALLOWED_SUFFIXES = SUPPORTED_SUFFIXES  # what index/load.py reads
DEFAULT_MAX_UPLOAD_MB = _Settings.model_fields["max_upload_mb"].default  # QA_MAX_UPLOAD_MB, as the pipeline
_PIPELINE_MODE = {"llm": "auto"}
_UNEXPECTED = "Something went wrong while answering; the server log has the details."
HISTORY_TURNS = 10  # earlier question/answer pairs sent with a follow-up


class ChatHandlers:
    """The app's event handlers over one pipeline; plain methods, testable without a browser.

    Args:
        pipeline: a ``qa.pipeline.Pipeline`` (or a stand-in with the same methods). None
            builds ``default_pipeline()`` on first use, so start-up loads nothing.
        max_upload_mb: largest accepted upload, per file.
    """

    def __init__(self, pipeline: Pipeline | None = None, max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB):
        self._pipeline = pipeline
        self._init_lock = threading.Lock()
        # llama.cpp runs one generation at a time; extractive answers never wait on this.
        self.llm_lock = threading.Lock()
        self.max_upload_bytes = int(max_upload_mb * 1_000_000)

    @property
    def pipeline(self) -> Pipeline:
        """The pipeline, built on first use when none was given."""
        if self._pipeline is None:
            with self._init_lock:
                if self._pipeline is None:
                    from qa.pipeline import default_pipeline

                    self._pipeline = default_pipeline()
        return self._pipeline

    # --- chat ------------------------------------------------------------------------------
    def _check_question(self, question: object) -> str:
        # The pipeline checks again; checking here refuses bad input before anything is shown.
        try:
            limit = self.pipeline.settings.max_question_chars
        except QAError as e:  # e.g. a bad QA_ setting met when the default pipeline is built
            raise gr.Error(str(e), title="Configuration") from None
        try:
            return check_question(question, limit)
        except BadQuestion as e:
            raise gr.Error(_sentence(str(e)), title="Question not accepted") from None

    def _uses_llm(self, mode: str | None) -> bool:
        s = self.pipeline.settings
        return s.llm != "none" and (mode == "llm" or (mode is None and s.mode != "extractive"))

    def respond(self, question: str, answers: list[Answer], mode: str | None = None
                ) -> Iterator[tuple[list[dict], str, str, list[Answer]]]:
        """Stream one answer into the chat. Yields (chat, textbox, sources_html, answers).

        The earlier answers are the chat history, so follow-ups resolve against them; the
        chat shown is redrawn from them. The text streams in as drafted; the final yield
        replaces it with the verified answer, its [n] links and its sources.
        """
        q = self._check_question(question)
        answers = list(answers or [])
        # Follow-ups lean on the last turns only; a long conversation must not outgrow the
        # pipeline's history limit.
        history = [m for a in answers[-HISTORY_TURNS:] for m in ({"role": "user", "content": a.question},
                                                                  {"role": "assistant", "content": a.text})]
        shown = chat_messages(answers)
        sources = gr.skip()  # the panel keeps the previous answer's sources until this one is verified

        def step(html: str):
            return shown + [{"role": "user", "content": q}, {"role": "assistant", "content": html}], "", sources, answers

        yield step(_pending("Searching the sources…"))
        lock = self.llm_lock if self._uses_llm(mode) else None
        final = None
        held = False
        try:
            if lock is not None:
                held = lock.acquire(blocking=False)
                if not held:
                    yield step(_pending("Waiting for the local model (another answer is being written)…"))
                    held = lock.acquire()
            try:
                draft = ""
                # "Local model" asks for auto: the model when it loads, else quotes with a note saying why
                for piece in self.pipeline.stream(q, history=history or None, mode=_PIPELINE_MODE.get(mode, mode)):
                    if isinstance(piece, Answer):
                        final = piece
                        break
                    draft += piece
                    yield step(_draft(draft))
            finally:
                if held:
                    lock.release()
        except QAError as e:
            yield step(_failed(str(e)))
            raise gr.Error(str(e), title="Could not answer") from None
        except Exception:
            log.exception("answering %r failed", q)
            yield step(_failed(_UNEXPECTED))
            raise gr.Error(_UNEXPECTED) from None
        if final is None:
            log.error("the pipeline's stream for %r ended without an Answer", q)
            yield step(_failed(_UNEXPECTED))
            raise gr.Error(_UNEXPECTED)
        if final.mode == "extractive-fallback":
            gr.Warning("The local model's answer did not pass the citation check; showing quotes instead.")
        answers.append(final)
        yield chat_messages(answers), "", ui.render_sources(answers, self._docs_or_empty()), answers

    def clear(self) -> tuple[list, str, str, list]:
        """Start a new conversation: empty chat, textbox, sources and history."""
        return [], "", ui.render_sources([], {}), []

    def ask(self, question: str) -> dict:
        """The ``ask`` API: one question, no history; returns ``Answer.to_dict()``."""
        q = self._check_question(question)
        try:
            if self._uses_llm(None):
                with self.llm_lock:
                    a = self.pipeline.answer(q)
            else:
                a = self.pipeline.answer(q)
        except QAError as e:
            raise gr.Error(str(e)) from None
        except Exception:
            log.exception("ask %r failed", q)
            raise gr.Error(_UNEXPECTED) from None
        return a.to_dict()

    # --- documents -------------------------------------------------------------------------
    def _docs_or_empty(self) -> dict:
        try:
            return self.pipeline.documents()
        except QAError:
            return {}

    def document_table(self) -> tuple[list[list], gr.Dropdown]:
        """The documents table rows and the article picker's choices."""
        try:
            docs, counts = self.pipeline.documents(), self.pipeline.chunk_counts()
        except QAError as e:
            gr.Warning(str(e))
            return [], gr.Dropdown(choices=[])
        except Exception:
            log.exception("listing the documents failed")
            gr.Warning("The document list could not be read; the server log has the details.")
            return [], gr.Dropdown(choices=[])
        rows = ui.document_rows(docs, counts)
        return rows, gr.Dropdown(choices=[(f"{r[2]} · {r[0]}", r[4]) for r in rows])

    def show_document(self, doc_id: str | None) -> str:
        """The chosen document's metadata and whole cleaned text."""
        if not doc_id:
            return ""
        docs = self._docs_or_empty()
        if doc_id not in docs:
            raise gr.Error(f"No document {doc_id!r} in the index.")
        return ui.document_html(docs[doc_id], self.pipeline.chunk_counts().get(doc_id, 0))

    def upload(self, files: list | None, progress=gr.Progress()) -> tuple[str, gr.File]:
        """Add uploaded files to the index one by one; returns (status markdown, cleared file box).

        Each file is added on its own, so one rejected file does not stop the others, and the
        pipeline keeps the index whole when a file fails.
        """
        # gradio hands over paths it received into its upload folder (str, or objects with .name)
        names = [f if isinstance(f, str) else getattr(f, "name", None) for f in (files or [])]
        paths = [Path(n) for n in names if isinstance(n, str) and n]
        if not paths:
            raise gr.Error("Choose one or more .txt, .md, .html or .jsonl files first.", title="No files")
        added, rejected = [], []
        for i, p in enumerate(paths):
            progress(i / len(paths), desc=f"Reading {p.name} ({i + 1}/{len(paths)})")
            reason = upload_problem(p, self.max_upload_bytes)
            if reason is None:
                def step(done: int, total: int, doc_id: str, i=i, name=p.name) -> None:
                    # the index reports each document it checks; spread that over this file's share
                    progress((i + done / max(total, 1)) / len(paths), desc=f"Indexing {name}: {doc_id}")

                try:
                    report = self.pipeline.add_files([p], progress=step)
                    added.append(f"{p.name} ({report.chunks} chunks in the index)")
                    rejected.extend(report.skipped)
                except BadDocument as e:
                    reason = str(e)
                except QAError as e:
                    reason = f"{p.name}: {e}"
                except Exception:
                    log.exception("upload of %s failed", p)
                    reason = f"{p.name}: could not be indexed; the index is unchanged"
            if reason is not None:
                rejected.append(reason)
        progress(1.0, desc="Done")
        if rejected:
            gr.Warning(f"{len(rejected)} file(s) rejected: " + "; ".join(rejected))
        lines = [f"**Added:** {', '.join(added)}" if added else "**Nothing added.**"]
        lines += [f"- rejected: {r}" for r in rejected]
        return "\n".join(lines), gr.File(value=None)


def chat_messages(answers: list[Answer]) -> list[dict]:
    """The chat as the Chatbot shows it: each question, then its rendered answer."""
    out = []
    for t, a in enumerate(answers):
        # A note that repeats the previous answer's moves into the mode badge's tooltip.
        repeated = t > 0 and a.note == answers[t - 1].note
        out += [{"role": "user", "content": a.question},
                {"role": "assistant", "content": ui.render_answer(a, t, show_note=not repeated)}]
    return out


def _sentence(message: str) -> str:
    """An error message as the UI shows it: capitalised, ending with a full stop."""
    message = message.strip()
    return message[:1].upper() + message[1:] + ("" if message.endswith((".", "!", "?")) else ".")


def _pending(text: str) -> str:
    return f'<div class="qa-answer qa-pending">{ui._esc(text)}</div>'


def _draft(text: str) -> str:
    # While drafting, markers are shown but not yet linked: they are checked only at the end.
    return ('<div class="qa-answer qa-draft"><div class="qa-draft-label">Draft, being checked against the '
            f'sources…</div>{ui._esc(text)}</div>')


def _failed(message: str) -> str:
    return f'<div class="qa-answer qa-failed">Could not answer: {ui._esc(message)}</div>'
