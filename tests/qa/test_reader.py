"""The learned reader: its input layout, its committed weights, and how a decline is worded."""

from __future__ import annotations

import math

import pytest
from tokenizers import Tokenizer

from qa.answering import extractive, reader_input
from qa.answering.reader import MODEL_DIR, Reader, reader
from qa.errors import ModelUnavailable
from qa.tuning import TUNING


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


class _KeywordReader:
    """A fake reader: probability 0.9 for sentences holding ``word``, 0.1 otherwise."""

    def __init__(self, word: str) -> None:
        self.word = word
        self.calls: list[int] = []

    def score(self, question, items):
        import numpy as np

        self.calls.append(len(items))
        return np.array([0.9 if self.word in s else 0.1 for s, _ in items], dtype=np.float32)

    def combine(self, probs, prior, dense, coverage):
        return probs  # a calibration without a combiner


@pytest.fixture()
def flood():
    from tests.qa.test_extractive import ARTICLES, _doc
    from qa.records import Passage
    from tests.index.fakes import HashingEmbedder

    docs = {k: _doc(k, v) for k, v in ARTICLES.items()}
    passages = [Passage(chunk_id=f"{k}-0", doc_id=k, text=d.text, start=0, end=len(d.text), score=1.0)
                for k, d in docs.items()]
    return docs, passages, HashingEmbedder().embed, extractive.Idf([d.text for d in docs.values()])


def test_the_readers_choice_is_the_answer_and_only_the_shortlist_is_read(flood):
    from qa.question import analyze

    docs, passages, embed, idf = flood
    q = "Who thanked the volunteers?"
    fake = _KeywordReader("radio")  # not the sentence the hand-written score prefers
    a, ranked = extractive.answer_extractively(q, analyze(q), passages, docs, embed, idf, 0.5, reader=fake)
    assert ranked[0].prior < max(c.prior for c in ranked)
    assert a.answered and a.text.startswith("About 42 people were evacuated from Brenn, local radio reported.")
    assert fake.calls == [min(TUNING.reader_shortlist, len(ranked))]
    assert ranked[0].read and ranked[0].score == pytest.approx(0.9)


def test_below_the_threshold_the_reader_declines_with_a_reason(flood):
    from qa.question import analyze

    docs, passages, embed, idf = flood
    q = "Who thanked the volunteers?"
    a, _ = extractive.answer_extractively(q, analyze(q), passages, docs, embed, idf, 0.95,
                                          reader=_KeywordReader("sandbags"))
    assert not a.answered and "reader score 0.90, below 0.95" in a.note


def test_reader_passages_are_sentences_with_the_one_before_at_document_offsets(flood):
    from qa.question import analyze

    docs, passages, embed, idf = flood
    q = "Who thanked the volunteers?"
    _, ranked = extractive.answer_extractively(q, analyze(q), passages, docs, embed, idf, 0.5,
                                               reader=_KeywordReader("sandbags"))
    read = extractive.reader_passages(ranked, docs)
    assert read and len(read) <= TUNING.llm_sentences
    top = read[0]
    assert top.text == docs[top.doc_id].text[top.start:top.end]
    assert top.text.startswith("Officials said 42 people") and top.text.endswith("through the night.")


def test_the_combiner_weighs_the_reader_against_the_hand_written_evidence():
    from qa.answering.reader import COMBINER_FEATURES, Combiner

    record = {"features": list(COMBINER_FEATURES), "weights": [1.0, 4.0, 0.0, 0.0], "bias": -2.0}
    combine = Combiner.from_record(record)
    # same reader probability, more hand-written support: a higher combined probability
    low, high = combine([0.5, 0.5], [0.0, 1.0], [0.3, 0.3], [0.5, 0.5])
    assert low == pytest.approx(1 / (1 + math.exp(2.0)), abs=1e-5) and high > 0.85
    assert Combiner.from_record(None) is None
    with pytest.raises(ValueError):
        Combiner.from_record({**record, "features": ["reader_logit"]})


