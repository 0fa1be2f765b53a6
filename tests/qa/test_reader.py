"""The learned reader: its input layout, its committed weights, and how a decline is worded."""

from __future__ import annotations

import pytest
from tokenizers import Tokenizer

from qa import extractive, reader_input
from qa.errors import ModelUnavailable
from qa.reader import MODEL_DIR, Reader, reader


@pytest.fixture(scope="module")
def tok():
    t = Tokenizer.from_file(str(MODEL_DIR / "tokenizer.json"))
    t.no_truncation()
    t.no_padding()
    return t


def test_input_is_question_then_sentence_then_context_in_two_segments(tok):
    x = reader_input.build(tok, "Who won?", "Ann won the race.", "It rained.")
    words = tok.decode(list(x.ids), skip_special_tokens=False)
    assert words.startswith("[CLS] who won? [SEP] ann won the race. [SEP] it rained. [SEP]")
    n_first = x.ids.index(tok.token_to_id("[SEP]")) + 1
    assert x.types == (0,) * n_first + (1,) * (len(x.ids) - n_first)


def test_long_inputs_keep_the_sentence_and_the_end_of_the_context(tok):
    context = "alpha " * 200 + "omega."
    x = reader_input.build(tok, "q " * 100, "the sentence itself.", context)
    assert len(x.ids) == reader_input.MAX_TOKENS
    text = tok.decode(list(x.ids))
    assert "the sentence itself." in text and text.rstrip().endswith("omega.")
    assert x.ids.count(tok.token_to_id("q")) == reader_input.QUESTION_TOKENS


@pytest.mark.integration
def test_committed_reader_prefers_the_sentence_that_answers():
    # Invented texts of three kinds (news, encyclopedic, a review); none is in the training data.
    cases = [
        ("How many people were evacuated from the valley?",
         "Officials said about 4,300 people were evacuated from the valley on Sunday.",
         ["The valley is known for its vineyards and old stone bridges.",
          "The storm is expected to move east by Wednesday."]),
        ("When was the observatory built?",
         "The observatory was built in 1887 on the northern ridge.",
         ["The observatory houses a 60-centimetre telescope.",
          "Visitors can reach the ridge by a narrow road."]),
        ("What does the reviewer dislike about the kettle?",
         "The only thing I dislike is that the lid is hard to open with one hand.",
         ["I bought this kettle for my office last month.",
          "Shipping was quick and the box arrived intact."]),
    ]
    r = reader()
    for question, answer, others in cases:
        probs = r.score(question, [(s, "") for s in [answer, *others]])
        assert probs[0] > max(probs[1:]), (question, probs)
    assert 0.0 < r.threshold < 1.0


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelUnavailable, match="reader model"):
        Reader(tmp_path).score("q?", [("a sentence here.", "")])
    with pytest.raises(ModelUnavailable, match="calibration"):
        _ = Reader(tmp_path).threshold


def _cand(score, coverage, read=True):
    return extractive.Candidate("d", 0, 5, "text.", score, coverage=coverage, read=read)


def test_decline_says_whether_the_sources_are_on_the_subject():
    assert "about what the question names" in extractive.decline_reason(_cand(0.1, 0.9), 0.4)
    assert "No sentence of the sources answers" in extractive.decline_reason(_cand(0.1, 0.1), 0.4)
    assert "reader score 0.10, below 0.40" in extractive.decline_reason(_cand(0.1, 0.1), 0.4)
    assert "No passage" in extractive.decline_reason(None, 0.4)
