"""The app's handlers called as plain functions, over a fake pipeline."""

from __future__ import annotations

import threading
from pathlib import Path

import gradio as gr
import pytest

import app
from qa.config import Settings
from qa.errors import BadDocument, IndexBusy
from qa.records import Answer
from tests.app.fakes import FakePipeline
from webui import handlers


@pytest.fixture
def settings(tmp_path):
    return Settings(index_dir=tmp_path / "index")


@pytest.fixture
def pipe(settings):
    return FakePipeline(settings)


@pytest.fixture
def h(pipe):
    return handlers.ChatHandlers(pipe, max_upload_mb=0.001)  # about 1 kB, to test the limit


class _Progress:
    """Stands in for gr.Progress: records what the handler reports."""

    def __init__(self):
        self.calls = []

    def __call__(self, fraction, desc=None):
        assert 0.0 <= fraction <= 1.0
        self.calls.append((fraction, desc))


def _run(h, question, answers=(), mode=None):
    steps = list(h.respond(question, list(answers), mode))
    return steps


def test_answer_streams_then_ends_with_linked_markers_and_sources(h):
    steps = _run(h, "When did Shoigu arrive in Pyongyang?")
    chat, box, sources, answers = steps[-1]
    assert box == ""
    assert len(steps) >= 3  # a pending bubble, draft pieces, the final answer
    assert any("qa-draft" in s[0][-1]["content"] for s in steps[1:-1])
    assert chat[0] == {"role": "user", "content": "When did Shoigu arrive in Pyongyang?"}
    assert 'href="#qa-src-0-1"' in chat[1]["content"]
    assert "<mark>Sergei Shoigu arrived in Pyongyang on June 4, 2025.</mark>" in sources
    assert [a.question for a in answers] == ["When did Shoigu arrive in Pyongyang?"]


def test_first_step_shows_the_question_before_the_answer_is_ready(h):
    first = next(h.respond("When did Shoigu arrive?", [], None))
    chat, box, _, answers = first
    assert chat[-2]["content"] == "When did Shoigu arrive?"
    assert "qa-pending" in chat[-1]["content"]
    assert box == "" and answers == []


def test_follow_up_sends_the_earlier_turns_as_history(h, pipe):
    *_, (_, _, _, answers) = _run(h, "When did Shoigu arrive in Pyongyang?")
    *_, (chat, _, sources, answers) = _run(h, "Whom did he meet?", answers)
    question, history, _ = pipe.calls[-1]
    assert question == "Whom did he meet?"
    assert history[0] == {"role": "user", "content": "When did Shoigu arrive in Pyongyang?"}
    assert history[1]["role"] == "assistant" and "[1]" in history[1]["content"]
    assert len(chat) == 4
    assert 'href="#qa-src-1-1"' in chat[3]["content"]  # the second answer's markers point to its own cards
    assert 'id="qa-turn-0" data-turn="0" hidden' in sources and 'id="qa-turn-1" data-turn="1">' in sources


def test_abstention_is_drawn_differently_with_closest_passages(h):
    *_, (chat, _, sources, answers) = _run(h, "Zebra quantum marmalade?")
    assert answers[-1].answered is False
    assert "Not in the sources" in chat[-1]["content"]
    assert "Closest passages" in sources


def test_empty_question_is_a_plain_error_and_changes_nothing(h, pipe):
    with pytest.raises(gr.Error, match="question is empty"):
        next(h.respond("   ", [], None))
    assert pipe.calls == []


def test_over_long_question_names_the_limit(h, settings):
    with pytest.raises(gr.Error, match=str(settings.max_question_chars)):
        next(h.respond("why " * 400, [], None))


def test_pipeline_error_reaches_the_user_as_its_plain_message(h, pipe):
    pipe.fail_with = IndexBusy("the index is being rebuilt; try again in a minute")
    gen = h.respond("When did Shoigu arrive?", [], None)
    next(gen)
    with pytest.raises(gr.Error, match="being rebuilt") as err:
        list(gen)
    assert "Traceback" not in str(err.value)


def test_unexpected_error_is_hidden_behind_a_plain_message(h, pipe):
    pipe.fail_with = KeyError("internal detail")
    gen = h.respond("When did Shoigu arrive?", [], None)
    next(gen)
    with pytest.raises(gr.Error) as err:
        list(gen)
    assert "internal detail" not in str(err.value) and "went wrong" in str(err.value)


