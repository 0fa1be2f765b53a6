"""The pipeline's side of the index: opening, reopening after another build, rebuilding, the ledger.

A real embedded Chroma in tmp_path with the hashing fake embedder (no model).
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index import docstore as docstore_mod
from index import store
from index.build import build_index
from index.claims import extract_claims
from qa.config import Settings
from qa.errors import BadDocument, IndexBusy
from qa.pipeline import Pipeline
from qa.sources import ledger as ledger_mod
from qa.sources.events import events_of_documents
from tests.index.fakes import HashingEmbedder

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
UNDATED = "004_373a661a67fa0f25"  # reports the March visit; dated by the event once its date is removed


@pytest.fixture
def corpus(tmp_path):
    d = shutil.copytree(CORPUS, tmp_path / "corpus")
    overrides = json.loads((d / "metadata.json").read_text(encoding="utf-8")) if (d / "metadata.json").exists() else {}
    overrides.setdefault(UNDATED, {})["date"] = ""
    (d / "metadata.json").write_text(json.dumps(overrides), encoding="utf-8")
    return d


@pytest.fixture
def make(tmp_path, corpus):
    def make_pipeline() -> Pipeline:
        return Pipeline(Settings(index_dir=tmp_path / "index", corpus_dir=corpus, llm="none"),
                        embedder=HashingEmbedder())
    return make_pipeline


def reference_ledger(docs):
    """The ledger as it was computed before claims were stored: every document read now."""
    claims = {doc_id: extract_claims(doc) for doc_id, doc in docs.items()}
    events = events_of_documents(docs, claims)
    references = {doc_id: doc.date for doc_id, doc in docs.items() if doc.date}
    for event in events:
        for doc_id in event.doc_ids:
            if doc_id not in references:
                references[doc_id] = event.date
                claims[doc_id] = extract_claims(dataclasses.replace(docs[doc_id], date=event.date))
    return claims, events, references


def triple(ledger):
    """A ledger's claims, events and reference dates, as ``reference_ledger`` gives them."""
    return ledger.claims, ledger.events, ledger.references


def test_ledger_from_the_store_is_the_ledger_read_from_the_documents(make, monkeypatch):
    p = make()
    docs = p.documents()
    assert docs[UNDATED].date == ""
    expected = reference_ledger(docs)
    assert triple(p.ledger()) == expected
    read = []
    real = ledger_mod.extract_claims
    monkeypatch.setattr(ledger_mod, "extract_claims", lambda d: read.append(d.doc_id) or real(d))
    built = ledger_mod.build(p.reader.version, docs, p.reader.claims())
    assert triple(built) == expected
    assert built.references[UNDATED] == "2025-03-21"      # counted from the event it reports
    undated_in_events = {d for e in built.events for d in e.doc_ids if not docs[d].date}
    assert UNDATED in undated_in_events
    assert sorted(read) == sorted(undated_in_events)     # only undated articles of an event are read again


def test_ledger_is_read_from_the_documents_when_the_claim_code_differs(make, monkeypatch):
    p = make()
    p.ensure_index()
    monkeypatch.setattr("index.docstore.claims_fingerprint", lambda: "other claim code")
    fresh = make()                                        # another process, running other code
    assert fresh.reader.claims() is None
    assert triple(fresh.ledger()) == reference_ledger(fresh.documents())


def test_the_ledger_is_built_at_index_time_and_loaded_by_the_next_process(make, monkeypatch):
    p = make()
    p.build()
    saved = list((p.settings.index_dir / "cache").glob("ledger-*.json"))
    assert len(saved) == 1                                # written by the build, one per version
    expected = p.ledger()
    assert any(expected.mentions.values())                      # the bundled story's events are mentioned elsewhere

    def never(*args, **kwargs):
        raise AssertionError("the ledger was read again")

    monkeypatch.setattr(ledger_mod, "events_of_documents", never)
    monkeypatch.setattr(ledger_mod, "mention_index", never)
    fresh = make()                                        # another process opening the same version
    assert fresh.ledger() == expected
    a, b = p.answer("When did Shoigu arrive in Pyongyang in June?"), fresh.answer("When did Shoigu arrive in Pyongyang in June?")
    assert (a.text, a.citations) == (b.text, b.citations)


def test_a_stale_or_damaged_ledger_is_built_again(make, monkeypatch):
    p = make()
    p.build()
    expected = p.ledger()
    (saved,) = (p.settings.index_dir / "cache").glob("ledger-*.json")
    saved.write_text('{"version": ', encoding="utf-8")    # a torn write of another process
    assert make().ledger() == expected
    monkeypatch.setattr(ledger_mod, "fingerprint", lambda: "edited event rules")
    built = []
    real = ledger_mod.build
    monkeypatch.setattr(ledger_mod, "build", lambda *a: built.append(1) or real(*a))
    assert make().ledger() == expected                    # other code: read again, not trusted
    assert built == [1]
    assert [f.name for f in (p.settings.index_dir / "cache").glob("ledger-*.json")] != [saved.name]


