"""`qa index` progress: a bar on a terminal (documents, then chunks with their rate), one line otherwise."""

from __future__ import annotations

import io

from index.build import STAGE_EMBED, STAGE_PREPARE
from qa import cli


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bar_shows_documents_then_chunks_per_second():
    out, clock = io.StringIO(), Clock()
    bar = cli.ProgressBar(out, width=10, clock=clock)
    for i in (1, 2):
        clock.now += 1.0
        bar(i, 2, f"{STAGE_PREPARE} doc-{i}")
    clock.now += 2.0
    bar(256, 1000, STAGE_EMBED)
    clock.now += 2.0
    bar(1000, 1000, STAGE_EMBED)
    bar.close()
    lines = out.getvalue().split("\n")
    assert len(lines) == 3 and lines[2] == ""                      # one line per stage, ended
    assert lines[0].rsplit("\r", 1)[-1].startswith("preparing doc-2")
    assert "2/2 documents" in lines[0] and "[##########]" in lines[0]
    last = lines[1].rsplit("\r", 1)[-1]
    # 1000 chunks in the 4 s since preparing ended
    assert "1000/1000 chunks, 250.0/s" in last and last.startswith("embedding chunks")
    assert "[##........] 256/1000 chunks, 128.0/s" in lines[1]


def test_index_without_a_terminal_prints_one_final_line(capsys, monkeypatch, tmp_path):
    calls = []

    def fake_build(config, paths, progress=None, **kw):
        calls.append(progress)
        from index.records import BuildReport

        return BuildReport(added=2, unchanged=3, chunks=40, embedded=12, seconds=1.25,
                           notes=("the Chroma store could not be read; it was rebuilt",))

    monkeypatch.setattr("index.build.build_index", fake_build)
    (tmp_path / "corpus").mkdir()
    monkeypatch.setenv("QA_CORPUS_DIR", str(tmp_path / "corpus"))
    assert cli.main(["index"]) == 0
    captured = capsys.readouterr()
    assert calls == [None]                                          # stderr is not a terminal: no bar
    assert captured.out == "added 2, updated 0, removed 0, unchanged 3; 40 chunks, 12 embedded (1.2s)\n"
    assert captured.err == "note: the Chroma store could not be read; it was rebuilt\n"