def test_mode_switch_reaches_the_pipeline_and_the_footer_names_it(settings):
    h = handlers.ChatHandlers(FakePipeline(settings, llm=True))
    pipe = h.pipeline
    *_, (chat, _, _, answers) = _run(h, "When did Shoigu arrive?", mode="llm")
    assert pipe.calls[-1][2] == "auto"  # the model when it loads, the pipeline's fallback otherwise
    assert answers[-1].mode == "llm"
    assert "Local model" in chat[-1]["content"]


def test_local_model_answers_wait_for_each_other_but_extractive_ones_do_not(tmp_path):
    s = Settings(index_dir=tmp_path / "i", llm="llama-cpp")
    h = handlers.ChatHandlers(FakePipeline(s, llm=True))
    h.llm_lock.acquire()  # another local-model answer is being written
    try:
        llm_gen = h.respond("When did Shoigu arrive?", [], "llm")
        next(llm_gen)
        assert "Waiting for the local model" in next(llm_gen)[0][-1]["content"]
        *_, (_, _, _, answers) = _run(h, "When did Shoigu arrive?", mode="extractive")
        assert answers[-1].answered  # the extractive answer did not wait for the lock
    finally:
        h.llm_lock.release()
    *_, (_, _, _, answers) = list(llm_gen)
    assert answers[-1].mode == "llm"
    assert not h.llm_lock.locked()


def test_abandoned_stream_releases_the_model_lock(tmp_path):
    s = Settings(index_dir=tmp_path / "i", llm="llama-cpp")
    h = handlers.ChatHandlers(FakePipeline(s, llm=True))
    gen = h.respond("When did Shoigu arrive?", [], "llm")
    next(gen), next(gen)  # pending, then the first draft piece: the lock is held
    assert h.llm_lock.locked()
    gen.close()  # the browser went away
    assert not h.llm_lock.locked()


def test_clear_drops_the_history(h):
    chat, box, sources, answers = h.clear()
    assert chat == [] and answers == [] and box == ""
    assert "Ask a question" in sources


def test_ask_api_returns_the_answer_dict(h):
    d = h.ask("When did Shoigu arrive in Pyongyang?")
    assert d["answered"] is True
    assert d["text"].endswith("[1]")
    c = d["citations"][0]
    assert c["quote"] == "Sergei Shoigu arrived in Pyongyang on June 4, 2025."
    assert Answer(**{**d, "citations": (), "passages": (), "values": (), "rejected": ()}).question == d["question"]


def test_ask_api_empty_question_is_a_plain_error(h):
    with pytest.raises(gr.Error, match="question is empty"):
        h.ask("")


def test_document_table_lists_titles_and_chunk_counts(h):
    rows, dropdown = h.document_table()
    assert [r[4] for r in rows] == ["visit", "troops"]
    assert all(isinstance(r[3], int) and r[3] > 0 for r in rows)
    assert ("2025-06-18 · Troops in Kursk", "troops") in dropdown.choices


def test_show_document_renders_the_whole_cleaned_article(h):
    html = h.show_document("troops")
    assert "About 12,000 soldiers were deployed last year." in html
    with pytest.raises(gr.Error, match="No document"):
        h.show_document("nope")


def test_upload_adds_a_file_then_it_can_be_asked_about(h, tmp_path):
    f = tmp_path / "harvest.txt"
    f.write_text("Harvest report\nThe barley harvest in Ryanggang reached 9,000 tonnes.\n")
    progress = _Progress()
    status, box = h.upload([str(f)], progress=progress)
    assert "harvest.txt" in status and "Added" in status
    assert progress.calls[-1][0] == 1.0
    *_, (_, _, sources, answers) = _run(h, "How much barley was harvested?")
    assert answers[-1].citations[0].doc_id == "harvest"
    assert "<mark>The barley harvest in Ryanggang reached 9,000 tonnes.</mark>" in sources


