"""The default "hybrid" answerer: the hand-written score chooses the sentence, the learned
reader judges it and declines the answer when it is no answer."""

from __future__ import annotations

import numpy as np
import pytest

from qa.config import Settings
from qa.pipeline import Pipeline
from qa.tuning import TUNING
from tests.index.fakes import HashingEmbedder
from tests.qa.test_library import FERRY, HARBOUR, _corpus


class _FixedReader:
    """A fake reader: probability ``p`` for every sentence; records what it was asked to read."""

    def __init__(self, p: float, veto: float = 0.5) -> None:
        self.p = p
        self.veto_threshold = veto
        self.threshold = 0.5
        self.read: list[str] = []

    def score(self, question, items):
        self.read += [s for s, _ in items]
        return np.full(len(items), self.p, dtype=np.float32)

    def combine(self, probs, prior, dense, coverage):
        return np.asarray(probs, dtype=np.float32)


class _WordReader(_FixedReader):
    """A fake reader: 0.9 for sentences holding ``word``, 0.1 for the others."""

    def __init__(self, word: str, veto: float = 0.5) -> None:
        super().__init__(0.1, veto)
        self.word = word

    def score(self, question, items):
        self.read += [s for s, _ in items]
        return np.array([0.9 if self.word in s else 0.1 for s, _ in items], dtype=np.float32)


def _pipeline(tmp_path, fake, articles=(HARBOUR, FERRY), **kw) -> Pipeline:
    corpus = _corpus(tmp_path, "port", list(articles))
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", llm="none", abstain_threshold=0.2, **kw)
    p = Pipeline(settings, embedder=HashingEmbedder(), reader=fake)
    p.build()
    return p


QUESTION = "Who is the director of the port authority?"


def test_hybrid_is_the_default_scorer():
    assert Settings().reader == "hybrid"


def test_a_sentence_the_reader_judges_an_answer_is_quoted_with_its_confidence(tmp_path):
    reader = _WordReader("Anika")
    a = _pipeline(tmp_path, reader).answer(QUESTION, mode="extractive")
    assert a.answered and "Anika Roos" in a.text and len(a.citations) == 1
    assert a.confidence == pytest.approx(0.9)
    # the quoted sentence is read, the one after it, and a few of the other story's (its own answer, if any)
    assert a.text.split(" [")[0] in reader.read
    assert len(reader.read) <= 2 + TUNING.other_story_sentences


def test_a_sentence_the_reader_judges_no_answer_is_declined_with_why(tmp_path):
    a = _pipeline(tmp_path, _FixedReader(0.1)).answer(QUESTION, mode="extractive")
    assert not a.answered and not a.citations
    assert "reader probability 0.10, below 0.50" in a.note
    assert a.passages and a.confidence == pytest.approx(0.1)  # the closest passages stay listed


RIVERS = ("Hill rivers\n\nThe rivers draining the Velmora hills are young, for the hills are steep. "
          "Each rainy season turns them turbulent, and they flood the valley farms.\n",)
RIVERS_QUESTION = "Are the rivers draining the Velmora hills calm?"


def test_the_sentence_after_the_chosen_one_is_quoted_when_it_answers(tmp_path):
    # The question's words are in the first sentence, its answer in the next: the reader reads
    # the next with the first as its context, and the answer quotes both, standing on the next.
    reader = _WordReader("turbulent")
    a = _pipeline(tmp_path, reader, RIVERS).answer(RIVERS_QUESTION, mode="extractive")
    assert a.answered and a.confidence == pytest.approx(0.9)
    assert [c.quote for c in a.citations] == [
        "The rivers draining the Velmora hills are young, for the hills are steep.",
        "Each rainy season turns them turbulent, and they flood the valley farms."]
    assert a.text.endswith("Each rainy season turns them turbulent, and they flood the valley farms. [2]")


