"""qa.open(): one Library per corpus, several at once in one process, none sharing state."""

from __future__ import annotations

import threading

import pytest

import qa
from qa.errors import QAError
from tests.index.fakes import HashingEmbedder

HARBOUR = ("Harbour dredging begins\n\nThe port authority of Velmora said on Monday that dredging of the "
           "harbour will begin in March. The work will cost 48 million euros and take two years. "
           "The authority's director, Anika Roos, said the deeper channel would let larger ships dock.\n")
ORCHARD = ("Orchard harvest falls\n\nApple growers in the Tarn valley picked 3,100 tonnes this season, "
           "the growers' union said. A late frost in April damaged the blossom. "
           "The union's chair, Piet Olsen, said prices would rise.\n")
FERRY = ("Ferry line opens\n\nA new ferry line between Velmora and Ostrand opened on Friday. "
         "The crossing takes 95 minutes, the operator said.\n")


def _corpus(root, name, articles):
    folder = root / name
    folder.mkdir()
    for i, text in enumerate(articles):
        (folder / f"{name}-{i}.txt").write_text(text, encoding="utf-8")
    return folder


def built_pipeline(root, name, articles):
    """A Pipeline over the ``articles`` (files ``name-0.txt`` ...), built with the hashing
    fake embedder and the hand-written score (whose fake cosines run low: threshold 0.2)."""
    from qa.config import Settings
    from qa.pipeline import Pipeline

    p = Pipeline(Settings(corpus_dir=_corpus(root, name, articles), index_dir=root / "index", llm="none",
                          abstain_threshold=0.2, reader="heuristic"), embedder=HashingEmbedder())
    p.build()
    return p


@pytest.fixture
def two(tmp_path):
    """Two libraries over two corpora, open at once, each with its own fake embedder (whose
    bag-of-words cosines run lower than a real model's: hence the lower threshold, a setting
    passed through like any other)."""
    kw = dict(llm="none", reader="heuristic", abstain_threshold=0.2)
    a = qa.open(_corpus(tmp_path, "port", [HARBOUR]), embedder=HashingEmbedder(), **kw)
    b = qa.open(_corpus(tmp_path, "farm", [ORCHARD]), embedder=HashingEmbedder(), **kw)
    with a, b:
        a.index()
        b.index()
        yield a, b


def _cited_docs(answer):
    return {c.doc_id for c in answer.citations}


def test_two_corpora_answer_in_one_process_each_from_its_own_articles(two):
    port, farm = two
    a = port.answer("How much will the harbour dredging cost?", mode="extractive")
    b = farm.answer("How many tonnes of apples did growers pick this season?", mode="extractive")
    assert a.answered and "48 million euros" in a.text and _cited_docs(a) == {"port-0"}
    assert b.answered and "3,100 tonnes" in b.text and _cited_docs(b) == {"farm-0"}
    # neither sees the other's articles
    assert [d.doc_id for d in port.sources()] == ["port-0"]
    assert [d.doc_id for d in farm.sources()] == ["farm-0"]
    assert "farm-0" not in _cited_docs(port.answer("How many tonnes of apples were picked?", mode="extractive"))


def test_index_lives_inside_the_corpus_under_a_dot_name_that_is_never_read_as_an_article(two):
    port, _ = two
    assert port.settings.index_dir == port.settings.corpus_dir / ".qa-index"
    assert port.settings.index_dir.is_dir()
    port.index()  # a second build sees the index folder inside the corpus and skips it
    assert [d.doc_id for d in port.sources()] == ["port-0"]


def test_one_corpus_updated_while_another_answers(two):
    port, farm = two
    answers, errors = [], []

    def ask_farm():
        try:
            for _ in range(5):
                answers.append(farm.answer("Who chairs the growers' union?", mode="extractive"))
        except Exception as exc:  # surfaced below: a thread's exception would vanish
            errors.append(exc)

    t = threading.Thread(target=ask_farm)
    t.start()
    (port.settings.corpus_dir / "port-1.txt").write_text(FERRY, encoding="utf-8")
    report = port.index()
    t.join()
    assert errors == []
    assert report.added == 1
    assert sorted(d.doc_id for d in port.sources()) == ["port-0", "port-1"]
    ferry = port.answer("How long does the ferry crossing take?", mode="extractive")
    assert ferry.answered and "95 minutes" in ferry.text and _cited_docs(ferry) == {"port-1"}
    assert all("Piet Olsen" in a.text and _cited_docs(a) == {"farm-0"} for a in answers)
    assert [d.doc_id for d in farm.sources()] == ["farm-0"]


def test_libraries_share_the_process_models_but_not_their_index(tmp_path):
    one = qa.open(_corpus(tmp_path, "one", [HARBOUR]), llm="none", reader="learned")
    two = qa.open(_corpus(tmp_path, "two", [ORCHARD]), llm="none", reader="learned")
    assert one.pipeline._embedder is two.pipeline._embedder  # loaded once per process
    assert one.pipeline._reader is two.pipeline._reader
    assert one.pipeline is not two.pipeline
    assert one.settings.index_dir != two.settings.index_dir


def test_closed_library_says_to_open_it_again(tmp_path):
    lib = qa.open(_corpus(tmp_path, "c", [HARBOUR]), embedder=HashingEmbedder())
    with lib:
        pass
    with pytest.raises(QAError, match="closed"):
        lib.answer("How much will the dredging cost?")
    assert "closed" in repr(lib)


def test_missing_folder_and_bad_setting_are_clear_errors(tmp_path):
    with pytest.raises(QAError, match="does not exist"):
        qa.open(tmp_path / "nowhere")
    with pytest.raises(QAError, match="top_k"):
        qa.open(_corpus(tmp_path, "d", [HARBOUR]), top_k=0)
    with pytest.raises(QAError, match="no_such_setting"):
        qa.open(tmp_path / "d", no_such_setting=1)


def test_explicit_index_dir_is_used(tmp_path):
    lib = qa.open(_corpus(tmp_path, "e", [HARBOUR]), tmp_path / "elsewhere", embedder=HashingEmbedder(),
                  reader="heuristic")
    with lib:
        lib.index()
        assert (tmp_path / "elsewhere").is_dir() and not (tmp_path / "e" / ".qa-index").exists()
        assert lib.answer("Who is the director of the port authority?", mode="extractive").answered
