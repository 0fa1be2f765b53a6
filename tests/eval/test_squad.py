"""The SQuAD-format benchmark: the split by article, the held-out paragraphs and the scoring rule."""

from __future__ import annotations

import json

import pytest

from eval import bench_squad, squad
from eval.questions import EvalError


def _file(tmp_path, articles: int = 30, paras: int = 3, name: str = "toy_v1.0.json"):
    data = {"data": [{"title": f"Article {a}", "paragraphs": [
        {"context": f"Paragraph {p} of article {a}. The value is {a * 10 + p} units.",
         "qas": [{"id": f"q{a}-{p}", "question": f"What is the value in paragraph {p} of article {a}?",
                  "answers": [{"text": f"{a * 10 + p} units", "answer_start": 33}]}]}
        for p in range(paras)]} for a in range(articles)]}
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_splits_never_share_an_article(tmp_path):
    paras = squad.load(_file(tmp_path, articles=60))
    by_split = {s: {p.article for p in squad.in_split(paras, "toy", s)} for s in squad.SPLITS}
    assert all(by_split.values())  # 60 articles fill every split
    assert not by_split["train"] & by_split["calibrate"]
    assert not by_split["train"] & by_split["report"]
    assert not by_split["calibrate"] & by_split["report"]
    assert sum(len(v) for v in by_split.values()) == 60


def test_split_depends_on_the_file_stem_not_its_version():
    assert squad.stem_of("x/new_wiki_v1.0.json") == "new_wiki"
    assert squad.split_of("new_wiki", "Andes") == squad.split_of(squad.stem_of("new_wiki_v2.json"), "Andes")


def test_single_article_file_is_split_by_paragraph(tmp_path):
    paras = squad.load(_file(tmp_path, articles=1, paras=40))
    assert len({p.article for p in paras}) == 40


def test_held_out_share_is_near_the_setting():
    share = sum(squad.held_out(f"f/{i}/0") for i in range(4000)) / 4000
    assert abs(share - squad.HELD_OUT_SHARE) < 0.03


def test_unknown_split_and_bad_file_are_clear_errors(tmp_path):
    with pytest.raises(EvalError, match="unknown split"):
        squad.in_split([], "toy", "dev")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(EvalError, match="not a readable SQuAD"):
        squad.load(bad)


def test_questions_of_held_out_paragraphs_are_unanswerable_and_absent_from_the_corpus(tmp_path):
    paras = squad.load(_file(tmp_path))
    items = bench_squad.select_items(paras, None)
    corpus = bench_squad.write_corpus(paras, tmp_path / "corpus")
    ids = {json.loads(line)["id"] for line in (corpus / "paragraphs.jsonl").read_text().splitlines()}
    for item in items:
        assert item.answerable == (item.pid.replace("/", "-") in ids)
    assert any(not i.answerable for i in items) and any(i.answerable for i in items)


def test_limit_spreads_questions_over_the_file(tmp_path):
    items = bench_squad.select_items(squad.load(_file(tmp_path)), 10)
    assert len(items) == 10 and items[0].pid != items[1].pid and items[-1].pid.startswith("toy/2")


def _item(answerable=True):
    return bench_squad.Item("q", "What?", "toy/1/2", ("two delegates",), answerable)


def test_answer_counts_only_with_gold_text_and_gold_paragraph_cited():
    item = _item()
    assert bench_squad.judge(item, True, "Each elects Two delegates.", {"toy-1-2"})
    assert not bench_squad.judge(item, True, "Each elects two delegates.", {"toy-1-3"})  # wrong paragraph
    assert not bench_squad.judge(item, True, "Each elects three delegates.", {"toy-1-2"})
    assert not bench_squad.judge(item, True, "two delegates " + "x" * 800, {"toy-1-2"})  # too long
    assert not bench_squad.judge(item, False, "two delegates", {"toy-1-2"})


def test_punctuation_outside_ascii_separates_words_in_the_answer_text():
    item = bench_squad.Item("q", "What?", "toy/1/2", ("triangular snowflakes",), True)
    assert bench_squad.judge(item, True, "They form in threefold symmetry\u2014triangular snowflakes.", {"toy-1-2"})
    assert bench_squad.judge(item, True, "They are called \u201ctriangular snowflakes\u201d.", {"toy-1-2"})
    assert not bench_squad.judge(item, True, "They form in threefold symmetry\u2014triangular flakes.", {"toy-1-2"})
    # ASCII punctuation is deleted as SQuAD does: "hard-wood" is "hardwood", never "hard wood"
    assert bench_squad.holds("a hard-wood floor", "hardwood floor") and not bench_squad.holds("a hard-wood floor", "wood floor")
    # ... but a dash typed as two hyphens separates words, as an em dash does
    assert bench_squad.holds("great in the kitchen--mixing, defrosting", "-mixing, defrosting")


def test_unanswerable_is_right_only_when_declined():
    assert bench_squad.judge(_item(False), False, "", set())
    assert not bench_squad.judge(_item(False), True, "two delegates", {"toy-1-2"})


def test_crag_counts_wrong_answers_against_right_ones():
    O = bench_squad.Outcome
    outs = [O("a", True, True, True, "", 1.0), O("b", True, True, False, "", 1.0),
            O("c", False, False, True, "", 1.0), O("d", True, False, False, "", 1.0)]
    m = bench_squad.aggregate(outs)
    assert m["accuracy"] == 0.5 and m["crag"] == 0.25 and m["wrong_confident"] == 1
    assert m["answerable_found"] == round(1 / 3, 4) and m["unanswerable_declined"] == 1.0
    assert m["model_kept"] == 0


def test_answers_whose_model_text_was_kept_are_counted():
    # In LLM mode a fallback to the extractive answer is scored like any answer; model_kept
    # says how many of them are the model's own text.
    O = bench_squad.Outcome
    outs = [O("a", True, True, True, "", 1.0, mode="llm"), O("b", True, True, True, "", 1.0, mode="extractive-fallback")]
    assert bench_squad.aggregate(outs)["model_kept"] == 1


@pytest.mark.integration
def test_benchmark_cli_answers_and_scores_a_squad_file(tmp_path, capsys):
    from eval.run import main

    path = _file(tmp_path, articles=4, paras=3)
    rc = main(["--benchmark", "squad", str(path), "--limit", "6", "--out-dir", str(tmp_path / "out"),
               "--quiet", "--reader", "learned"])
    assert rc == 0
    report = json.loads((tmp_path / "out" / "squad-toy-all.json").read_text())
    assert report["n_questions"] == 6 and report["reader"] == "learned"
    assert set(report["systems"]) == {"product", "best-overlap sentence", "always decline"}
    assert report["gate"]["applied"] is False
    assert "Gate: none recorded" in capsys.readouterr().out
    for row in report["questions"]:  # streamed and timed; a note kept for every answer given
        assert row["first_piece_ms"] is not None and row["first_piece_ms"] <= row["latency_ms"]
        assert "note" in row and (row["answered"] or row["note"] == "")
    assert report["systems"]["product"]["first_piece_p50_ms"] is not None


def test_ramdocs_in_llm_mode_is_a_clear_error(tmp_path, capsys):
    from eval.run import main

    path = tmp_path / "r.jsonl"
    path.write_text("")
    assert main(["--benchmark", "ramdocs", str(path), "--mode", "llm"]) == 2
    assert "extractive answers only" in capsys.readouterr().err


def test_benchmark_without_a_file_is_a_clear_error(capsys):
    from eval.run import main

    assert main(["--benchmark", "squad"]) == 2
    assert "needs the benchmark file" in capsys.readouterr().err