@pytest.mark.parametrize("reader", [_FixedReader(0.9), _WordReader("young")])
def test_the_sentence_after_is_left_out_unless_it_answers_more_surely(tmp_path, reader):
    a = _pipeline(tmp_path, reader, RIVERS).answer(RIVERS_QUESTION, mode="extractive")
    assert a.answered and [c.quote for c in a.citations] == [
        "The rivers draining the Velmora hills are young, for the hills are steep."]
    assert "turns them turbulent" in " ".join(reader.read)  # read, and not quoted


def test_the_sentence_after_does_not_rescue_a_veto_when_it_does_not_answer(tmp_path):
    a = _pipeline(tmp_path, _WordReader("valley farms", veto=0.95), RIVERS).answer(RIVERS_QUESTION, mode="extractive")
    assert not a.answered and "reader probability 0.10, below 0.95" in a.note


def test_the_veto_threshold_setting_overrides_the_calibrated_one(tmp_path):
    a = _pipeline(tmp_path, _FixedReader(0.1), veto_threshold=0.05).answer(QUESTION, mode="extractive")
    assert a.answered and a.confidence == pytest.approx(0.1)


def test_the_hand_written_score_alone_never_asks_the_reader(tmp_path):
    reader = _FixedReader(0.0)
    a = _pipeline(tmp_path, reader, reader="heuristic").answer(QUESTION, mode="extractive")
    assert a.answered and a.confidence is None and reader.read == []


def test_values_code_ties_to_the_question_are_not_vetoed(tmp_path):
    # A sum of money for "how much will it cost": code checked the figure is what is asked, so
    # the reader does not judge it.
    a = _pipeline(tmp_path, _FixedReader(0.0)).answer("How much will the harbour dredging cost?",
                                                      mode="extractive")
    assert a.values and a.answered and "48 million euros" in a.text and a.confidence is None


ARMY = ("Army strength\n\nThe Velmora army has some 12,000 troops, the ministry said.\n",
        "Analysts count more\n\nThe Velmora army has about 15,000 troops, analysts said.\n")


@pytest.mark.parametrize("reader, kept", [(_FixedReader(0.0), False), (_WordReader("15,000"), True)])
def test_values_code_cannot_tie_to_the_question_are_judged_by_the_sentences_stating_them(tmp_path, reader, kept):
    # "has" names no measure, so nothing but the unit ties the figures to the question: the
    # reader judges the sentences that state them, and one answering keeps the whole answer.
    a = _pipeline(tmp_path, reader, ARMY).answer("How many troops does the Velmora army have?", mode="extractive")
    assert a.answered is kept
    if kept:
        assert a.values and "12,000" in a.text and "15,000" in a.text and a.confidence == pytest.approx(0.9)
        assert {s for s in reader.read} >= {c.quote for c in a.citations}  # each stating sentence read
    else:
        assert not a.citations and "None of the sentences found answers the question" in a.note
        assert "best reader probability 0.00, below 0.50" in a.note


@pytest.mark.integration
def test_the_committed_calibration_has_a_veto_threshold():
    from qa.answering.reader import reader

    assert 0.0 < reader().veto_threshold < reader().threshold


@pytest.mark.parametrize("mode", ["hybrid", "learned"])
def test_a_declined_answer_shows_both_wordings_where_near_duplicate_sources_differ(tmp_path, mode):
    # The chosen sentence is vetoed (or, learned, scores under the threshold), but two copies of
    # one article word a place differently and the reader judges one wording an answer: the
    # answer is both wordings, each cited, and says the texts are otherwise the same.
    from tests.qa.test_duplicates import STORY
    from tests.qa.test_library import _corpus

    corpus = _corpus(tmp_path, "flood", [STORY, STORY.replace("until Wednesday", "until Friday")])

    def ask(reader):
        settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", llm="none", abstain_threshold=0.2,
                            reader=mode)
        p = Pipeline(settings, embedder=HashingEmbedder(), reader=reader)
        p.build()
        return p.answer("When will the schools reopen?", mode="extractive")

    a = ask(_WordReader("until Friday"))
    assert a.answered and "until Wednesday" in a.text and "until Friday" in a.text
    assert {c.doc_id for c in a.citations} == {"flood-0", "flood-1"} and a.confidence == pytest.approx(0.9)
    assert "same text except here" in a.note and "“Wednesday”" in a.note
    assert not ask(_WordReader("tsunami")).answered  # no sentence answers: declined


