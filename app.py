"""The web chat: ask the corpus, read each cited sentence in its article, add documents.

    python app.py            # http://127.0.0.1:7860 (GRADIO_SERVER_NAME / GRADIO_SERVER_PORT respected)
    qa serve                 # the same, through the CLI (calls ``serve(settings)``)

``build_app(pipeline)`` returns the ``gr.Blocks``; nothing is launched or loaded at import.
This module lays out the page and serves it (``launch``: request limits, login); the
handlers are ``webui/handlers.py``, the HTML ``webui/render.py``, style and script
``webui/static/``.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from typing import TYPE_CHECKING

import gradio as gr
from gradio.route_utils import API_PREFIX
from starlette.middleware import Middleware

from qa.errors import QAError
from webui import render as ui
from webui import static_text
from webui.handlers import ALLOWED_SUFFIXES, DEFAULT_MAX_UPLOAD_MB, ChatHandlers

if TYPE_CHECKING:  # the pipeline pulls in Chroma and torch; import it only when used
    from qa.config import Settings
    from qa.pipeline import Pipeline

log = logging.getLogger("qa.app")

EXAMPLES = [
    "When did Sergei Shoigu visit Pyongyang in 2025?",
    "How many North Korean soldiers have been killed fighting for Russia?",
    "What did Shoigu and Kim Jong Un discuss?",
    "How many shipments of military goods did North Korea send to Russia?",
]
MODE_CHOICES = [("Extractive (quotes only)", "extractive"), ("Local model", "llm")]
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


# The page's style and the click handler of [n] markers: webui/static/chat.css and chat.js.
CSS = static_text("chat.css")
JS_ON_LOAD = static_text("chat.js")


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


def refresh(pipeline) -> None:
    """Bring the index up to date before serving, as ``qa index`` does: articles added, changed
    or removed while the chat was down, and a new version's cleaning, are what it answers from
    (an existing index is otherwise opened as it is). Incremental: unchanged articles are not
    touched. Where it cannot (another process is building, no corpus folder, no model), it logs
    why and the chat starts on what is published; a question then gets the same clear error."""
    try:
        report = pipeline.build()
    except QAError as exc:
        log.warning("index not updated before serving: %s", exc)
        return
    log.info("index up to date: %d added, %d updated, %d removed, %d unchanged", report.added, report.updated,
             report.removed, report.unchanged)


def serve(settings: Settings | None = None, host: str | None = None, port: int | None = None,
          auth: str | None = None) -> None:
    """Serve the app on ``settings``' index until interrupted (what ``qa serve`` calls)."""
    from qa.config import Settings
    from qa.pipeline import Pipeline

    settings = settings or Settings()
    pipeline = Pipeline(settings)
    refresh(pipeline)
    app = build_app(pipeline, settings=settings)
    configured = settings.auth.get_secret_value()  # QA_AUTH, kept redacted until here
    launch(app, host=host, port=port, auth=auth or configured or None, max_upload_mb=settings.max_upload_mb)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # gradio's own start-up probes
    try:
        serve()
    except (QAError, ValueError) as e:  # bad QA_ settings or QA_AUTH: one line, no traceback
        raise SystemExit(f"app: {e}") from None
