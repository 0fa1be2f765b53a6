"""The running app against the known attacks on gradio apps, over HTTP on loopback.

- No file of the machine is served beyond the app's pages and what was uploaded: the known
  path-traversal routes (``/file=``, ``/gradio_api/file=``, encoded ``..``, absolute paths,
  ``/static/../``, a symlink planted in the upload folder) all fail.
- No request is made on a client's behalf (SSRF): URLs in ``file=``, ``proxy=`` and in a file
  payload of the API are never fetched (a canary server on loopback counts requests).
- Uploads are limited in size and type by the server, not only by the page, and a crafted
  file name never writes outside the upload folder.
- The app binds to 127.0.0.1 unless told otherwise, refuses requests it cannot queue at once,
  and the installed web stack is past its published advisories.
"""

from __future__ import annotations

import http.client
import http.server
import json
import logging
import os
import socket
import threading
import time
import uuid
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.version import Version

import app
from qa.config import Settings
from tests.app.conftest import REPO, free_port
from tests.app.fakes import FakePipeline

SECRET = "TOP-SECRET-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def secret_file(tmp_path_factory) -> Path:
    """A .txt file outside anything the app serves."""
    path = tmp_path_factory.mktemp("outside") / "secret.txt"
    path.write_text(f"{SECRET}\nA secret article about Pyongyang.\n", encoding="utf-8")
    return path