def test_two_places_where_copies_differ_by_the_same_words_are_noted_once(tmp_path):
    from tests.qa.test_duplicates import STORY
    from tests.qa.test_library import _corpus

    story = STORY + " Parents were told that classes resume on Wednesday."
    corpus = _corpus(tmp_path, "flood", [story, story.replace("Wednesday", "Friday")])
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", llm="none", abstain_threshold=0.2)
    p = Pipeline(settings, embedder=HashingEmbedder(), reader=_WordReader("Friday"))
    p.build()
    a = p.answer("When will the schools reopen?", mode="extractive")
    assert a.answered and "Friday" in a.text and "Wednesday" in a.text
    assert a.note.count("same text except here") == 1


def _llm_answer(tmp_path, reader, reply, question=QUESTION):
    from tests.qa.fakes_llm import FakeLLM

    p = _pipeline(tmp_path, reader)
    fake = FakeLLM(reply)
    p.llm = lambda: fake
    return p.answer(question, mode="llm"), fake


def test_a_model_sentence_citing_what_the_reader_judges_no_answer_falls_back(tmp_path):
    # True to its source and on the question's words, and still no answer: the reader judges the
    # cited sentence as it judges the answerer's own, and the extractive answer is given instead.
    a, _ = _llm_answer(tmp_path, _WordReader("Anika"),
                       "The port authority of Velmora said on Monday that dredging of the harbour will begin in March.")
    assert a.mode == "extractive-fallback" and "Anika Roos" in a.text
    assert "by the reader's judgement" in a.note
    assert any("reader probability 0.10, below 0.50" in why for _, why in a.rejected)


def test_a_model_sentence_citing_an_answer_is_kept_and_one_citing_none_is_removed(tmp_path):
    a, _ = _llm_answer(tmp_path, _WordReader("Anika"),
                       "The authority's director, Anika Roos, said the deeper channel would let larger ships dock. "
                       "The port authority of Velmora said on Monday that dredging of the harbour will begin in March.")
    assert a.mode == "llm" and "Anika Roos" in a.text and "dredging" not in a.text
    assert [c.quote for c in a.citations] == [
        "The authority's director, Anika Roos, said the deeper channel would let larger ships dock."]
    assert any("by the reader's judgement" in why for _, why in a.rejected)


def test_a_model_sentence_that_drops_what_its_answering_source_says_falls_back(tmp_path):
    # Every word is the cited sentence's and the cited sentence answers, so every check of figures
    # and citations passes; read in the cited sentence's place, the model's own words leave out who
    # the director is, and the extractive answer is given instead.
    a, _ = _llm_answer(tmp_path, _WordReader("Anika"),
                       "The authority's director said the deeper channel would let larger ships dock [1].")
    assert a.mode == "extractive-fallback" and "Anika Roos" in a.text
    assert "by the reader's judgement" in a.note
    assert any("though the sentence it cites does (reader probability 0.10 against 0.90" in why
               for _, why in a.rejected)
    (tmp_path / "again").mkdir()
    kept, _ = _llm_answer(tmp_path / "again", _WordReader("Anika"),
                          "Anika Roos is the authority's director [1].")
    assert kept.mode == "llm" and kept.text.startswith("Anika Roos is the authority's director")


def test_a_bare_figure_from_an_answering_source_is_not_read_in_its_place(tmp_path):
    # "95 minutes" restates nothing of the question: the figure is checked exactly against the
    # cited sentence, and a reader of sentences has nothing to read in it.
    reader = _WordReader("crossing")
    a, _ = _llm_answer(tmp_path, reader, "95 minutes [1].", question="How long does the crossing take?")
    assert a.mode == "llm" and a.text.startswith("95 minutes")
    assert "95 minutes" not in reader.read


