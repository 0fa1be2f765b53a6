"""The plain sentences that say each value and how the values relate.

"around 600 killed (per South Korean lawmaker Lee Seong-kweun) counts killed, a different
measure from the other figure"; "Sources give parts of a total: ... about 15,000 in all".
``note`` words one value group, ``summary`` the whole reconciliation. Which values answer and
how they relate is decided in ``qa/sources/conflicts.py``; this module only says it.
"""

from __future__ import annotations

import re
from typing import Sequence

from index.claims import Claim, measure_family, value_range
from lang import timex
from lang.vocab import APPROXIMATE
from qa.question import Need
from qa.sources.values import (COMPATIBLE, CONTRADICTION, DIFFERENT_EVENT, DIFFERENT_MEASURE, PART_OF_TOTAL, SAME,
                               ValueGroup)

__all__ = ["note", "summary", "detail"]

_MEASURE_WORDS = {"killed": "killed", "casualties": "casualties (killed and wounded together)",
                  "wounded": "wounded", "deployed": "deployed", "sent": "sent", "supplied": "supplied"}


def _fmt(x: float) -> str:
    return f"{int(round(x)):,}" if abs(x - round(x)) < 1e-9 else f"{x:,.1f}"


_GENERIC_SOURCE = re.compile(r"(?i)^(?:online\s+|media\s+|news\s+)?reports?$")


def _who(g: Sequence[Claim]) -> str:
    # "Reports reveal that ..." names no one; leave it out rather than print "per Reports"
    names = list(dict.fromkeys(c.attribution for c in g if c.attribution and not _GENERIC_SOURCE.match(c.attribution)))
    return f" (per {', '.join(names)})" if names else ""


def _when_phrase(when: str) -> str:
    if when.startswith("since"):
        return when
    if " to " in when:
        return f"from {when}"
    if "," in when:
        return f"as of {when}"  # a day next to a figure is the day it was given
    return f"in {when}"


def _claim_when(c: Claim) -> str:
    """When a figure applies, for a reader: "in 2024", "since September 2024", "as of June 4, 2025"."""
    start, _, end = c.time.partition("/")
    if end and end == c.reference:  # "since last fall", counted up to the article's date
        return f"since {timex.label(start)}"
    return _when_phrase(timex.label(c.time))


def _phrase(g: ValueGroup) -> str:
    """The value of a group for a reader, with who gives it: "about 600 killed (per X)".

    Sources that agree on a figure may word or place it differently ("approximately 12,000
    deployed in 2024" and "up to 12,000 deployed since September 2024"): each wording is said,
    with its own source, so a bound is never passed off as a point value.
    """
    if g.unit == "date":
        return f"{g.when or g.value_text}{_who(g.claims)}"
    measure = g.measure if g.measure and g.measure != g.unit else ""
    detail = f", {g.detail}" if g.detail else ""
    wordings = list(dict.fromkeys((c.value_text, _claim_when(c) if c.time else "") for c in g.claims))
    if len(wordings) == 1:
        value, when = wordings[0]
        when = when or (_when_phrase(g.when) if g.when else "")
        return f"{' '.join(x for x in (value, measure, when) if x)}{detail}{_who(g.claims)}"
    said = []
    for value, when in wordings:
        claims = [c for c in g.claims if (c.value_text, _claim_when(c) if c.time else "") == (value, when)]
        said.append(f"{' '.join(x for x in (value, measure, when) if x)}{_who(claims)}")
    return " and ".join(said) + detail


def detail(g: list[Claim], fractions: list[Claim]) -> str:
    """What a fraction in the same sentence adds to a figure: "two-thirds of them killed, about 2,700"."""
    for f in fractions:
        if any(f.sentence == c.sentence and f.share_of == c.value for c in g):
            base = value_range(g[0].value)
            num, den = (int(x) for x in f.value.split("/"))
            implied = f", about {_fmt(round(base[0] * num / den, -2))}" if base and base[0] == base[1] else ""
            return f"{f.value_text} of them {f.measure}{implied}".strip()
    return ""


_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£"}


def _total_text(total: str, groups: Sequence[ValueGroup]) -> str:
    """The total in the parts' own style: "about 15,000", "$20 million"."""
    parts = [g for g in groups if g.relation == PART_OF_TOTAL]
    x = float(total)
    text = _fmt(x)
    scale = re.search(r"(?i)\b(thousand|million|billion|trillion)\b", " ".join(g.value_text for g in parts))
    if scale:
        div = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}[scale.group(1).lower()]
        text = f"{x / div:,.2f}".rstrip("0").rstrip(".") + f" {scale.group(1).lower()}"
    unit = parts[0].unit if parts else ""
    text = _SYMBOL.get(unit, "") + text + ("" if unit in _SYMBOL or not any(c.kind == "money" for g in parts for c in g.claims) else f" {unit}")
    approx = any(c.qualifier in APPROXIMATE for g in parts for c in g.claims)
    return f"about {text}" if approx else text


def note(need: Need, g: ValueGroup, relation: str, others: list[ValueGroup], total: str) -> str:
    """One plain sentence saying value group ``g`` and how it relates to the ``others``."""
    n_src = len({c.doc_id for c in g.claims})
    src = f"{n_src} sources give" if n_src > 1 else "One source gives"
    what = _phrase(g)
    if relation in ("", SAME):
        return f"{src} {what}."
    if relation == DIFFERENT_MEASURE:
        counts = _MEASURE_WORDS.get(g.measure, g.measure or "something else")
        return f"{what} counts {counts}, a different measure from the other figure."
    if relation == PART_OF_TOTAL:
        extra = f"; together {_total_text(total, others)} in all" if total else ""
        return f"{what} is one part of a cumulative total over separate periods{extra}."
    if relation == DIFFERENT_EVENT:
        if need.kind == "date":
            noun = {"visit": "visit", "start": "start", "signing": "signing"}.get(measure_family(g.measure), "event")
            return f"{what}: a separate {noun} from the other dates."
        return f"{what} refers to a different time or group than the other figure."
    if relation == COMPATIBLE:
        return f"{what} is consistent with the other figure: their bounds overlap."
    other = next((o for o in others if o is not g), None)
    vs = f" while another gives {_phrase(other)}" if other else ""
    return f"{src} {what}{vs}; the sources contradict each other and do not say which is right."


def summary(need: Need, groups: list[ValueGroup], total: str) -> str:
    """One line over every value ("Sources differ: ... vs ...; these count different things"), or ""."""
    if len(groups) < 2:
        return ""
    parts = " vs ".join(f"{_phrase(g)}" for g in groups)
    rels = {g.relation for g in groups}
    if CONTRADICTION in rels:
        return f"Sources contradict each other: {parts}; they do not say which is right."
    if PART_OF_TOTAL in rels:
        parts = " plus ".join(f"{_phrase(g)}" for g in groups if g.relation == PART_OF_TOTAL)
        tail = f", {_total_text(total, groups)} in all" if total else ""
        return f"Sources give parts of a total: {parts}{tail}."
    if DIFFERENT_MEASURE in rels:
        return f"Sources differ: {parts}; these count different things."
    if DIFFERENT_EVENT in rels:
        if need.kind == "date":
            return f"Sources give different dates for different occurrences: {parts}."
        return f"Sources differ: {parts}; these refer to different times or groups."
    return f"Sources differ: {parts}; the figures are consistent with each other."
