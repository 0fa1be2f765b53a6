"""The chat's HTML renderers (webui/render.py) as plain string transforms."""

from __future__ import annotations

import re

from qa.records import Answer, Citation, Passage, Value
from tests.app.fakes import ARTICLES, make_document
from webui import render as ui

DOC = ARTICLES[0]
DOCS = {d.doc_id: d for d in ARTICLES}


def _cite(doc, sentence: str) -> Citation:
    s = doc.text.index(sentence)
    return Citation(doc_id=doc.doc_id, title=doc.title, quote=sentence, start=s, end=s + len(sentence),
                    score=0.9, publisher=doc.publisher, date=doc.date)


def test_markers_become_links_to_their_source_cards():
    html = ui.link_markers("Shoigu went [1] and talked [2].", turn=3, n_citations=2)
    assert '<a class="qa-cite" href="#qa-src-3-1"' in html
    assert 'href="#qa-src-3-2"' in html


def test_marker_past_the_citations_stays_plain_text():
    html = ui.link_markers("A claim [4].", turn=0, n_citations=2)
    assert "qa-cite" not in html
    assert "[4]" in html


def test_grouped_markers_link_each_number():
    html = ui.link_markers("Both say so [1, 2].", turn=0, n_citations=2)
    assert html.count('class="qa-cite"') == 2


def test_answer_text_is_escaped_not_rendered_as_html():
    html = ui.link_markers("<script>alert(1)</script> [1]", turn=0, n_citations=1)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_citation_card_marks_the_quote_inside_its_paragraph():
    sentence = "He met Kim Jong Un for talks on the war."
    card = ui.citation_card(_cite(DOC, sentence), n=1, turn=0, doc=DOC)
    assert f"<mark>{sentence}</mark>" in card
    assert 'id="qa-src-0-1"' in card
    assert "Example News" in card and "2025-06-04" in card
    # the neighbouring paragraphs give context, dimmed
    assert "qa-context" in card and "Sergei Shoigu arrived" in card


def test_citation_card_offers_the_whole_cleaned_article():
    card = ui.citation_card(_cite(DOC, "He met Kim Jong Un for talks on the war."), 1, 0, DOC)
    details = card[card.index("<details"):]
    assert "Open the whole article" in details
    assert "Around 600 soldiers were killed" in details  # a paragraph not cited is still there


def test_card_without_its_document_still_shows_the_quote():
    c = _cite(DOC, "He met Kim Jong Un for talks on the war.")
    card = ui.citation_card(c, 1, 0, doc=None)
    assert "<mark>He met Kim Jong Un for talks on the war.</mark>" in card
    assert "<details" not in card


def test_paragraph_highlight_spans_only_the_quoted_characters():
    doc = make_document("d", "Title\nFirst part. Second part is quoted. Third part.\n")
    s = doc.text.index("Second part is quoted.")
    html = ui.paragraph_html(doc, s, s + len("Second part is quoted."))
    assert "First part. <mark>Second part is quoted.</mark> Third part." in html


def test_abstention_looks_different_and_points_to_closest_passages():
    p = Passage(chunk_id="c", doc_id=DOC.doc_id, text="Sergei Shoigu arrived in Pyongyang on June 4, 2025.",
                start=0, end=10, score=0.2, title=DOC.title)
    a = Answer(question="Who won the match?", text="The sources don't say.", answered=False, passages=(p,))
    bubble = ui.render_answer(a, 0)
    assert "qa-abstain" in bubble and "Not in the sources" in bubble
    panel = ui.render_sources([a], DOCS)
    assert "Closest passages" in panel and "Sergei Shoigu arrived" in panel
    assert "<mark>" not in panel.split("<details")[0]  # nothing is marked as support


def test_answer_footer_names_the_mode_that_produced_it():
    a = Answer(question="q", text="x [1]", answered=True, mode="llm",
               citations=(_cite(DOC, "He met Kim Jong Un for talks on the war."),))
    assert "Local model" in ui.render_answer(a, 0)
    b = Answer(question="q", text="x", answered=True, mode="extractive")
    assert "Extractive" in ui.render_answer(b, 0)


def test_sources_differ_block_lists_each_value_with_its_citations_and_note():
    c1 = _cite(DOC, "Around 600 soldiers were killed, lawmakers said.")
    c2 = _cite(ARTICLES[1], "Officials said 300 soldiers were killed.")
    values = (Value(text="around 600", normalized="600", unit="soldiers", measure="killed", citations=(1,),
                    relation="contradiction", note="Two tolls for the same losses."),
              Value(text="300", normalized="300", unit="soldiers", measure="killed", citations=(2,),
                    relation="contradiction", note="Two tolls for the same losses."))
    a = Answer(question="q", text="600 [1] or 300 [2].", answered=True, citations=(c1, c2), values=values)
    bubble = ui.render_answer(a, 5)
    block = bubble[bubble.index("Sources differ"):]
    assert "around 600" in block and "300" in block
    assert 'href="#qa-src-5-1"' in block and 'href="#qa-src-5-2"' in block
    assert "Two tolls for the same losses." in block


def test_agreeing_values_do_not_claim_the_sources_differ():
    values = (Value(text="June 4", normalized="2025-06-04", unit="date", citations=(1,), relation="same"),
              Value(text="4 June", normalized="2025-06-04", unit="date", citations=(2,), relation="same"))
    assert ui.render_values(values, 0, 2) == ""


def test_only_the_latest_answer_sources_are_shown_at_first():
    c = _cite(DOC, "He met Kim Jong Un for talks on the war.")
    a1 = Answer(question="first", text="x [1]", answered=True, citations=(c,))
    a2 = Answer(question="second", text="y [1]", answered=True, citations=(c,))
    panel = ui.render_sources([a1, a2], DOCS)
    sections = re.findall(r'<section class="qa-turn" id="qa-turn-(\d)" data-turn="\d"( hidden)?>', panel)
    assert sections == [("0", " hidden"), ("1", "")]


def test_document_rows_list_metadata_and_chunk_counts_by_date():
    rows = ui.document_rows(DOCS, {"visit": 3, "troops": 2})
    assert rows == [["Shoigu arrives in Pyongyang", "Example News", "2025-06-04", 3, "visit"],
                    ["Troops in Kursk", "Other Wire", "2025-06-18", 2, "troops"]]


def test_abstention_bubble_lists_the_closest_passages_briefly():
    long = "word " * 60
    p = Passage(chunk_id="c", doc_id="d", text=long.strip(), start=0, end=10, score=0.1, title="T")
    bubble = ui.render_answer(Answer(question="q", text="The sources don't say.", answered=False, passages=(p,)), 0)
    assert "Closest passages" in bubble and "…" in bubble


def test_hidden_note_stays_in_the_mode_badge_tooltip():
    a = Answer(question="q", text="x", answered=True, note="No local model is configured.")
    assert '<span class="qa-note">' in ui.render_answer(a, 0)
    quiet = ui.render_answer(a, 0, show_note=False)
    assert '<span class="qa-note">' not in quiet and 'title="No local model is configured."' in quiet


def test_untitled_article_is_named_by_its_publisher():
    doc = make_document("x1", "First line\nBody sentence here.\n", publisher="The Wire")
    assert ui.document_rows({"x1": doc}, {})[0][0] == "Untitled article (The Wire)"
    assert "Untitled article (The Wire)" in ui.document_html(doc, 1)