class _ScaleReader(_FixedReader):
    """A fake reader: for each sentence, the probability of the first of ``words`` it holds, else 0.1."""

    def __init__(self, words: dict[str, float], veto: float = 0.5) -> None:
        super().__init__(0.1, veto)
        self.words = words

    def score(self, question, items):
        self.read += [s for s, _ in items]
        return np.array([next((p for w, p in self.words.items() if w in s), 0.1) for s, _ in items], dtype=np.float32)


@pytest.mark.parametrize("words, follows", [({"young": 0.6, "turbulent": 0.9}, True), ({"young": 0.9, "turbulent": 0.6}, False)])
def test_a_model_answer_gets_the_sentence_after_its_cited_one_when_that_is_the_surer_answer(tmp_path, words, follows):
    from tests.qa.fakes_llm import FakeLLM

    p = _pipeline(tmp_path, _ScaleReader(words), RIVERS)
    p.llm = lambda: FakeLLM("The rivers draining the Velmora hills are young, for the hills are steep [1].")
    a = p.answer(RIVERS_QUESTION, mode="llm")
    assert a.mode == "llm" and a.text.startswith("The rivers draining the Velmora hills are young")
    after = "Each rainy season turns them turbulent, and they flood the valley farms."
    assert (after in a.text) is follows and ([c.quote for c in a.citations][1:] == [after]) is follows


MEETING = ("Ministers meet\n\nThe fisheries ministers of Velmora and Ostrand met in Ostrand on Monday. "
           "They discussed fishing quotas and a shared patrol boat. The fisheries ministers will meet again in May.\n")


@pytest.mark.parametrize("reader, kept", [(_FixedReader(0.0), False), (_WordReader("quotas"), True)])
def test_a_set_answer_with_a_sentence_not_stating_the_asked_relation_is_judged(tmp_path, reader, kept):
    # "met in Ostrand" does not say what was discussed, so code has not checked the set: the
    # reader judges its sentences, and one that answers keeps the whole set.
    a = _pipeline(tmp_path, reader, (HARBOUR, FERRY, MEETING)).answer(
        "What did the fisheries ministers of Velmora and Ostrand talk about?", mode="extractive")
    assert a.answered is kept
    if kept:
        assert "fishing quotas" in a.text and "met in Ostrand" in a.text and a.confidence == pytest.approx(0.9)
    else:
        assert not a.citations and "None of the sentences found answers the question" in a.note


OSTRAND = ("Ostrand Township, Norland\n"
           "Ostrand Township is a civil township of Vale County in Norland. The township was organized in 1838 "
           "and named after its first settler. The population was 2,051 at the 2000 census. There were 743 "
           "housing units at an average density of 14.2 per square mile.\n")
BRISK = ("Brisk Harbour, Norland\n"
         "Brisk Harbour is a fishing village on the north coast of Norland. The population was 9,310 at the 2010 "
         "census. The harbour handles most of the region's ferry traffic.\n")


def _entity_pages(tmp_path, threshold: float = 0.95) -> Pipeline:
    # the entity pages name their subject only in their opening, and the reader judges every
    # sentence no answer; by default no sentence reaches the hand-written threshold either
    corpus = _corpus(tmp_path, "towns", [OSTRAND, BRISK])
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", llm="none", abstain_threshold=threshold)
    p = Pipeline(settings, embedder=HashingEmbedder(), reader=_FixedReader(0.1))
    p.build()
    return p


@pytest.mark.parametrize("threshold", [0.95, 0.0])  # declined by the score, or by the reader's veto
def test_a_population_a_sentence_did_not_answer_is_read_from_the_page_that_names_the_place(tmp_path, threshold):
    p = _entity_pages(tmp_path, threshold)
    a = p.answer("What is the population of Ostrand Township?", mode="extractive")
    assert a.answered and "2,051" in a.text and "9,310" not in a.text and a.confidence is None
    assert {c.doc_id for c in a.citations} == {"towns-0"} and [v.normalized for v in a.values] == ["2051"]
    # not the housing units, not the density: only a figure stated as people
    assert "743" not in " ".join(v.text for v in a.values)