def test_fingerprint_covers_the_event_rules_and_the_claim_code(monkeypatch):
    before = ledger_mod.fingerprint()
    monkeypatch.setattr("index.docstore.claims_fingerprint", lambda: "other claim code")
    assert ledger_mod.fingerprint() != before


def test_a_build_by_someone_else_is_seen_at_the_next_question(make, corpus):
    p = make()
    before = p.reader
    (corpus / "flood.txt").write_text("Halden flood barrier\nThe Halden flood barrier cost 4.2 million euros.",
                                      encoding="utf-8")
    build_index(p.settings.index_config(), [corpus], embedder=HashingEmbedder())  # not through p
    assert p.reader is not before and "flood" in p.documents()
    assert p.retrieve("Halden flood barrier cost", k=1)[0].doc_id == "flood"
    assert p.reader is p.reader                           # no reopening while nothing changes


def test_a_question_keeps_the_version_it_started_with(make, corpus):
    p = make()
    old = p.reader.version
    (corpus / "flood.txt").write_text("Halden flood barrier\nThe barrier cost 4.2 million euros.", encoding="utf-8")
    with p.snapshot():
        assert p.reader.version == old
        build_index(p.settings.index_config(), [corpus], embedder=HashingEmbedder())
        assert p.reader.version == old and "flood" not in p.documents()
        with p.snapshot():                                # re-entrant
            assert p.retriever.reader.version == old
    assert p.reader.version != old and "flood" in p.documents()


def test_index_of_another_chromadb_version_is_rebuilt_on_first_use(make):
    p = make()
    cfg = p.settings.index_config()
    p.ensure_index()
    manifest = store.read_manifest(cfg.index_dir)
    store.write_json_atomic(cfg.index_dir / "manifest.json", {**manifest, "chromadb": "0.4.24"})
    fresh = make()
    assert fresh.reader.chunks() and store.read_manifest(cfg.index_dir)["chromadb"] == store.chroma_version()
    assert fresh.answer("Who sent Shoigu to Pyongyang?", mode="extractive").citations


def test_unreadable_store_is_rebuilt_on_first_use(make):
    p = make()
    cfg = p.settings.index_config()
    p.ensure_index()
    with open(cfg.index_dir / "chroma" / "chroma.sqlite3", "r+b") as f:
        f.write(b"\x00garbage" * 512)
    fresh = make()
    assert len(fresh.reader.dense_search("Shoigu", 3)) == 3


def test_no_index_while_another_process_builds_is_index_busy(make, tmp_path):
    (tmp_path / "index").mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire(); "
         "print('locked', flush=True); time.sleep(60)", str(tmp_path / "index" / ".lock")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(IndexBusy, match="another process is building"):
            make().documents()
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("name", [".note.txt", ".txt"])
def test_a_dot_file_upload_is_refused_not_reported_added_and_never_indexed(make, tmp_path, name):
    hidden = tmp_path / name
    hidden.write_text("Kaesong factories\nThe Kaesong factories reopened on Monday.\n", encoding="utf-8")
    pipeline = make()
    with pytest.raises(BadDocument, match=rf"^{re.escape(name)}: a name starting with '\.' is not indexed; rename"):
        pipeline.add_files([hidden])
    assert not pipeline.uploads_dir.exists()  # refused before anything was copied or built


def test_every_own_question_gets_the_same_answer_from_the_saved_ledger(make, tmp_path):
    from eval.questions import load_questions

    built = make()
    built.build()                                         # saves the ledger and BM25
    loaded = make()                                       # another process: loads them
    fresh_dir = tmp_path / "fresh-index"
    shutil.copytree(built.settings.index_dir, fresh_dir)
    shutil.rmtree(fresh_dir / "cache")                    # a third reads everything again
    fresh = Pipeline(Settings(index_dir=fresh_dir, corpus_dir=built.settings.corpus_dir, llm="none"),
                     embedder=HashingEmbedder())
    answered = 0
    for q in load_questions(Path(__file__).resolve().parents[2] / "eval" / "questions.jsonl"):
        a = loaded.answer(q.question, history=q.history or None, mode="extractive")
        b = fresh.answer(q.question, history=q.history or None, mode="extractive")
        assert (a.text, a.citations, a.values, a.note) == (b.text, b.citations, b.values, b.note), q.qid
        answered += a.answered
    assert answered > 48                                  # the comparison is of answers, not of declines


def test_a_loaded_ledger_makes_claim_records_only_for_the_documents_read(make, monkeypatch):
    p = make()
    p.build()
    made = []
    real = docstore_mod._claim_from_row
    monkeypatch.setattr(docstore_mod, "_claim_from_row", lambda *a: made.append(1) or real(*a))
    ledger = make().ledger()                              # another process: loaded, not built
    assert ledger.reread and made == []                   # the re-read articles' claims wait until asked
    doc_id, claims = next(iter(ledger.reread.items()))
    assert list(claims) == list(p.ledger().reread[doc_id]) and made
