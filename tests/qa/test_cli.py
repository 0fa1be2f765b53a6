"""The qa command line, run in-process on the bundled corpus (index in tmp_path)."""

from __future__ import annotations

import json

import pytest

from qa.cli import main
from qa.config import Settings

pytestmark = pytest.mark.integration


def test_index_twice_reembeds_nothing_the_second_time(capsys):
    assert main(["index", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["added"] == 5 and first["chunks"] > 0 and first["embedded"] == first["chunks"]
    # what a first question needs was built with the index, not left to the first `qa ask`
    cache = Settings().index_dir / "cache"
    assert len(list(cache.glob("ledger-*.json"))) == 1 and len(list(cache.glob("bm25-*"))) == 1
    assert main(["index", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second == {"added": 0, "updated": 0, "removed": 0, "unchanged": 5, "chunks": first["chunks"],
                      "embedded": 0}


def test_ask_json_prints_answer_to_dict(capsys):
    assert main(["ask", "--json", "How many North Korean troops were deployed to Russia last year?"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["answered"] is True
    assert out["mode"] == "extractive"
    assert any("12,000" in c["quote"] for c in out["citations"])


def test_ask_prints_numbered_sources(capsys):
    assert main(["ask", "Who sent Shoigu to Pyongyang?"]) == 0
    out = capsys.readouterr().out
    assert "Sources:" in out and "[1]" in out


def test_empty_question_exits_non_zero_with_one_line(capsys):
    assert main(["ask", "   "]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("qa: error:") and "\n" not in err


def test_bad_setting_exits_with_usage_code(capsys, monkeypatch):
    monkeypatch.setenv("QA_TOP_K", "zero")
    assert main(["ask", "Who sent Shoigu?"]) == 2
    assert "bad configuration" in capsys.readouterr().err


def test_sources_lists_documents_with_metadata(capsys):
    assert main(["sources", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_id = {r["doc_id"]: r for r in rows}
    assert by_id["003_652080ecbbae7d75"]["date"] == "2025-06-17"
    assert by_id["003_652080ecbbae7d75"]["publisher"].startswith("Global Banking")
    assert all(r["chunks"] > 0 for r in rows)


def test_index_missing_path_is_a_one_line_error(capsys, tmp_path):
    assert main(["index", str(tmp_path / "nope")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_ask_says_when_the_index_holds_claims_of_older_claim_code(capsys, monkeypatch):
    assert main(["ask", "Who sent Shoigu to Pyongyang?"]) == 0
    assert "qa index" not in capsys.readouterr().err   # built by this code: nothing to say
    monkeypatch.setattr("index.docstore.claims_fingerprint", lambda: "other claim code")
    assert main(["ask", "Who sent Shoigu to Pyongyang?"]) == 0
    err = capsys.readouterr().err
    assert "older version of the claim reader" in err and "`qa index`" in err
    assert main(["index", "--json"]) == 0               # the build stores them anew
    capsys.readouterr()
    assert main(["ask", "Who sent Shoigu to Pyongyang?"]) == 0
    assert "qa index" not in capsys.readouterr().err
