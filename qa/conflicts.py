"""When sources give different figures or dates: list each value and say how they relate.

``reconcile(question, claims)`` reads what the question asks (a count or a date, its
measure and unit words: "how many troops were deployed" -> a personnel count of the
deployment family), keeps the claims that answer it, merges equal values from several
sources into one group with several citations, and labels how the groups relate:

- ``same``: one value, stated by several sources;
- ``different-measure``: the figures count different things (killed vs casualties);
- ``part-of-total``: the same measure over separate periods (12,000 last year plus 3,000 this
  year); a total is stated only when it is sound (one source, or an explicit "additional");
- ``different-event``: different occurrences or times (visits on March 21 and June 4);
- ``compatible``: different figures whose bounds agree ("at least 64" and "70");
- ``contradiction``: the same measure, unit, subject and time with different values, or
  one event dated differently; said plainly, without picking a side.

It knows nothing of ``Answer`` or ``Citation``: the pipeline turns each ``ValueGroup`` into
a ``qa.records.Value`` and its claims into citations. Extraction is ``index/claims.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from index import timex
from index.claims import (EVENT_FAMILIES, Claim, is_caption, measure_family, measure_words, measures_related,
                          qualifier_direction, unit_family, units_compatible, value_range)

__all__ = ["reconcile", "read_question", "Need", "ValueGroup", "Reconciliation", "RELATIONS",
           "SAME", "DIFFERENT_MEASURE", "PART_OF_TOTAL", "DIFFERENT_EVENT", "COMPATIBLE", "CONTRADICTION"]

SAME = "same"
DIFFERENT_MEASURE = "different-measure"
PART_OF_TOTAL = "part-of-total"
DIFFERENT_EVENT = "different-event"
COMPATIBLE = "compatible"
CONTRADICTION = "contradiction"
RELATIONS = (SAME, DIFFERENT_MEASURE, PART_OF_TOTAL, DIFFERENT_EVENT, COMPATIBLE, CONTRADICTION)
# When a group relates differently to several others, the strongest relation is shown.
_STRENGTH = {CONTRADICTION: 5, PART_OF_TOTAL: 4, DIFFERENT_MEASURE: 3, DIFFERENT_EVENT: 2, COMPATIBLE: 1, SAME: 0, "": -1}


@dataclass(frozen=True, slots=True)
class Need:
    """What a question asks for.

    Attributes:
        kind: "count" (how many / how much), "date" (when) or "" (neither).
        measure: the measure lemma asked about ("killed", "sent", "arrived") or "".
        unit: the unit family asked about ("personnel", "shipments"), "money" for any
            currency, "percent", or "".
        terms: the question's other content words (its subject), lower case.
        time: a time the question names, resolved ("2024"), year-less ("--03" for "in
            March" without a reference date), or "".
    """

    kind: str
    measure: str = ""
    unit: str = ""
    terms: tuple[str, ...] = ()
    time: str = ""


@dataclass(frozen=True, slots=True)
class ValueGroup:
    """One distinct value and every claim that states it.

    Attributes:
        value_text: the value as the first source writes it ("approximately 12,000").
        normalized: the comparable value ("12000", "2025-06-04").
        unit, measure: the unit family and measure lemma ("personnel", "deployed").
        when: the time the value refers to, for a reader ("2024", "June 4, 2025"), or "".
        claims: the claims that state it (one per citation), best first.
        relation: how this value relates to the others (one of ``RELATIONS``, "" when alone).
        note: one plain sentence saying that relation.
        detail: what the same sentence adds ("two-thirds of them killed"), or "".
    """

    value_text: str
    normalized: str
    unit: str
    measure: str
    when: str
    claims: tuple[Claim, ...]
    relation: str = ""
    note: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The values that answer a question, grouped, with how they relate.

    Attributes:
        need: what the question asks.
        groups: one per distinct value, the best supported first.
        summary: one sentence ("Sources differ: ..."), or "" when there is at most one value.
        total: a sound sum of parts ("15000") when the values are parts of a total, else "".
    """

    need: Need
    groups: tuple[ValueGroup, ...] = ()
    summary: str = ""
    total: str = ""


# --- reading the question -------------------------------------------------------------------

_COUNT_Q = re.compile(r"(?i)\b(how\s+many|how\s+much|number\s+of|what\s+(?:number|figure|share|percentage|"
                      r"proportion|fraction|amount|total)|how\s+(?:large|big)|death\s+toll|toll|estimates?|"
                      r"figures?|tally|count)\b")
# "when" asks for a date at the start of a question or before an auxiliary ("and when did he
# leave"), not as a conjunction ("what did they discuss when they met")
_DATE_Q = re.compile(r"(?i)(?:^\W*(?:and\s+|but\s+|so\s+)?when\b|\bwhen\s+(?:did|was|were|is|are|do|does|will|has|have|had)\b)|"
                     r"\b(what\s+(?:date|day|year|month|time)s?|which\s+(?:date|day|year|month)s?|"
                     r"on\s+what\s+(?:date|day)|since\s+when|how\s+long\s+ago)\b")
_QSTOP = set("""how many much what which when where who whom whose why is are was were be been being do does did
has have had the a an of in on at to for from by with about and or that this these those there their its it
number many total figure figures estimate estimates did does sources source say said says report reported
according all any according during date day year month time toll count tally he she they his her
""".split())


def read_question(question: str, reference: str = "") -> Need:
    """What ``question`` asks for: kind, measure, unit, subject terms and named time."""
    q = question.strip()
    kind = "date" if _DATE_Q.search(q) else "count" if _COUNT_Q.search(q) else ""
    measures = measure_words(q)
    measure = measures[0][0] if measures else ""
    if kind == "date" and measures:
        # "When did Shoigu arrive for talks": the event verb, not a later noun
        measure = next((m for m, _, _ in measures if measure_family(m) in EVENT_FAMILIES), measure)
    unit = ""
    m = re.search(r"(?i)\bhow\s+many\s+((?:[\w'’-]+\s+){0,3}?)([\w'’-]+?)(?=\s+(?:were|was|have|has|had|did|do|"
                  r"does|are|is|of|in|to|from|did|been|died|killed)\b|[?.,]|$)", q)
    # "how many more", "how many of those": no unit named (a pronoun points back to the context)
    if m and m.group(2).lower() not in ("more", "additional", "other", "extra", "fewer", "less", "of", "those",
                                        "these", "them", "they", "it", "ones"):
        head = m.group(2).lower()
        unit = unit_family(head)
        if unit in ("casualties", "deaths", "fatalities", "injuries", "losses"):
            measure = measure or next((mm for mm, _, _ in measure_words(head)), "")
            unit = "people"
    if re.search(r"(?i)\b(money|cost|costs|funding|funds|budget|spend|spent|paid|pay|price|dollars|euros|"
                 r"pounds)\b", q):
        unit = "money"
    elif re.search(r"(?i)\b(percent|percentage|per\s+cent|proportion)\b", q):
        unit = "percent"
    if not unit:
        for word in re.findall(r"[A-Za-z]+", q):
            fam = unit_family(word)
            if fam != word.lower():
                unit = fam
                break
    times = timex.find_times(q, reference, loose=True)
    measure_spans = [(s, e) for _, s, e in measures] + [(t.start, t.end) for t in times]
    terms = []
    for w in re.finditer(r"[A-Za-z][\w'’-]*", q):
        low = w.group(0).lower().replace("’", "'")
        low = low[:-2] if low.endswith("'s") else low
        if low in _QSTOP or len(low) < 3 or any(s <= w.start() < e for s, e in measure_spans):
            continue
        if unit and unit_family(low) == unit:
            continue
        terms.append(low)
    when = next((t.value for t in times if t.value), "")
    return Need(kind=kind, measure=measure, unit=unit, terms=tuple(dict.fromkeys(terms)), time=when)


# --- selecting claims -----------------------------------------------------------------------

_REPEATABLE = {"visit"}  # families whose events recur (a second visit), unlike a signing or a start
_COUNT_KINDS = {"count", "vague", "money", "quantity", "percent"}
_DATE_GRAINS = {"day", "month", "season", "quarter", "year"}


def _mentions(term: str, text: str) -> bool:
    """A loose word match: "korea" matches "Korean", "troop" matches "troops"."""
    return re.search(rf"(?i)\b{re.escape(term[:max(4, len(term) - 2)])}", text) is not None


def _score(need: Need, c: Claim) -> int:
    text = f"{c.sentence} {c.about}"
    return sum(1 for t in need.terms if _mentions(t, text))


def _time_fits(asked: str, value: str) -> bool:
    """Does a claim's time ``value`` meet the asked time ("2024", or year-less "--03")?"""
    if not asked.startswith("--"):
        return timex.overlaps(asked, value)
    b = timex.bounds(value)
    if b is None:
        return False
    month, day = (int(x) for x in (asked[2:].split("-") + ["0"])[:2])
    for year in range(b[0].year, b[1].year + 1):
        lo = timex.bounds(f"{year}-{month:02d}" + (f"-{day:02d}" if day else ""))
        if lo and lo[0] <= b[1] and b[0] <= lo[1]:
            return True
    return False


_GENERIC_UNITS = {"units", "pieces", "items", "sets", "systems", "batches", "lots", "types", "kinds"}


def _stem(word: str) -> str:
    return re.sub(r"(?:ers|ies|es|s|ing|ed)$", "", word.lower())[:max(4, len(word) - 3)]


def _unit_fits(need: Need, c: Claim) -> bool:
    if need.unit == "money":
        return c.kind == "money"
    if need.unit == "percent":
        return c.kind == "percent"
    if c.kind == "percent":
        return False
    if not need.unit or units_compatible(need.unit, c.unit):
        return True
    # "220 units of 240mm multiple rocket launch systems" counts launchers
    return c.unit in _GENERIC_UNITS and _mentions(_stem(need.unit), c.sentence[c.value_end - c.start:])


def _measure_fits(need: Need, c: Claim, loose: int) -> bool:
    if not need.measure or measures_related(need.measure, c.measure) != "":
        return True
    if loose >= 2:
        # "how many containers were shipped" vs "shipments included over 15,800 containers":
        # a specific counted noun is evidence enough when no figure carries the verb
        return True
    # loose: the measure word is elsewhere in the sentence ("64 shipments were identified
    # as being sent"): good enough when nothing is attached to it directly
    return loose and any(measures_related(need.measure, m) in ("same", "compatible") for m, _, _ in measure_words(c.sentence))


def _primary(need: Need, c: Claim) -> bool:
    return not need.measure or measures_related(need.measure, c.measure) in ("same", "compatible")


def _select(need: Need, claims: Sequence[Claim]) -> list[Claim]:
    keep = _select_strict(need, claims, loose=0)
    extra: list[Claim] = []
    if need.kind == "count" and need.measure and not any(c.kind != "vague" and _primary(need, c) for c in keep):
        # no figure carries the asked verb: accept one whose sentence has it ("64 shipments
        # were identified as being sent"), then one that counts the asked noun
        levels = (1, 2) if need.unit and need.unit not in ("personnel", "people", "money", "percent") else (1,)
        for level in levels:
            extra = [c for c in _select_strict(need, claims, loose=level) if c.kind != "vague" and c not in keep]
            if extra:
                break
    primary = [c for c in keep if _primary(need, c)] + extra
    related = [c for c in keep if not _primary(need, c)]
    out: list[Claim] = []
    for bucket in (primary, related):
        if need.terms and bucket:
            # the subject must match when any claim of the bucket matches it
            best = max(_score(need, c) for c in bucket)
            bucket = [c for c in bucket if _score(need, c) >= min(best, 1)]
        if need.kind == "count":
            precise = [c for c in bucket if c.kind != "vague"]
            bucket = precise or bucket  # "thousands" only when no source gives a figure
        out.extend(bucket)
    if need.kind == "date":
        # a photo caption dates a picture; it may second another source's date, not stand alone
        body = [c for c in out if not is_caption(c.sentence)]
        out = body + [c for c in out if is_caption(c.sentence) and any(c.value == b.value for b in body)]
    return out


def _select_strict(need: Need, claims: Sequence[Claim], loose: int) -> list[Claim]:
    keep: list[Claim] = []
    for c in claims:
        if need.kind == "count":
            if c.kind not in _COUNT_KINDS or not _unit_fits(need, c) or not _measure_fits(need, c, loose):
                continue
            if need.time and c.time and timex.bounds(c.time) and not _time_fits(need.time, c.time):
                continue
        elif need.kind == "date":
            if c.kind != "date" or timex.bounds(c.value) is None or c.unit_text not in _DATE_GRAINS:
                continue
            if need.measure:
                if measures_related(need.measure, c.measure) not in ("same", "compatible"):
                    continue
            elif measure_family(c.measure) not in EVENT_FAMILIES:
                continue
            if need.time and not _time_fits(need.time, c.value):
                continue
        else:
            return []
        keep.append(c)
    return keep


# --- grouping -------------------------------------------------------------------------------

def _same_value(a: Claim, b: Claim) -> bool:
    if a.value != b.value:
        return False
    if a.kind == "date":
        return True
    if measures_related(a.measure, b.measure) not in ("same", "compatible") and a.measure and b.measure:
        return False
    if a.time and b.time and timex.bounds(a.time) and timex.bounds(b.time) and not timex.overlaps(a.time, b.time):
        return False
    return True


def _group(need: Need, claims: list[Claim]) -> list[list[Claim]]:
    groups: list[list[Claim]] = []
    for c in claims:
        for g in groups:
            if _same_value(g[0], c):
                g.append(c)
                break
        else:
            groups.append([c])
    if need.kind == "date":
        # a coarser date ("in March") joins the one finer date it contains ("March 21");
        # when it contains several, it decides nothing and is left out
        fine = [g for g in groups if not any(timex.contains(g[0].value, h[0].value) and g is not h
                                             and g[0].value != h[0].value for h in groups)]
        for g in groups:
            if any(g is f for f in fine):
                continue
            inside = [f for f in fine if timex.contains(g[0].value, f[0].value)]
            if len(inside) == 1:
                inside[0].extend(g)
        groups = fine
        # "his previous visit in March": a coarse mention of another event adds no date
        # of its own once some source gives a day
        if any(c.unit_text == "day" for g in groups for c in g):
            groups = [g for g in groups if not all(c.unit_text != "day" and _marked_distinct(c) for c in g)]
    return groups


def _docs(g: Sequence[Claim]) -> set[str]:
    return {c.doc_id for c in g}


def _rank(need: Need, groups: list[list[Claim]]) -> list[list[Claim]]:
    def key(g: list[Claim]):
        primary = not need.measure or measures_related(need.measure, g[0].measure) in ("same", "compatible")
        if need.kind == "date":
            return (0, timex.bounds(g[0].value)[0].toordinal())  # dates read best in order
        return (0 if primary else 1, -len(_docs(g)), -max(_score(need, c) for c in g))
    return sorted(groups, key=key)


# --- relations ------------------------------------------------------------------------------

def _num(c: Claim) -> tuple[float, float] | None:
    return value_range(c.value)


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)} - _QSTOP


