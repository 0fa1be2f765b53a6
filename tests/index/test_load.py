"""Loading: supported types, HTML visible text, JSONL lines, and bad files as warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.load import SUPPORTED_SUFFIXES, LoadError, load_file, load_path


def test_txt_doc_id_is_file_stem_and_text_is_verbatim(tmp_path):
    (tmp_path / "004_373a661a67fa0f25.txt").write_text("Headline\n\nBody sentence one.\n", encoding="utf-8")
    docs, warnings = load_path(tmp_path)
    assert warnings == []
    assert [d.doc_id for d in docs] == ["004_373a661a67fa0f25"]
    assert docs[0].text == "Headline\n\nBody sentence one.\n"
    assert len(docs[0].content_hash) == 64


def test_directory_load_is_recursive_sorted_and_skips_other_types(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.md").write_text("# Zed\nText z.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Text a.", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "metadata.json").write_text("{}", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.txt").write_text("Hidden.", encoding="utf-8")
    docs, warnings = load_path(tmp_path)
    assert [d.doc_id for d in docs] == ["a", "z"]
    assert warnings == []


def test_html_visible_text_only(tmp_path):
    html = """<html><head><title>Shoigu in Pyongyang</title><style>p {color: red}</style>
    <meta property="og:site_name" content="Example News">
    <meta property="article:published_time" content="2025-06-17T08:00:00Z"></head>
    <body><nav>Home | World | Sport</nav><header>Subscribe now</header>
    <h1>Shoigu arrives in Pyongyang</h1>
    <p>Sergei Shoigu arrived on <b>Tuesday</b>.</p><p>He met Kim Jong Un.</p>
    <script>var tracking = "secret";</script><!-- a comment -->
    <footer>Copyright 2025</footer></body></html>"""
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    [doc], warnings = load_path(tmp_path)
    assert warnings == []
    assert doc.text.split("\n") == ["Shoigu arrives in Pyongyang", "Sergei Shoigu arrived on Tuesday.",
                                    "He met Kim Jong Un."]
    for hidden in ("tracking", "Home", "Subscribe", "Copyright", "color", "comment"):
        assert hidden not in doc.text
    assert doc.title == "Shoigu in Pyongyang"
    assert doc.publisher == "Example News"
    assert doc.date.startswith("2025-06-17")


def test_html_inline_tags_do_not_split_words(tmp_path):
    (tmp_path / "p.htm").write_text("<p>Kim <i>Jong</i> Un met <a href='#'>Shoigu</a>.</p>", encoding="utf-8")
    [doc] = load_file(tmp_path / "p.htm")
    assert doc.text == "Kim Jong Un met Shoigu."


def test_jsonl_documents(tmp_path):
    rows = [
        {"id": "a1", "text": "First article.", "title": "A", "url": "https://ex.com/a", "date": "2025-06-04",
         "publisher": "Ex"},
        {"text": "Second article without id."},
    ]
    lines = [json.dumps(r) for r in rows] + ["{not json", json.dumps({"id": "x", "text": "  "}), ""]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    docs, warnings = load_path(tmp_path / "feed.jsonl")
    assert [d.doc_id for d in docs] == ["a1", "feed-2"]
    assert (docs[0].title, docs[0].url, docs[0].date, docs[0].publisher) == ("A", "https://ex.com/a", "2025-06-04", "Ex")
    assert docs[1].source.endswith("feed.jsonl:2")
    assert len(warnings) == 2
    assert any("feed.jsonl:3" in w and "invalid JSON" in w for w in warnings)
    assert any("feed.jsonl:4" in w and "text" in w for w in warnings)


def test_bad_files_are_skipped_with_warning(tmp_path):
    (tmp_path / "binary.txt").write_bytes(b"abc\x00\x01\x02def")
    (tmp_path / "empty.txt").write_text("   \n\t\n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 in Pyongyang".encode("latin-1"))
    (tmp_path / "good.txt").write_text("A good article.", encoding="utf-8")
    docs, warnings = load_path(tmp_path)
    assert [d.doc_id for d in docs] == ["good"]
    assert len(warnings) == 3
    assert all("\n" not in w for w in warnings)
    joined = " ".join(warnings)
    for name, reason in (("binary.txt", "binary"), ("empty.txt", "empty"), ("latin1.txt", "UTF-8")):
        assert any(name in w and reason in w for w in warnings), joined


def test_utf8_byte_order_mark_is_not_part_of_the_text(tmp_path):
    (tmp_path / "bom.txt").write_bytes("\ufeffHeadline\nBody.".encode("utf-8"))
    [doc] = load_file(tmp_path / "bom.txt")
    assert doc.text == "Headline\nBody."


def test_windows_newlines_are_normalised(tmp_path):
    (tmp_path / "crlf.txt").write_bytes(b"Headline\r\nBody one.\r\nBody two.")
    [doc] = load_file(tmp_path / "crlf.txt")
    assert doc.text == "Headline\nBody one.\nBody two."


def test_duplicate_doc_ids_warn_and_first_wins(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "same.txt").write_text("From a.", encoding="utf-8")
    (tmp_path / "b" / "same.md").write_text("From b.", encoding="utf-8")
    docs, warnings = load_path(tmp_path)
    assert [d.text for d in docs] == ["From a."]
    assert len(warnings) == 1 and "duplicate doc_id 'same'" in warnings[0]


@pytest.mark.parametrize("name, content, message", [
    ("report.pdf", b"%PDF", "unsupported file type"),
    ("big.txt", b"x" * 2000, "larger than the limit"),
    ("nul.txt", b"a\x00b", "binary"),
    ("empty.md", b"", "empty"),
    ("bad.jsonl", b"{broken\n", "no valid JSONL line"),
])
def test_load_file_raises_load_error_with_a_clear_message(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(LoadError, match=message) as info:
        load_file(tmp_path / name, max_bytes=1000)
    assert name in str(info.value)
    assert isinstance(info.value, ValueError)


def test_missing_path_is_a_warning_not_an_exception(tmp_path):
    docs, warnings = load_path(tmp_path / "nope")
    assert docs == [] and len(warnings) == 1


def test_supported_suffixes():
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".html", ".htm", ".jsonl")


def test_bundled_corpus_loads_without_warnings():
    corpus = Path(__file__).resolve().parents[2] / "corpus"
    docs, warnings = load_path(corpus)
    assert warnings == []
    assert len(docs) == 5
    assert docs[0].doc_id == "000_39919b6c59c34877"


def test_upload_problem_names_each_reason_and_passes_a_readable_file(tmp_path):
    from index.load import upload_problem

    def file(name: str, data: bytes = b"Some news.") -> Path:
        p = tmp_path / name
        p.write_bytes(data)
        return p

    assert upload_problem(file("story.txt"), 100) is None
    assert "starting with '.'" in upload_problem(file(".draft.txt"), 100)
    assert "starting with '.'" in upload_problem(file(".txt"), 100)      # no suffix at all, but hidden first
    assert ".exe files are not accepted" in upload_problem(file("tool.exe"), 100)
    assert "no extension files" in upload_problem(file("README"), 100)
    assert "not a file" in upload_problem(tmp_path / "missing.txt", 100)
    assert "1,000 bytes is over the 100-byte upload limit" in upload_problem(file("big.txt", b"x" * 1000), 100)
    assert "empty" in upload_problem(file("empty.md", b""), 100)
