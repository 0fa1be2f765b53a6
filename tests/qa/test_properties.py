"""Property-based tests (hypothesis) of the offsets everything else relies on.

- Chunks: for any document text (whitespace runs, other scripts, very long lines, markup,
  control characters), every sentence and chunk is a verbatim slice of the original text.
- Citations: for any question (and chat history) over a small index, every citation of the
  answer is ``document.text[start:end] == quote`` and every ``[n]`` points to one; the same
  for any text a model might write, as the citation check keeps it.

Example counts are kept small and the runs derandomised, so CI sees the same examples and the
whole file takes seconds.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from index.chunk import chunk_document
from lang.sentences import sentence_spans
from index.clean import clean
from index.load import load_file, text_hash
from index.records import Document
from qa.errors import BadQuestion

REPO = Path(__file__).resolve().parents[2]
CORPUS_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "corpus").glob("*.txt")))
CORPUS_WORDS = sorted(set(re.findall(r"[A-Za-z][\w'-]+|\d[\d,.]*", CORPUS_TEXT)))
SENTENCES = [s for s in re.split(r"(?<=[.!?])\s+", CORPUS_TEXT) if 20 < len(s) < 300]

FAST = settings(max_examples=120, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Pieces documents are made of: prose from the corpus, other scripts, markup, odd whitespace.
PIECES = st.one_of(
    st.sampled_from(SENTENCES),
    st.text(st.characters(codec="utf-8"), max_size=80),
    st.sampled_from(["\n", "\n\n", "\r\n", "\t", "   ", "\u00a0", "\u2028", " \u3000 ", "\x0c"]),
    st.sampled_from(["Шойгу прибыл в Пхеньян.", "쇼이구가 평양에 도착했다.", "وصل شويغو إلى بيونغ يانغ.",
                     "绍伊古抵达平壤。", "🚀🇰🇵 ok.", "<p>Markup <b>bold</b></p>", "<script>x()</script>",
                     "Subscribe to our newsletter", "Advertisement", "[1] A footnote [2].", "e.g. Mr. Kim, 4.2 mln."]),
    st.builds(lambda w, n: " ".join([w] * n), st.sampled_from(CORPUS_WORDS), st.integers(50, 400)),  # long lines
)
DOC_TEXT = st.lists(PIECES, min_size=1, max_size=25).map("".join)


def _doc(text: str) -> Document:
    return Document(doc_id="d", text=text, source="generated", content_hash=text_hash(text))


@FAST
@given(DOC_TEXT, st.integers(100, 1200), st.integers(0, 3))
def test_chunks_and_sentences_are_verbatim_slices_of_the_original_text(text, size, overlap):
    doc = clean(_doc(text))
    for s, e in doc.segments:
        assert 0 <= s < e <= len(text) and text[s:e] == text[s:e].strip()
    for s, e in sentence_spans(text):
        assert 0 <= s < e <= len(text) and text[s:e].strip() == text[s:e]
    chunks = chunk_document(doc, size, overlap)
    for c in chunks:
        assert text[c.start:c.end] == c.text and c.text.strip()
        # never across a removed line: every visible character of a chunk lies in a kept segment
        kept = [i for s, e in doc.segments for i in range(max(s, c.start), min(e, c.end))]
        assert set(kept) >= {c.start + i for i, ch in enumerate(c.text) if not ch.isspace()}
    assert [c.chunk_id for c in chunk_document(doc, size, overlap)] == [c.chunk_id for c in chunks]  # deterministic
    starts = [c.start for c in chunks]
    assert starts == sorted(starts)


@FAST
@given(DOC_TEXT, st.sampled_from([".txt", ".md", ".html", ".jsonl"]))
def test_loaded_files_of_any_text_give_clean_text_and_verbatim_chunks(tmp_path_factory, text, suffix):
    import json

    path = tmp_path_factory.mktemp("gen") / f"doc{suffix}"
    body = json.dumps({"id": "g", "text": text}, ensure_ascii=False) if suffix == ".jsonl" else text
    path.write_text(body, encoding="utf-8")
    try:
        docs = load_file(path)
    except ValueError as e:  # LoadError: empty, no visible text, only control characters
        assert str(e).startswith("doc") and "\n" not in str(e)
        return
    for d in docs:
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\r\u2028\u2029\ud800-\udfff]", d.text)
        d.text.encode("utf-8")
        cleaned = clean(d)
        for c in chunk_document(cleaned, 600, 1):
            assert cleaned.text[c.start:c.end] == c.text


# ---------------------------------------------------------------- citations over a small index


@pytest.fixture(scope="module")
def small_pipeline(tmp_path_factory):
    """The bundled corpus and the claim-test articles, a real Chroma and the hashing embedder."""
    from qa.config import Settings
    from qa.pipeline import Pipeline
    from tests.index.fakes import HashingEmbedder

    root = tmp_path_factory.mktemp("props")
    corpus = shutil.copytree(REPO / "corpus", root / "corpus")
    for f in (REPO / "tests" / "data" / "claims").glob("*.txt"):
        shutil.copy(f, corpus / f.name)
    p = Pipeline(Settings(index_dir=root / "index", corpus_dir=corpus, llm="none"), embedder=HashingEmbedder())
    p.ensure_index()
    return p


WH = st.sampled_from(["How many", "When did", "Who", "What", "Where did", "Why did", "Which", "How much", "Did",
                      "and", "and what about", "what else did"])
QUESTION = st.one_of(
    st.builds(lambda wh, ws: f"{wh} {' '.join(ws)}?", WH, st.lists(st.sampled_from(CORPUS_WORDS), min_size=1, max_size=10)),
    st.builds(lambda s, cut: s[: max(cut, 5)] + "?", st.sampled_from(SENTENCES), st.integers(5, 120)),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=120),
)
HISTORY = st.one_of(st.none(), st.lists(st.fixed_dictionaries({
    "role": st.sampled_from(["user", "assistant"]), "content": st.one_of(QUESTION, st.sampled_from(SENTENCES))}),
    max_size=4))



@pytest.mark.integration
@FAST
@given(QUESTION, HISTORY)
def test_every_citation_of_any_answer_locates_its_quote_verbatim(small_pipeline, question, history):
    try:
        a = small_pipeline.answer(question, history=history, mode="extractive")
    except BadQuestion:
        event("refused")
        return
    event("answered" if a.answered else "declined")
    docs = small_pipeline.documents()
    for c in a.citations:
        assert docs[c.doc_id].text[c.start:c.end] == c.quote
    for n in map(int, re.findall(r"\[(\d+)\]", a.text)):
        assert 1 <= n <= len(a.citations)
    for v in a.values:
        assert all(1 <= n <= len(a.citations) for n in v.citations)
    if not a.answered and not a.values:
        assert a.text


@pytest.mark.integration
@FAST
@given(st.data())
def test_whatever_a_model_writes_the_kept_citations_are_verbatim(small_pipeline, data):
    """The citation check over arbitrary model output: shown sentences, edits of them, noise and markers."""
    from qa.answering.llm_answer import build_prompt
    from qa.answering.verify import verify_answer
    from tests.qa.fakes_llm import FakeLLM

    question = data.draw(QUESTION.filter(str.strip))
    passages = small_pipeline.retrieve(question, k=4)
    docs = small_pipeline.documents()
    _, sources = build_prompt(question, passages, docs, FakeLLM())
    shown = [docs[s.passage.doc_id].text[a:b] for s in sources for a, b in sentence_spans(docs[s.passage.doc_id].text, s.start, s.end)]
    piece = st.one_of(
        st.sampled_from(shown or ["nothing shown"]),
        st.sampled_from(shown or ["nothing"]).map(lambda t: re.sub(r"\d", "7", t)),  # a figure changed
        st.text(max_size=60),
        st.builds(lambda n: f"[{n}]", st.integers(0, 9)),
        st.sampled_from(["[1, 2]", "[Source 3]", "[1-3]", "The sources do not say.", "\n", ". "]),
    )
    raw = " ".join(data.draw(st.lists(piece, min_size=1, max_size=8)))
    checked = verify_answer(raw, sources, docs, question=question)
    event("kept a sentence" if checked.citations else "kept nothing")
    for c in checked.citations:
        assert docs[c.doc_id].text[c.start:c.end] == c.quote
    for n in map(int, re.findall(r"\[(\d+)\]", checked.text)):
        assert 1 <= n <= len(checked.citations)