def _disjoint_times(g1: list[Claim], g2: list[Claim]) -> tuple[Claim, Claim] | None:
    """Two claims, one per group, whose times are known and share no day (same source first)."""
    pairs = [(a, b) for a in g1 for b in g2 if a.time and b.time and timex.bounds(a.time) and timex.bounds(b.time)
             and not timex.overlaps(a.time, b.time)]
    pairs.sort(key=lambda p: p[0].doc_id != p[1].doc_id)
    return pairs[0] if pairs else None


def _bounds_agree(a: Claim, b: Claim) -> bool:
    na, nb = _num(a), _num(b)
    if not na or not nb:
        return False
    da, db = qualifier_direction(a.qualifier), qualifier_direction(b.qualifier)
    lo_a, hi_a = (na[0], float("inf")) if da == "lower" else (0.0, na[1]) if da == "upper" else na
    lo_b, hi_b = (nb[0], float("inf")) if db == "lower" else (0.0, nb[1]) if db == "upper" else nb
    if (da, db) == ("", ""):
        return False
    return lo_a <= hi_b and lo_b <= hi_a


def _current(c: Claim) -> bool:
    """Is this date the news of its own article (within a few days of its reference date)?"""
    ref = timex.parse_reference(c.reference) if c.reference else None
    b = timex.bounds(c.value)
    return bool(ref and b and b[0] == b[1] and abs((b[0] - ref).days) <= 3)


