"""The index's local files: document store with chunks and claims, manifest, journal, cleanup."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from index import docstore
from index import prepare as prepare_mod
from index.build import build_index
from index.claims import extract_claims
from index.prepare import collect_documents
from index.records import IndexConfig
from index.store import open_index, read_manifest
from tests.index.fakes import HashingEmbedder

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def documents():
    docs, _ = collect_documents([CORPUS])
    return docs


def _prepared(docs):
    from index.chunk import chunk_document

    return [docstore.Prepared(d, tuple(chunk_document(d, 600, 1)), f"key-{d.doc_id}", tuple(extract_claims(d)))
            for d in docs]


def test_document_store_round_trips_documents_chunks_and_claims(tmp_path, documents):
    prepared = _prepared(documents)
    name = docstore.write_documents(tmp_path, "v1", prepared)
    back = docstore.read_documents(tmp_path, name)
    assert name == "documents-v1.jsonl" and back.version == "v1"
    assert [back.prepared[p.doc.doc_id] for p in prepared] == prepared   # every field, claims included
    assert sum(len(p.claims) for p in prepared) > 50
    for p in back.prepared.values():
        assert all(p.doc.text[c.start:c.end] == c.sentence for c in p.claims)


def test_claims_read_by_other_claim_code_are_not_returned(tmp_path, documents, monkeypatch):
    name = docstore.write_documents(tmp_path, "v1", _prepared(documents))
    monkeypatch.setattr(docstore, "claims_fingerprint", lambda: "edited claim rules")
    back = docstore.read_documents(tmp_path, name)
    assert back.claims() is None and all(p.claims is None for p in back.prepared.values())
    assert back.chunks()  # the rest is still there


def test_build_stores_the_claims_and_reads_only_changed_documents_again(tmp_path, monkeypatch):
    corpus = shutil.copytree(CORPUS, tmp_path / "corpus")
    cfg = IndexConfig(index_dir=tmp_path / "index")
    build_index(cfg, [corpus], embedder=HashingEmbedder())
    reader = open_index(cfg, embedder=HashingEmbedder())
    assert reader.claims() == {d: extract_claims(doc) for d, doc in reader.documents().items()}

    f = next(corpus.glob("001_*.txt"))
    f.write_text(f.read_text(encoding="utf-8") + "\nIn 2025, 3,000 more troops were sent.", encoding="utf-8")
    read = []
    real = prepare_mod.extract_claims
    monkeypatch.setattr(prepare_mod, "extract_claims", lambda d: read.append(d.doc_id) or real(d))
    build_index(cfg, [corpus], embedder=HashingEmbedder())
    assert read == [f.stem]
    claims = open_index(cfg, embedder=HashingEmbedder()).claims()
    assert any(c.value == "3000" and c.sentence.startswith("In 2025") for c in claims[f.stem])


def test_edited_claim_code_rereads_claims_without_embedding(tmp_path, monkeypatch):
    cfg = IndexConfig(index_dir=tmp_path / "index")
    build_index(cfg, [CORPUS], embedder=HashingEmbedder())
    version = read_manifest(cfg.index_dir)["version"]
    monkeypatch.setattr(docstore, "claims_fingerprint", lambda: "edited claim rules")
    read = []
    real = prepare_mod.extract_claims
    monkeypatch.setattr(prepare_mod, "extract_claims", lambda d: read.append(d.doc_id) or real(d))
    emb = HashingEmbedder()
    build_index(cfg, [CORPUS], embedder=emb)
    assert len(read) == 5 and emb.texts_embedded == 0
    reader = open_index(cfg, embedder=emb)
    assert reader.version != version and reader.claims() is not None   # readers see the new claims


def test_manifest_is_published_whole_and_stamped(tmp_path):
    assert docstore.manifest_stamp(tmp_path) is None and docstore.read_manifest(tmp_path) is None
    docstore.publish(tmp_path, {"version": "v1", "documents": "documents-v1.jsonl", "store_collection": "news-x"})
    first = docstore.manifest_stamp(tmp_path)
    m = docstore.read_manifest(tmp_path)
    assert docstore.is_current_format(m) and (m["format"], m["state"]) == (docstore.FORMAT, "complete")
    docstore.publish(tmp_path, {"version": "v2", "documents": "documents-v2.jsonl", "store_collection": "news-x"})
    assert docstore.manifest_stamp(tmp_path) != first
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]   # no temporary file left


def test_only_the_published_document_store_is_kept(tmp_path):
    for name in ("documents-a.jsonl", "documents-b.jsonl", "documents.jsonl", ".manifest.json.x1.tmp"):
        (tmp_path / name).write_text("{}\n", encoding="utf-8")
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    docstore.remove_other_documents(tmp_path, "documents-b.jsonl")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents-b.jsonl", "manifest.json"]


def test_journal_says_when_an_unfinished_build_started(tmp_path):
    assert docstore.journal_started(tmp_path) is None
    docstore.write_journal(tmp_path, "v9")
    assert docstore.journal_started(tmp_path) == pytest.approx(time.time(), abs=5)
    docstore.clear_journal(tmp_path)
    assert docstore.journal_started(tmp_path) is None


def test_claims_fingerprint_covers_every_module_the_claim_reader_imports(monkeypatch):
    # Stored claims are reused while the fingerprint matches: a module of index/ that shapes a
    # claim but is not hashed would let edited rules keep serving stale claims; lang/ is
    # hashed whole (tests/lang/test_package.py).
    import ast
    import pathlib

    import index.claims
    import lang

    seen, todo, modules = set(), ["index.claims"], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = pathlib.Path(index.claims.__file__).with_name(name.split(".")[1] + ".py")
        modules.add(path.name)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("index."):
                todo.append(node.module)
            elif isinstance(node, ast.ImportFrom) and node.module == "index":
                todo.extend(f"index.{a.name}" for a in node.names)
    hashed = []
    real_read = pathlib.Path.read_bytes
    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda self: hashed.append(self) or real_read(self))
    lang._package_fingerprint.cache_clear()
    getattr(docstore.claims_fingerprint, "__wrapped__", docstore.claims_fingerprint)()  # past its cache
    # records (the Claim fields are hashed instead) hold no rules
    assert modules - {"records.py"} <= {p.name for p in hashed}, sorted(modules - {p.name for p in hashed})
    lang_files = {p.relative_to(lang.LANG_DIR).as_posix() for p in lang.LANG_DIR.rglob("*.py")
                  if "__pycache__" not in p.parts}
    assert lang_files <= {p.relative_to(lang.LANG_DIR).as_posix() for p in hashed if lang.LANG_DIR in p.parents}


def test_preparing_in_worker_processes_gives_what_one_process_gives(tmp_path, monkeypatch):
    from index.prepare import load_all, prepare_documents

    raw, overrides, _ = load_all([CORPUS])
    serial = prepare_documents(raw, overrides, None, 600, 1, workers=1)
    monkeypatch.setattr(prepare_mod, "PARALLEL_MIN_DOCS", 2)
    started = []
    popen = prepare_mod.subprocess.Popen
    monkeypatch.setattr(prepare_mod.subprocess, "Popen", lambda *a, **kw: started.append(a) or popen(*a, **kw))
    seen = []
    parallel = prepare_documents(raw, overrides, None, 600, 1, workers=2,
                                 progress=lambda i, n, doc_id: seen.append((i, n, doc_id)))
    assert len(started) == 2                      # the documents went to two worker processes
    assert parallel == serial and sum(len(p.claims) for p in parallel) > 50
    assert seen == [(i, len(raw), p.doc.doc_id) for i, p in enumerate(serial, start=1)]   # in load order


def test_parallel_preparing_reuses_unchanged_documents_and_rereads_only_the_changed(tmp_path, monkeypatch):
    from index.prepare import load_all, prepare_documents

    corpus = shutil.copytree(CORPUS, tmp_path / "corpus")
    raw, overrides, _ = load_all([corpus])
    first = prepare_documents(raw, overrides, None, 600, 1, workers=1)
    previous = docstore.DocStore(version="v1", prepared={p.doc.doc_id: p for p in first})
    for f in sorted(corpus.glob("00[12]_*.txt")):
        f.write_text(f.read_text(encoding="utf-8") + "\nIn 2025, 3,000 more troops were sent.", encoding="utf-8")
    raw, overrides, _ = load_all([corpus])
    monkeypatch.setattr(prepare_mod, "PARALLEL_MIN_DOCS", 2)
    again = prepare_documents(raw, overrides, previous, 600, 1, workers=2)
    changed = {f.stem for f in corpus.glob("00[12]_*.txt")}
    assert [p.doc.doc_id for p in again] == [p.doc.doc_id for p in first]
    for old, new in zip(first, again):
        assert (new is old) == (old.doc.doc_id not in changed)   # the unchanged are the very objects
    assert all(any(c.value == "3000" for c in p.claims) for p in again if p.doc.doc_id in changed)


def test_chunks_are_ordered_by_document_then_offsets_even_when_stored_out_of_order():
    from index.docstore import DocStore, Prepared
    from index.records import Chunk

    def prepared(doc_id: str, starts: list[int]) -> Prepared:
        chunks = tuple(Chunk(chunk_id=f"{doc_id}{i}", doc_id=doc_id, text="x", start=s, end=s + 5, doc_hash="h")
                       for i, s in enumerate(starts))
        return Prepared(doc=None, chunks=chunks, source_key="", claims=None)

    store = DocStore("v", {"b": prepared("b", [10, 0, 5]), "a": prepared("a", [0, 5, 10])})
    assert [(c.doc_id, c.start) for c in store.chunks()] == [("a", 0), ("a", 5), ("a", 10),
                                                           ("b", 0), ("b", 5), ("b", 10)]