class Canary:
    """An HTTP server on loopback that records every request it gets (it must get none)."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(SECRET.encode())

            do_POST = do_HEAD = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def canary():
    c = Canary()
    yield c
    c.server.shutdown()


def _get(url: str, path: str) -> tuple[int, bytes]:
    """GET ``path`` exactly as written (no client-side normalisation of ``..`` or ``%2f``)."""
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read(200_000)
    finally:
        conn.close()


def _upload(url: str, name: str, data: bytes) -> tuple[int, str]:
    boundary = "qa-" + uuid.uuid4().hex
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n' \
           f"Content-Type: text/plain\r\n\r\n"
    body = head.encode("utf-8", "surrogateescape") + data + f"\r\n--{boundary}--\r\n".encode()
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        conn.request("POST", "/gradio_api/upload", body=body,
                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _upload_dir(served) -> Path:
    return Path(served.blocks.server_app.uploaded_file_dir)


TRAVERSALS = [
    "/gradio_api/file=/etc/passwd",
    "/gradio_api/file=../../../../../etc/passwd",
    "/gradio_api/file=..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/gradio_api/file=%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/gradio_api/file=%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    "/gradio_api/file/etc/passwd",
    "/gradio_api/file//etc/passwd",
    "/gradio_api/file=/proc/self/environ",
    "/file=/etc/passwd",
    "/file=../../../../etc/passwd",
    "/static/../../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static//etc/passwd",
    "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/svelte/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/gradio_api/custom_component/1/client/x/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/gradio_api/file={secret}",
    "/gradio_api/file={upload}/../../../../..{secret}",
    "/gradio_api/file={upload}/%2e%2e/%2e%2e/%2e%2e/%2e%2e{secret}",
    "/gradio_api/file={repo}/app.py",
    "/gradio_api/file={repo}/corpus/000_39919b6c59c34877.txt",
    "/gradio_api/file={index}/manifest.json",
    "/gradio_api/vibe-code",
]


@pytest.mark.parametrize("route", TRAVERSALS)
def test_the_known_path_traversal_routes_serve_no_file(served_fake, secret_file, route):
    path = route.format(secret=secret_file, upload=_upload_dir(served_fake), repo=REPO,
                        index=served_fake.pipeline.settings.index_dir)
    status, body = _get(served_fake.url, path)
    assert status in (400, 401, 403, 404), (status, body[:200])
    assert b"root:" not in body and SECRET.encode() not in body and b"def build_app" not in body


def test_a_symlink_planted_in_the_upload_folder_is_not_followed(served_fake, secret_file):
    planted = _upload_dir(served_fake) / f"planted-{uuid.uuid4().hex}"
    planted.mkdir(parents=True)
    try:
        (planted / "secret.txt").symlink_to(secret_file)
        for route in (f"/gradio_api/file={planted}/secret.txt", f"/gradio_api/file/{planted}/secret.txt"):
            status, body = _get(served_fake.url, route)
            assert status in (403, 404) and SECRET.encode() not in body
    finally:
        (planted / "secret.txt").unlink(missing_ok=True)
        planted.rmdir()


def test_urls_in_file_and_proxy_routes_are_never_fetched(served_fake, canary):
    for route in (f"/gradio_api/file={canary.url}/latest/meta-data", f"/gradio_api/proxy={canary.url}/x",
                  f"/gradio_api/file=file://{canary.url.removeprefix('http://')}/x"):
        status, body = _get(served_fake.url, route)
        assert status in (400, 403, 404) and SECRET.encode() not in body
    assert canary.hits == []


def test_run_history_is_off(served_fake):
    for route in ("/gradio_api/runs", "/gradio_api/run-history/records", "/gradio_api/run-history/buckets"):
        assert _get(served_fake.url, route)[0] in (401, 403, 404)


@pytest.mark.parametrize("name", ["../../../../tmp/qa-evil-{n}.txt", "/tmp/qa-evil-{n}.txt", "..\\..\\qa-evil-{n}.txt",
                                  "qa%2f..%2f..%2fqa-evil-{n}.txt", "line\r\nbreak-{n}.txt", ".hidden-{n}.txt"])
def test_a_crafted_upload_file_name_never_writes_outside_the_upload_folder(served_fake, name):
    n = uuid.uuid4().hex[:8]
    status, text = _upload(served_fake.url, name.format(n=n), b"Floods closed the port.")
    outside = [Path(f"/tmp/qa-evil-{n}.txt"), Path(f"/qa-evil-{n}.txt"), REPO / f"qa-evil-{n}.txt"]
    assert not any(p.exists() for p in outside)
    if status == 200:
        [stored] = json.loads(text)
        assert Path(stored).resolve().is_relative_to(_upload_dir(served_fake).resolve())
    else:
        assert status in (400, 413, 422)  # a malformed multipart body is refused outright


def test_uploads_over_the_size_limit_are_refused_by_the_server(served_fake):
    limit = int(Settings().max_upload_mb * 1_000_000)
    status, text = _upload(served_fake.url, "big.txt", b"x" * (limit + 1))
    assert status == 413, text
    assert _upload(served_fake.url, "fits.txt", b"x" * 1000)[0] == 200


def test_an_upload_over_the_request_body_limit_but_within_the_file_limit_is_accepted(served_fake):
    size = app.MAX_REQUEST_BYTES + 500_000
    assert size < Settings().max_upload_mb * 1_000_000  # bounded per file by gradio, not by BodyLimit
    assert _upload(served_fake.url, "long.txt", b"x" * size)[0] == 200


# ---------------------------------------------------------------- request bodies are bounded before parsing

OVERSIZED = 100_000_000  # what the issue saw gradio read and parse whole


def _post_raw(url: str, path: str, head: dict[str, str], body: bytes) -> tuple[int, bytes]:
    """Send a POST's headers and ``body`` over a plain socket (which may be only the start of
    what the headers announce) and read the response. Returns (status, response body)."""
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", *(f"{k}: {v}" for k, v in head.items())]
    with socket.create_connection((host, int(port)), timeout=15) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read()


def _question_json(n_bytes: int) -> bytes:
    """A JSON request for one question, padded with spaces to ``n_bytes`` (valid JSON throughout)."""
    data = json.dumps({"data": ["When did Shoigu arrive in Pyongyang?"]}).encode()
    return data[:-1] + b" " * (n_bytes - len(data)) + b"}"


@pytest.mark.parametrize("route", ["/gradio_api/call/ask", "/gradio_api/queue/join"])
def test_an_oversized_json_body_is_refused_with_413_before_it_is_read(served_fake, route):
    asked = len(served_fake.pipeline.calls)
    body = _question_json(OVERSIZED)
    # Only the first 64 kB are sent: a 413 now means nothing waited for, read or parsed the rest.
    status, text = _post_raw(served_fake.url, route, {"Content-Type": "application/json",
                                                      "Content-Length": str(len(body))}, body[:65_536])
    assert status == 413 and b"1,000,000-byte limit" in text
    assert len(served_fake.pipeline.calls) == asked


def test_an_oversized_chunked_body_is_refused_at_the_limit(served_fake):
    # No Content-Length to check: the body is counted as it arrives, and refused past the limit
    # without waiting for its end (the closing zero-length chunk is never sent).
    piece = b"x" * 100_000
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(app.MAX_REQUEST_BYTES // len(piece) + 1))
    status, _ = _post_raw(served_fake.url, "/gradio_api/call/ask",
                          {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}, chunks)
    assert status == 413


def test_a_request_within_the_body_limit_is_answered(served_fake):
    body = _question_json(app.MAX_REQUEST_BYTES)  # exactly at the limit: accepted
    status, text = _post_raw(served_fake.url, "/gradio_api/call/ask", {"Content-Type": "application/json",
                                                                      "Content-Length": str(len(body))}, body)
    assert status == 200 and b"event_id" in text, text


# ---------------------------------------------------------------- calling the upload handler directly


def _call_private(served, fn_name: str, data: list, timeout: float = 60) -> dict:
    """Call an event handler the page uses (not part of the API) as a browser would: join the
    queue with its fn_index and read the event stream to the end. Returns the last message."""
    fn_index = next(i for i, f in served.blocks.fns.items() if f.name == fn_name)
    session = uuid.uuid4().hex
    host, port = served.url.removeprefix("http://").rstrip("/").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    conn.request("POST", "/gradio_api/queue/join", body=json.dumps(
        {"data": data, "fn_index": fn_index, "session_hash": session, "event_data": None, "trigger_id": None}),
        headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    joined = r.read()
    assert r.status == 200, joined
    conn.request("GET", f"/gradio_api/queue/data?session_hash={session}")
    stream = conn.getresponse()
    last = {}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        if line.startswith(b"data:"):
            last = json.loads(line[5:])
            if last.get("msg") in ("process_completed", "close_stream"):
                break
    conn.close()
    return last


def _file_data(path: str, url: str | None = None) -> dict:
    return {"path": path, "url": url, "orig_name": Path(path).name, "meta": {"_type": "gradio.FileData"}}


def test_the_upload_handler_takes_only_files_the_server_received(served_fake, secret_file, canary):
    before = set(served_fake.pipeline.documents())
    attempts = [
        [_file_data(str(secret_file))],                                    # a file of the machine
        [_file_data(f"{_upload_dir(served_fake)}/../../../..{secret_file}")],  # the same, via the upload folder
        [_file_data("article.txt", url=f"{canary.url}/article.txt")],       # a URL for the server to fetch
        [{"path": f"{canary.url}/article.txt", "meta": {"_type": "gradio.FileData"}}],
    ]
    for data in attempts:
        out = _call_private(served_fake, "upload", [data])
        assert out.get("msg") == "process_completed", out
        assert out.get("success") is False and SECRET not in json.dumps(out), out  # refused before the handler ran
    assert set(served_fake.pipeline.documents()) == before
    assert canary.hits == []


def test_the_upload_handler_refuses_a_wrong_type_even_when_the_page_is_bypassed(served_fake):
    before = set(served_fake.pipeline.documents())
    status, text = _upload(served_fake.url, "tool.exe", b"MZ\x90\x00 not an article")
    assert status == 200  # gradio stores any upload in its cache...
    [stored] = json.loads(text)
    out = _call_private(served_fake, "upload", [[_file_data(stored)]])
    assert out.get("msg") == "process_completed" and out.get("success") is False, out  # ...not as an article
    assert "Invalid file type" in json.dumps(out)
    assert set(served_fake.pipeline.documents()) == before
    # the positive control: the same route with an article adds it
    status, text = _upload(served_fake.url, "kaesong-note.txt", b"Kaesong note\nKaesong factories reopened.\n")
    out = _call_private(served_fake, "upload", [[_file_data(json.loads(text)[0])]])
    assert out.get("success") is True and "Added" in json.dumps(out), out
    assert set(served_fake.pipeline.documents()) == before | {"kaesong-note"}


# ---------------------------------------------------------------- binding, busy, versions


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port`` (from /proc/net/tcp and tcp6)."""
    out = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            addr, p = local.split(":")
            if int(p, 16) == port and state == "0A":  # 0A = LISTEN
                out.add(addr)
    return out