def test_a_reader_without_a_combiner_ranks_by_its_own_probability(tmp_path):
    from qa.answering.reader import Reader

    r = Reader(tmp_path, calibration={"threshold": 0.7})
    assert r.threshold == 0.7
    assert list(r.combine([0.2, 0.9], [1.0, 0.0], [0.9, 0.1], [1.0, 0.0])) == pytest.approx([0.2, 0.9])


class _WordsReader(_KeywordReader):
    """A fake reader: 0.9 for sentences holding any of ``words``, 0.1 otherwise."""

    def __init__(self, *words: str) -> None:
        super().__init__(words[0])
        self.words = words

    def score(self, question, items):
        import numpy as np

        self.calls.append(len(items))
        return np.array([0.9 if any(w in s for w in self.words) else 0.1 for s, _ in items], dtype=np.float32)


def _whole_documents(texts: dict[str, str]):
    """Documents of ``texts`` by id, and each whole document as one retrieved passage."""
    from tests.qa.test_extractive import _doc
    from qa.records import Passage

    docs = {k: _doc(k, v) for k, v in texts.items()}
    passages = [Passage(chunk_id=f"{k}-0", doc_id=k, text=d.text, start=0, end=len(d.text), score=1.0)
                for k, d in docs.items()]
    return docs, passages


def _namesakes():
    return _whole_documents({"a": "John Hale is an English footballer. He plays as a striker for Leeds United.",
                             "b": "John Hale is an Australian sportsman. He plays cricket for Victoria.",
                             "c": "Hale Street is a road in Leeds. It was paved in 1901."})


def test_each_document_whose_sentence_the_reader_says_answers_is_quoted_with_its_source():
    # Two people of one name, and the answer is no figure: both are shown, each cited.
    from qa.question import analyze
    from tests.index.fakes import HashingEmbedder

    docs, passages = _namesakes()
    q = "What sport does John Hale play?"
    idf = extractive.Idf([d.text for d in docs.values()])
    a, _ = extractive.answer_extractively(q, analyze(q), passages, docs, HashingEmbedder().embed, idf, 0.5,
                                          reader=_WordsReader("striker", "cricket"))
    assert a.answered
    assert "He plays as a striker for Leeds United." in a.text and "He plays cricket for Victoria." in a.text
    assert {c.doc_id for c in a.citations} == {"a", "b"}


def test_a_document_whose_best_sentence_is_under_the_threshold_is_not_quoted():
    from qa.question import analyze
    from tests.index.fakes import HashingEmbedder

    docs, passages = _namesakes()
    q = "What sport does John Hale play?"
    idf = extractive.Idf([d.text for d in docs.values()])
    a, _ = extractive.answer_extractively(q, analyze(q), passages, docs, HashingEmbedder().embed, idf, 0.5,
                                          reader=_WordsReader("striker"))
    assert a.answered and {c.doc_id for c in a.citations} == {"a"}
    assert "cricket" not in a.text


def test_the_hybrid_judge_quotes_another_storys_answer_the_hand_written_score_misses():
    # Two people of one name; the second document answers in words the question does not use,
    # so only the reader, judging each other story's best sentences, finds its answer.
    from qa.question import analyze
    from tests.index.fakes import HashingEmbedder

    docs, passages = _whole_documents({
        "a": "John Hale is an English footballer who plays as a striker for Leeds United.",
        "b": "Born in Melbourne in 1990, Hale has bowled for Victoria since 2015, taking 40 wickets.",
        "c": "Hale Street is a road in Leeds. It was paved in 1901."})
    q = "What sport does John Hale play?"
    idf = extractive.Idf([d.text for d in docs.values()])

    def ask(judge):
        return extractive.answer_extractively(q, analyze(q), passages, docs, HashingEmbedder().embed, idf, 0.3,
                                              judge=judge)[0]

    alone = ask(None)
    assert alone.answered and "wickets" not in alone.text
    judged = ask(_WordsReader("footballer", "wickets"))
    assert "footballer" in judged.text and "taking 40 wickets" in judged.text
    assert {c.doc_id for c in judged.citations} == {"a", "b"}  # the road's page says nothing of sport
    assert judged.note == extractive.OTHER_STORIES_NOTE
