"""Time expressions: absolute and relative, resolved against an article's date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lang.timex import bounds, contains, find_times, label, latest_stated_day, overlaps, reference_date

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _one(text: str, reference: str = "") -> tuple[str, str, str]:
    times = find_times(text, reference)
    assert len(times) == 1, times
    t = times[0]
    assert text[t.start:t.end] == t.text
    return t.text, t.value, t.granularity


@pytest.mark.parametrize("text, reference, expected", [
    ("arrived in Pyongyang on Wednesday, June 4, 2025, for talks", "", ("Wednesday, June 4, 2025", "2025-06-04", "day")),
    ("in Jakarta on Feb. 25, 2025.", "", ("Feb. 25, 2025", "2025-02-25", "day")),
    ("an arrest warrant on June 25, 2024, for his role", "", ("June 25, 2024", "2024-06-25", "day")),
    ("signed on 4 June 2025 in Moscow", "", ("4 June 2025", "2025-06-04", "day")),
    ("incursion launched in August 2024.", "", ("August 2024", "2024-08", "month")),
    ("Between August 2023 and March 2025, at least 64 shipments", "", ("Between August 2023 and March 2025", "2023-08/2025-03", "range")),
    ("the 2019-2021 period", "", ("2019-2021", "2019/2021", "range")),
    ("results for Q4 2024", "", ("Q4 2024", "2024-10/2024-12", "quarter")),
])
def test_absolute_dates_resolve_without_a_reference(text, reference, expected):
    assert _one(text, reference) == expected


@pytest.mark.parametrize("text, reference, value", [
    ("reported on March 21.", "2025-02-25", "2025-03-21"),       # a month ahead of a stale date: same year
    ("The treaty, signed in November, commits", "2025-06-04", "2024-11"),  # months ahead are less likely: last year
    ("In late April, the DPRK confirmed", "2025-06-04", "2025-04"),
    ("During his previous visit in March", "2025-06-04", "2025-03"),
    ("reported on March 21.", "", "--03-21"),                    # no reference: the year stays unknown
])
def test_missing_year_is_inferred_from_the_reference(text, reference, value):
    assert _one(text, reference)[1] == value


@pytest.mark.parametrize("text, reference, value, granularity", [
    ("deployed last year", "2025-06-04", "2024", "year"),
    ("sent this year", "2025-06-04", "2025", "year"),
    ("met him last month", "2025-06-04", "2025-05", "month"),
    ("the previous year", "2025-06-04", "2024", "year"),
    ("In August of the previous year, troops", "2025-06-04", "2024-08", "month"),
    ("a mutual defense treaty in June last year", "2025-06-04", "2024-06", "month"),
    ("Earlier this month, the deputy minister", "2025-03-21", "2025-03-01/2025-03-20", "range"),
    ("during his visit earlier in June", "2025-06-17", "2025-06-01/2025-06-16", "range"),
    ("Tass reported on Tuesday", "2025-06-17", "2025-06-17", "day"),          # the reference is a Tuesday
    ("the embassy said Wednesday.", "2025-06-17", "2025-06-11", "day"),      # the Wednesday before
    ("the embassy said Wednesday.", "2025-06-04", "2025-06-04", "day"),
    ("last Tuesday", "2025-06-17", "2025-06-10", "day"),                    # "last" excludes the day itself
    ("second visit in under three months", "2025-06-04", "2025-03-04/2025-06-04", "range"),
    ("the third in nearly three months", "2025-06-17", "2025-03-17/2025-06-17", "range"),
    ("deployed since last fall", "2025-03-21", "2024-09/2025-03-21", "range"),
    ("Since 2022, Russia and North Korea", "2025-06-04", "2022/2025-06-04", "range"),
    ("last fall", "2025-10-15", "2024-09/2024-11", "season"),               # in the fall: the one before
    ("in the past two years", "2025-06-17", "2023-06-17/2025-06-17", "range"),
    ("two days ago", "2025-06-17", "2025-06-15", "day"),
    # every number word of the lexicon counts, not only one to twelve
    ("thirteen days ago", "2025-06-17", "2025-06-04", "day"),
    ("twenty years ago", "2025-06-17", "2005", "year"),
    ("a couple of days ago", "2025-06-17", "2025-06-15", "day"),
    ("yesterday", "2024-03-01", "2024-02-29", "day"),
])
def test_relative_expressions_resolve_against_the_reference(text, reference, value, granularity):
    _, v, g = _one(text, reference)
    assert (v, g) == (value, granularity)


@pytest.mark.parametrize("text, value, granularity", [
    ("Two days later, the troops crossed the border.", "2025-06-19", "day"),  # no X: ahead of the reference
    ("They left two days after.", "2025-06-19", "day"),                       # "after" with nothing after it
    ("a week after the summit, talks resumed", "2025-06-10", "week"),        # dates the summit, a week before
    ("three days after Kim's visit", "2025-06-14", "day"),
])
def test_later_runs_forward_and_after_x_dates_x_before_the_reference(text, value, granularity):
    _, v, g = _one(text, "2025-06-17")
    assert (v, g) == (value, granularity)


def test_relative_expressions_stay_unresolved_without_a_reference():
    assert [t.value for t in find_times("deployed last year, sent on Tuesday")] == ["", ""]


def test_longest_reading_wins_and_offsets_are_shifted():
    text = "He arrived on Wednesday, June 4, 2025, and left on Friday."
    times = find_times(text, "2025-06-04", offset=100)
    assert [t.text for t in times] == ["Wednesday, June 4, 2025", "Friday"]
    assert all(text[t.start - 100:t.end - 100] == t.text for t in times)
    assert times[1].value == "2025-05-30"


def test_words_that_look_like_dates_are_not_dates():
    assert find_times("Shoigu may visit again. Prices fall. The 13th meeting of 170mm guns.", "2025-06-04") == []


def test_lowercase_months_are_read_in_loose_mode_only():
    assert find_times("the march visit", "2025-06-20") == []
    assert [t.value for t in find_times("the march visit", "2025-06-20", loose=True)] == ["2025-03"]


def test_bad_reference_names_the_value():
    with pytest.raises(ValueError, match="04/06/2025"):
        find_times("last year", "04/06/2025")


def test_period_helpers():
    assert bounds("2024") == (date(2024, 1, 1), date(2024, 12, 31))
    assert bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert bounds("2022/..")[0] == date(2022, 1, 1)
    assert bounds("--06-04") is None
    assert overlaps("2024", "2024-09/2025-03-21") and not overlaps("2024", "2025")
    assert contains("2025-06", "2025-06-04") and not contains("2025-06-04", "2025-06")
    assert label("2025-06-04") == "June 4, 2025" and label("2023-08/2025-03") == "August 2023 to March 2025"


def test_reference_date_distrusts_a_date_the_text_outdates():
    # article 002's only full date is a photo caption (March 21); it reports late April as past
    text = (CORPUS / "002_edba56166cb57432.txt").read_text(encoding="utf-8")
    assert reference_date(text, "2025-03-21") == ""
    assert reference_date(text, "2025-06-04") == "2025-06-04"


def test_reference_date_without_publication_date_is_the_latest_stated_day():
    # article 004 states Feb. 25, 2025 (caption) and "reported on March 21"
    text = (CORPUS / "004_373a661a67fa0f25.txt").read_text(encoding="utf-8")
    assert reference_date(text) == "2025-03-21"
    # "Last updated: January 23, 2026" is page furniture, not news
    text3 = (CORPUS / "003_652080ecbbae7d75.txt").read_text(encoding="utf-8")
    assert reference_date(text3) == "2025-06-17"


def test_an_outdated_caption_date_is_not_a_reference_but_still_places_years():
    text = (CORPUS / "002_edba56166cb57432.txt").read_text(encoding="utf-8")
    assert latest_stated_day(text) == "2025-03-21"      # the photo caption
    assert reference_date(text) == ""                    # outdated by "In late April"
    times = find_times("In late April, the DPRK confirmed", "", year_reference="2025-03-21")
    assert [t.value for t in times] == ["2025-04"]
    assert [t.value for t in find_times("met last month", "", year_reference="2025-03-21")] == [""]


@pytest.mark.parametrize("text, value", [
    ("Joseph Lafontaine (March 15, 1870 – July 25, 1920) was a farmer.", "1870-03-15"),
    ("Stephen O'Mara (5 January 1884 – 11 November 1959) was a businessman.", "1884-01-05"),
    ("The mill opened in March 1794.", "1794-03"),
])
def test_a_day_or_month_keeps_a_year_of_any_century_and_gets_none_inferred(text, value):
    # "March 15, 1870" is not a yearless "March 15" to be given the reference's year
    found = find_times(text, "2025-06-04")
    assert found[0].value == value and found[0].text in text


def test_a_lone_number_before_1900_is_not_taken_for_a_year():
    assert [t.value for t in find_times("The regiment lost 1870 men.", "2025-06-04")] == []


@pytest.mark.parametrize("text, value", [
    ("The parish was founded in 1856.", "1856"),
    ("In 1650 the king died.", "1650"),
    ("The church distanced itself when, in 373, King Pap appointed Husik.", "0373"),
    ("The town was founded in 873 by Vikings.", "0873"),
    ("Halsted Ritter was born 1827 in Ohio.", "1827"),
    ("The church was built in 1544–1547, the oldest in Goa.", "1544/1547"),
    ("Many mills closed in the 1850s.", "1850/1859"),
    ("By 1630, Africans had replaced the Tupani.", "1630"),          # an opening "By"
    ("Abgar V converted in 30 AD.", "0030"),                          # an era
    ("The city proper begins around 660 BCE, when settlers came.", ""),  # before the era: unresolved
])
def test_a_number_before_1900_is_a_year_where_its_words_say_so(text, value):
    assert [t.value for t in find_times(text, "2025-06-04")] == [value]


@pytest.mark.parametrize("text", [
    "The regiment lost 1870 men.",        # a counted noun follows
    "The storm destroyed homes in 500 villages.",
    "The risk is one in 500.",            # a ratio
    "The total rose by 1500.",            # "by" is left out: a difference
    "From 1200-1500 troops were sent.",   # a range of a count
    "The clinic saw 3 AD patients.",      # an era's letters before a counted noun
    "Around 600 North Korean soldiers were killed.",  # a capitalised word may begin what is counted
    "Fighting raged in 300 Ukrainian villages.",
])
def test_a_number_before_1900_stays_a_count_elsewhere(text):
    assert find_times(text, "2025-06-04") == []


def test_an_early_year_is_written_without_its_padding():
    assert label("0373") == "373" and label("0373/0375") == "373 to 375" and label("2025-06") == "June 2025"


def test_a_period_is_read_once_with_its_days_or_its_month_and_day():
    from datetime import date

    from lang.timex import period

    assert (period("2024").first, period("2024").last) == (date(2024, 1, 1), date(2024, 12, 31))
    assert period("2023-08/2025-03").last == date(2025, 3, 31)
    march = period("--03")
    assert (march.year_less, march.resolved, march.month_day) == (True, False, "03")
    assert not period("").resolved and not period("").year_less
    assert period("2024-09/2025-04").meets(march)            # "in March": March 2025 lies within
    assert not period("2024-04/2024-12").meets(march)
    assert period("2025-06-04").meets(period("2025-06"))
    assert period("2024").apart(period("2025-03"))
    assert not period("2024").apart(period("--03"))          # a year-less time is never known apart
    assert period("2025").contains(period("2025-06-04")) and not period("2025-06").contains(period("2025"))
    assert period("2025-06-04") is period("2025-06-04")      # cached: each value is parsed once


def test_every_time_pattern_has_one_resolver():
    from lang.timex import _FROM_REFERENCE, _PATTERNS, _RESOLVERS

    names = [name for name, _ in _PATTERNS]
    assert sorted(set(names)) == sorted(set(_RESOLVERS) | set(_FROM_REFERENCE))
    assert not set(_RESOLVERS) & set(_FROM_REFERENCE)


@pytest.mark.parametrize("text", ["over the last 4000 years chiefdoms rose", "4000 years ago", "within 9999999 days",
                                  "in the next 9000 years"])
def test_a_time_beyond_the_calendar_is_no_time_not_an_error(text):
    from lang.timex import find_times

    assert all(t.value == "" or bounds(t.value) is not None for t in find_times(text, "2025-06-04"))


def test_a_dated_article_about_millennia_is_read_for_claims():
    from index.claims import claims_in_text

    claims = claims_in_text("Sanderson wrote that over the last 4000 years 12 states rose.", published="2025-06-04")
    assert [(c.value, c.kind) for c in claims] == [("4000", "duration"), ("12", "count")]


def test_label_writes_a_month_or_day_without_its_year_as_words():
    # an undated article's "since early January" is "--01": a reader is shown "since January"
    assert label("--01") == "January" and label("--06-04") == "June 4"
    assert label("--01/..") == "since January" and label("--06-04/2025-06-10") == "June 4 to June 10, 2025"
    assert label("--13") == "--13"  # not a month: shown as it is