def test_the_app_binds_to_loopback_unless_told_otherwise(monkeypatch, tmp_path):
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    blocks = app.build_app(FakePipeline(Settings(index_dir=tmp_path / "index")))
    port = free_port()
    app.launch(blocks, port=port, prevent_thread_lock=True, quiet=True)
    try:
        assert blocks.server_name == "127.0.0.1"
        assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and nothing else
        assert blocks.ssr_mode is False and blocks.run_history is False
    finally:
        blocks.close()


def test_binding_beyond_loopback_without_a_login_is_warned_about(monkeypatch, caplog):
    launched = {}

    class Recorder:  # stands in for gr.Blocks: records what launch() asks for, binds nothing
        def launch(self, **kwargs):
            launched.update(kwargs)

    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    with caplog.at_level(logging.WARNING, logger="qa.app"):
        app.launch(Recorder(), max_upload_mb=2.5)
    assert "without a login" in caplog.text
    assert launched["allowed_paths"] == [] and launched["max_file_size"] == 2_500_000
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="qa.app"):
        app.launch(Recorder(), auth="ann:s3cret")
    assert "without a login" not in caplog.text


def test_a_fractional_upload_limit_is_enforced_by_the_server(tmp_path):
    blocks = app.build_app(FakePipeline(Settings(index_dir=tmp_path / "index", max_upload_mb=0.5)))
    port = free_port()
    app.launch(blocks, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True, max_upload_mb=0.5)
    try:
        url = f"http://127.0.0.1:{port}/"
        assert _upload(url, "big.txt", b"x" * 500_001)[0] == 413
        assert _upload(url, "ok.txt", b"x" * 400_000)[0] == 200
    finally:
        blocks.close()


