"""Metric functions against hand-computed values on small synthetic inputs."""

from __future__ import annotations

import pytest

from eval import metrics as M


@pytest.mark.parametrize("a, b", [
    ("12,000", "12000"),
    ("12,000", "twelve thousand"),
    ("12,000", "12 000"),
    ("1,234,567", "1 234 567"),
    ("4.2 to 5.8 million", "4,200,000 to 5,800,000"),
    ("4.2 to 5.8 million", "4.2 million to 5.8 million"),
    ("June 4, 2025", "2025-06-04"),
    ("June 4, 2025", "4 June 2025"),
    ("June 4th, 2025", "4 June 2025"),
    ("thirteenth", "13th"),
    ("Kim Jong-un", "KIM JONG UN"),
    ("Russia’s Security Council", "Russia's security council."),
    ("two hundred and twenty", "220"),
])
def test_normalize_makes_written_forms_equal(a, b):
    assert M.normalize(a) == M.normalize(b)


@pytest.mark.parametrize("a, b", [("12,000", "1,200"), ("June 4, 2025", "June 14, 2025"),
                                  ("600", "6000"), ("May 2024", "May 2025")])
def test_normalize_keeps_different_values_apart(a, b):
    assert M.normalize(a) != M.normalize(b)


def test_space_thousands_never_swallow_a_neighbouring_day_or_year():
    assert M.normalize("March 21 600 soldiers") == ["--03-21", "600", "soldiers"]
    assert M.normalize("in 2025 300 more") == ["in", "2025", "300", "more"]


def test_normalize_drops_citation_markers():
    assert M.normalize("About 600 soldiers were killed [1][2].") == ["about", "600", "soldiers", "were", "killed"]


def test_gold_value_matches_inside_an_answer_and_less_precise_dates_match():
    assert M.matches_any("Officials estimate twelve thousand troops [1].", ["12,000"])
    assert M.matches_any("He arrived on 4 June 2025 [1].", ["June 4"])
    assert M.matches_any("The treaty was signed in November 2024.", ["November"])
    assert M.matches_any("It was signed on 2024-06-19.", ["2024"])
    assert not M.matches_any("He arrived on June 14, 2025.", ["June 4"])
    assert not M.matches_any("about 1,600 were killed", ["600"])


def test_value_fraction_counts_the_required_groups_present():
    required = [["600"], ["4,000", "two-thirds"], ["March 21"]]
    assert M.value_fraction("About 600 killed; Zelensky: two-thirds of 4,000.", required) == pytest.approx(2 / 3)
    assert M.answer_score("600 and 4000", [], required) == pytest.approx(2 / 3)
    assert M.answer_score("It was 12,000 [1].", ["twelve thousand"], []) == 1.0
    assert M.answer_score("It was 1,200 [1].", ["twelve thousand"], []) == 0.0


def _p(doc, start, end):
    return M.Span(doc, "x" * (end - start), start, end)


GOLD = (_p("a", 100, 200), _p("b", 0, 50))


def test_retrieval_metrics_match_hand_computed_values():
    # rank 1: unrelated; rank 2: covers gold b; rank 3: covers 60% of gold a; rank 4: 30% of gold a
    ranked = [_p("a", 300, 400), _p("b", 0, 80), _p("a", 140, 260), _p("a", 170, 300)]
    assert M.hit_at_k(ranked, GOLD, 1) == 0.0
    assert M.hit_at_k(ranked, GOLD, 2) == 1.0
    assert M.recall_at_k(ranked, GOLD, 2) == 0.5
    assert M.recall_at_k(ranked, GOLD, 3) == 1.0
    assert M.reciprocal_rank(ranked, GOLD) == 0.5
    assert M.reciprocal_rank(ranked[3:], GOLD) == 0.0  # a 30% overlap is not relevant
    assert M.recall_at_k([], GOLD, 5) == 0.0


def test_overlap_falls_back_to_text_when_offsets_are_unknown():
    gold = M.Span("a", "Around 600 soldiers were killed.")
    assert M.overlaps(M.Span("a", "Reports say: around 600   soldiers were killed. More text."), gold)
    assert not M.overlaps(M.Span("b", "Around 600 soldiers were killed."), gold)


def test_citation_precision_counts_supporting_quotes():
    gold_quotes = [M.Span("a", "Around 600 soldiers were killed.", 10, 42)]
    citations = [
        M.Span("a", "Around 600 soldiers were killed.", 10, 42),   # overlaps the gold quote
        M.Span("b", "Lawmakers said 600 died.", 0, 24),           # holds the gold value
        M.Span("c", "Kim met Shoigu.", 0, 15),                    # supports nothing
        M.Span("a", "Nothing to see here.", 50, 70),              # same document, no overlap
    ]
    assert M.citation_precision(citations, ["600"], gold_quotes) == 0.5
    assert M.citation_precision([], ["600"], gold_quotes) == 0.0


def test_citation_recall_is_the_share_of_gold_documents_cited():
    assert M.citation_recall(["a", "a", "c"], ["a", "b"]) == 0.5
    assert M.citation_recall(["a", "b"], ["a", "b"]) == 1.0


def test_abstention_precision_and_recall():
    declined = [True, True, False, True, False]
    answerable = [False, True, False, False, True]
    precision, recall = M.abstention(declined, answerable)
    assert precision == pytest.approx(2 / 3)   # 2 of 3 declines were on unanswerable questions
    assert recall == pytest.approx(2 / 3)      # 2 of 3 unanswerable questions were declined
    assert M.abstention([False, False], [False, True]) == (None, 0.0)  # never declining is not precise
    assert M.abstention([True], [True]) == (0.0, None)


def test_percentile_interpolates_like_numpy():
    xs = [10.0, 20.0, 30.0, 40.0]
    assert M.percentile(xs, 50) == 25.0
    assert M.percentile(xs, 95) == pytest.approx(38.5)
    assert M.percentile([7.0], 95) == 7.0
