"""Metadata: title, publisher and date as the bundled texts state them; sidecar overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.clean import clean
from index.load import load_path, text_hash
from index.meta import apply_metadata, extract, find_date, load_overrides
from index.records import Document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def extracted():
    """Extraction alone (no sidecar) over the bundled corpus."""
    docs, _ = load_path(CORPUS)
    return {d.doc_id[:3]: extract(clean(d)) for d in docs}


def make(text, **kw):
    return clean(Document(doc_id="d", text=text, source="t", content_hash=text_hash(text), **kw))


@pytest.mark.parametrize("prefix, date", [
    ("000", "2025-06-04"),   # "arrived in Pyongyang on Wednesday, June 4, 2025" in the first sentence
    ("001", "2025-06-04"),   # a standalone line "June 4, 2025"
    ("002", ""),             # only a photo caption states a date: it dates the photo, not the article
    ("003", "2025-06-17"),   # "Posted on June 17, 2025"
    ("004", "2025-03-21"),   # "reported on March 21" + the year the opening lines state
])
def test_publication_dates_of_the_bundled_corpus(extracted, prefix, date):
    assert extracted[prefix].date == date


def test_titles_of_the_bundled_corpus(extracted):
    assert extracted["000"].title == "Russian security Council Secretary in talks with North Korea’s Kim Jong Un"
    assert extracted["001"].title == "Russia’s security chief meets Kim Jong-un to discuss Ukraine, peninsula issues"
    assert extracted["002"].title == "Russia's Shoigu visits Pyongyang, to meet with DPRK's Kim"
    assert extracted["003"].title == "Russian presidential security official Shoigu arrives in North Korea, reports TASS"
    assert extracted["004"].title == ""  # the text states no headline of its own: nothing is invented


def test_publishers_of_the_bundled_corpus(extracted):
    assert extracted["000"].publisher == "Diaspora Digital Media"
    assert extracted["003"].publisher == "Global Banking & Finance Review"
    assert extracted["004"].publisher == "The Kyiv Independent"
    assert extracted["001"].publisher == "" and extracted["002"].publisher == ""


def test_agency_dateline_names_the_publisher_when_nothing_better():
    doc = make("Kim meets envoy\nSEOUL (Reuters) - North Korean leader Kim Jong Un met an envoy on Tuesday.")
    assert extract(doc).publisher == "Reuters"


def test_caption_date_loses_to_a_date_in_the_first_sentence():
    text = ("Envoy visits Pyongyang\n"
            "Shoigu poses in Jakarta on Feb. 25, 2025. (Photo: AFP via Getty Images)\n"
            "Shoigu arrived in Pyongyang on Friday, March 21, 2025, officials said.")
    assert extract(make(text)).date == "2025-03-21"


def test_no_stated_date_gives_empty_string():
    assert extract(make("Envoy visits Pyongyang\nShoigu arrived on Tuesday, officials said.")).date == ""


def test_a_day_an_event_began_is_no_publication_date():
    # the month and day of an event and a year of another sentence made "1989-03-03"
    text = ("Dock workers end strike\nDock workers returned to work on Friday after an 11-day strike.\n"
            "The strike began on March 3 after talks broke down. It was the longest stoppage since 1989.")
    assert extract(make(text)).date == ""
    reported = text.replace("The strike began on March 3", "Local radio reported on March 3 that talks")
    assert extract(make(reported)).date == "1989-03-03"  # a report's day: the rule it was made for


def test_last_updated_is_not_the_publication_date():
    text = "Envoy visits\nLast updated: January 23, 2026\nPosted on June 17, 2025\nBody text here."
    assert extract(make(text)).date == "2025-06-17"


@pytest.mark.parametrize("text, iso", [
    ("June 4, 2025", "2025-06-04"), ("Nov. 10th, 2025", "2025-11-10"), ("4 June 2025", "2025-06-04"),
    ("2025-06-17T08:00:00Z", "2025-06-17"), ("Sept 3, 2024", "2024-09-03"), ("February 30, 2025", ""),
    ("no date here", ""),
])
def test_find_date_formats(text, iso):
    assert find_date(text) == iso


def test_jsonl_and_html_metadata_win_over_extraction():
    doc = make("A headline here\nPosted on June 17, 2025\nBody.", title="Given", date="2024-01-02")
    out = extract(doc)
    assert (out.title, out.date) == ("Given", "2024-01-02")


def test_sidecar_overrides_win_and_change_the_hash(tmp_path):
    (tmp_path / "metadata.json").write_text(json.dumps({
        "_comment": "ignored", "d": {"title": "Override", "date": "March 21, 2025", "publisher": "P"}}),
        encoding="utf-8")
    overrides, warnings = load_overrides(tmp_path)
    assert warnings == []
    doc = make("A headline here\nBody sentence.")
    plain, over = apply_metadata(doc), apply_metadata(doc, overrides["d"])
    assert (over.title, over.date, over.publisher) == ("Override", "2025-03-21", "P")
    assert plain.title == "A headline here"
    assert plain.content_hash != over.content_hash
    assert apply_metadata(doc, overrides["d"]).content_hash == over.content_hash


def test_broken_sidecar_is_a_warning(tmp_path):
    (tmp_path / "metadata.json").write_text("{oops", encoding="utf-8")
    overrides, warnings = load_overrides(tmp_path)
    assert overrides == {} and len(warnings) == 1 and "metadata.json" in warnings[0]
