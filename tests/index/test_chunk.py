"""Sentences and chunks: exact offsets, whole sentences, no chunk across removed furniture."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.chunk import OVERLONG, chunk_document, embedding_text
from lang.sentences import sentence_spans
from index.clean import clean
from index.load import load_path, text_hash
from index.meta import apply_metadata
from index.records import Document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def corpus():
    docs, _ = load_path(CORPUS)
    return [apply_metadata(clean(d)) for d in docs]


def make(text):
    return apply_metadata(clean(Document(doc_id="d", text=text, source="t", content_hash=text_hash(text))))


def test_sentence_spans_are_trimmed_and_respect_line_breaks():
    text = "Headline without a stop\nShoigu met Kim on Feb. 25, 2025.  He left.\n\n  \"Peace,\" Mr. Kim said. "
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "Headline without a stop", "Shoigu met Kim on Feb. 25, 2025.", "He left.", "\"Peace,\" Mr. Kim said."]


def test_sentence_spans_of_a_region_use_offsets_into_the_whole_text():
    text = "First one. Second one.\nThird one."
    start = text.index("Second")
    spans = sentence_spans(text, start, len(text))
    assert [text[s:e] for s, e in spans] == ["Second one.", "Third one."]
    assert all(start <= s < e <= len(text) for s, e in spans)


def test_decimal_figures_do_not_end_a_sentence():
    text = "They carried an estimated 4.2 to 5.8 million rounds. U.S. officials agreed."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "They carried an estimated 4.2 to 5.8 million rounds.", "U.S. officials agreed."]


@pytest.mark.parametrize("size, overlap", [(100, 0), (300, 1), (600, 1), (1200, 2)])
def test_chunk_offsets_point_into_original_text(corpus, size, overlap):
    for doc in corpus:
        chunks = chunk_document(doc, size, overlap)
        assert chunks
        for c in chunks:
            assert c.text == doc.text[c.start:c.end]
            assert c.doc_id == doc.doc_id and c.doc_hash == doc.content_hash
            # starts and ends on sentence boundaries
            assert c.text == c.text.strip()
            assert any(s == c.start for s, _ in sentence_spans(doc.text)), c.text[:40]


def test_chunks_stay_within_size_unless_one_sentence_is_longer(corpus):
    for doc in corpus:
        sentences = sentence_spans(doc.text)
        longest = max(e - s for s, e in sentences)
        for c in chunk_document(doc, 300, 1):
            assert len(c.text) <= max(300, longest)


def test_chunks_never_span_a_removed_furniture_line(corpus):
    for doc in corpus:
        for c in chunk_document(doc, 2000, 0):
            inside = [(s, e) for s, e in doc.segments if c.start <= s and e <= c.end]
            assert inside, c.text[:40]
            covered = doc.text[c.start:c.end]
            for s, e in zip(inside, inside[1:]):
                assert not doc.text[s[1]:e[0]].strip(), "a removed line sits inside a chunk"
            assert "Subscribe" not in covered and "Whatsapp" not in covered


def test_every_content_sentence_is_in_some_chunk(corpus):
    for doc in corpus:
        chunks = chunk_document(doc, 400, 1)
        for seg_s, seg_e in doc.segments:
            for s, e in sentence_spans(doc.text, seg_s, seg_e):
                assert any(c.start <= s and e <= c.end for c in chunks), doc.text[s:e]


def test_overlap_repeats_sentences_between_neighbours():
    text = " ".join(f"Sentence number {i} is about the visit." for i in range(30))
    doc = make(text)
    with_overlap = chunk_document(doc, 200, 1)
    without = chunk_document(doc, 200, 0)
    assert len(with_overlap) > len(without)
    for a, b in zip(with_overlap, with_overlap[1:]):
        assert b.start < a.end  # the last sentence of a opens b
    for a, b in zip(without, without[1:]):
        assert b.start > a.end


def test_overlong_unpunctuated_text_is_cut_at_whitespace():
    text = " ".join(["word"] * 2000)
    chunks = chunk_document(make(text), 200, 0)
    assert len(chunks) >= 10
    assert all(len(c.text) <= OVERLONG and c.text == text[c.start:c.end] for c in chunks)


def test_chunk_ids_are_deterministic_and_depend_on_content(corpus):
    a = chunk_document(corpus[0], 600, 1)
    b = chunk_document(corpus[0], 600, 1)
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
    assert len({c.chunk_id for doc in corpus for c in chunk_document(doc, 600, 1)}) == \
        sum(len(chunk_document(doc, 600, 1)) for doc in corpus)
    edited = make(corpus[0].text.replace("600", "700"))
    assert not {c.chunk_id for c in chunk_document(edited, 600, 1)} & {c.chunk_id for c in a}


def test_embedding_text_prefixes_the_title_once(corpus):
    doc = corpus[2]
    first, later = chunk_document(doc, 300, 0)[0], chunk_document(doc, 300, 0)[-1]
    assert embedding_text(first, doc.title) == first.text  # the chunk already opens with the title
    assert embedding_text(later, doc.title) == f"{doc.title}\n{later.text}"


def test_regex_fallback_when_punkt_is_unavailable(monkeypatch):
    import lang.sentences as sentences_mod

    monkeypatch.setattr(sentences_mod, "_punkt", lambda: None)
    text = "Headline\nShoigu arrived on Tuesday. \"We talked,\" he said. 12,000 troops went.\nLast line"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Headline", "Shoigu arrived on Tuesday.", "\"We talked,\" he said.", "12,000 troops went.", "Last line"]