def test_a_population_of_a_place_no_page_names_stays_declined(tmp_path):
    a = _entity_pages(tmp_path).answer("What is the population of Kessel?", mode="extractive")
    assert not a.answered and not a.values


STORM = ("Storm on the coast\n\nAfter the storm near Velmora the harbour closed for a week. Rescue boats were "
         "launched from the coast. Fishing began again in the spring.\n",)


@pytest.mark.parametrize("reader, kept", [(_FixedReader(0.0), False), (_FixedReader(0.9), True)])
def test_a_what_happened_set_is_judged_by_the_reader(tmp_path, reader, kept):
    # Any sentence with an event word "states" what happened, so code has not checked such a
    # set: the reader judges its sentences.
    a = _pipeline(tmp_path, reader, STORM).answer("What happened after the storm near Velmora?", mode="extractive")
    assert a.answered is kept
    if not kept:
        assert "answers the question by the reader's judgement" in a.note or "does not answer" in a.note


TAKEOVER = ("Norvik Foods agrees to buy Valdane Dairy\n\n"
            "Norvik Foods said on Wednesday it would buy its rival Valdane Dairy for $2.4 billion in cash.\n\n"
            "The deal values Valdane shares at 31 dollars each, a premium of 28 percent to their closing price.\n\n"
            "Valdane shares rose 25 percent in Riga trading on Wednesday.\n")


def test_a_figure_the_reader_judges_surer_is_not_replaced_by_the_ledgers_money(tmp_path):
    # "how much" with no unit reads as a sum of money; the sentence chosen states 25 percent,
    # and the reader judges it, not the share price's sentence, the answer
    a = _pipeline(tmp_path, _WordReader("rose"), articles=(TAKEOVER,)).answer(
        "How much did Valdane shares rise?", mode="extractive")
    assert a.answered and "rose 25 percent" in a.text and "31 dollars" not in a.text and not a.values


BLAZE = ("Ridge Fire near Weldon grows to 31,500 acres\n\n"
         "The Ridge Fire near Weldon grew to 31,500 acres on Wednesday, fire officials said.\n\n"
         "Some 1,800 firefighters are now assigned to the fire, officials said.\n")


def test_a_figure_of_another_unit_than_asked_does_not_hold_back_the_ledgers_values(tmp_path):
    # the reader prefers the sentence of acres; "how many firefighters" cannot be answered by it
    a = _pipeline(tmp_path, _WordReader("grew"), articles=(BLAZE,)).answer(
        "How many firefighters are fighting the Ridge Fire near Weldon?", mode="extractive")
    assert a.answered and "1,800" in a.text and [v.text for v in a.values] == ["Some 1,800"]


BLAST = ("Blast at chemical plant near Ghent\n\n"
         "GHENT, Belgium (Reuters) - One person was killed and 12 were injured in an explosion at a chemical "
         "plant near Ghent on Monday, police said.\n\n"
         "The company said it had evacuated 300 workers from the site.\n")


@pytest.mark.parametrize("question, reader_word, expected", [
    ("How many people were injured in the explosion?", "injured", "12"),     # code and reader agree
    ("How many people were injured in the explosion?", "evacuated", None),   # the reader does not
    ("How many people were arrested after the explosion?", "injured", None),  # no figure of the measure
])
def test_a_count_the_sentence_score_declined_is_answered_by_values_of_the_asked_measure(
        tmp_path, question, reader_word, expected):
    # a sentence score that declines everything: only code-read values the reader confirms answer
    corpus = _corpus(tmp_path, "plant", [BLAST])
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", llm="none", abstain_threshold=0.99)
    p = Pipeline(settings, embedder=HashingEmbedder(), reader=_WordReader(reader_word))
    p.build()
    a = p.answer(question, mode="extractive")
    assert [v.text for v in a.values] == ([expected] if expected else [])
    assert a.answered is bool(expected)
