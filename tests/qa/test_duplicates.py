"""Near-duplicate sources: an altered copy of a document is found and what differs is shown."""

from __future__ import annotations

import dataclasses

import pytest

from qa.answering import extractive
from qa.question import analyze
from qa.records import Passage
from qa.sources import duplicates
from tests.index.fakes import HashingEmbedder
from tests.qa.test_extractive import _doc

STORY = ("Harbour town floods\n"
         "Heavy rain flooded the lower town of Velmora on Sunday night. "
         "Officials said about 12,000 residents were evacuated from the riverside districts. "
         "The mayor thanked the volunteers who filled sandbags through the night. "
         "Schools will stay closed until Wednesday, the education office said.")
ALTERED = STORY.replace("about 12,000 residents", "about 15,000 residents")
OTHER = ("Orchard harvest falls\n"
         "Apple growers in the Tarn valley picked 3,100 tonnes this season, the growers' union said. "
         "A late frost in April damaged the blossom. About 12,000 residents live in the valley.")


def _setup(texts):
    docs = {k: _doc(k, v) for k, v in texts.items()}
    passages = [Passage(chunk_id=f"{k}-0", doc_id=k, text=d.text, start=0, end=len(d.text), score=1.0)
                for k, d in docs.items()]
    return docs, passages


def test_an_altered_copy_is_a_near_duplicate_and_an_unrelated_text_is_not():
    docs, _ = _setup({"a": STORY, "b": ALTERED, "c": OTHER})
    assert duplicates.overlap(STORY, ALTERED) > 0.6
    assert duplicates.overlap(STORY, OTHER) < 0.05
    assert [d.doc_id for d in duplicates.near_duplicates(docs["a"], list(docs.values()))] == ["b"]


def test_counterpart_is_the_sentence_in_the_same_place_with_the_words_that_differ():
    docs, _ = _setup({"a": STORY, "b": ALTERED})
    s = STORY.index("Officials said")
    e = STORY.index("districts.") + len("districts.")
    c = duplicates.counterpart(docs["a"], s, e, docs["b"])
    assert ALTERED[c.start:c.end] == "Officials said about 15,000 residents were evacuated from the riverside districts."
    assert (c.ours, c.theirs) == ("12", "15")
    # a sentence both copies share has no counterpart to show
    t = STORY.index("The mayor")
    assert duplicates.counterpart(docs["a"], t, STORY.index("night.", t) + 6, docs["b"]) is None


@pytest.mark.parametrize("reader", [None, "fake"])
def test_the_answer_quotes_both_copies_and_says_they_differ_only_there(reader):
    docs, passages = _setup({"a": STORY, "b": ALTERED, "c": OTHER})
    q = "How many residents were evacuated from the riverside districts?"
    fake = None
    if reader:
        from tests.qa.test_reader import _WordsReader

        fake = _WordsReader("evacuated")
    a, _ = extractive.answer_extractively(q, analyze(q), passages, docs, HashingEmbedder().embed,
                                          extractive.Idf([d.text for d in docs.values()]), 0.3, reader=fake)
    assert a.answered
    assert "about 12,000 residents" in a.text and "about 15,000 residents" in a.text
    assert {c.doc_id for c in a.citations} >= {"a", "b"}
    assert "same text except here" in a.note and "“12”" in a.note and "“15”" in a.note


def test_no_note_when_no_copy_differs():
    docs, passages = _setup({"a": STORY, "c": OTHER})
    q = "How many residents were evacuated from the riverside districts?"
    a, _ = extractive.answer_extractively(q, analyze(q), passages, docs, HashingEmbedder().embed,
                                          extractive.Idf([d.text for d in docs.values()]), 0.3)
    assert a.answered and "same text" not in a.note


def test_independent_counts_near_duplicates_once_even_through_a_chain():
    third = ALTERED.replace("Schools will stay closed until Wednesday", "Schools will stay closed until Friday")
    docs, _ = _setup({"a": STORY, "b": ALTERED, "c": OTHER, "d": third})
    assert duplicates.independent([docs[k] for k in "abcd"]) == 2
    assert duplicates.independent([docs["a"], docs["c"]]) == 2
    assert duplicates.independent([]) == 0


