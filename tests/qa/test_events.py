"""Event awareness: articles clustered by the event they report; questions naming one event."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from index.claims import extract_claims
from index.records import Document
from qa.sources.events import Event, event_mentions, event_scope, events_of_documents, resolve_event

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "claims"
CORPUS_DATES = {"000": "2025-06-04", "001": "2025-06-04", "002": "2025-03-21", "003": "2025-06-17", "004": "2025-03-21"}


def corpus(dated: bool = True) -> dict[str, Document]:
    docs = {}
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        key = path.stem[:3]
        docs[key] = Document(doc_id=key, text=path.read_text(encoding="utf-8"), source=str(path),
                             content_hash="test", date=CORPUS_DATES[key] if dated else "")
    return docs


def fixtures(*names: str) -> dict[str, Document]:
    meta = json.loads((DATA / "metadata.json").read_text(encoding="utf-8"))
    return {n: Document(doc_id=n, text=(DATA / f"{n}.txt").read_text(encoding="utf-8"), source=n,
                        content_hash="test", date=meta[n]["date"], title=meta[n]["title"]) for n in names}


@pytest.fixture(scope="module")
def corpus_events() -> list[Event]:
    return events_of_documents(corpus())


@pytest.mark.parametrize("dated", [True, False])
def test_corpus_has_three_visits_with_their_articles(dated):
    events = events_of_documents(corpus(dated))
    assert [(e.date, e.doc_ids, e.kind, e.ordinal) for e in events] == [
        ("2025-03-21", ("004",), "visit", 1),
        ("2025-06-04", ("000", "001", "002"), "visit", 2),
        ("2025-06-17", ("003",), "visit", 3),
    ]
    assert [e.label for e in events] == ["March 21, 2025", "June 4, 2025", "June 17, 2025"]


def test_article_dated_only_by_a_photo_caption_is_placed_by_what_it_reports(corpus_events):
    # 002's only full date is its photo caption (March 21); it reports "late April" as past
    june4 = corpus_events[1]
    assert "002" in june4.doc_ids and june4.inferred == ("002",)


@pytest.mark.parametrize("question, dates", [
    ("What did Shoigu discuss during the March visit?", ["2025-03-21"]),
    ("What happened on his second visit?", ["2025-06-04"]),
    ("Why did Shoigu make the June 17 trip?", ["2025-06-17"]),
    ("What was agreed on the latest visit?", ["2025-06-17"]),
    ("What did he say on his first visit to Pyongyang?", ["2025-03-21"]),
    ("Who did Shoigu meet on his third trip?", ["2025-06-17"]),
    ("What did Shoigu discuss on his visit in June?", ["2025-06-04", "2025-06-17"]),
])
def test_questions_naming_an_event_resolve_to_it(corpus_events, question, dates):
    f = resolve_event(question, corpus_events)
    assert f is not None and [e.date for e in f.events] == dates
    assert f.ambiguous == (len(dates) > 1)
    assert set(f.doc_ids) == {d for e in f.events for d in e.doc_ids}


def test_the_march_visit_answers_from_the_march_article_only(corpus_events):
    f = resolve_event("What did Shoigu discuss during the March visit?", corpus_events)
    assert f.doc_ids == ("004",) and "March 21, 2025" in f.reason


def test_ambiguous_question_says_which_events_fit(corpus_events):
    f = resolve_event("What did Shoigu discuss on his visit in June?", corpus_events)
    assert "June 4, 2025" in f.reason and "June 17, 2025" in f.reason


@pytest.mark.parametrize("question", [
    "How many North Korean troops were deployed last year?",
    "When did Shoigu visit Pyongyang?",           # names no particular visit: answer per visit
    "Who is Kim Jong Un?",
])
def test_questions_naming_no_event_get_none(corpus_events, question):
    assert resolve_event(question, corpus_events) is None


def test_an_event_the_sources_lack_gives_an_empty_filter(corpus_events):
    f = resolve_event("What happened during the visit in May?", corpus_events)
    assert f is not None and f.events == () and f.doc_ids == () and "no such visit" in f.reason
    f = resolve_event("What happened on his fifth visit?", corpus_events)
    assert f is not None and f.events == ()


@pytest.mark.parametrize("ordinal", ["eighth", "twelfth", "8th", "12th"])
def test_any_ordinal_past_the_reported_events_names_no_event(corpus_events, ordinal):
    # The ordinals are one list (lang/vocab.py): the event reader once stopped at "seventh",
    # so "his eighth visit" was read as no ordinal and answered from every visit.
    f = resolve_event(f"What happened on his {ordinal} visit?", corpus_events)
    assert f is not None and f.events == ()


def test_a_day_of_the_month_is_no_ordinal(corpus_events):
    from lang.vocab import ORDINAL, ordinal_value

    found = re.findall(rf"(?i)\b(?:{ORDINAL})\b", "on June 12th, the 3rd of July and Sept 4th; his 2nd and ninth trips")
    assert found == ["2nd", "ninth"] and [ordinal_value(o) for o in found] == [2, 9]
    f = resolve_event("What happened during the June 4th visit?", corpus_events)
    assert f is not None and f.events  # the June visit, not a fourth one


# --- other topics -----------------------------------------------------------------------------

def test_minister_visits_cluster_by_their_own_day():
    events = events_of_documents(fixtures("visit_first", "visit_second", "visit_third"))
    assert [(e.date, e.doc_ids) for e in events] == [
        ("2024-09-09", ("visit_first",)), ("2024-10-21", ("visit_second",)), ("2024-11-04", ("visit_third",))]
    f = resolve_event("What did Ruiz promise on her second visit to Solbakken?", events)
    assert f.doc_ids == ("visit_second",)
    f = resolve_event("What did the minister open on the November visit?", events)
    assert f.doc_ids == ("visit_third",)


def test_articles_a_day_apart_about_one_strike_are_one_event():
    events = events_of_documents(fixtures("strike_monday", "strike_tuesday"))
    assert len(events) == 1 and set(events[0].doc_ids) == {"strike_monday", "strike_tuesday"}
    assert events[0].kind == "start"


def test_tolerance_separates_events_days_apart():
    a = Document(doc_id="a", text="The minister arrived in Oslo on Monday for talks.", source="a",
                 content_hash="a", date="2024-05-06")
    b = Document(doc_id="b", text="The minister arrived in Oslo on Monday for new talks.", source="b",
                 content_hash="b", date="2024-05-13")
    assert len(events_of_documents({"a": a, "b": b})) == 2
    assert len(events_of_documents({"a": a, "b": b}, tolerance_days=7)) == 1


def test_undated_article_is_placed_by_the_ordinal_it_states():
    docs = fixtures("visit_first", "visit_second")
    docs["undated"] = Document(doc_id="undated", source="u", content_hash="u", date="",
                               text="Ana Ruiz made her second visit to the Solbakken wind farm, aides said.")
    events = events_of_documents(docs)
    second = next(e for e in events if e.date == "2024-10-21")
    assert "undated" in second.doc_ids and second.inferred == ("undated",)


def test_a_photo_caption_date_does_not_anchor_an_article():
    doc = Document(doc_id="c", source="c", content_hash="c", date="", text=(
        "The minister, pictured on May 2, 2024 (AFP via Getty Images).\n"
        "The minister arrived in Oslo on Monday, June 3, 2024, for talks."))
    assert [e.date for e in events_of_documents({"c": doc})] == ["2024-06-03"]


def test_for_the_second_time_names_the_second_event(corpus_events):
    f = resolve_event("When did Shoigu visit Pyongyang for the second time?", corpus_events)
    assert [e.date for e in f.events] == ["2025-06-04"]


DISTRACTORS = ROOT.parent / "shared" / "distractors" / "news.jsonl"


@pytest.mark.skipif(not DISTRACTORS.exists(), reason="distractor articles not present")
def test_unrelated_news_neither_joins_nor_displaces_the_visits():
    docs = corpus()
    with DISTRACTORS.open(encoding="utf-8") as fh:
        for _, line in zip(range(150), fh):
            row = json.loads(line)
            docs[row["id"]] = Document(doc_id=row["id"], text=row["text"], source="distractors", content_hash="x")
    events = events_of_documents(docs)
    ours = [e for e in events if any(d in CORPUS_DATES for d in e.doc_ids)]
    assert [(e.date, e.doc_ids) for e in ours] == [
        ("2025-03-21", ("004",)), ("2025-06-04", ("000", "001", "002")), ("2025-06-17", ("003",))]
    f = resolve_event("What happened on Shoigu's second visit?", events)
    assert f.doc_ids == ("000", "001", "002")
    f = resolve_event("What did Shoigu discuss during the March visit?", events)
    assert f.doc_ids == ("004",)


# --- several events, neighbours, dates alone, mentions in other articles -----------------------

@pytest.fixture(scope="module")
def ruiz():
    docs = fixtures("visit_first", "visit_second", "visit_third")
    return docs, events_of_documents(docs)


def test_two_ordinals_name_two_events(ruiz):
    _, events = ruiz
    f = resolve_event("How long after her first visit to Solbakken did the second one happen?", events)
    assert [e.date for e in f.events] == ["2024-09-09", "2024-10-21"]
    assert f.reason == "the first and second visits: September 9, 2024 and October 21, 2024"
    f = resolve_event("How many days were there between Ruiz's second and third visits?", events)
    assert [e.date for e in f.events] == ["2024-10-21", "2024-11-04"]


def test_an_ordinal_after_the_event_word_names_it(ruiz):
    _, events = ruiz
    f = resolve_event("Which visit was the third?", events)
    assert f.doc_ids == ("visit_third",)


def test_the_one_after_that_moves_to_the_next_event(ruiz):
    _, events = ruiz
    f = resolve_event("And the one after that? (Ruiz first visit Solbakken)", events)
    assert [e.date for e in f.events] == ["2024-10-21"]
    f = resolve_event("And the one before that? (Ruiz third visit Solbakken)", events)
    assert [e.date for e in f.events] == ["2024-10-21"]
    f = resolve_event("And the one after that? (Ruiz third visit Solbakken)", events)
    assert f.events == ()


def test_a_date_alone_names_an_event_only_for_what_happened_questions(ruiz):
    _, events = ruiz
    assert resolve_event("What happened at Solbakken in September?", events) is None
    f = resolve_event("What happened at Solbakken in September?", events, activity=True)
    assert [e.date for e in f.events] == ["2024-09-09"] and "September" in f.reason


def test_another_articles_sentence_about_the_event_is_a_mention(ruiz):
    docs, events = ruiz
    claims = {d: extract_claims(doc) for d, doc in docs.items()}
    first = resolve_event("What did Ruiz promise on her first visit?", events)
    quotes = [p.text for p in event_mentions(first, docs, claims, events)]
    assert quotes == ["During her previous visit in September, Ruiz promised grid upgrades."]
    # the third visit is mentioned nowhere else
    third = resolve_event("What did Ruiz open on her third visit?", events)
    assert event_mentions(third, docs, claims, events) == []


def test_how_many_times_names_every_event_of_its_kind(ruiz):
    _, events = ruiz
    f = resolve_event("How many times did Ruiz visit Solbakken?", events)
    assert [e.date for e in f.events] == ["2024-09-09", "2024-10-21", "2024-11-04"]
    assert resolve_event("How many turbines does the farm have?", events) is None


def test_the_earlier_visit_of_a_dated_one_is_the_one_before_it(ruiz):
    _, events = ruiz
    f = resolve_event("The October 21 article mentions an earlier visit. When was that earlier visit?", events)
    assert [e.date for e in f.events] == ["2024-09-09"]


def test_the_scope_of_an_event_counts_other_events_sentences_as_foreign(ruiz):
    docs, events = ruiz
    claims = {d: extract_claims(doc) for d, doc in docs.items()}
    second = resolve_event("What did Ruiz say on her second visit?", events)
    scope = event_scope(second, docs, claims, events)
    quote = "During her previous visit in September, Ruiz promised grid upgrades."
    assert {docs[d].text[s:].startswith(quote) for d, s in scope.foreign} == {True}
    assert scope.per_event == ()
    both = resolve_event("What did Ruiz do on her first and second visits?", events)
    assert event_scope(both, docs, claims, events, per_event=True).per_event == (
        frozenset({"visit_first"}), frozenset({"visit_second"}))


def test_a_follow_ups_own_date_replaces_the_one_in_its_context(ruiz):
    _, events = ruiz
    f = resolve_event("And in October? (Ruiz visit Solbakken September)", events, activity=True)
    assert [e.date for e in f.events] == ["2024-10-21"]


def _mentions_by_definition(docs, claims, events):
    """The definition ``mention_index`` implements, one event and one claim at a time (slow)."""
    from lang import timex
    from index.claims import is_caption, measure_family

    out = {}
    typed = any(e.kind for e in events)
    for event in events:
        if typed and not event.kind:
            out[event] = []  # untyped events take any date claim only where no event has a kind
            continue
        same_kind = [e for e in events if e.kind == event.kind]
        found = []
        for doc_id, cs in claims.items():
            if doc_id in event.doc_ids:
                continue
            for c in cs:
                if c.kind != "date" or is_caption(c.sentence) or timex.bounds(c.value) is None:
                    continue
                if event.kind and measure_family(c.measure) != event.kind:
                    continue
                if [e for e in same_kind if timex.contains(c.value, e.date) or c.value == e.date] == [event]:
                    found.append((doc_id, c.start))
        out[event] = found
    return out


@pytest.mark.parametrize("extra", [0, 40])
def test_the_mention_index_finds_what_the_definition_does_among_many_events(ruiz, extra):
    from qa.sources.events import mention_index

    docs = {**corpus(), **ruiz[0]}
    claims = {d: extract_claims(doc) for d, doc in docs.items()}
    events = events_of_documents(docs, claims)
    # Invented events, two a month across 2024-2025, of a known and an unknown kind: a month
    # then holds several of them, so "in June" must stop naming one.
    events += [Event(date=f"{2024 + i // 20}-{1 + (i % 20) // 2:02d}-{1 + 2 * (i % 2) + 10 * (i % 3):02d}",
                     doc_ids=("nowhere",), label="", kind=("visit", "")[i % 2]) for i in range(extra)]
    expected = _mentions_by_definition(docs, claims, events)
    got = {e: [(m.doc_id, m.start) for m in spans] for e, spans in mention_index(docs, claims, events).items()}
    # the index also holds the sentence after a mention when it opens with "During that visit"
    assert {e: [m for m in got[e] if m in expected[e]] for e in events} == expected
    assert all(set(got[e]) - set(expected[e]) <= {(d, s) for d, s, _ in _anaphors(docs)} for e in events)
    assert any(expected.values())


def _anaphors(docs):
    from index.claims import document_sentences
    from lang.references import SAME_EVENT

    return [(d, s, e) for d, doc in docs.items() for s, e in document_sentences(doc) if SAME_EVENT.match(doc.text[s:e])]


def _with_other(ruiz, day: str, title: str, text: str) -> list[Event]:
    """The events of the Ruiz articles and one other article (doc id "other")."""
    docs = {**ruiz[0], "other": Document(doc_id="other", source="other", content_hash="test", date=day, title=title,
                                         text=text)}
    return events_of_documents(docs)


def test_who_makes_the_visit_decides_among_others_visits_to_the_same_place(ruiz):
    # another minister's later trip to the same place: it names Solbakken, not Ruiz
    events = _with_other(ruiz, "2024-12-02", "Trade minister tours Solbakken",
                         "Trade Minister Jonas Berg arrived at Solbakken on Monday for a visit to the port.\n"
                         "He met dock workers, the ministry said.")
    assert "2024-12-02" in [e.date for e in events]
    for question in ("When was Ruiz's most recent trip to Solbakken?", "When did Ana Ruiz last visit Solbakken?",
                     "When was the latest visit by Ana Ruiz to Solbakken?",
                     "Who met Ruiz shortly before her latest visit to Solbakken?"):
        f = resolve_event(question, events)
        assert [e.date for e in f.events] == ["2024-11-04"], question
    f = resolve_event("When was Ruiz's second trip to Solbakken?", events)
    assert {d for e in f.series for d in e.doc_ids} == {"visit_first", "visit_second", "visit_third"}
    # without saying who, every visit to Solbakken counts
    assert [e.date for e in resolve_event("When was the latest visit to Solbakken?", events).events] == ["2024-12-02"]


def test_date_hits_find_the_asked_day_however_the_article_writes_it(ruiz):
    from qa.sources.events import date_hits

    docs, _ = ruiz
    claims = {k: extract_claims(d) for k, d in docs.items()}
    hits = date_hits("What happened on November 4?", claims)
    from lang.text import terms

    assert hits.terms == set(terms("November 4"))
    text = docs["visit_third"].text
    assert hits.offsets == {"visit_third": (text.index("Monday"),)}  # "on Monday", of an article of November 4
    assert date_hits("What happened in November?", claims) is None  # a month names no day


def test_untyped_events_do_not_stand_in_for_a_family_the_archive_lacks(ruiz):
    docs, _ = ruiz
    docs = dict(docs)
    docs["note"] = Document(doc_id="note", source="note", content_hash="test", date="2024-08-01",
                            title="Harbour notes", text="Harbour notes.\nThe tide tables for August are out.")
    events = events_of_documents(docs)
    assert any(not e.kind for e in events) and any(e.kind == "visit" for e in events)
    assert resolve_event("When did Ruiz confirm for the first time that the substation was open?", events) is None


def test_an_ordinal_without_a_subject_over_unrelated_series_asks_whose(ruiz):
    _, events = ruiz
    assert [e.date for e in resolve_event("Which visit was the third?", events).events] == ["2024-11-04"]
    events = _with_other(ruiz, "2024-06-03", "Chef tours Lisbon market",
                         "Chef Paolo Verdi arrived at the Ribeira market in Lisbon on Monday for a visit.\n"
                         "He tasted the cheeses, the market said.")
    f = resolve_event("Which visit was the third?", events)
    assert f.events == () and f.ambiguous and "say whose visit" in f.reason
    f = resolve_event("Which of Ruiz's visits was the third?", events)  # saying whose counts her visits only
    assert [e.date for e in f.events] == ["2024-11-04"]


def test_an_untyped_event_of_another_story_owns_no_dates_beside_typed_events(ruiz):
    from qa.sources.events import mention_index

    docs = {**ruiz[0],
            "note": Document(doc_id="note", source="note", content_hash="test", date="2024-08-01", title="Harbour notes",
                             text="Harbour notes.\nThe tide tables for August are out."),
            "storm": Document(doc_id="storm", source="storm", content_hash="test", date="2024-11-20",
                              title="Ruiz opens a substation",
                              text="Energy Minister Ana Ruiz opened a substation at Solbakken on Monday.\n"
                                   "A storm struck the coast in August, officials said.")}
    claims = {d: extract_claims(doc) for d, doc in docs.items()}
    events = events_of_documents(docs, claims)
    note = next(e for e in events if e.doc_ids == ("note",))
    assert not note.kind and any(e.kind == "visit" for e in events)
    assert mention_index(docs, claims, events)[note] == []  # "in August" is the storm's, not the tide tables'
    # where no event has a kind, an untyped event takes the dates that fit it alone
    assert [m.doc_id for m in mention_index(docs, claims, [note])[note]] == ["storm"]
