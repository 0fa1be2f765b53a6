"""Incremental builds against a real embedded Chroma in tmp_path, with the hashing fake."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index import build as build_mod
from index import prepare as prepare_mod
from index import store
from index.build import IndexLocked, build_index
from index.records import IndexConfig
from index.store import index_exists, open_index, read_manifest
from tests.index.fakes import HashingEmbedder

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture
def corpus_dir(tmp_path):
    d = tmp_path / "corpus"
    shutil.copytree(CORPUS, d)
    return d


@pytest.fixture
def cfg(tmp_path):
    return IndexConfig(index_dir=tmp_path / "index")


def published_collection(cfg):
    """The collection the published manifest names, through a fresh Chroma client."""
    return store.get_collection(store.connect(cfg, fresh=True), read_manifest(cfg.index_dir)["store_collection"],
                                create=False)


def chroma_ids(cfg):
    return store.stored_ids(published_collection(cfg))


def collections(cfg):
    return sorted(store.collection_names(store.connect(cfg, fresh=True)))


def documents_files(cfg):
    return sorted(p.name for p in cfg.index_dir.glob("documents*.jsonl"))


def test_the_collection_searches_wider_than_chromas_default(cfg, corpus_dir):
    # at Chroma's default ef_search of 100 a near neighbour was missed or found as the query's
    # last bits moved from one process to the next (index/store.py EF_SEARCH)
    build_index(cfg, [corpus_dir], embedder=HashingEmbedder())
    hnsw = published_collection(cfg).configuration_json["hnsw"]
    assert hnsw["ef_search"] == store.EF_SEARCH > 100 and hnsw["space"] == "cosine"
    # a collection made with Chroma's default is widened by the next build
    published_collection(cfg).modify(configuration={"hnsw": {"ef_search": 100}})
    assert published_collection(cfg).configuration_json["hnsw"]["ef_search"] == 100
    build_index(cfg, [corpus_dir], embedder=HashingEmbedder())
    assert published_collection(cfg).configuration_json["hnsw"]["ef_search"] == store.EF_SEARCH


def test_first_build_indexes_every_document(cfg, corpus_dir):
    emb = HashingEmbedder()
    seen = []
    report = build_index(cfg, [corpus_dir], progress=lambda i, n, d: seen.append((i, n, d)), embedder=emb)
    assert (report.added, report.updated, report.removed, report.unchanged) == (5, 0, 0, 0)
    assert report.skipped == () and report.notes == ()
    preparing = [x for x in seen if x[2].startswith(build_mod.STAGE_PREPARE)]
    embedding = [x for x in seen if x[2] == build_mod.STAGE_EMBED]
    assert [x[0] for x in preparing] == [1, 2, 3, 4, 5] and all(x[1] == 5 for x in preparing)
    assert seen == preparing + embedding            # documents first, then chunks
    assert embedding[-1][:2] == (report.chunks, report.chunks)
    reader = open_index(cfg, embedder=emb)
    assert report.chunks == report.embedded == len(reader.chunks()) == len(chroma_ids(cfg)) == emb.texts_embedded
    assert set(reader.documents()) == {p.stem for p in corpus_dir.glob("*.txt")}
    assert index_exists(cfg)
    assert not (cfg.index_dir / "build.json").exists()  # the journal goes when the build is done


def test_second_build_reembeds_nothing(cfg, corpus_dir):
    first = HashingEmbedder()
    build_index(cfg, [corpus_dir], embedder=first)
    version = open_index(cfg, embedder=first).version
    second = HashingEmbedder()
    report = build_index(cfg, [corpus_dir], embedder=second)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 5)
    assert second.texts_embedded == 0
    assert open_index(cfg, embedder=second).version == version


def test_changed_document_is_reembedded_and_removed_one_deleted(cfg, corpus_dir):
    emb = HashingEmbedder()
    build_index(cfg, [corpus_dir], embedder=emb)
    before = open_index(cfg, embedder=emb)
    old_000 = {c.chunk_id for c in before.chunks() if c.doc_id.startswith("000")}
    old_004 = {c.chunk_id for c in before.chunks() if c.doc_id.startswith("004")}
    f000 = next(corpus_dir.glob("000_*.txt"))
    f000.write_text(f000.read_text(encoding="utf-8").replace("around 600", "around 700"), encoding="utf-8")
    next(corpus_dir.glob("004_*.txt")).unlink()

    emb2 = HashingEmbedder()
    report = build_index(cfg, [corpus_dir], embedder=emb2)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 1, 3)
    after = open_index(cfg, embedder=emb2)
    new_000 = {c.chunk_id for c in after.chunks() if c.doc_id.startswith("000")}
    assert emb2.texts_embedded == len(new_000)
    ids = chroma_ids(cfg)
    assert not (old_000 | old_004) & ids
    assert new_000 <= ids
    assert ids == {c.chunk_id for c in after.chunks()}
    assert after.version != before.version
    assert not any(d.startswith("004") for d in after.documents())
    assert "around 700" in after.documents()[f000.stem].text


def test_changed_chunking_rebuilds(cfg, corpus_dir, tmp_path):
    emb = HashingEmbedder()
    build_index(cfg, [corpus_dir], embedder=emb)
    total = emb.texts_embedded
    smaller = IndexConfig(index_dir=cfg.index_dir, chunk_size=200)
    before = collections(cfg)
    emb2 = HashingEmbedder()
    report = build_index(smaller, [corpus_dir], embedder=emb2)
    assert report.added == 5 and report.unchanged == 0
    assert emb2.texts_embedded == report.chunks > total
    assert chroma_ids(smaller) == {c.chunk_id for c in open_index(smaller, embedder=emb2).chunks()}
    after = collections(cfg)  # built next to the old collection, which is dropped once published
    assert len(before) == len(after) == 1 and before != after


def test_changed_model_rebuilds_and_reader_refuses_the_old_model(cfg, corpus_dir):
    build_index(cfg, [corpus_dir], embedder=HashingEmbedder(name="model-a"))
    other = HashingEmbedder(name="model-b")
    report = build_index(cfg, [corpus_dir], embedder=other)
    assert other.texts_embedded == report.chunks and report.unchanged == 0
    with pytest.raises(store.ModelMismatch, match="model-b"):
        open_index(cfg, embedder=HashingEmbedder(name="model-a"))
    assert len(collections(cfg)) == 1


def test_sidecar_change_reindexes_only_that_document(cfg, corpus_dir):
    emb = HashingEmbedder()
    build_index(cfg, [corpus_dir], embedder=emb)
    doc_id = next(corpus_dir.glob("004_*.txt")).stem
    (corpus_dir / "metadata.json").write_text(json.dumps({doc_id: {"title": "Shoigu arrives in North Korea"}}),
                                              encoding="utf-8")
    emb2 = HashingEmbedder()
    report = build_index(cfg, [corpus_dir], embedder=emb2)
    assert (report.updated, report.unchanged) == (1, 4)
    reader = open_index(cfg, embedder=emb2)
    assert reader.documents()[doc_id].title == "Shoigu arrives in North Korea"
    assert emb2.texts_embedded == reader.chunk_counts()[doc_id]


def test_interrupted_first_build_is_completed_by_next_run(cfg, corpus_dir, monkeypatch):
    monkeypatch.setattr(build_mod, "EMBED_BATCH", 8)
    crashing = HashingEmbedder(fail_after=20)  # the first batches reach Chroma, a later one fails
    with pytest.raises(RuntimeError, match="simulated failure"):
        build_index(cfg, [corpus_dir], embedder=crashing)
    assert not index_exists(cfg) and read_manifest(cfg.index_dir) is None
    with pytest.raises(store.IndexNotFound, match="has not finished"):
        open_index(cfg, embedder=crashing)
    name = store.collection_name(cfg.collection, build_mod._params(cfg, crashing))
    stored = len(store.stored_ids(store.get_collection(store.connect(cfg, fresh=True), name)))
    assert stored == 16                             # two whole batches were written before the failure

    resumed = HashingEmbedder()
    report = build_index(cfg, [corpus_dir], embedder=resumed)
    assert index_exists(cfg)
    assert resumed.texts_embedded == report.embedded == report.chunks - stored
    reader = open_index(cfg, embedder=resumed)
    assert chroma_ids(cfg) == {c.chunk_id for c in reader.chunks()}

    # The resumed index is the one a clean build gives.
    clean_cfg = IndexConfig(index_dir=cfg.index_dir.parent / "clean")
    build_index(clean_cfg, [corpus_dir], embedder=HashingEmbedder())
    assert open_index(clean_cfg, embedder=resumed).version == reader.version


def test_failed_update_leaves_the_previous_version_answering(cfg, corpus_dir, monkeypatch):
    build_index(cfg, [corpus_dir], embedder=HashingEmbedder())
    before = open_index(cfg, embedder=HashingEmbedder())
    (corpus_dir / "flood.txt").write_text("Halden flood barrier\n" + "The Halden flood barrier cost 4.2 million "
                                          "euros and took three years to build. " * 30, encoding="utf-8")
    next(corpus_dir.glob("004_*.txt")).unlink()
    monkeypatch.setattr(build_mod, "EMBED_BATCH", 2)
    with pytest.raises(RuntimeError, match="simulated failure"):
        build_index(cfg, [corpus_dir], embedder=HashingEmbedder(fail_after=3))
    assert (cfg.index_dir / "build.json").exists()
    after = open_index(cfg, embedder=HashingEmbedder())
    assert after.version == before.version and after.chunks() == before.chunks()
    extra = store.stored_ids(after.collection) - {c.chunk_id for c in after.chunks()}
    assert len(extra) == 2                          # written, not published: invisible to readers
    hits = after.dense_search("Halden flood barrier cost", 5)
    assert len(hits) == 5 and all(c.chunk_id in {x.chunk_id for x in before.chunks()} for c, _ in hits)

    report = build_index(cfg, [corpus_dir], embedder=HashingEmbedder())
    assert (report.added, report.removed) == (1, 1)
    final = open_index(cfg, embedder=HashingEmbedder())
    assert chroma_ids(cfg) == {c.chunk_id for c in final.chunks()}
    assert "flood" in final.documents() and not any(d.startswith("004") for d in final.documents())
    assert len(documents_files(cfg)) == 1 and not (cfg.index_dir / "build.json").exists()


def test_corrupt_manifest_is_rebuilt_from_the_vectors_chroma_holds(cfg, corpus_dir):
    build_index(cfg, [corpus_dir], embedder=HashingEmbedder())
    version = read_manifest(cfg.index_dir)["version"]
    (cfg.index_dir / "manifest.json").write_text("{ truncated", encoding="utf-8")
    assert not index_exists(cfg)
    emb = HashingEmbedder()
    report = build_index(cfg, [corpus_dir], embedder=emb)
    assert report.added == 5 and emb.texts_embedded == report.embedded == 0   # documents prepared again
    assert index_exists(cfg)
    manifest = json.loads((cfg.index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["state"] == "complete" and manifest["version"] == version


def test_chunks_missing_from_chroma_are_restored(cfg, corpus_dir):
    emb = HashingEmbedder()
    build_index(cfg, [corpus_dir], embedder=emb)
    victim = sorted(chroma_ids(cfg))[:3]
    published_collection(cfg).delete(ids=victim)
    with pytest.raises(store.StoreCorrupt, match="3 of its 38 chunks are missing"):
        open_index(cfg, embedder=emb)
    emb2 = HashingEmbedder()
    report = build_index(cfg, [corpus_dir], embedder=emb2)
    assert emb2.texts_embedded == 3 and report.updated >= 1
    assert set(victim) <= chroma_ids(cfg)


def test_lock_prevents_two_writers(cfg, corpus_dir):
    cfg.index_dir.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from filelock import FileLock; l = FileLock(sys.argv[1]); l.acquire(); "
         "print('locked', flush=True); time.sleep(60)", str(cfg.index_dir / ".lock")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(IndexLocked, match="another process is building"):
            build_index(cfg, [corpus_dir], embedder=HashingEmbedder(), lock_timeout=0.2)
    finally:
        holder.kill()
        holder.wait()
    report = build_index(cfg, [corpus_dir], embedder=HashingEmbedder())  # free again
    assert report.added == 5


def test_bad_files_are_reported_and_do_not_stop_the_build(cfg, corpus_dir):
    (corpus_dir / "broken.txt").write_bytes(b"\x00\x01binary")
    (corpus_dir / "empty.md").write_text("", encoding="utf-8")
    report = build_index(cfg, [corpus_dir], embedder=HashingEmbedder())
    assert report.added == 5 and len(report.skipped) == 2
    assert any("broken.txt" in w for w in report.skipped)


def test_missing_paths_contribute_nothing_and_duplicates_across_paths_warn(cfg, corpus_dir, tmp_path):
    uploads = tmp_path / "uploads"
    report = build_index(cfg, [corpus_dir, uploads], embedder=HashingEmbedder())
    assert report.added == 5 and report.skipped == ()
    uploads.mkdir()
    shutil.copy(next(corpus_dir.glob("000_*.txt")), uploads)
    (uploads / "new.md").write_text("# A new article\nIt says something new.", encoding="utf-8")
    report = build_index(cfg, [corpus_dir, uploads], embedder=HashingEmbedder())
    assert (report.added, report.unchanged) == (1, 5)
    assert len(report.skipped) == 1 and "duplicate doc_id" in report.skipped[0]


def test_empty_corpus_gives_an_empty_complete_index(cfg, tmp_path):
    (tmp_path / "nothing").mkdir()
    report = build_index(cfg, [tmp_path / "nothing"], embedder=HashingEmbedder())
    assert report.chunks == 0 and index_exists(cfg)
    reader = open_index(cfg, embedder=HashingEmbedder())
    assert reader.chunks() == () and reader.dense_search("anything", 5) == []


def test_unchanged_build_writes_nothing(cfg, corpus_dir):
    build_index(cfg, [corpus_dir], embedder=HashingEmbedder())
    manifest = cfg.index_dir / "manifest.json"
    documents = cfg.index_dir / read_manifest(cfg.index_dir)["documents"]
    before = manifest.stat().st_mtime_ns, documents.stat().st_mtime_ns
    time.sleep(0.01)
    build_index(cfg, [corpus_dir], embedder=HashingEmbedder())
    assert (manifest.stat().st_mtime_ns, documents.stat().st_mtime_ns) == before


def test_leftovers_of_a_killed_build_are_collected_without_republishing(cfg, corpus_dir):
    emb = HashingEmbedder()
    build_index(cfg, [corpus_dir], embedder=emb)
    published = chroma_ids(cfg)
    stamp = (cfg.index_dir / "manifest.json").stat().st_mtime_ns
    # what a build killed after writing its chunks, before publishing, leaves behind
    published_collection(cfg).upsert(ids=["orphan-1", "orphan-2"], embeddings=emb.embed(["a", "b"]),
                                      metadatas=[{"doc_id": "gone"}] * 2)
    (cfg.index_dir / "documents-0123456789abcdef.jsonl").write_text("{}\n", encoding="utf-8")
    store.write_json_atomic(cfg.index_dir / "build.json", {"started": 0})
    reader = open_index(cfg, embedder=emb)         # the published version still opens, orphans unseen
    assert all(c.chunk_id in published for c, _ in reader.dense_search("Shoigu", 40))
    report = build_index(cfg, [corpus_dir], embedder=HashingEmbedder())
    assert report.unchanged == 5 and report.embedded == 0
    assert chroma_ids(cfg) == published
    assert (cfg.index_dir / "manifest.json").stat().st_mtime_ns == stamp
    assert len(documents_files(cfg)) == 1 and not (cfg.index_dir / "build.json").exists()


class _BrokenModel(HashingEmbedder):
    @property
    def dim(self):
        raise RuntimeError("model cannot be loaded")

    @dim.setter
    def dim(self, value):
        pass


def test_model_failure_leaves_a_complete_index_complete(cfg, corpus_dir):
    build_index(cfg, [corpus_dir], embedder=HashingEmbedder())
    (corpus_dir / "new.txt").write_text("A new article\nWith one sentence.", encoding="utf-8")
    with pytest.raises(RuntimeError, match="cannot be loaded"):
        build_index(cfg, [corpus_dir], embedder=_BrokenModel())
    assert index_exists(cfg)


def test_unchanged_files_are_not_cleaned_again(cfg, corpus_dir, monkeypatch):
    build_index(cfg, [corpus_dir], embedder=HashingEmbedder())
    f = next(corpus_dir.glob("001_*.txt"))
    f.write_text(f.read_text(encoding="utf-8") + "\nA new closing sentence.", encoding="utf-8")
    cleaned = []
    real_clean = prepare_mod.clean
    monkeypatch.setattr(prepare_mod, "clean", lambda d: cleaned.append(d.doc_id) or real_clean(d))
    report = build_index(cfg, [corpus_dir], embedder=HashingEmbedder())
    assert cleaned == [f.stem]
    assert (report.updated, report.unchanged) == (1, 4)
    reader = open_index(cfg, embedder=HashingEmbedder())
    assert reader.documents()[f.stem].text.endswith("A new closing sentence.")
    assert all(reader.documents()[c.doc_id].text[c.start:c.end] == c.text for c in reader.chunks())


def test_changed_cleaning_code_reprepares_documents_but_reembeds_only_changed_ones(cfg, corpus_dir, monkeypatch):
    build_index(cfg, [corpus_dir], embedder=HashingEmbedder())
    monkeypatch.setattr(prepare_mod, "_code_fingerprint", lambda: "edited rules")
    cleaned = []
    real_clean = prepare_mod.clean
    monkeypatch.setattr(prepare_mod, "clean", lambda d: cleaned.append(d.doc_id) or real_clean(d))
    emb = HashingEmbedder()
    report = build_index(cfg, [corpus_dir], embedder=emb)
    assert len(cleaned) == 5                      # every document prepared again...
    assert emb.texts_embedded == 0 and report.unchanged == 5   # ...but identical output: nothing embedded


def test_unreadable_chroma_database_is_rebuilt_with_a_note(cfg, corpus_dir):
    build_index(cfg, [corpus_dir], embedder=HashingEmbedder())
    with open(cfg.index_dir / "chroma" / "chroma.sqlite3", "r+b") as f:
        f.write(b"\x00garbage" * 512)
    emb = HashingEmbedder()
    report = build_index(cfg, [corpus_dir], embedder=emb)
    assert len(report.notes) == 1 and "could not be read" in report.notes[0] and "rebuilt" in report.notes[0]
    assert emb.texts_embedded == report.chunks
    reader = open_index(cfg, embedder=emb)
    assert chroma_ids(cfg) == {c.chunk_id for c in reader.chunks()}


def test_another_chromadb_version_rebuilds_into_a_new_collection(cfg, corpus_dir, monkeypatch):
    build_index(cfg, [corpus_dir], embedder=HashingEmbedder())
    before = read_manifest(cfg.index_dir)
    monkeypatch.setattr(store, "chroma_version", lambda: "1.6.0")   # as after an upgrade
    with pytest.raises(store.IndexOutdated, match="chromadb 1.5"):
        open_index(cfg, embedder=HashingEmbedder())
    emb = HashingEmbedder()
    report = build_index(cfg, [corpus_dir], embedder=emb)
    assert emb.texts_embedded == report.chunks and report.added == 5
    after = read_manifest(cfg.index_dir)
    assert after["chromadb"] == "1.6.0" and after["store_collection"] != before["store_collection"]
    assert collections(cfg) == [after["store_collection"]]
    assert len(open_index(cfg, embedder=emb).dense_search("Shoigu", 3)) == 3


def test_recorded_chromadb_version_edited_is_republished_from_the_stored_vectors(cfg, corpus_dir):
    build_index(cfg, [corpus_dir], embedder=HashingEmbedder())
    manifest = read_manifest(cfg.index_dir)
    store.write_json_atomic(cfg.index_dir / "manifest.json", {**manifest, "chromadb": "0.4.24"})
    emb = HashingEmbedder()
    report = build_index(cfg, [corpus_dir], embedder=emb)
    # the collection of this chromadb version holds every vector: nothing is embedded again
    assert emb.texts_embedded == 0 and report.chunks == manifest["chunks"]
    assert read_manifest(cfg.index_dir)["chromadb"] == store.chroma_version()
    assert open_index(cfg, embedder=emb).version == manifest["version"]
