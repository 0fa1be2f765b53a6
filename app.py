"""The web chat: ask the corpus, read each cited sentence in its article, add documents.

    python app.py            # http://127.0.0.1:7860 (GRADIO_SERVER_NAME / GRADIO_SERVER_PORT respected)
    qa serve                 # the same, through the CLI (calls ``serve(settings)``)

``build_app(pipeline)`` returns the ``gr.Blocks``; nothing is launched or loaded at import.
Handlers live on ``ChatHandlers`` so tests call them as plain functions. Rendering is in
``qa/ui.py``; answering, indexing and validation are the pipeline's (``qa/pipeline.py``).
This module only turns pipeline results into components and pipeline errors into
``gr.Error``/``gr.Warning`` messages.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr
from gradio.route_utils import API_PREFIX
from starlette.middleware import Middleware

from index.load import SUPPORTED_SUFFIXES, is_hidden
from qa import ui
from qa.chat import check_question
from qa.config import Settings as _Settings
from qa.errors import BadDocument, BadQuestion, QAError
from qa.records import Answer

if TYPE_CHECKING:  # the pipeline pulls in Chroma and torch; import it only when used
    from qa.config import Settings
    from qa.pipeline import Pipeline

log = logging.getLogger("qa.app")

ALLOWED_SUFFIXES = SUPPORTED_SUFFIXES  # what index/load.py reads
DEFAULT_MAX_UPLOAD_MB = _Settings.model_fields["max_upload_mb"].default  # QA_MAX_UPLOAD_MB, as the pipeline
EXAMPLES = [
    "When did Sergei Shoigu visit Pyongyang in 2025?",
    "How many North Korean soldiers have been killed fighting for Russia?",
    "What did Shoigu and Kim Jong Un discuss?",
    "How many shipments of military goods did North Korea send to Russia?",
]
MODE_CHOICES = [("Extractive (quotes only)", "extractive"), ("Local model", "llm")]
_PIPELINE_MODE = {"llm": "auto"}
_UNEXPECTED = "Something went wrong while answering; the server log has the details."
HISTORY_TURNS = 10  # earlier question/answer pairs sent with a follow-up
# Requests waiting for a free answer slot; one more is told at once that the app is busy
# (gradio's "queue is full"), instead of waiting behind a crowd on a small machine.
QUEUE_SIZE = 32
# gradio keeps each session's copy of the page's state (about 60 kB here) and, by default, ten
# thousand sessions; every API call is a session of its own, so memory grew by 60 MB per
# thousand questions. The last 500 sessions are kept: a chat left idle while 500 others were
# used starts afresh.
SESSION_CAPACITY = 500
# Largest request body but an upload's: gradio reads a JSON body whole and parses it before any
# of the app's limits apply, so a 100 MB body cost its full size in memory and parse time. A
# real request is a question of at most QA_MAX_QUESTION_CHARS (500) characters, a mode and file
# names (a few kB; gr.State stays on the server); 1 MB leaves room for a larger question limit
# and JSON escapes (up to 12 bytes a character). Uploads are bounded per file by gradio's
# streaming multipart parser (``max_file_size``, QA_MAX_UPLOAD_MB) and are not counted here.
MAX_REQUEST_BYTES = 1_000_000
_UNBOUNDED_PATHS = frozenset({f"{API_PREFIX}/upload"})


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

    def _reject_reason(self, path: Path) -> str | None:
        if path.suffix.lower() not in ALLOWED_SUFFIXES:
            return f"{path.name}: {path.suffix or 'no extension'} files are not accepted (use {', '.join(ALLOWED_SUFFIXES)})"
        if not path.is_file():
            return f"{path.name}: not a file that was uploaded"
        if is_hidden(path.name):  # the index skips hidden files: it would be "added" and never seen
            return f"{path.name}: a name starting with '.' is not indexed; rename the file"
        size = path.stat().st_size
        if size > self.max_upload_bytes:
            return f"{path.name}: {size / 1e6:.1f} MB is over the {self.max_upload_bytes / 1e6:.1f} MB limit"
        if size == 0:
            return f"{path.name}: the file is empty"
        return None

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
            reason = self._reject_reason(p)
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


CSS = """
.qa-answer { line-height: 1.55; }
.qa-answer .qa-footer { margin-top: .5em; font-size: .8em; color: var(--body-text-color-subdued); }
.qa-mode { display: inline-block; padding: 0 .5em; border-radius: 999px; border: 1px solid var(--border-color-primary); }
.qa-mode-llm { border-color: #7c3aed; color: #7c3aed; }
.qa-mode-extractive-fallback { border-color: #b45309; color: #b45309; }
#qa-chat a.qa-cite, .qa-answer a.qa-cite { text-decoration: none !important; font-weight: 700; font-size: .8em;
  vertical-align: super; padding: 0 .2em; margin-left: .1em; border-radius: 4px; cursor: pointer;
  color: var(--color-accent) !important; background: var(--color-accent-soft); }
#qa-chat a.qa-cite:hover { outline: 1px solid var(--color-accent); }
.qa-abstain { border-left: 4px solid #d97706; padding-left: .7em; }
.qa-abstain-title { font-weight: 700; color: #b45309; margin-bottom: .2em; }
.qa-closest { font-size: .9em; margin-top: .4em; }
.qa-closest ul { margin: .2em 0 0 1.1em; padding: 0; }
.qa-note { font-style: italic; }
.qa-pending, .qa-draft { color: var(--body-text-color-subdued); }
.qa-draft-label { font-size: .75em; font-style: italic; margin-bottom: .2em; }
.qa-pending::after { content: " ⏳"; }
.qa-failed { color: #b91c1c; }
.qa-differ { margin-top: .6em; padding: .4em .7em; border: 1px solid #f59e0b; border-radius: 8px; background: rgba(245,158,11,.08); }
.qa-differ-title { font-weight: 700; font-size: .9em; }
.qa-differ ul { margin: .2em 0 0 1em; padding: 0; }
.qa-rel { font-size: .75em; padding: 0 .4em; border-radius: 999px; background: var(--background-fill-secondary); margin-left: .3em; }
.qa-rel-contradiction { background: #fee2e2; color: #991b1b; }
.qa-value-note { font-size: .85em; color: var(--body-text-color-subdued); }
.qa-sources { max-height: 72vh; overflow-y: auto; padding-right: .3em; }
.qa-sources-empty { color: var(--body-text-color-subdued); padding: 1em; }
.qa-turn-head { font-weight: 600; margin: .2em 0 .6em; }
.qa-card { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: .6em .8em; margin-bottom: .7em;
  background: var(--background-fill-primary); transition: box-shadow .2s, border-color .2s; scroll-margin-top: 1em; }
.qa-card.qa-active { border-color: var(--color-accent); box-shadow: 0 0 0 3px var(--color-accent-soft); }
.qa-card-head { display: flex; gap: .5em; align-items: baseline; }
.qa-badge { font-weight: 700; color: var(--color-accent); }
.qa-title { font-weight: 600; }
.qa-meta { font-size: .8em; color: var(--body-text-color-subdued); margin: .1em 0 .4em; }
.qa-para { margin: .25em 0; }
.qa-context { color: var(--body-text-color-subdued); font-size: .9em; }
.qa-card mark, .qa-doc mark { background: #fde68a; color: inherit; padding: 0 .1em; border-radius: 3px; }
.qa-open summary { cursor: pointer; font-size: .85em; color: var(--color-accent); margin-top: .3em; }
.qa-article { max-height: 40vh; overflow-y: auto; font-size: .9em; border-top: 1px solid var(--border-color-primary); margin-top: .4em; padding-top: .3em; }
.qa-doc .qa-article { max-height: none; }
#qa-header h1 { margin-bottom: 0; }
"""

# Clicking an [n] marker shows that answer's sources, scrolls to card n and lights it up.
# One delegated listener on the document survives every re-render of the chat and panel.
JS_ON_LOAD = """
if (!window.__qaCiteClicks) {
  window.__qaCiteClicks = true;
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest && ev.target.closest('a.qa-cite');
    if (!a) return;
    ev.preventDefault();
    ev.stopPropagation();
    const id = (a.getAttribute('href') || '').replace(/^#/, '');
    const m = id.match(/^qa-src-(\\d+)-(\\d+)$/);
    if (!m) return;
    document.querySelectorAll('section.qa-turn').forEach((s) => { s.hidden = s.dataset.turn !== m[1]; });
    document.querySelectorAll('.qa-card.qa-active').forEach((c) => c.classList.remove('qa-active'));
    const card = document.getElementById(id);
    if (card) { card.classList.add('qa-active'); card.scrollIntoView({behavior: 'smooth', block: 'nearest'}); }
  }, true);
}
"""


def _mode_radio(settings: Settings) -> gr.Radio:
    # The switch appears only when a local model is configured; otherwise answers are extractive.
    has_llm = settings.llm != "none"
    default = "extractive" if (not has_llm or settings.mode == "extractive") else "llm"
    return gr.Radio(MODE_CHOICES, value=default, label="Answer with", visible=has_llm, scale=0,
                    min_width=260, elem_id="qa-mode")


def build_app(pipeline: Pipeline | None = None, settings: Settings | None = None,
              max_upload_mb: float | None = None, concurrency: int = 4, queue_size: int = QUEUE_SIZE) -> gr.Blocks:
    """Build the chat and documents UI over ``pipeline`` (None: ``default_pipeline()`` on first use).

    Args:
        pipeline: the question-answering pipeline; tests pass one built on a temporary index.
        settings: used when ``pipeline`` is None to lay out the UI (mode switch) without
            loading anything; defaults to ``Settings()``.
        max_upload_mb: largest accepted upload per file (None: ``QA_MAX_UPLOAD_MB``).
        concurrency: answers computed at once; local-model answers still run one at a time.
        queue_size: requests that may wait for a slot; beyond them a request is refused at
            once as busy.

    Returns:
        The ``gr.Blocks``, not launched. Launch it with ``launch(app, ...)`` or ``serve``.
    """
    if settings is None:
        if pipeline is not None:
            settings = pipeline.settings
        else:
            from qa.config import Settings

            settings = Settings()
    max_upload_mb = max_upload_mb or settings.max_upload_mb
    h = ChatHandlers(pipeline, max_upload_mb=max_upload_mb)
    # No telemetry: the app runs offline and sends nothing anywhere.
    with gr.Blocks(title="Cited news QA", fill_width=True, analytics_enabled=False) as app:
        gr.HTML(f"<style>{CSS}</style>", js_on_load=JS_ON_LOAD, padding=False, container=False)
        gr.Markdown("# Cited news QA\nAsk the news corpus. Every claim carries an **[n]**: click it to "
                    "read the quoted sentence in its article. When the sources don't say, the app says so.",
                    elem_id="qa-header")
        answers = gr.State([])
        with gr.Tab("Ask", id="ask"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=420):
                    chat = gr.Chatbot(label="Chat", height=560, elem_id="qa-chat", sanitize_html=True,
                                      latex_delimiters=[], buttons=["copy"], layout="bubble")
                    with gr.Row(equal_height=True):
                        box = gr.Textbox(placeholder="Ask about the articles…", show_label=False, scale=5,
                                         max_lines=4, submit_btn=False, elem_id="qa-question", autofocus=True)
                        send = gr.Button("Ask", variant="primary", scale=0, min_width=90, elem_id="qa-send")
                    mode = _mode_radio(settings)
                    gr.Examples(EXAMPLES, inputs=[box], label="Try")
                with gr.Column(scale=2, min_width=340):
                    sources = gr.HTML(ui.render_sources([], {}), label="Sources", elem_id="qa-sources")
        with gr.Tab("Documents", id="documents"):
            gr.Markdown(f"The indexed articles. Add your own: {', '.join(ALLOWED_SUFFIXES)} files up to "
                        f"{max_upload_mb:g} MB each; they are cleaned, chunked and added to the index.")
            table = gr.Dataframe(headers=["Title", "Publisher", "Date", "Chunks", "Id"],
                                 datatype=["str", "str", "str", "number", "str"], interactive=False,
                                 elem_id="qa-docs", wrap=True)
            with gr.Row(equal_height=False):
                with gr.Column(scale=1):
                    files = gr.File(label="Add documents", file_count="multiple",
                                    file_types=list(ALLOWED_SUFFIXES), elem_id="qa-upload")
                    add = gr.Button("Add to index", variant="primary", elem_id="qa-add")
                    status = gr.Markdown(elem_id="qa-upload-status")
                with gr.Column(scale=2):
                    pick = gr.Dropdown(label="Read an article", choices=[], elem_id="qa-pick")
                    article = gr.HTML(elem_id="qa-article")

        ask_args = dict(fn=h.respond, inputs=[box, answers, mode], outputs=[chat, box, sources, answers],
                        concurrency_id="answer", concurrency_limit=concurrency, api_visibility="private")
        box.submit(**ask_args)
        send.click(**ask_args)
        # The chat's own trash button starts a new conversation: drop the history with it.
        chat.clear(h.clear, outputs=[chat, box, sources, answers], queue=False, api_visibility="private")
        app.load(h.document_table, outputs=[table, pick], api_visibility="private")
        add.click(h.upload, inputs=[files], outputs=[status, files], concurrency_id="index-write",
                  concurrency_limit=1, api_visibility="private").then(
            h.document_table, outputs=[table, pick], api_visibility="private")
        pick.change(h.show_document, inputs=[pick], outputs=[article], api_visibility="private")
        gr.api(h.ask, api_name="ask", concurrency_id="answer", concurrency_limit=concurrency)
    app.queue(default_concurrency_limit=2, max_size=queue_size)
    return app


class BodyLimit:
    """ASGI middleware: a request body over ``max_bytes`` is answered 413 before any route reads it.

    A declared ``Content-Length`` over the limit is refused without reading a byte; a body sent
    without one (chunked) is read up to the limit and refused at the first byte past it. A body
    within the limit is handed on whole. ``unbounded`` paths (gradio's upload route, which
    streams files to disk under its own per-file limit) pass through untouched.

    Args:
        app: the ASGI app it wraps.
        max_bytes: the largest body accepted.
        unbounded: request paths left to their own limits.
    """

    def __init__(self, app, max_bytes: int = MAX_REQUEST_BYTES, unbounded: frozenset[str] = _UNBOUNDED_PATHS):
        self.app, self.max_bytes, self.unbounded = app, max_bytes, unbounded

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] in self.unbounded:
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            return await self._refuse(send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before its body was complete
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                return await self._refuse(send)
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body, replayed = b"".join(chunks), False

        async def replay() -> dict:
            # the body once, whole; then the client's own messages (a disconnect, for streams)
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send) -> None:
        text = f"Request body over the {self.max_bytes:,}-byte limit.".encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(text)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": text})


def _parse_auth(auth: str | None) -> list[tuple[str, str]] | None:
    """``"user:pass"`` or ``"u1:p1,u2:p2"`` -> [(user, pass), ...]; "" or None -> no auth."""
    if not auth:
        return None
    pairs = []
    for item in auth.split(","):
        user, sep, password = item.strip().partition(":")
        if not sep or not user or not password:
            raise ValueError("QA_AUTH must look like user:password (several separated by commas)")
        pairs.append((user, password))
    return pairs


def theme() -> gr.themes.Base:
    """A quiet theme with the machine's own fonts: the app never fetches web fonts."""
    local = ("ui-sans-serif", "system-ui", "DejaVu Sans", "sans-serif")
    return gr.themes.Soft(primary_hue="indigo", neutral_hue="slate", font=local,
                          font_mono=("ui-monospace", "DejaVu Sans Mono", "monospace"))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def launch(app: gr.Blocks, host: str | None = None, port: int | None = None, auth: str | None = None,
           max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB, max_request_bytes: int = MAX_REQUEST_BYTES, **kwargs):
    """Launch ``app`` bound to ``host`` (None: ``GRADIO_SERVER_NAME`` or 127.0.0.1).

    Binding to anything but loopback is the caller's explicit choice; ``auth``
    ("user:pass") then puts a login in front of the app. Only gradio's own upload cache
    is served as files: no ``allowed_paths``. Server-side rendering and gradio's run
    history are off: the app needs neither, and together they are what CVE-2026-134825
    (gradio 6.27 to 6.31, a forged ``Host: localhost`` reaching run-history endpoints) needs.
    A request body other than an upload over ``max_request_bytes`` is refused with 413
    before it is parsed (``BodyLimit``).
    """
    credentials = _parse_auth(auth)
    bind = host or os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    if not _is_loopback(bind) and credentials is None:
        log.warning("serving on %s without a login: anyone who can reach this address can use the app "
                    "and add documents; set QA_AUTH=user:password to require one", bind)
    # Outside every route, so an oversized body is refused before gradio parses it.
    app_kwargs = dict(kwargs.pop("app_kwargs", None) or {})
    app_kwargs["middleware"] = [*app_kwargs.get("middleware", ()),
                                Middleware(BodyLimit, max_bytes=max_request_bytes)]
    # In bytes, as the handlers count: gradio's "2.5mb" parser reads only whole numbers.
    return app.launch(server_name=host, server_port=port, auth=credentials, show_error=False,
                      max_file_size=int(max_upload_mb * 1_000_000), allowed_paths=[], ssr_mode=False,
                      run_history=False, state_session_capacity=SESSION_CAPACITY, theme=theme(),
                      app_kwargs=app_kwargs, **kwargs)


def serve(settings: Settings | None = None, host: str | None = None, port: int | None = None,
          auth: str | None = None) -> None:
    """Serve the app on ``settings``' index until interrupted (what ``qa serve`` calls)."""
    from qa.config import Settings
    from qa.pipeline import Pipeline

    settings = settings or Settings()
    app = build_app(Pipeline(settings), settings=settings)
    configured = settings.auth.get_secret_value()  # QA_AUTH, kept redacted until here
    launch(app, host=host, port=port, auth=auth or configured or None, max_upload_mb=settings.max_upload_mb)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # gradio's own start-up probes
    try:
        serve()
    except (QAError, ValueError) as e:  # bad QA_ settings or QA_AUTH: one line, no traceback
        raise SystemExit(f"app: {e}") from None