def test_a_request_that_cannot_be_queued_is_told_busy_at_once(tmp_path):
    from gradio_client import Client

    pipeline = FakePipeline(Settings(index_dir=tmp_path / "index"))
    gate = threading.Event()
    pipeline.gates["slowly"] = gate
    blocks = app.build_app(pipeline, concurrency=1, queue_size=1)
    port = free_port()
    app.launch(blocks, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        running = client.submit("When did Shoigu arrive, slowly?", api_name="/ask")
        while not pipeline.calls:  # the first request holds the only answer slot...
            time.sleep(0.05)
        waiting = client.submit("When did Shoigu arrive, slowly too?", api_name="/ask")  # ...one may wait...
        time.sleep(0.5)
        with pytest.raises(Exception, match="(?i)queue is full"):  # ...and the next is refused
            client.predict("When did Shoigu arrive?", api_name="/ask")
        assert not running.done()  # refused while the slot was still taken: it did not wait for it
        gate.set()
        assert running.result(timeout=60)["answered"] and waiting.result(timeout=60)["answered"]
    finally:
        gate.set()
        blocks.close()


# Published advisories against the web stack, with the first version that fixes each.
# Looked up in the GitHub advisory database, OSV and the CVE list (see the report of issue 8).
ADVISORIES = [
    ("gradio", "6.20.0", "CVE-2026-59806: open redirect and SSRF via /gradio_api/file= (fixed 6.20.0)"),
    ("gradio", "6.16.0", "CVE-2026-49119 / PYSEC-2026-2179: FileExplorer path traversal (fixed 6.16.0)"),
    ("gradio", "6.15.0", "CVE-2026-48545 / PYSEC-2026-2178: cookie injection via the shared proxy client"),
    ("gradio", "6.7.0", "CVE-2026-28414 / GHSA-39mp-8hj3-5c49: absolute path traversal (Windows, Python 3.13+)"),
    ("gradio", "6.6.0", "CVE-2026-28416 / GHSA-jmh7-g254-2cq9: SSRF via proxy_url in gr.load config"),
    ("gradio", "6.6.0", "CVE-2026-28415: open redirect in the OAuth flow; CVE-2026-27167 / GHSA-h3h8-3v2v-rg7m"),
    ("gradio", "5.6.0", "CVE-2025-23042: blocked-path ACL bypass by letter case"),
    ("gradio", "5.0.0", "CVE-2024-47167 / GHSA-576c-3j53-r9jj: SSRF in /queue/join; CVE-2024-47165 null origin"),
    ("gradio", "4.19.2", "CVE-2024-1727 / GHSA-48cq-79qq-6f7x: third-party sites uploading to a local app"),
    ("gradio", "4.11.0", "CVE-2023-51449 / GHSA-6qm2-wpxq-7qh2: /file route traversal"),
    ("starlette", "1.0.1", "CVE-2026-48710 / GHSA-86qp-5c8j-p5mr: Host-header path confusion (BadHost)"),
    ("starlette", "0.49.1", "CVE-2025-62727 / GHSA-7f5h-v6xp-fcq8: O(n^2) Range header DoS in FileResponse"),
    ("starlette", "0.47.2", "CVE-2025-54121: blocking rollover of large multipart uploads"),
    ("starlette", "0.40.0", "CVE-2024-47874 / GHSA-f96h-pmfr-66vw: multipart/form-data DoS"),
    ("python-multipart", "0.0.26", "CVE-2026-40347 / GHSA-mj87-hwqh-73pj: DoS via preamble or epilogue data"),
    ("python-multipart", "0.0.18", "CVE-2024-53981 / GHSA-59g5-xgcq-4qw3: DoS via data around boundaries"),
    ("h11", "0.16.0", "CVE-2025-43859 / GHSA-vqfr-h8mv-ghfj: malformed chunked bodies (request smuggling)"),
    ("jinja2", "3.1.6", "CVE-2025-27516 / GHSA-cpwx-vrp4-4pq7: sandbox escape through |attr"),
    ("urllib3", "2.8.0", "CVE-2026-97687, CVE-2026-97688, CVE-2026-97689 (fixed 2.8.0)"),
    ("urllib3", "2.7.0", "PYSEC-2026-141, CVE-2026-44431, CVE-2026-44432 (fixed 2.7.0)"),
]


@pytest.mark.parametrize("package, fixed, advisory", ADVISORIES, ids=[f"{a[0]}-{a[1]}" for a in ADVISORIES])
def test_the_web_stack_is_past_its_published_advisories(package, fixed, advisory):
    assert Version(version(package)) >= Version(fixed), f"{package} {version(package)} is affected by {advisory}"


def test_the_one_open_gradio_advisory_cannot_reach_this_app(tmp_path):
    # CVE-2026-134825: gradio 6.27.0 to before 6.32.0 (no fixed release was available to us)
    # lets a forged "Host: localhost" reach run-history endpoints, when SSR proxies requests.
    # The app launches with SSR and run history off, so neither the route nor the proxy exists.
    if Version(version("gradio")) >= Version("6.32.0"):
        return
    blocks = app.build_app(FakePipeline(Settings(index_dir=tmp_path / "index")))
    port = free_port()
    app.launch(blocks, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True)
    try:
        assert blocks.ssr_mode is False and blocks.run_history is False
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/gradio_api/run-history/records", headers={"Host": "localhost"})
        assert conn.getresponse().status in (401, 403, 404)
        conn.close()
    finally:
        blocks.close()