_DISTINCT = re.compile(r"(?i)\b(?:previous|prior|earlier|first|second|third|fourth|fifth|last|latest|next|another|"
                       r"most\s+recent)\s+(?:[\w'’-]+\s+)?$")
_AGAIN = re.compile(r"(?i)\b(again|returned|returns|once more)\b")


def _marked_distinct(c: Claim) -> bool:
    """Does the sentence mark its event as one of several ("his previous visit", "returned")?"""
    if _AGAIN.search(c.sentence):
        return True
    return any(_DISTINCT.search(c.sentence[max(0, s - 30):s]) for _, s, _ in measure_words(c.sentence))


def _relation(need: Need, g1: list[Claim], g2: list[Claim]) -> str:
    a, b = g1[0], g2[0]
    if need.kind == "date":
        fam = measure_family(a.measure)
        if fam != measure_family(b.measure) and measures_related(a.measure, b.measure) != "compatible":
            return DIFFERENT_EVENT
        if fam in _REPEATABLE:
            return DIFFERENT_EVENT  # visits recur: different dates are different visits
        ca = [c for c in g1 if _current(c)]
        cb = [c for c in g2 if _current(c)]
        da, db = timex.bounds(a.value), timex.bounds(b.value)
        if ca and cb and not (_docs(ca) & _docs(cb)) and da and db and abs((da[0] - db[0]).days) > 3:
            return DIFFERENT_EVENT  # each article reports its own, days-apart occurrence
        if any(_marked_distinct(c) for c in g1 + g2):
            return DIFFERENT_EVENT
        if a.about and b.about and not (_words(a.about) & _words(b.about)):
            return DIFFERENT_EVENT
        return CONTRADICTION
    if not a.measure or not b.measure or measures_related(a.measure, b.measure) not in ("same", "compatible"):
        return DIFFERENT_MEASURE  # a contradiction needs two figures known to count the same thing
    pair = _disjoint_times(g1, g2)
    if pair:
        return PART_OF_TOTAL if _sound_total(*pair) else DIFFERENT_EVENT
    if a.about and b.about and not (_words(a.about) & _words(b.about)) and \
            unit_family(a.about.split()[-1]) != unit_family(b.about.split()[-1]):
        return DIFFERENT_EVENT
    if _bounds_agree(a, b):
        return COMPATIBLE
    return CONTRADICTION


