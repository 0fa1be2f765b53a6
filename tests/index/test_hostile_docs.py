"""A corpus of every kind of bad file next to good ones: the build finishes, the good files
are indexed, each bad one is skipped or cleaned with exactly one one-line warning naming it,
and nothing a browser would not show (scripts, styles, comments) reaches the index.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from index.build import build_index
from index.load import DEFAULT_MAX_FILE_BYTES, LoadError, load_file, load_path
from index.records import IndexConfig
from index.store import open_index
from tests.index.fakes import HashingEmbedder

GOOD = "Floods closed the river port.\nOfficials said 40 barges were stranded on Monday.\n"


def _write(root: Path, name: str, data: bytes | str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def hostile_corpus(root: Path) -> tuple[set[str], dict[str, str]]:
    """Write the corpus; returns (doc_ids that must be indexed, {bad file or line: reason in its warning})."""
    good = {"aaa_good", "utf16", "bom", "controls", "page", "feed-1", "feed-sep", "feed-surrogate", "crlf"}
    _write(root, "aaa_good.txt", GOOD)  # sorted first: the copies below come after it
    _write(root, "utf16.txt", "Harbour report\nThe harbour reopened after 3 days.\n".encode("utf-16"))  # with a BOM
    _write(root, "bom.md", "\ufeff# Budget\nThe council approved 12 new buses.\n")
    _write(root, "controls.txt", "Strike report\nWorkers\x0c walked out\x1b[0m at 6 a.m.\x07 on Tuesday.\n"
                                 "Union leaders said \u202e0002\u202c members joined.\n")
    _write(root, "crlf.txt", b"Bridge report\r\nThe bridge reopened.\rTraffic resumed at noon.\r\n")
    _write(root, "page.html", """<!DOCTYPE html><html><head><title>Storm</title>
        <style>body { content: "evil-style" }</style><script>var x = "evil-script";</script></head>
        <body><nav>Home | evil-nav</nav><p>The storm <script>document.write("evil-inline")</script>felled
        200 trees.</p><![CDATA[ evil-cdata ]]><!-- evil-comment --><noscript>evil-noscript</noscript>
        <template><p>evil-template</p></template><svg><text>evil-svg</text></svg>
        <p onclick="evil()" title="evil-attribute">Crews worked overnight.</p>
        <script>document.write('</scr' + 'ipt><p>evil-split</p>')</script></body></html>""")
    lines = [
        json.dumps({"id": "feed-1", "text": "The ferry resumed service on Friday.", "title": "Ferry"}),
        "{not json",                                                   # line 2
        json.dumps(["a", "list", "not", "an", "article"]),            # line 3
        json.dumps({"id": "x", "text": ""}),                           # line 4
        json.dumps({"id": {"nested": 1}, "text": "An id that is not text."}),  # line 5
        json.dumps({"id": "feed-sep", "text": "A raw line separator\u2028inside the text is valid JSON."},
                   ensure_ascii=False),                                # line 6
        '{"id": "feed-surrogate", "text": "Half an emoji \\ud83d survives as a replacement."}',  # line 7
        "[" * 100_000,                                                  # line 8: nested too deeply
        json.dumps({"id": "multi\nline", "text": "An id with a line break."}),  # line 9
        json.dumps({"id": "feed-dup", "text": GOOD}),                  # line 10: the same text as good.txt
    ]
    _write(root, "feed.jsonl", "\n".join(lines) + "\n")
    bad = {
        "binary.txt": "binary",
        "photo.html": "binary",
        "empty.txt": "empty",
        "blank.md": "empty",
        "latin1.txt": "not valid UTF-8",
        "cut.txt": "not valid UTF-8",
        "bad16.txt": "not valid UTF-16",
        "scripts-only.html": "no visible text",
        "nothing-but-controls.txt": "only control characters",
        "gigantic.txt": f"larger than the limit of {DEFAULT_MAX_FILE_BYTES:,} bytes",
        "z/aaa_good.md": "duplicate doc_id 'aaa_good'",
        "zz_copy.txt": "the same text as",
        "feed.jsonl:2": "invalid JSON",
        "feed.jsonl:3": "no non-empty",
        "feed.jsonl:4": "no non-empty",
        "feed.jsonl:5": "\"id\" must be",
        "feed.jsonl:8": "invalid JSON",
        "feed.jsonl:9": "\"id\" must be",
        "feed.jsonl:10": "the same text as",
        "controls.txt": "control or invalid characters replaced",   # indexed, and cleaned with a warning
        "feed.jsonl:7": "control or invalid character replaced",     # indexed, cleaned
    }
    _write(root, "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    _write(root, "photo.html", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    _write(root, "empty.txt", b"")
    _write(root, "blank.md", " \n\t\n")
    _write(root, "latin1.txt", "Caf\xe9 owners in Montr\xe9al said\n".encode("latin-1"))
    _write(root, "cut.txt", "A figure of 12\u00a0000 ".encode("utf-8")[:-3] + b"\xe2\x82")
    _write(root, "bad16.txt", b"\xff\xfeA\x00\x00\xd8")  # a UTF-16 mark, then a lone surrogate
    _write(root, "scripts-only.html", "<html><script>evil()</script><style>p{}</style></html>")
    _write(root, "nothing-but-controls.txt", "\x01\x02\x03 \x04\x7f")
    with open(root / "gigantic.txt", "wb") as f:  # sparse: takes no disk, and must never be read
        f.truncate(DEFAULT_MAX_FILE_BYTES + 1)
    _write(root, "z/aaa_good.md", "# Another file with the same name\nIt must not replace aaa_good.txt.\n")
    _write(root, "zz_copy.txt", GOOD)
    # Things a directory walk must survive without a warning or a hang.
    os.symlink(root, root / "loop")                   # a directory symlink back to the root
    os.symlink(root / "gone.txt", root / "dangling.txt")
    os.symlink("/dev/zero", root / "zero.txt")        # endless, not a regular file
    os.mkfifo(root / "pipe.txt")                      # would block a read forever
    _write(root, "notes.pdf", b"%PDF-1.4")            # not a supported type: not walked
    return good, bad


def _warning_for(key: str, warnings: list[str]) -> list[str]:
    """The warnings that name ``key`` (a file, or ``file:line``) as what they skipped or cleaned."""
    return [w for w in warnings if re.match(rf"(skipped|cleaned) (\S*/)?{re.escape(key)}:", w)]


def test_load_path_skips_or_cleans_every_bad_file_with_one_warning(tmp_path):
    good, bad = hostile_corpus(tmp_path)
    docs, warnings = load_path(tmp_path)
    assert {d.doc_id for d in docs} == good
    assert all("\n" not in w for w in warnings)
    for key, reason in bad.items():
        found = _warning_for(key, warnings)
        assert len(found) == 1 and reason in found[0], (key, found, warnings)
    assert len(warnings) == len(bad)  # and nothing else warned


def test_what_the_bad_files_become(tmp_path):
    hostile_corpus(tmp_path)
    docs = {d.doc_id: d for d in load_path(tmp_path)[0]}
    assert docs["utf16"].text == "Harbour report\nThe harbour reopened after 3 days.\n"
    assert docs["bom"].text.startswith("# Budget")
    assert docs["crlf"].text == "Bridge report\nThe bridge reopened.\nTraffic resumed at noon.\n"
    controls = docs["controls"].text
    assert "walked out" in controls and not any(ch in controls for ch in "\x0c\x1b\x07\u202e\u202c")
    assert docs["feed-sep"].text == "A raw line separator\ninside the text is valid JSON."
    assert "\ufffd" in docs["feed-surrogate"].text
    page = docs["page"].text
    assert "The storm felled 200 trees." in " ".join(page.split()) and "Crews worked overnight." in page
    assert "evil" not in page
    for d in docs.values():
        d.text.encode("utf-8")  # every text can be stored and embedded


def test_the_build_finishes_and_indexes_the_good_files(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    good, bad = hostile_corpus(corpus)
    cfg = IndexConfig(index_dir=tmp_path / "index")
    report = build_index(cfg, [corpus], embedder=HashingEmbedder())
    assert report.added == len(good)
    assert len(report.skipped) == len(bad)
    reader = open_index(cfg, embedder=HashingEmbedder())
    assert set(reader.documents()) == good
    text = " ".join(c.text for c in reader.chunks())
    assert "evil" not in text and "\x00" not in text
    for c in reader.chunks():
        assert reader.documents()[c.doc_id].text[c.start:c.end] == c.text


def test_the_size_limit_is_a_setting_and_names_the_limit(tmp_path):
    corpus = tmp_path / "corpus"
    _write(corpus, "small.txt", GOOD)
    _write(corpus, "long.txt", "A long article about the harbour.\n" * 100)  # 3,400 bytes
    from qa.config import Settings

    cfg = Settings(index_dir=tmp_path / "index", max_file_mb=0.002).index_config()
    report = build_index(cfg, [corpus], embedder=HashingEmbedder())
    assert report.added == 1
    assert len(report.skipped) == 1 and "long.txt" in report.skipped[0] and "limit of 2,000 bytes" in report.skipped[0]
    with pytest.raises(ValueError, match="max_file_mb"):
        IndexConfig(index_dir=tmp_path / "i", max_file_mb=0)


def test_a_file_over_the_limit_is_refused_without_being_read(tmp_path, monkeypatch):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        f.truncate(50_000_000_000)  # 50 GB, sparse

    def no_reading(*a, **k):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(LoadError, match="50,000,000,000 bytes is larger than the limit"):
        load_file(huge, max_bytes=DEFAULT_MAX_FILE_BYTES)


def test_the_bundled_corpus_is_unchanged_by_the_checks():
    corpus = Path(__file__).resolve().parents[2] / "corpus"
    docs, warnings = load_path(corpus)
    assert warnings == [] and len(docs) == 5
    for d in docs:
        assert d.text == (corpus / f"{d.doc_id}.txt").read_text(encoding="utf-8")


def test_test_articles_have_no_duplicate_texts():
    # The claim tests' articles are loaded together; none may be dropped as a copy of another.
    data = Path(__file__).resolve().parents[1] / "data" / "claims"
    docs, warnings = load_path(data)
    assert warnings == [] and len(docs) == len(list(data.glob("*.txt")))


def test_a_copied_corpus_keeps_its_first_copy(tmp_path):
    src = Path(__file__).resolve().parents[2] / "corpus"
    shutil.copytree(src, tmp_path / "a")
    one = next((tmp_path / "a").glob("000_*.txt"))
    shutil.copy(one, tmp_path / "a" / "zz_copy.txt")
    docs, warnings = load_path(tmp_path / "a")
    assert len(docs) == 5
    assert warnings == [f"skipped {tmp_path / 'a' / 'zz_copy.txt'}: the same text as {one}"]
