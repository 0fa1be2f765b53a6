"""Entity-swap unanswerable questions (eval/swaps.py): what is swapped, for what, and how the
benchmark and the reader's training use them."""

from __future__ import annotations

import json
import random

from eval import bench_squad, squad, swaps
from tests.eval.scripts import load

_PARAS = [
    "The bridge over the river was opened by Queen Maria in 1931. It was paid for by the city of Eldor.",
    "A second crossing, planned by Governor Tomas Hale, followed in 1954 near the harbour of Brenn.",
]


def test_names_skip_words_capitalised_by_their_place():
    found = swaps.names("The town of Eldor lies in Vastland. In winter, Governor Tomas Hale visits it.")
    assert found == {"Eldor", "Vastland", "Governor Tomas Hale"}


def test_a_name_the_paragraph_states_is_swapped_for_one_it_never_mentions():
    pool = set().union(*(swaps.names(p) for p in _PARAS))
    q = swaps.swap("Who opened the bridge paid for by the city of Eldor?", _PARAS[0], pool, set(), random.Random(0))
    assert q is not None and "Eldor" not in q
    replaced = q.removeprefix("Who opened the bridge paid for by the city of ").removesuffix("?")
    assert replaced in pool and replaced not in _PARAS[0]


def test_a_year_the_paragraph_states_is_swapped_for_another_of_the_article():
    q = swaps.swap("What did the bridge open in 1931 cross?", _PARAS[0], set(), {"1931", "1954"}, random.Random(0))
    assert q == "What did the bridge open in 1954 cross?"


def test_nothing_to_swap_gives_none():
    pool = {"Eldor", "Brenn"}
    # no name of the question is in the paragraph; a question's first word is never a name
    assert swaps.swap("Where is Vastland?", _PARAS[0], pool, set(), random.Random(0)) is None
    assert swaps.swap("Eldor paid for what?", _PARAS[0], {"Brenn"}, set(), random.Random(0)) is None
    # the only other name shares a word with the one asked: the same thing, not a swap
    assert swaps.swap("Who opened the bridge of Queen Maria?", _PARAS[0], {"Queen Maria", "Maria Hale"}, set(),
                      random.Random(0)) is None


def _file(tmp_path):
    data = {"data": [{"title": f"Bridges {a}", "paragraphs": [
        {"context": text, "qas": [{"id": f"q{a}-{p}", "question": question,
                                   "answers": [{"text": answer, "answer_start": text.index(answer)}]}]}
        for p, (text, question, answer) in enumerate([
            (_PARAS[0], "Who opened the bridge over the river in 1931?", "Queen Maria"),
            (_PARAS[1], "Who planned the crossing near the harbour of Brenn?", "Governor Tomas Hale"),
        ])]} for a in range(12)]}
    path = tmp_path / "toy_v1.0.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_swapped_questions_are_unanswerable_and_keep_their_paragraph(tmp_path):
    paragraphs = squad.load(_file(tmp_path))
    items = bench_squad.select_items(paragraphs, None, swapped=True)
    kept = {p.pid for p in paragraphs if not squad.held_out(p.pid)}
    assert items and all(not i.answerable and i.qid.endswith("-swap") and i.pid in kept for i in items)
    originals = {q.question for p in paragraphs for q in p.questions}
    assert not {i.question for i in items} & originals


def test_benchmark_cli_asks_the_swapped_questions_under_their_own_gate_key(tmp_path):
    from eval.run import main

    path = _file(tmp_path)
    rc = main(["--benchmark", "squad", str(path), "--swaps", "--out-dir", str(tmp_path / "out"), "--quiet"])
    assert rc == 0
    report = json.loads((tmp_path / "out" / "squad-toy-all-swaps.json").read_text())
    assert report["swapped"] and report["n_questions"] > 0
    assert report["gate"]["key"].endswith(":swaps")
    assert report["systems"]["always decline"]["accuracy"] == 1.0


def test_reader_training_pairs_differ_only_in_the_swapped_words(tmp_path, monkeypatch):
    path = _file(tmp_path)
    (tmp_path / "new_wiki_v1.0.json").write_text(path.read_text())
    script = load("train_reader")
    monkeypatch.setattr(script, "FILES", ("new_wiki",))
    pairs = script.swap_pairs(tmp_path, seed=3)
    train = {p.context for p in squad.in_split(squad.load(tmp_path / "new_wiki_v1.0.json"), "new_wiki", "train")}
    assert pairs and len(pairs) % 2 == 0
    for neg, pos in zip(pairs[::2], pairs[1::2]):
        assert (neg[3], pos[3]) == (0, 1) and neg[1:3] == pos[1:3] and neg[0] != pos[0]
        assert any(neg[1] in c for c in train)