def _sound_total(a: Claim, b: Claim) -> bool:
    """A sum is sound when one source gives both parts, or a part is marked as additional."""
    return a.doc_id == b.doc_id or "additive" in (qualifier_direction(a.qualifier), qualifier_direction(b.qualifier))


# --- wording --------------------------------------------------------------------------------

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
    if g.unit == "date":
        return g.when or g.value_text
    measure = g.measure if g.measure and g.measure != g.unit else ""
    head = f"{g.value_text} {measure}".strip()
    # sources that agree on the figure may place it differently in time: say each
    whens = list(dict.fromkeys(_claim_when(c) for c in g.claims if c.time)) or \
        ([_when_phrase(g.when)] if g.when else [])
    if whens:
        head += " " + " or ".join(whens)
    if g.detail:
        head += f", {g.detail}"
    return head


def _detail(g: list[Claim], fractions: list[Claim]) -> str:
    for f in fractions:
        if any(f.sentence == c.sentence and f.share_of == c.value for c in g):
            base = _num(g[0])
            num, den = (int(x) for x in f.value.split("/"))
            implied = f", about {_fmt(round(base[0] * num / den, -2))}" if base and base[0] == base[1] else ""
            return f"{f.value_text} of them {f.measure}{implied}".strip()
    return ""