def test_a_value_given_by_copies_counts_them_as_one_source():
    from index.claims import extract_claims
    from qa.answering.figures import apply_values
    from qa.sources.conflicts import reconcile

    copy = STORY.replace("Harbour town floods", "Velmora: harbour town floods")  # a republished copy
    docs, passages = _setup({"a": STORY, "b": copy, "c": ALTERED})
    q = "How many residents were evacuated from the riverside districts?"
    answer, ranked = extractive.answer_extractively(q, analyze(q), passages, docs, HashingEmbedder().embed,
                                                    extractive.Idf([d.text for d in docs.values()]), 0.3)
    claims = [c for d in docs.values() for c in extract_claims(d)]
    out = apply_values(answer, reconcile(analyze(q).need, claims), ranked, docs, claims)
    by_value = {v.normalized: v for v in out.values}
    assert (by_value["12000"].documents, by_value["12000"].independent) == (2, 1)
    assert "2 documents, 1 independent" in by_value["12000"].note
    assert (by_value["15000"].documents, by_value["15000"].independent) == (1, 1)
    assert "12,000 is given by 2 documents, 1 independent" in out.text.replace("about ", "")


def test_an_altered_copy_cited_as_the_same_fact_is_split_out_as_its_own_statement():
    # The copies differ in a word, not a figure: close in meaning, so the copy's sentence
    # would be cited in support of the statement it contradicts.
    film = ("Big Girl is a Canadian short film, directed by Renuka Jeyapalan and released in 2005. "
            "The film depicts a battle of wills between a young girl and her mother's new boyfriend. "
            "Weinstein won an award for Best Actress from the Toronto chapter for the role.")
    docs, passages = _setup({"a": film, "b": film.replace("short film", "documentary")})
    q = "What is the genre of Big Girl?"
    a, _ = extractive.answer_extractively(q, analyze(q), passages, docs, HashingEmbedder().embed,
                                          extractive.Idf([d.text for d in docs.values()]), 0.2)
    assert a.answered and "short film" in a.text and "documentary" in a.text
    for c in a.citations:  # each sentence cites only its own copy
        said = "short film" if "short film" in c.quote else "documentary"
        marker = f"[{a.citations.index(c) + 1}]"
        statement = next(s for s in a.text.split("] ") if marker in s + "]")
        assert said in statement
    assert "same text except here" in a.note


def test_differences_pair_each_reworded_sentence_with_the_one_in_its_place():
    docs, _ = _setup({"a": STORY, "b": ALTERED})
    [(s, e, c)] = duplicates.differences(docs["a"], docs["b"])
    assert STORY[s:e] == "Officials said about 12,000 residents were evacuated from the riverside districts."
    assert ALTERED[c.start:c.end] == STORY[s:e].replace("12,000", "15,000")
    assert (c.doc_id, c.ours, c.theirs) == ("b", "12", "15")
    # a sentence only one copy has is no difference in wording; identical copies have none
    longer, _ = _setup({"a": STORY, "b": STORY + " The river fell by Tuesday morning."})
    assert duplicates.differences(longer["a"], longer["b"]) == []
    assert duplicates.differences(docs["a"], docs["a"]) == []


def _ranked(texts, q):
    docs, passages = _setup(texts)
    _, ranked = extractive.answer_extractively(q, analyze(q), passages, docs, HashingEmbedder().embed,
                                               extractive.Idf([d.text for d in docs.values()]), 0.3)
    return docs, ranked


def test_copy_conflicts_quote_both_wordings_of_a_place_the_reader_says_answers():
    from tests.qa.test_reader import _WordsReader

    q = "How many people had to leave their homes?"
    docs, ranked = _ranked({"a": STORY, "b": ALTERED, "c": OTHER}, q)
    groups, notes = extractive.copy_conflicts(q, ranked, docs, _WordsReader("evacuated"), 0.5, set())
    assert [[c.doc_id for c in g] for g in groups] == [["a"], ["b"]]
    assert "12,000" in groups[0][0].text and "15,000" in groups[1][0].text
    assert groups[0][0].score == pytest.approx(0.9) and len(notes) == 1 and "“12”" in notes[0]
    # the reader judges the place no answer: nothing; a place already quoted: altered_copies' business
    assert extractive.copy_conflicts(q, ranked, docs, _WordsReader("mayor"), 0.5, set()) == ([], [])
    quoted = {(groups[0][0].doc_id, groups[0][0].start)}
    assert extractive.copy_conflicts(q, ranked, docs, _WordsReader("evacuated"), 0.5, quoted) == ([], [])


