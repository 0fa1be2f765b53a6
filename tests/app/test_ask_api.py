"""The running app over HTTP: the ``ask`` endpoint through gradio_client, and what the server will not serve."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request

import pytest
from gradio_client import Client

from tests.app.conftest import REPO


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_ask_endpoint_returns_the_answer_dict(served_fake):
    client = Client(served_fake.url, verbose=False)
    d = client.predict("When did Shoigu arrive in Pyongyang?", api_name="/ask")
    assert d["answered"] is True
    assert "[1]" in d["text"]
    assert d["citations"][0]["quote"] == "Sergei Shoigu arrived in Pyongyang on June 4, 2025."


def test_ask_endpoint_empty_question_fails_with_a_plain_message(served_fake):
    client = Client(served_fake.url, verbose=False)
    with pytest.raises(Exception, match="question is empty") as err:
        client.predict("  ", api_name="/ask")
    assert "Traceback" not in str(err.value)


def test_chat_handlers_are_not_callable_as_api_endpoints(served_fake):
    client = Client(served_fake.url, verbose=False)
    assert list(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == ["/ask"]


def _upload(url: str, name: str, data: bytes) -> str:
    boundary = "qa-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(f"{url}gradio_api/upload", data=body, method="POST",
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())[0]


def test_an_uploaded_file_is_served_back(served_fake):
    # the positive control for the test below: the file route works for what the app must serve
    path = _upload(served_fake.url, "note.txt", b"hello")
    assert _status(f"{served_fake.url}gradio_api/file={path}") == 200


@pytest.mark.parametrize("path", ["/etc/passwd", str(REPO / "corpus" / "000_39919b6c59c34877.txt"),
                                  str(REPO / "app.py"), "../../../../etc/passwd"])
def test_files_of_the_machine_are_not_served(served_fake, path):
    assert _status(f"{served_fake.url}gradio_api/file={path}") in (403, 404)


@pytest.mark.integration
def test_ask_endpoint_cites_the_bundled_corpus(served_real):
    client = Client(served_real.url, verbose=False)
    d = client.predict("When did Sergei Shoigu arrive in Pyongyang in June 2025?", api_name="/ask")
    assert d["answered"] is True, d["text"]
    markers = [int(x) for x in re.findall(r"\[(\d+)\]", d["text"])]
    assert markers and max(markers) <= len(d["citations"])
    docs = served_real.pipeline.documents()
    for c in d["citations"]:
        assert docs[c["doc_id"]].text[c["start"]:c["end"]] == c["quote"]  # every citation is a verbatim lookup
    assert any("Pyongyang" in c["quote"] for c in d["citations"])


def test_basic_auth_guards_the_app_and_the_api(tmp_path):
    import app
    from qa.config import Settings
    from tests.app.conftest import free_port
    from tests.app.fakes import FakePipeline

    blocks = app.build_app(FakePipeline(Settings(index_dir=tmp_path / "index")))
    port = free_port()
    app.launch(blocks, host="127.0.0.1", port=port, auth="ann:s3cret", prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        assert _status(f"{url}config") in (401, 403)
        with pytest.raises(Exception):
            Client(url, verbose=False).predict("When did Shoigu arrive?", api_name="/ask")
        d = Client(url, auth=("ann", "s3cret"), verbose=False).predict("When did Shoigu arrive?", api_name="/ask")
        assert d["answered"] is True
    finally:
        blocks.close()


def test_a_slow_request_does_not_hold_up_the_others(served_fake):
    gate = threading.Event()
    served_fake.pipeline.gates["slowly"] = gate
    try:
        client = Client(served_fake.url, verbose=False)
        slow = client.submit("When did Shoigu arrive, slowly?", api_name="/ask")
        fast = client.submit("When did Shoigu arrive?", api_name="/ask")
        # the second answer comes back while the first is still held at the gate
        assert fast.result(timeout=90)["answered"] is True
        assert not slow.done()
        gate.set()
        assert slow.result(timeout=90)["answered"] is True
    finally:
        gate.set()
        served_fake.pipeline.gates.clear()


@pytest.mark.parametrize("question, message", [
    # a half-MB paste through the API: under the request body cap (app.MAX_REQUEST_BYTES, which
    # answers 413 before parsing: tests/app/test_security.py), far over the question limit
    ("How many troops? " * 30_000, "the limit is 500"),
    ("\x00\x07\x1b", "question is empty"),
    (12000, "must be text"),
    (None, "must be text"),
])
def test_ask_endpoint_refuses_bad_input_with_a_plain_message_and_keeps_serving(served_fake, question, message):
    client = Client(served_fake.url, verbose=False)
    with pytest.raises(Exception, match=message) as err:
        client.predict(question, api_name="/ask")
    assert "Traceback" not in str(err.value) and len(str(err.value)) < 300
    assert client.predict("When did Shoigu arrive in Pyongyang?", api_name="/ask")["answered"] is True


def test_ask_endpoint_answers_other_scripts_and_markup_or_declines(served_fake):
    client = Client(served_fake.url, verbose=False)
    for question in ("Когда Шойгу посетил Пхеньян?", "متى زار شويغو بيونغ يانغ؟", "<b>Shoigu</b> arrived when?"):
        d = client.predict(question, api_name="/ask")
        assert d["text"] and (d["answered"] or d["citations"] == [])


def test_a_lone_surrogate_sent_as_raw_json_is_refused_with_a_plain_message(served_fake):
    # gradio_client cannot even encode one; a hand-made JSON body can ("\\ud83d" is valid JSON).
    body = b'{"data": ["When did Shoigu arrive? \\ud83d"]}'
    req = urllib.request.Request(f"{served_fake.url}gradio_api/call/ask", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        event_id = json.loads(r.read())["event_id"]
    with urllib.request.urlopen(f"{served_fake.url}gradio_api/call/ask/{event_id}", timeout=60) as r:
        stream = r.read().decode()
    assert "event: error" in stream and "invalid Unicode" in stream, stream
    assert "Traceback" not in stream