_APPROX = {"about", "around", "approximately", "roughly", "nearly", "almost", "some", "an estimated", "estimated",
           "close to", "up to", "as many as", "more than", "over", "at least"}
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
    approx = any(c.qualifier in _APPROX for g in parts for c in g.claims)
    return f"about {text}" if approx else text


def _note(need: Need, g: ValueGroup, relation: str, others: list[ValueGroup], total: str) -> str:
    n_src = len({c.doc_id for c in g.claims})
    src = f"{n_src} sources give" if n_src > 1 else "One source gives"
    what = _phrase(g)
    if relation in ("", SAME):
        return f"{src} {what}{_who(g.claims)}."
    if relation == DIFFERENT_MEASURE:
        counts = _MEASURE_WORDS.get(g.measure, g.measure or "something else")
        return f"{what}{_who(g.claims)} counts {counts}, a different measure from the other figure."
    if relation == PART_OF_TOTAL:
        extra = f"; together {_total_text(total, others)} in all" if total else ""
        return f"{what}{_who(g.claims)} is one part of a cumulative total over separate periods{extra}."
    if relation == DIFFERENT_EVENT:
        if need.kind == "date":
            noun = {"visit": "visit", "start": "start", "signing": "signing"}.get(measure_family(g.measure), "event")
            return f"{what}{_who(g.claims)}: a separate {noun} from the other dates."
        return f"{what}{_who(g.claims)} refers to a different time or group than the other figure."
    if relation == COMPATIBLE:
        return f"{what}{_who(g.claims)} is consistent with the other figure: their bounds overlap."
    other = next((o for o in others if o is not g), None)
    vs = f" while another gives {_phrase(other)}{_who(other.claims)}" if other else ""
    return f"{src} {what}{_who(g.claims)}{vs}; the sources contradict each other and do not say which is right."