def test_upload_rejects_wrong_type_and_oversize_files_with_reasons(h, tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(gr, "Warning", lambda msg, *a, **k: warnings.append(msg))
    good = tmp_path / "ok.md"
    good.write_text("Okay\nA short note about Kaesong.\n")
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    big = tmp_path / "big.txt"
    big.write_text("x" * 5000)
    status, _ = h.upload([str(exe), str(big), str(good)], progress=_Progress())
    assert "ok.md" in status.split("\n")[0]
    assert "tool.exe" in status and ".exe files are not accepted" in status
    assert "big.txt" in status and "limit" in status
    assert warnings and "2 file(s) rejected" in warnings[0]


def test_upload_reports_the_pipelines_refusal_and_keeps_going(h, pipe, tmp_path, monkeypatch):
    monkeypatch.setattr(gr, "Warning", lambda *a, **k: None)
    bad = tmp_path / "page.html"
    bad.write_text("<html>nothing</html>")  # the fake refuses .html, as the pipeline may
    good = tmp_path / "note.txt"
    good.write_text("Note\nKaesong factories reopened.\n")
    status, _ = h.upload([str(bad), str(good)], progress=_Progress())
    assert "page.html: unsupported file type" in status
    assert "note" in pipe.documents()


def test_upload_with_no_files_asks_for_some(h):
    with pytest.raises(gr.Error, match="Choose one or more"):
        h.upload([], progress=_Progress())


def test_build_app_exposes_only_the_ask_endpoint(settings):
    blocks = app.build_app(FakePipeline(settings))
    info = blocks.get_api_info()
    assert list(info["named_endpoints"]) == ["/ask"]


def test_mode_switch_is_hidden_without_a_local_model(settings, tmp_path):
    no_llm = app.build_app(FakePipeline(settings))
    radios = [b for b in no_llm.blocks.values() if isinstance(b, gr.Radio)]
    assert radios and radios[0].visible is False
    with_llm = app.build_app(FakePipeline(Settings(index_dir=tmp_path / "j", llm="llama-cpp"), llm=True))
    radios = [b for b in with_llm.blocks.values() if isinstance(b, gr.Radio)]
    assert radios[0].visible is True and radios[0].value == "llm"


def test_auth_string_parses_into_credentials():
    assert app._parse_auth("ann:s3cret") == [("ann", "s3cret")]
    assert app._parse_auth("a:1, b:2:x") == [("a", "1"), ("b", "2:x")]
    assert app._parse_auth("") is None
    with pytest.raises(ValueError, match="user:password"):
        app._parse_auth("no-colon")


def test_handlers_are_thread_safe_for_concurrent_extractive_answers(h):
    results = []

    def ask():
        *_, (_, _, _, answers) = _run(h, "When did Shoigu arrive?")
        results.append(answers[-1].answered)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 4


def test_bad_document_error_class_is_what_the_fake_raises(pipe, tmp_path):
    # keeps the fake honest about the contract the upload handler relies on
    f = tmp_path / "x.pdf"
    f.write_bytes(b"%PDF")
    with pytest.raises(BadDocument):
        pipe.add_files([f])


def test_serve_hands_the_configured_login_to_launch_unredacted(monkeypatch, tmp_path):
    import sys
    import types

    launched = {}
    # serve() imports qa.pipeline when called; a stand-in module keeps Chroma and torch unloaded
    monkeypatch.setitem(sys.modules, "qa.pipeline", types.SimpleNamespace(Pipeline=FakePipeline))
    monkeypatch.setattr(app, "launch", lambda blocks, **kwargs: launched.update(kwargs))
    app.serve(Settings(index_dir=tmp_path / "index", auth="ann:s3cret"))
    assert launched["auth"] == "ann:s3cret"


@pytest.mark.parametrize("error", [None, IndexBusy("another build is running")])
def test_serve_brings_the_index_up_to_date_first_and_starts_when_it_cannot(monkeypatch, tmp_path, error):
    import sys
    import types

    made, launched = [], []

    def pipeline(settings):
        made.append(FakePipeline(settings))
        made[-1].build_error = error
        return made[-1]

    monkeypatch.setitem(sys.modules, "qa.pipeline", types.SimpleNamespace(Pipeline=pipeline))
    monkeypatch.setattr(app, "launch", lambda blocks, **kwargs: launched.append(made[0].builds))
    app.serve(Settings(index_dir=tmp_path / "index"))
    assert launched == [1]  # built once, before the chat was launched


def test_refresh_adds_what_changed_in_the_corpus_to_an_existing_index(tmp_path):
    from qa.pipeline import Pipeline
    from tests.index.fakes import HashingEmbedder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("The harbour authority opened a new ferry pier on Monday.", encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", llm="none")
    Pipeline(settings, embedder=HashingEmbedder()).build()
    # an article added while the chat was down: a new process opens the index as it was ...
    (corpus / "b.txt").write_text("The city council approved the flood budget on Tuesday.", encoding="utf-8")
    assert set(Pipeline(settings, embedder=HashingEmbedder()).documents()) == {"a"}
    # ... and serving refreshes it first
    pipeline = Pipeline(settings, embedder=HashingEmbedder())
    app.refresh(pipeline)
    assert set(pipeline.documents()) == {"a", "b"}


def test_importing_the_app_loads_no_model_index_or_server():
    import subprocess
    import sys

    code = ("import sys, app; heavy = [m for m in ('chromadb', 'torch', 'sentence_transformers', "
            "'llama_cpp', 'qa.pipeline') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(Path(app.__file__).parent))
    assert out.stdout.strip() == "[]"


def test_binding_beyond_loopback_is_told_apart():
    assert app._is_loopback("127.0.0.1") and app._is_loopback("localhost") and app._is_loopback("::1")
    assert not app._is_loopback("0.0.0.0") and not app._is_loopback("192.0.2.10")


@pytest.mark.integration
def test_failed_upload_leaves_the_real_index_whole(served_real, tmp_path, monkeypatch):
    monkeypatch.setattr(gr, "Warning", lambda *a, **k: None)
    h = handlers.ChatHandlers(served_real.pipeline)
    before = dict(served_real.pipeline.chunk_counts())
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "text": \n not json at all\n', encoding="utf-8")
    status, _ = h.upload([str(broken)], progress=_Progress())
    assert "Nothing added" in status and "broken.jsonl" in status
    after = served_real.pipeline.chunk_counts()
    assert {k: after.get(k) for k in before} == before  # every indexed document is still there, unchanged
    *_, (_, _, _, answers) = _run(h, "When did Sergei Shoigu arrive in Pyongyang in June 2025?", mode="extractive")
    assert answers[-1].answered


@pytest.mark.parametrize("question, message", [
    (None, "must be text"),
    (12, "must be text"),
    ("\x00\x1b\u200b", "question is empty"),
    ("How many troops? " * 60_000, "the limit is 500"),  # a 1 MB paste
    ("half an emoji \ud83d", "invalid Unicode"),
])
def test_bad_questions_are_refused_by_both_handlers_before_the_pipeline(h, pipe, question, message):
    with pytest.raises(gr.Error, match=message) as err:
        next(h.respond(question, [], None))
    assert len(str(err.value)) < 200  # the paste is not echoed back
    with pytest.raises(gr.Error, match=message):
        h.ask(question)
    assert pipe.calls == []


def test_invisible_characters_are_stripped_before_the_pipeline_sees_the_question(h, pipe):
    *_, (chat, _, _, answers) = _run(h, "When did\x00 Shoigu\u202e arrive\x1b in Pyongyang?")
    assert pipe.calls[-1][0] == "When did Shoigu arrive in Pyongyang?"
    assert answers[-1].answered


@pytest.mark.parametrize("question", ["<script>alert(1)</script><img src=x onerror=alert(2)> When did Shoigu arrive?",
                                      "<script>alert(1)</script>"])  # answered, and declined
def test_markup_in_a_question_never_reaches_the_page_as_markup(h, question):
    *_, (chat, _, sources, _) = _run(h, question)
    # The question bubble is the Chatbot's (sanitize_html=True); what the app draws is escaped.
    assert "<script" not in chat[-1]["content"] and "<img" not in chat[-1]["content"]
    assert "<script" not in sources and "&lt;script&gt;alert(1)&lt;/script&gt;" in sources


def test_a_long_conversation_sends_only_its_recent_turns(h, pipe):
    answers = []
    for i in range(handlers.HISTORY_TURNS + 5):
        *_, (_, _, _, answers) = _run(h, f"When did Shoigu arrive in Pyongyang, take {i}?", answers)
    _, history, _ = pipe.calls[-1]
    assert len(history) == 2 * handlers.HISTORY_TURNS
    assert history[-2]["content"] == answers[-2].question


def test_upload_of_a_hidden_file_name_is_refused_not_silently_dropped(h, pipe, tmp_path, monkeypatch):
    monkeypatch.setattr(gr, "Warning", lambda *a, **k: None)
    hidden = tmp_path / ".note.txt"
    hidden.write_text("Note\nKaesong factories reopened.\n")
    status, _ = h.upload([str(hidden)], progress=_Progress())
    assert "Nothing added" in status and "starting with '.'" in status
    assert ".note" not in pipe.documents()
