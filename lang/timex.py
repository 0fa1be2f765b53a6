"""Time expressions in text -> resolved dates and periods, given a reference date.

``find_times(text, reference)`` finds absolute expressions ("Wednesday, June 4, 2025",
"Feb. 25, 2025", "in August 2024", "late April", "since 2022", "between August 2023 and
March 2025") and relative ones ("last year", "earlier this month", "on Tuesday", "last
fall", "in under three months", "August of the previous year") and resolves each against
the reference date (an article's publication date, ISO ``YYYY-MM-DD``, may be "").

Values are strings that sort and compare simply:

- a day ``"2025-06-04"``, a month ``"2025-06"``, a year ``"2024"``;
- a period ``"start/end"`` (ISO 8601 interval), each end one of the above or ``".."`` when
  open: ``"2023-08/2025-03"``, ``"2024-09/2024-11"`` (fall 2024), ``"2022/2025-06-04"``.

A relative expression without a reference resolves to ``value == ""``, and a year-less
date to the ISO truncated form ``"--06-04"`` / ``"--06"``; nothing is guessed. Whoever compares
values reads each once with ``period(value)``: a ``Period`` with its first and last day, or a
year-less value's month and day, and ``overlaps``/``contains``/``apart``/``meets`` between them.
Plain regular expressions and ``datetime`` only (no dateparser: it is not installed, and
its relative parsing is anchored to "now", not to an article's date). Reading time
expressions is all this module does; attaching them to figures is ``index/claims.py``.
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache
from dataclasses import dataclass
from datetime import date, timedelta

from lang.lexicon import alternation
from lang.vocab import (INDEFINITE_COUNTS, MONTH_PREFIXES, MONTHS, PAST_YEAR_AFTER, PAST_YEAR_BEFORE, PAST_YEAR_OPENING,
                        SMALL_NUMBERS, TENS, YEAR_ERAS)

__all__ = ["TimeExpr", "Period", "period", "find_times", "parse_reference", "bounds", "overlaps", "contains",
           "label", "reference_date", "latest_stated_day", "shift_months"]


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """One time expression found in a text.

    Attributes:
        text: the expression as written (``text == source[start - offset:end - offset]``).
        start, end: character offsets (plus the caller's ``offset``).
        value: the resolved date or period (see the module docstring), "" if unresolved.
        granularity: "day", "week", "month", "season", "quarter", "year", "decade" or "range".
        relative: True when the value depends on the reference date.
    """

    text: str
    start: int
    end: int
    value: str
    granularity: str
    relative: bool = False


_MONTHS = {m.lower(): n for m, n in MONTHS.items()}
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
# how many days or years a count word stands for ("twenty years ago", "a few days later")
_NUMWORDS = {**{w: n for w, n in SMALL_NUMBERS.items() if n}, **TENS, **INDEFINITE_COUNTS}
_ORDINAL_QUARTER = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": 4, "final": 4}
_SEASON_MONTHS = {"spring": (3, 5), "summer": (6, 8), "fall": (9, 11), "autumn": (9, 11), "winter": (12, 2)}

# Month names are matched with a capital letter in running text ("march", "may" are words);
# ``loose=True`` (questions typed in lower case) relaxes that except for "may".
_MON = (r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
        r"Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)(?![A-Za-z])")
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:19|20)\d{2}(?![\d%])"
# After a day and month ("March 15, 1870", "5 January 1884") or a month ("March 1870") a
# four-digit number is the year whatever its century; alone, only 1900-2099 is taken for a
# year (an "1870" in running text may be a count).
_DATED_YEAR = r"(?:1\d|20)\d{2}(?![\d%])"
# ... and a number from 100 to 1899 is a year where the words around it say so (``_past_year``,
# ``vocab.toml`` [past_years]): "founded in 1856.", "(1544–1547)", "the 1850s".
_PAST_YEAR = r"(?:1[0-8]\d{2}|[1-9]\d{2})"
_PAST_BEFORE = re.compile(rf"(?:(?i:(?<![\w.])(?:{alternation(PAST_YEAR_BEFORE)}))|"
                          rf"(?<![\w.])(?:{alternation(PAST_YEAR_OPENING)}))\s+$")
# the end of a clause or a function word; not a capitalised word, which may begin what is
# counted ("in 300 Ukrainian villages")
_PAST_AFTER = re.compile(rf"\s*(?:$|[,.;:)\]!?]|(?i:(?:{alternation(PAST_YEAR_AFTER)})\b))")
_ERA = alternation(YEAR_ERAS)
# "one in 500", "2 in 1000": a ratio, not a year
_RATIO_BEFORE = re.compile(rf"(?i:(?:\d|\b(?:{alternation(_NUMWORDS)}))\s+in\s+)$")
_NUM = rf"(?:\d+|{alternation(_NUMWORDS)})"
_UNIT = r"(?:days?|weeks?|months?|years?|decades?)"
_REL = r"(?:last|this|next|previous|past|current|coming|following|same)"


# Each entry: (name, pattern). Patterns use (?i:...) for function words so that month names
# keep their capital; the longest match at a position wins (see ``find_times``).
_CI = lambda s: f"(?i:{s})"  # noqa: E731 - a tiny regex helper, not an API
_OF = _CI(r"of")
_PART = _CI(r"early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of|end\s+of|mid-")
_THE = _CI(r"the")
_YEARW = _CI(r"year")
_RELM = _CI(r"last|this|next|earlier\s+in|later\s+in|earlier\s+this|later\s+this")
_RELWD = _CI(r"last|this|next|on|past")
_PATTERNS: list[tuple[str, str]] = [
    ("iso", rf"\b(?P<y>(?:19|20)\d{{2}})-(?P<m>\d{{2}})-(?P<d>\d{{2}})\b"),
    ("mdy", rf"(?:(?P<wd>{_WD}),?\s+)?(?P<m>{_MON})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>{_DATED_YEAR})"),
    ("dmy", rf"(?:(?P<wd>{_WD}),?\s+)?(?<![\d.,])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:{_OF}\s+)?(?P<m>{_MON}),?\s+(?P<y>{_DATED_YEAR})"),
    ("md", rf"(?:(?P<wd>{_WD}),?\s+)?(?P<m>{_MON})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d,]\d|\d)"),
    ("dm", rf"(?<![\d.,$€£])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:{_OF}\s+)?(?P<m>{_MON})"),
    ("part_month", rf"\b(?=[eEmMlLtT])(?P<part>{_PART})[-\s]*(?P<m>{_MON})(?:,?\s+(?P<y>{_YEAR}))?"),
    ("month_year", rf"(?P<m>{_MON})(?:\s+{_OF})?,?\s+(?P<y>{_DATED_YEAR})"),
    ("month_relyear", rf"(?P<m>{_MON})\s+(?:{_OF}\s+)?(?:{_THE}\s+)?(?P<rel>{_CI(_REL)})\s+{_YEARW}"),
    ("rel_month", rf"\b(?=[lLtTnNeE])(?P<rel>{_RELM})\s+(?P<m>{_MON})"),
    ("month", rf"(?<![\w-])(?P<m>{_MON})(?!\s*\d)"),
    ("year_range", rf"(?<![\w$€£.,-])(?P<y1>{_YEAR})\s*[-–—]\s*(?P<y2>(?:19|20)?\d{{2}})(?![\d%])"),
    ("past_year_range", rf"(?<![\w$€£.,-])(?P<y1>1[0-8]\d{{2}})\s*[-–—]\s*(?P<y2>1\d{{3}}|20\d{{2}})(?![\d%])"),
    ("decade", rf"(?P<y>(?:1\d|20)\d0)'?s\b"),
    ("year", rf"(?<![\w$€£.,-])(?P<y>{_YEAR})(?![.,]\d|-\d)"),
    ("past_year", rf"(?<![\w$€£.,-])(?P<y>{_PAST_YEAR})(?![\d%]|[.,]\d|-\d)"),
    ("era_year", rf"(?<![\w$€£.,-])(?P<y>\d{{1,4}})\s?(?P<era>{_ERA})\b|\bAD\s?(?P<ad>\d{{1,4}})(?![\d%]|[.,]\d)"),
    ("season", rf"(?i:\b(?=last|this|next|previous|past|current|coming|following|same|the|early|late|in|during|spring|summer|fall|autumn|winter)(?:(?P<rel>{_REL}|the\s+{_REL}|early|late|in\s+(?:the\s+)?|during\s+(?:the\s+)?)\s*)?(?P<s>spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?(?P<y>{_YEAR}))?)"),
    ("quarter", rf"(?:\bQ(?P<q>[1-4])|(?i:\b(?=the|first|second|third|fourth|last|final)(?:the\s+)?(?P<qw>first|second|third|fourth|last|final)\s+quarter))(?:\s+(?:{_OF}\s+)?(?P<y>{_YEAR}))?"),
    ("rel_unit", rf"(?i:\b(?=last|this|next|previous|past|current|coming|following|same|the|earlier|later|early|late|so)(?P<rel>{_REL}|the\s+{_REL}|earlier\s+this|later\s+this|early\s+this|late\s+this|earlier\s+in\s+the|later\s+in\s+the|so\s+far\s+this)\s+(?P<u>year|month|week|day|decade))\b"),
    ("ago", rf"(?i:\b(?=[\d{''.join(sorted({w[0] for w in _NUMWORDS}))}])(?P<n>{_NUM})\s+(?P<u>{_UNIT})\s+(?P<dir>ago|earlier|before|after|later))\b"),
    ("within", rf"(?i:\b(?:in|within|over|during|for)\s+(?:the\s+)?(?P<q>under|less\s+than|nearly|almost|about|around|just\s+over|just\s+under|more\s+than|over|past|last)\s+(?:the\s+)?(?P<n>{_NUM})\s+(?P<u>{_UNIT}))\b"),
    ("span_after", rf"(?i:\b(?P<q>less\s+than|more\s+than|nearly|almost|about|just|only)\s+(?P<n>{_NUM})\s+(?P<u>{_UNIT})\s+(?:after|since))\b"),
    ("weekday", rf"(?:(?P<rel>{_RELWD})\s+)?(?P<wd>{_WD})(?!,?\s+{_MON})"),
    ("dayword", r"(?i:\b(?P<w>yesterday|today|tomorrow|tonight)\b)"),
]
_COMPILED = [(name, re.compile(p)) for name, p in _PATTERNS]
# loose: every month name in any case, except "May", which stays capitalised ("may" is a verb)
_MON_LOOSE = "(?:" + _MON.replace("|May|", "|").replace("(?:Jan", "(?i:Jan", 1) + "|May(?![A-Za-z]))"
_LOOSE = [(name, re.compile(p.replace(_MON, _MON_LOOSE))) for name, p in _PATTERNS]


def parse_reference(reference: str) -> date | None:
    """The reference date as a ``date``, or None for "".

    Raises:
        ValueError: ``reference`` is not "" and not ISO ``YYYY-MM-DD`` (a time may follow).
    """
    if not reference:
        return None
    try:
        return date.fromisoformat(reference.strip()[:10])
    except ValueError:
        raise ValueError(f"reference date {reference!r} is not ISO YYYY-MM-DD; pass '' when unknown") from None


def shift_months(d: date, months: int) -> date:
    """``d`` moved by whole months, the day clipped to the target month's length."""
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _month_of(name: str) -> int:
    key = name.lower().rstrip(".")
    return _MONTHS[key] if key in _MONTHS else _MONTHS[key[:3]]


def _num(word: str) -> int:
    w = " ".join(word.lower().split())
    return int(w) if w.isdigit() else _NUMWORDS[w]


def _iso_day(d: date) -> str:
    return d.isoformat()


def _iso_month(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _infer_year(month: int, day: int | None, ref: date | None) -> int | None:
    """The year that puts month/day nearest the reference, preferring the past (news reports)."""
    if ref is None:
        return None
    best, best_cost = None, None
    for y in (ref.year - 1, ref.year, ref.year + 1):
        d = date(y, month, min(day or 15, calendar.monthrange(y, month)[1]))
        cost = (ref - d).days if d <= ref else 3 * (d - ref).days  # a future date is 3x less likely
        if best_cost is None or cost < best_cost:
            best, best_cost = y, cost
    return best


def _season_value(season: str, year: int) -> str:
    a, b = _SEASON_MONTHS[season]
    if season == "winter":  # winter Y runs December Y to February Y+1
        return f"{_iso_month(year, 12)}/{_iso_month(year + 1, 2)}"
    return f"{_iso_month(year, a)}/{_iso_month(year, b)}"


def _season_of(d: date) -> tuple[str, int]:
    for s, (a, b) in _SEASON_MONTHS.items():
        if s in ("winter", "autumn"):
            continue
        if a <= d.month <= b:
            return s, d.year
    return "winter", d.year if d.month == 12 else d.year - 1


# a word (or a quoted one) right after "after", on the same line: the X of "a week after X"
_ANCHOR = re.compile(r"[^\S\n]+[\w\"'“‘]")


def _names_an_anchor(text: str, pos: int) -> bool:
    """Whether ``text[pos:]`` goes on with the X of "a week after X" (not ",", "." or a line end)."""
    return _ANCHOR.match(text, pos) is not None


# What a resolver gives: (value, granularity, relative), or None to reject the match.
Resolved = tuple[str, str, bool] | None


def _day(g: dict, m: re.Match, ref: date | None, yref: date | None) -> Resolved:
    """"2025-06-04", "June 4, 2025", "4 June 2025"."""
    mon = int(g["m"]) if g["m"].isdigit() else _month_of(g["m"])  # ISO's month is digits
    y, d = int(g["y"]), int(g["d"])
    if d > calendar.monthrange(y, mon)[1] or not 1 <= mon <= 12:
        return None
    return _iso_day(date(y, mon, d)), "day", False


def _day_in_year(g: dict, m: re.Match, ref: date | None, yref: date | None) -> Resolved:
    """"June 4", "4 June": the year the reference places it in, else year-less."""
    mon, d = _month_of(g["m"]), int(g["d"])
    if not 1 <= d <= 31:
        return None
    y = _infer_year(mon, d, yref)
    if y is None:
        return f"--{mon:02d}-{d:02d}", "day", True
    if d > calendar.monthrange(y, mon)[1]:
        return None
    return _iso_day(date(y, mon, d)), "day", True


def _month(g: dict, m: re.Match, ref: date | None, yref: date | None) -> Resolved:
    """"August 2024", "late April", "in March"."""
    mon = _month_of(g["m"])
    if g.get("y"):
        return _iso_month(int(g["y"]), mon), "month", False
    y = _infer_year(mon, None, yref)
    return (f"--{mon:02d}" if y is None else _iso_month(y, mon)), "month", True


def _month_relyear(g: dict, m: re.Match, ref: date | None, yref: date | None) -> Resolved:
    """"August of last year"."""
    if ref is None:
        return "", "month", True
    dy = {"last": -1, "previous": -1, "next": 1, "following": 1}.get(g["rel"].lower(), 0)
    return _iso_month(ref.year + dy, _month_of(g["m"])), "month", True


def _rel_month(g: dict, m: re.Match, ref: date | None, yref: date | None) -> Resolved:
    """"last March", "earlier this month" named by its month ("earlier in June")."""
    if ref is None:
        return "", "month", True
    rel, mon = " ".join(g["rel"].lower().split()), _month_of(g["m"])
    if rel in ("earlier in", "earlier this") and mon == ref.month:
        if ref.day == 1:
            return None
        return f"{_iso_day(ref.replace(day=1))}/{_iso_day(ref - timedelta(days=1))}", "range", True
    if rel == "last":
        y = ref.year if mon < ref.month else ref.year - 1
    elif rel == "next":
        y = ref.year if mon > ref.month else ref.year + 1
    elif rel in ("this", "later this"):
        y = ref.year
    else:
        y = _infer_year(mon, None, ref)
    return _iso_month(y, mon), "month", True


def _year_range(g: dict, m: re.Match, ref: date | None, yref: date | None) -> Resolved:
    """"2022-2024", "2022-24"."""
    y1, y2 = int(g["y1"]), g["y2"]
    y2 = int(y2) if len(y2) == 4 else (y1 // 100) * 100 + int(y2)
    if y2 <= y1:
        return None
    return f"{y1}/{y2}", "range", False


def _decade(g: dict, m: re.Match, ref: date | None, yref: date | None) -> Resolved:
    """"the 1990s"."""
    y = int(g["y"])
    return f"{y}/{y + 9}", "decade", False


def _year(g: dict, m: re.Match, ref: date | None, yref: date | None) -> Resolved:
    return g["y"].zfill(4), "year", False  # "373" -> "0373": values sort as text


def _era_year(g: dict, m: re.Match, ref: date | None, yref: date | None) -> Resolved:
    """"75 BC", "500 CE", "AD 79": a year of the common era as a year; one before it unresolved
    (values are ISO years, which have none)."""
    if g.get("ad"):
        return g["ad"].zfill(4), "year", False
    return ("" if g["era"].startswith("B") else g["y"].zfill(4)), "year", False


def _past_year(text: str, m: re.Match) -> bool:
    """Whether a number before 1900 (``past_year``, ``past_year_range``, ``era_year``) reads as a
    year here: the words of ``vocab.toml`` [past_years] before it (a range or an era needs none:
    "(1544–1547)", "75 BC") and the end of a clause or a function word after it."""
    if not _PAST_AFTER.match(text, m.end()):
        return False  # "in 500 homes", "1200-1500 troops", "3 AD patients"
    if "y1" in m.groupdict() or "era" in m.groupdict():
        return True  # a range of years or an era's says so itself
    before = text[:m.start()]
    return bool(_PAST_BEFORE.search(before)) and not _RATIO_BEFORE.search(before)


def _season(g: dict, m: re.Match, ref: date | None, yref: date | None) -> Resolved:
    """"fall 2024", "last spring" (a bare "fall" is a verb or a noun, not a time)."""
    season = g["s"].lower()
    season = "fall" if season == "autumn" else season
    rel = " ".join((g.get("rel") or "").lower().split())
    if g.get("y"):
        return _season_value(season, int(g["y"])), "season", False
    if not rel:
        return None
    if ref is None:
        return "", "season", True
    cur, cur_year = _season_of(ref)
    year = ref.year if season != "winter" else (ref.year if ref.month == 12 else ref.year - 1)
    key = rel.replace("the ", "")
    if key in ("last", "previous", "past"):
        # the latest such season that has already ended before the current one
        start = date(year, _SEASON_MONTHS[season][0], 1)
        if start >= date(cur_year, _SEASON_MONTHS[cur][0], 1):
            year -= 1
    elif key in ("next", "coming", "following"):
        start = date(year, _SEASON_MONTHS[season][0], 1)
        if start <= ref:
            year += 1
    return _season_value(season, year), "season", True


def _quarter(g: dict, m: re.Match, ref: date | None, yref: date | None) -> Resolved:
    """"Q3 2024", "the second quarter"."""
    q = int(g["q"]) if g.get("q") else _ORDINAL_QUARTER[g["qw"].lower()]
    if g.get("y"):
        y, rel = int(g["y"]), False
    elif ref is not None:
        y, rel = ref.year, True
    else:
        return "", "quarter", True
    return f"{_iso_month(y, 3 * q - 2)}/{_iso_month(y, 3 * q)}", "quarter", rel


# The resolvers below count from the reference date: without one they resolve to "".
def _rel_unit(g: dict, m: re.Match, ref: date, yref: date | None) -> Resolved:
    """"last year", "earlier this month", "the past week", "later that day"."""
    rel, unit = " ".join(g["rel"].lower().split()), g["u"].lower()
    key = rel.replace("the ", "")
    back = key in ("last", "previous", "past")
    fwd = key in ("next", "coming", "following")
    if unit == "year":
        if key == "past":  # "the past year": the twelve months before the reference
            return f"{_iso_day(shift_months(ref, -12))}/{_iso_day(ref)}", "range", True
        if key.startswith("earlier") or key == "so far this":
            return f"{ref.year}-01-01/{_iso_day(ref)}", "range", True
        if key.startswith("later"):
            return f"{_iso_day(ref)}/{ref.year}-12-31", "range", True
        return str(ref.year - 1 if back else ref.year + 1 if fwd else ref.year), "year", True
    if unit == "month":
        if key == "past":
            return f"{_iso_day(shift_months(ref, -1))}/{_iso_day(ref)}", "range", True
        if key.startswith("earlier") or key == "so far this":
            if ref.day == 1:
                return _iso_month(ref.year, ref.month), "month", True
            return f"{_iso_day(ref.replace(day=1))}/{_iso_day(ref - timedelta(days=1))}", "range", True
        d = shift_months(ref, -1 if back else 1 if fwd else 0)
        return _iso_month(d.year, d.month), "month", True
    if unit == "week":
        monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=-1 if back else 1 if fwd else 0)
        return f"{_iso_day(monday)}/{_iso_day(monday + timedelta(days=6))}", "week", True
    if unit == "day":
        if key.startswith(("earlier", "later", "this", "same", "current")):
            return _iso_day(ref), "day", True
        return _iso_day(ref + timedelta(days=-1 if back else 1 if fwd else 0)), "day", True
    if unit == "decade":
        return f"{ref.year - 10}/{ref.year}", "range", True
    return None


def _ago(g: dict, m: re.Match, ref: date, yref: date | None) -> Resolved:
    """"three months ago", "two days later", "a week after X"."""
    n, unit, direction = _num(g["n"]), g["u"].lower().rstrip("s"), g["dir"].lower()
    sign = -1 if direction in ("ago", "earlier", "before") else 1
    if direction == "after" and _names_an_anchor(m.string, m.end()):
        # "a week after X" dates X, a week before the reference event; "two days later"
        # and a clause-final "a week after" name no X and stay a week ahead of the reference
        sign = -1
    return _shifted(ref, sign * n, unit)


def _shifted(ref: date, n: int, unit: str) -> Resolved:
    """The reference moved by ``n`` units (negative: back), at the unit's grain."""
    if unit == "day":
        return _iso_day(ref + timedelta(days=n)), "day", True
    if unit == "week":
        return _iso_day(ref + timedelta(weeks=n)), "week", True
    if unit == "month":
        d = shift_months(ref, n)
        return _iso_month(d.year, d.month), "month", True
    if unit == "year":
        return str(ref.year + n), "year", True
    return str(ref.year + 10 * n), "year", True


def _span_after(g: dict, m: re.Match, ref: date, yref: date | None) -> Resolved:
    """"less than a week after X": the span up to the reference; "just a week after X": X is
    a point that far before the reference."""
    if g["q"].lower() in ("just", "only"):
        return _shifted(ref, -_num(g["n"]), g["u"].lower().rstrip("s"))
    return _span(g, m, ref, yref)


def _span(g: dict, m: re.Match, ref: date, yref: date | None) -> Resolved:
    """"within two weeks", "in under three months": the span up to the reference."""
    n, unit = _num(g["n"]), g["u"].lower().rstrip("s")
    months = {"month": n, "year": 12 * n, "decade": 120 * n}.get(unit)
    start = shift_months(ref, -months) if months else ref - timedelta(days=n * (7 if unit == "week" else 1))
    return f"{_iso_day(start)}/{_iso_day(ref)}", "range", True


def _weekday(g: dict, m: re.Match, ref: date, yref: date | None) -> Resolved:
    """"on Tuesday", "last Friday", "next Monday"."""
    rel = (g.get("rel") or "").lower()
    target = _WEEKDAYS[g["wd"].lower()]
    if rel == "next":
        delta = (target - ref.weekday()) % 7 or 7
        return _iso_day(ref + timedelta(days=delta)), "day", True
    # the most recent such weekday on or before the reference ("last Tuesday": strictly before)
    delta = (ref.weekday() - target) % 7
    if rel in ("last", "past") and delta == 0:
        delta = 7
    return _iso_day(ref - timedelta(days=delta)), "day", True


def _dayword(g: dict, m: re.Match, ref: date, yref: date | None) -> Resolved:
    """"yesterday", "today", "tomorrow", "tonight"."""
    return _iso_day(ref + timedelta(days={"yesterday": -1, "tomorrow": 1}.get(g["w"].lower(), 0))), "day", True


# One resolver per pattern of ``_PATTERNS``; those that count from the reference, with the
# granularity of their unresolved value.
_RESOLVERS = {
    "iso": _day, "mdy": _day, "dmy": _day, "md": _day_in_year, "dm": _day_in_year,
    "part_month": _month, "month_year": _month, "month": _month, "month_relyear": _month_relyear,
    "rel_month": _rel_month, "year_range": _year_range, "decade": _decade, "year": _year,
    "past_year_range": _year_range, "past_year": _year, "era_year": _era_year,
    "season": _season, "quarter": _quarter,
}
_FROM_REFERENCE = {
    "rel_unit": (_rel_unit, "range"), "ago": (_ago, "range"), "within": (_span, "range"),
    "span_after": (_span_after, "range"), "weekday": (_weekday, "day"), "dayword": (_dayword, "day"),
}


def _resolve(name: str, m: re.Match, ref: date | None, year_ref: date | None = None) -> Resolved:
    """(value, granularity, relative) for one match of the pattern ``name``, or None to reject it.

    ``year_ref`` (when ``ref`` is None) only places year-less dates ("in late April").
    """
    g = m.groupdict()
    try:
        if name in _RESOLVERS:
            found = _RESOLVERS[name](g, m, ref, ref if ref is not None else year_ref)
        else:
            resolver, grain = _FROM_REFERENCE[name]
            if ref is None:
                return "", grain, True
            found = resolver(g, m, ref, year_ref)
    except (ValueError, OverflowError):
        # "over the last 4000 years" counted back from 2025 leaves the calendar (year 1 to
        # 9999): no day of it can be compared, so it is no time
        return None
    read = period(found[0]) if found is not None and found[0] else None
    if read is not None and not read.resolved and not read.year_less:
        return None  # "4500 years ago" as year -2475: outside the calendar too
    return found


@dataclass(frozen=True, slots=True)
class Period:
    """A time value read once: its days, or the month and day of a year-less value.

    Attributes:
        value: the value as stored (the module docstring's forms: "2025-06-04", "2024",
            "2023-08/2025-03", "--06-04", or "" when unresolved).
        first, last: the first and last day it covers; None when unresolved or year-less.
        month_day: a year-less value's "MM" or "MM-DD" ("" for any other).
    """

    value: str
    first: date | None = None
    last: date | None = None
    month_day: str = ""

    @property
    def resolved(self) -> bool:
        """Whether its days are known (a year-less or unresolved value has none)."""
        return self.first is not None

    @property
    def year_less(self) -> bool:
        return bool(self.month_day)

    def overlaps(self, other: Period) -> bool:
        """Whether the two share at least one day (False when either is not resolved)."""
        return bool(self.resolved and other.resolved and self.first <= other.last and other.first <= self.last)

    def apart(self, other: Period) -> bool:
        """Whether both are resolved and share no day: known to be different times."""
        return self.resolved and other.resolved and not self.overlaps(other)

    def contains(self, other: Period) -> bool:
        """Whether every day of ``other`` lies within this period."""
        return bool(self.resolved and other.resolved and self.first <= other.first and other.last <= self.last)

    def meets(self, asked: Period) -> bool:
        """Whether this period meets an asked time: they share a day, or the asked time is
        year-less ("in March") and falls in one of this period's years within its days."""
        if not asked.year_less:
            return self.overlaps(asked)
        if not self.resolved:
            return False
        for year in range(self.first.year, self.last.year + 1):
            if period(f"{year}-{asked.month_day}").overlaps(self):
                return True
        return False


@lru_cache(maxsize=65536)
def period(value: str) -> Period:
    """The ``Period`` of a stored value (read once per value and process)."""
    if value.startswith("--"):
        return Period(value, month_day=value[2:])
    days = _days(value)
    return Period(value, *days) if days else Period(value)


def _days(value: str) -> tuple[date, date] | None:
    if not value:
        return None
    if "/" in value:
        a, b = value.split("/", 1)
        lo = _days(a) if a != ".." else (date.min, date.min)
        hi = _days(b) if b != ".." else (date.max, date.max)
        if lo is None or hi is None:
            return None
        return lo[0], hi[1]
    parts = value.split("-")
    try:
        y = int(parts[0])
        if len(parts) == 1:
            return date(y, 1, 1), date(y, 12, 31)
        mon = int(parts[1])
        if len(parts) == 2:
            return date(y, mon, 1), date(y, mon, calendar.monthrange(y, mon)[1])
        d = date(y, mon, int(parts[2]))
        return d, d
    except (ValueError, IndexError):
        return None


def bounds(value: str) -> tuple[date, date] | None:
    """First and last day covered by a value ("2024" -> Jan 1..Dec 31), None if unresolved."""
    p = period(value)
    return (p.first, p.last) if p.resolved else None


def overlaps(a: str, b: str) -> bool:
    """True when two resolved values share at least one day (False if either is unresolved)."""
    return period(a).overlaps(period(b))


def contains(outer: str, inner: str) -> bool:
    """True when every day of ``inner`` lies within ``outer``."""
    return period(outer).contains(period(inner))


def label(value: str) -> str:
    """A reader's form of a value: "June 4, 2025", "June 2025", "2024", "August 2023 to March 2025"."""
    if not value:
        return ""
    if "/" in value:
        a, b = value.split("/", 1)
        if b == "..":
            return f"since {label(a)}"
        return f"{label(a)} to {label(b)}"
    if value.startswith("--"):  # a month or day whose year no text gave: "January", "June 4"
        parts = value[2:].split("-")
        try:
            month = calendar.month_name[int(parts[0])]
            return f"{month} {int(parts[1])}" if len(parts) == 2 else month
        except (ValueError, IndexError):
            return value
    parts = value.split("-")
    year = parts[0].lstrip("0") if parts[0].isdigit() else parts[0]  # "0373" is written 373
    try:
        if len(parts) == 3:
            return f"{calendar.month_name[int(parts[1])]} {int(parts[2])}, {year}"
        if len(parts) == 2:
            return f"{calendar.month_name[int(parts[1])]} {year}"
    except (ValueError, IndexError):
        return value
    return year if len(parts) == 1 else value


_ANY_TIME = re.compile(rf"(?i)\d|{MONTH_PREFIXES}|day|week|month|year|"
                       r"spring|summer|fall|autumn|winter|quarter|decade|tonight")


# Cheap tests that must pass before a pattern is tried (most sentences have no time at all).
# month names are capitalised in running text (the patterns require it); loose mode is not
_MONTH_GATE = MONTH_PREFIXES
_MONTH_GATE_LOOSE = rf"(?i){MONTH_PREFIXES}"
_UNIT_GATE = r"(?i)day|week|month|year|decade"
_GATE_OF = {
    "iso": r"\d{4}-\d\d-\d\d", "mdy": _MONTH_GATE, "dmy": _MONTH_GATE, "md": _MONTH_GATE, "dm": _MONTH_GATE,
    "part_month": _MONTH_GATE, "month_year": _MONTH_GATE, "month_relyear": _MONTH_GATE, "rel_month": _MONTH_GATE,
    "month": _MONTH_GATE, "year_range": r"(?:19|20)\d\d", "decade": r"\d0'?s", "year": r"(?:19|20)\d\d",
    "past_year_range": r"1\d{3}\s*[-–—]", "past_year": r"\d{3}", "era_year": rf"\b(?:{_ERA})\b",
    "season": r"(?i)spring|summer|fall|autumn|winter", "quarter": r"(?i)Q[1-4]|quarter",
    "rel_unit": _UNIT_GATE, "ago": _UNIT_GATE, "within": _UNIT_GATE, "span_after": _UNIT_GATE,
    "weekday": r"(?i)day", "dayword": r"(?i)yesterday|today|tomorrow|tonight",
}
_GATES = {g: re.compile(g) for g in set(_GATE_OF.values())}
_GATES_LOOSE = {**_GATES, _MONTH_GATE: re.compile(_MONTH_GATE_LOOSE)}


def _raw_matches(text: str, ref: date | None, loose: bool, year_ref: date | None = None) -> list[TimeExpr]:
    found: list[TimeExpr] = []
    if not _ANY_TIME.search(text):
        return found
    open_gates = {g for g, rx in (_GATES_LOOSE if loose else _GATES).items() if rx.search(text)}
    for name, rx in (_LOOSE if loose else _COMPILED):
        if _GATE_OF[name] not in open_gates:
            continue
        for m in rx.finditer(text):
            if name in ("past_year", "past_year_range", "era_year") and not _past_year(text, m):
                continue
            if name == "month" and m.group("m") == "May":
                before = text[max(0, m.start() - 10):m.start()].lower()
                if not re.search(r"\b(in|since|by|until|till|during|of|from|to|early|late|mid|last|next|this)\s+$", before):
                    continue  # "May" alone is far more often the verb
            res = _resolve(name, m, ref, year_ref)
            if res is None:
                continue
            s, e = m.span()
            seg = text[s:e]
            lead = len(seg) - len(seg.lstrip())
            seg = seg.strip()
            if name == "weekday" and seg.lower().startswith("on "):
                lead += 3  # "on Tuesday": the preposition is not part of the date
                seg = seg[3:]
            if name == "season" and seg.lower().startswith(("in ", "during ")):
                cut = len(seg.split(None, 1)[0]) + 1
                lead += cut
                seg = seg[cut:].lstrip()
                if seg.lower().startswith("the "):
                    lead += 4
                    seg = seg[4:]
            if not seg:
                continue
            found.append(TimeExpr(seg, s + lead, s + lead + len(seg), *res))
    # longest first, then leftmost: overlapping shorter matches are parts of a longer one
    found.sort(key=lambda t: (-(t.end - t.start), t.start))
    kept: list[TimeExpr] = []
    for t in found:
        if all(t.end <= k.start or t.start >= k.end for k in kept):
            kept.append(t)
    return sorted(kept, key=lambda t: t.start)


def _combine(text: str, times: list[TimeExpr], ref: date | None) -> list[TimeExpr]:
    """Join "between A and B", "from A to B" into ranges and "since A" into open periods."""
    out: list[TimeExpr] = []
    i = 0
    while i < len(times):
        t = times[i]
        before = text[:t.start]
        nxt = times[i + 1] if i + 1 < len(times) else None
        pre = re.search(r"(?i)\b(between|from)\s+$", before)
        if pre and nxt is not None:
            mid = text[t.end:nxt.start]
            if re.fullmatch(r"(?i)\s*(and|to|until|till|through|-|–)\s*", mid):
                a, b = bounds(t.value), bounds(nxt.value)
                value = f"{t.value.split('/')[0]}/{nxt.value.split('/')[-1]}" if a and b else ""
                s = pre.start()
                out.append(TimeExpr(text[s:nxt.end], s, nxt.end, value, "range", t.relative or nxt.relative))
                i += 2
                continue
        since = re.search(r"(?i)\bsince\s+$", before)
        if since:
            start = t.value.split("/")[0] if t.value else ""
            end = _iso_day(ref) if ref else ".."
            value = f"{start}/{end}" if start else ""
            s = since.start()
            out.append(TimeExpr(text[s:t.end], s, t.end, value, "range", t.relative or ref is not None))
            i += 1
            continue
        out.append(t)
        i += 1
    return out


def find_times(text: str, reference: str = "", offset: int = 0, loose: bool = False,
               year_reference: str = "") -> list[TimeExpr]:
    """Every time expression in ``text``, resolved against ``reference``, in order.

    Args:
        text: any text (a sentence, a document, a question).
        reference: ISO date the relative expressions count from ("" = unknown: relative
            and year-less expressions get ``value == ""``).
        offset: added to every start/end (pass the text's offset in its document).
        loose: accept lower-case month names (for typed questions), except "may".
        year_reference: when ``reference`` is "", a date that only places year-less dates
            ("late April" in an article whose own date is unknown but whose years are stated).

    Returns:
        Non-overlapping ``TimeExpr`` in text order; the longest reading wins
        ("Wednesday, June 4, 2025" is one expression, not three).

    Raises:
        ValueError: ``reference`` is neither "" nor an ISO date.
    """
    ref = parse_reference(reference)
    times = _combine(text, _raw_matches(text, ref, loose, parse_reference(year_reference)), ref)
    if offset:
        times = [TimeExpr(t.text, t.start + offset, t.end + offset, t.value, t.granularity, t.relative)
                 for t in times]
    return times


_NAMED = re.compile(rf"{_MON}|\d{{4}}")
_FUTURE = re.compile(r"(?i)\b(will|would|scheduled|expected|plans?|planned|next|upcoming|due|set to)\b")
_NOT_NEWS = re.compile(r"(?i)updated|modified|accessed|retrieved|copyright|©")


def _stated_times(text: str, reference: str) -> list[TimeExpr]:
    """Time expressions that report the past: not in "updated" lines, not just after "will"."""
    out = []
    for line in text.split("\n"):
        if _NOT_NEWS.search(line):
            continue
        for t in find_times(line, reference):
            if not _FUTURE.search(line[max(0, t.start - 30):t.start]):
                out.append(t)
    return out


def reference_date(text: str, published: str = "") -> str:
    """The date to resolve an article's relative expressions against, or "".

    ``published`` is trusted unless the text reports (not after "will", "scheduled", ...)
    a named date more than a week after it: then it is probably a photo or file date, and
    "" is returned (better unresolved than wrong). Without ``published``, the latest day
    the text states (``latest_stated_day``) is used, under the same check.

    Raises:
        ValueError: ``published`` is neither "" nor an ISO date.
    """
    return _reference_date(text, published or "")


@lru_cache(maxsize=1024)
def _reference_date(text: str, published: str) -> str:
    # cached: the claim ledger and the event finder both ask for every document's date
    pub = parse_reference(published)
    if pub is None:
        latest = latest_stated_day(text)
        return _reference_date(text, latest) if latest else ""
    for t in _stated_times(text, published):
        b = bounds(t.value)
        if _NAMED.search(t.text) and t.granularity in ("day", "month") and b and b[0] > pub + timedelta(days=7):
            return ""
    return published


@lru_cache(maxsize=1024)
def latest_stated_day(text: str) -> str:
    """The latest day-precise date the text states as past, year-less ones ("reported on
    March 21") placed by the years it states; "" when it states none. An article is written
    after what it reports, so this bounds its date from below (a photo caption's date may
    be all it has: ``reference_date`` checks it against the rest of the text).
    """
    latest: date | None = None
    for t in _stated_times(text, ""):
        if t.granularity == "day" and t.value and not t.relative:
            d = date.fromisoformat(t.value)
            latest = d if latest is None or d > latest else latest
    if latest is None:
        return ""
    for t in _stated_times(text, latest.isoformat()):
        if t.granularity == "day" and t.value and "/" not in t.value and re.search(r"\d", t.text) \
                and _NAMED.search(t.text) and not re.search(r"(?i)ago|after|before", t.text):
            latest = max(latest, date.fromisoformat(t.value))
    return latest.isoformat()