def _summary(need: Need, groups: list[ValueGroup], total: str) -> str:
    if len(groups) < 2:
        return ""
    parts = " vs ".join(f"{_phrase(g)}{_who(g.claims)}" for g in groups)
    rels = {g.relation for g in groups}
    if CONTRADICTION in rels:
        return f"Sources contradict each other: {parts}; they do not say which is right."
    if PART_OF_TOTAL in rels:
        parts = " plus ".join(f"{_phrase(g)}{_who(g.claims)}" for g in groups if g.relation == PART_OF_TOTAL)
        tail = f", {_total_text(total, groups)} in all" if total else ""
        return f"Sources give parts of a total: {parts}{tail}."
    if DIFFERENT_MEASURE in rels:
        return f"Sources differ: {parts}; these count different things."
    if DIFFERENT_EVENT in rels:
        if need.kind == "date":
            return f"Sources give different dates for different occurrences: {parts}."
        return f"Sources differ: {parts}; these refer to different times or groups."
    return f"Sources differ: {parts}; the figures are consistent with each other."


def reconcile(question: str, claims: Sequence[Claim], reference: str = "") -> Reconciliation:
    """Group the values that answer ``question`` and say how they relate.

    Args:
        question: the user's question (self-contained).
        claims: the claims of the retrieved or relevant sentences (``index.claims``).
        reference: ISO date for relative times in the question ("last year"), or "".

    Returns:
        A ``Reconciliation``; ``groups`` is empty when the question asks for no figure or
        date, or no claim answers it.
    """
    need = read_question(question, reference)
    chosen = _select(need, claims)
    # a fraction ("two-thirds of the losses being soldiers killed") qualifies its base figure
    fractions = [c for c in claims if c.kind == "fraction" and c.share_of]
    raw = _rank(need, _group(need, chosen))
    if not raw:
        return Reconciliation(need=need)
    groups = [ValueGroup(
        value_text=g[0].value_text, normalized=g[0].value, unit=g[0].unit, measure=g[0].measure,
        when=timex.label(g[0].value if need.kind == "date" else next((c.time for c in g if c.time), "")),
        claims=tuple(g), detail=_detail(g, fractions) if need.kind == "count" else "") for g in raw]
    relations = ["" for _ in raw]
    total = ""
    for i in range(len(raw)):
        for j in range(len(raw)):
            if i == j:
                continue
            rel = _relation(need, raw[i], raw[j])
            if _STRENGTH[rel] > _STRENGTH[relations[i]]:
                relations[i] = rel
    parts = [g for g, r in zip(raw, relations) if r == PART_OF_TOTAL]
    if len(parts) >= 2:
        pair = _disjoint_times(parts[0], parts[1])
        nums = [_num(g[0]) for g in parts]
        if len(parts) == 2 and pair and _sound_total(*pair) and all(n and n[0] == n[1] for n in nums):
            total = _canon(sum(n[0] for n in nums))
    if len(raw) == 1:
        relations[0] = SAME if len(_docs(raw[0])) > 1 else ""
    groups = [replace(g, relation=r) for g, r in zip(groups, relations)]
    groups = [replace(g, note=_note(need, g, g.relation, groups, total)) for g in groups]
    return Reconciliation(need=need, groups=tuple(groups), summary=_summary(need, groups, total), total=total)


def _canon(x: float) -> str:
    return str(int(round(x))) if abs(x - round(x)) < 1e-9 else f"{x:.6f}".rstrip("0").rstrip(".")