def test_with_statements_makes_a_declined_answer_of_them_and_numbers_on_after_an_answer():
    from tests.qa.test_reader import _WordsReader

    q = "How many people had to leave their homes?"
    docs, ranked = _ranked({"a": STORY, "b": ALTERED}, q)
    groups, notes = extractive.copy_conflicts(q, ranked, docs, _WordsReader("evacuated"), 0.5, set())
    declined = extractive.abstain(q, [], note="No sentence answers.")
    a = extractive.with_statements(declined, groups, docs, notes)
    assert a.answered and a.text.count("[1]") == 1 and "[2]" in a.text and len(a.citations) == 2
    assert a.confidence == pytest.approx(0.9) and a.note == notes[0]
    first, _ = extractive.compose([[ranked[-1]]], docs)
    answered = dataclasses.replace(declined, text=first, answered=True,
                                   citations=(extractive.citation_for(ranked[-1], docs),), note="")
    b = extractive.with_statements(answered, groups, docs, notes)
    assert b.text.startswith(first) and "[2]" in b.text and "[3]" in b.text and len(b.citations) == 3
    assert [c.quote for c in b.citations[1:]] == [g[0].text for g in groups]


def test_a_sentence_one_copy_only_lengthens_is_no_difference_in_wording():
    longer = STORY.replace("the riverside districts.", "the riverside districts, where the river rose fastest.")
    docs, _ = _setup({"a": STORY, "b": longer})
    assert duplicates.differences(docs["a"], docs["b"]) == []
    assert duplicates.differences(docs["b"], docs["a"]) == []


def test_a_statement_cited_from_copies_says_how_many_sources_are_independent():
    from qa.records import Answer

    copy = STORY.replace("Harbour town floods", "Velmora: harbour town floods")  # republished
    docs, _ = _setup({"a": STORY, "b": copy, "c": OTHER})

    def cite(doc_id, sentence):
        start = docs[doc_id].text.index(sentence)
        return extractive.citation_for(extractive.Candidate(doc_id, start, start + len(sentence), sentence, 1.0),
                                       docs)

    mayor = "The mayor thanked the volunteers who filled sandbags through the night."
    frost = "A late frost in April damaged the blossom."
    a = Answer(question="q", text=f"{mayor} [1][2][3] {frost} [4]", answered=True,
               citations=(cite("a", mayor), cite("b", mayor), cite("c", frost), cite("c", frost)))
    assert extractive.copied_support(a, docs) == ("Near-duplicate texts count once: "
                                                  "[1][2][3] cite 3 documents, 2 independent.")
    independent = dataclasses.replace(a, text=f"{mayor} [1][3] {frost} [4]")
    assert extractive.copied_support(independent, docs) == ""


def test_the_pipeline_notes_copies_cited_as_support(tmp_path):
    from tests.qa.test_library import built_pipeline

    copy = STORY.replace("Harbour town floods", "Velmora: harbour town floods")
    p = built_pipeline(tmp_path, "flood", [STORY, copy, OTHER])
    a = p.answer("Who thanked the volunteers who filled sandbags?", mode="extractive")
    assert a.answered and {c.doc_id for c in a.citations} >= {"flood-0", "flood-1"}
    assert "2 documents, 1 independent" in a.note


def test_the_note_names_each_copy_with_its_date_when_it_has_one():
    docs, _ = _setup({"a": STORY, "b": ALTERED})
    dated = {k: dataclasses.replace(d, date=day) for (k, d), day in zip(docs.items(), ["2025-06-17", "2025-06-18"])}
    [(s, e, c)] = duplicates.differences(dated["a"], dated["b"])
    said = duplicates.note(dated["a"], dated["b"], c)
    assert "“12” in A (a, 2025-06-17), “15” in B (b, 2025-06-18)" in said and "altered or updated" in said
    assert "“12” in A (a), “15” in B (b)" in duplicates.note(docs["a"], docs["b"], c)


def test_copy_conflicts_do_not_read_again_what_the_reader_already_read():
    from tests.qa.test_reader import _WordsReader

    q = "How many people had to leave their homes?"
    docs, ranked = _ranked({"a": STORY, "b": ALTERED}, q)
    reader = _WordsReader("evacuated")
    ranked = [dataclasses.replace(c, score=0.8, read=True) if "evacuated" in c.text else c for c in ranked]
    groups, _ = extractive.copy_conflicts(q, ranked, docs, reader, 0.5, set())
    assert [g[0].score for g in groups] == [0.8, 0.8] and reader.calls == []
