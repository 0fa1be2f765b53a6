"""When sources give different figures or dates: list each value and say how they relate.

``reconcile(need, claims)`` takes what the question asks (``qa.question.Need``: a count or a
date, its measure and unit words: "how many troops were deployed" -> a personnel count of the
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
a ``qa.records.Value`` and its claims into citations. Extraction is ``index/claims.py``;
reading the question is ``qa/question.py``; the records returned are ``qa/sources/values.py``; the
sentences that say each relation are ``qa/sources/value_notes.py``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Mapping, Sequence

from index.claims import (EVENT_FAMILIES, Claim, is_caption, measure_family, measure_words, measures_related,
                          qualifier_direction, unit_family, units_compatible, value_range)
from lang import timex
from lang.cues import AGAIN, SET_APART
from lang.numbers import canon
from lang.references import POINTS_BACK
from lang.text import QUESTION_STOPWORDS, mentions
from lang.vocab import ASKED_MEASURES, GENERIC_COUNTERS, VALUE_UNITS, VALUE_WORDS, other_length
from qa.sources.value_notes import detail, note, summary
from qa.question import Need
from qa.sources.values import (COMPATIBLE, CONTRADICTION, DIFFERENT_EVENT, DIFFERENT_MEASURE, PART_OF_TOTAL,
                               RELATIONS, SAME, Reconciliation, ValueGroup)
from qa.tuning import TUNING

__all__ = ["reconcile", "unit_fits", "ValueGroup", "Reconciliation", "RELATIONS",
           "SAME", "DIFFERENT_MEASURE", "PART_OF_TOTAL", "DIFFERENT_EVENT", "COMPATIBLE", "CONTRADICTION"]
# When a group relates differently to several others, the strongest relation is shown.
_STRENGTH = {CONTRADICTION: 5, PART_OF_TOTAL: 4, DIFFERENT_MEASURE: 3, DIFFERENT_EVENT: 2, COMPATIBLE: 1, SAME: 0, "": -1}


# --- selecting claims -----------------------------------------------------------------------

_REPEATABLE = {"visit"}  # families whose events recur (a second visit), unlike a signing or a start
_COUNT_KINDS = {"count", "vague", "money", "quantity", "percent"}
_DATE_GRAINS = {"day", "month", "season", "quarter", "year"}


def _score(need: Need, c: Claim, before: str = "", title: str = "") -> int:
    """How many of the question's subject terms the claim's sentence (and what it is about)
    mentions; a sentence opening with "These shipments ..." is read with the one before it,
    and every sentence with its document's title: "52 people had been injured" is about the
    earthquake of "Strong earthquake hits Kutahya province" without naming it again."""
    text = f"{c.sentence} {c.about} {before if POINTS_BACK.match(c.sentence) else ''} {title}"
    return sum(1 for t in need.terms if mentions(t, text))


def _previous_sentences(claims: Sequence[Claim]) -> dict[tuple[str, int], str]:
    """(doc_id, sentence start) -> the sentence right before it, where the ledger has one."""
    by_end = {(c.doc_id, c.end): c.sentence for c in claims}
    return {(c.doc_id, c.start): by_end[k] for c in claims
            for k in [(c.doc_id, e) for e in range(c.start - 3, c.start)] if k in by_end}


# After a figure, a unit of one or two words, "of", then at most three words of what it measures.
_MEASURED = re.compile(r"\s*(?:[\w'’-]+\s+){1,2}of\s+((?:[\w'’-]+\s*){1,3})")


def _unnamed(need: Need) -> bool:
    """A count question naming neither a unit nor a measure ("how big is the pay raise?"):
    only its subject terms say what is counted."""
    return not need.unit and not need.measure and not need.value_type and bool(need.terms)


def _of_asked(need: Need, c: Claim) -> bool:
    """Whether figure ``c`` is of a thing the question names: its counted noun is one of the
    question's terms ("a 9 percent raise" for "how big is the pay raise?")."""
    return any(mentions(t, c.unit_text) for t in need.terms) if c.unit_text else False


def unit_fits(need: Need, c: Claim) -> bool:
    """Whether figure ``c`` is of the unit the question counts: a sum of money for money, a
    share for a share (or for a question naming no unit or measure, a share of what it names:
    "a 9 percent raise"), a compatible unit (any, when the question names none), or a generic
    counter or measured unit followed by the asked thing ("220 units of rocket launchers")."""
    if need.unit == "money":
        return c.kind == "money"
    if need.unit == "percent":
        return c.kind == "percent"
    if c.kind == "percent":
        return _unnamed(need) and _of_asked(need, c)  # a share of what the question names
    if not need.unit or units_compatible(need.unit, c.unit):
        return True
    after = c.sentence[c.value_end - c.start:]
    # "220 units of 240mm multiple rocket launch systems" counts launchers; "5.8 million rounds
    # of ammunition" measures ammunition
    if c.unit in GENERIC_COUNTERS:
        return mentions(need.unit, after)
    # "210,000 cubic metres of silt": a unit of one or two words, then what it measures
    measured = _MEASURED.match(after)
    return measured is not None and mentions(need.unit, measured.group(1))


_WHOLE = re.compile(r"\d+(?:-\d+)?")
_FIRST_WORD = re.compile(r"[\s,]*([^\W\d_]+)")
# "885.0 people per square mile": a rate, not a count of people
_RATE = re.compile(r"\s*(?:[^\W\d_]+\s+)?per\b", re.I)


def stated_as(c: Claim, value_type: str) -> bool:
    """Whether the claim's figure is stated as a value of ``value_type`` (``Need.value_type``):
    money for "money"; a figure followed by one of the type's units for a length, an area or a
    mass ("324 m", "12 miles", "10,100 tonnes"); for "people" a whole count shortly after the
    asked word with no other figure between ("a population of 2,051"; "its population was
    2,772, in 720 families": not 720) or right before a word for people ("2,104 people, 787
    households": not 787); never a decimal or a rate ("885.0 people per square mile")."""
    if value_type == "money":
        return c.kind == "money"
    if c.kind != "count" and not (c.kind == "quantity" and value_type != "people"):
        return False  # a figure glued to its unit ("40 km") is a quantity, of a length or a mass
    after = _FIRST_WORD.match(c.sentence, c.value_end - c.start)
    word = after.group(1).lower() if after is not None else ""
    if value_type != "people":
        units = VALUE_UNITS.get(value_type, ())
        if other_length(c.sentence, c.value_start - c.start, c.value_end - c.start, value_type):
            return False
        return unit_family(c.unit) in units or unit_family(word) in units
    if not _WHOLE.fullmatch(c.value) or "." in c.value_text or _RATE.match(c.sentence, c.value_end - c.start):
        return False
    if word in VALUE_WORDS[value_type]:
        return True
    before = re.split(r"\d", c.sentence[:c.value_start - c.start])[-1]
    return any(w.lower() in ASKED_MEASURES[value_type]
               for w in re.findall(r"[^\W\d_]+", before)[-TUNING.measure_word_window:])


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


def _select(need: Need, claims: Sequence[Claim], titles: Mapping[str, str]) -> list[Claim]:
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
    before = _previous_sentences(claims)
    primary = [c for c in keep if _primary(need, c)] + extra
    related = [c for c in keep if not _primary(need, c)]
    out: list[Claim] = []
    for bucket in (primary, related):
        if need.terms and bucket:
            # the subject must match when any claim of the bucket matches it
            scores = [_score(need, c, before.get((c.doc_id, c.start), ""), titles.get(c.doc_id, "")) for c in bucket]
            bucket = [c for c, score in zip(bucket, scores) if score >= min(max(scores), 1)]
        if need.kind == "count":
            precise = [c for c in bucket if c.kind != "vague"]
            bucket = precise or bucket  # "thousands" only when no source gives a figure
        out.extend(bucket)
    # "how many casualties did Zelensky say ...": a source the question names keeps its own figures
    # (a word the sentences or their titles also use outside who says it, "Korean", or "fire" of
    # "Cal Fire spokesman" beside "Ridge Fire grows", names no source)
    sources = [w for w in need.terms if any(c.attribution and mentions(w, c.attribution) for c in out)
               and not any(mentions(w, c.sentence.replace(c.attribution, " ") if c.attribution else c.sentence)
                           or mentions(w, titles.get(c.doc_id, "")) for c in out)]
    if sources:
        out = [c for c in out if c.attribution and any(mentions(w, c.attribution) for w in sources)]
    if need.kind == "date":
        # a photo caption dates a picture; it may second another source's date, not stand alone
        body = [c for c in out if not is_caption(c.sentence)]
        out = body + [c for c in out if is_caption(c.sentence) and any(c.value == b.value for b in body)]
    return out


def _select_strict(need: Need, claims: Sequence[Claim], loose: int) -> list[Claim]:
    keep: list[Claim] = []
    for c in claims:
        if need.kind == "count":
            if c.kind not in _COUNT_KINDS or not unit_fits(need, c) or not _measure_fits(need, c, loose):
                continue
            if _unnamed(need) and not _of_asked(need, c):
                continue  # "how big is the pay raise?": "a 9 percent raise", not "4,200 workers"
            if need.value_type and not stated_as(c, need.value_type):
                continue
            # a figure answers a question about a time only when it says which time it counts
            # ("thousands of troops" with no time is no answer to "how many ... in 2023")
            if need.time and not timex.period(c.time).meets(timex.period(need.time)):
                continue
        elif need.kind == "date":
            if c.kind != "date" or not timex.period(c.value).resolved or c.unit_text not in _DATE_GRAINS:
                continue
            if need.measure:
                if measures_related(need.measure, c.measure) not in ("same", "compatible"):
                    continue
            elif measure_family(c.measure) not in EVENT_FAMILIES:
                continue
            if need.time and not timex.period(c.value).meets(timex.period(need.time)):
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
    if timex.period(a.time).apart(timex.period(b.time)):
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
            return (0, timex.period(g[0].value).first.toordinal())  # dates read best in order
        return (0 if primary else 1, -len(_docs(g)), -max(_score(need, c) for c in g))
    return sorted(groups, key=key)


# --- relations ------------------------------------------------------------------------------

def _num(c: Claim) -> tuple[float, float] | None:
    return value_range(c.value)


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)} - QUESTION_STOPWORDS


def _disjoint_times(g1: list[Claim], g2: list[Claim]) -> tuple[Claim, Claim] | None:
    """Two claims, one per group, whose times are known and share no day (same source first)."""
    pairs = [(a, b) for a in g1 for b in g2 if timex.period(a.time).apart(timex.period(b.time))]
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
    day = timex.period(c.value)
    return bool(ref and day.resolved and day.first == day.last and abs((day.first - ref).days) <= TUNING.news_days)


def _marked_distinct(c: Claim) -> bool:
    """Does the sentence mark its event as one of several ("his previous visit", "returned")?"""
    if AGAIN.search(c.sentence):
        return True
    return any(SET_APART.search(c.sentence[max(0, s - 30):s]) for _, s, _ in measure_words(c.sentence))


def _one_voice(g1: list[Claim], g2: list[Claim]) -> bool:
    """Whether one document gives both values in its own voice: every claim of both groups is
    from that document, and no attribution sets the two apart ("dropped to $25 ... then went
    down to $23" in one review). A text does not contradict itself; "12,000, according to
    Seoul" beside "15,000, Kyiv says" in one article are two sources it reports."""
    if len(_docs(g1) | _docs(g2)) != 1:
        return False
    return {c.attribution for c in g1} == {c.attribution for c in g2}


def _relation(need: Need, g1: list[Claim], g2: list[Claim]) -> str:
    """How group ``g1`` relates to ``g2``; never a contradiction between values one document
    gives in its own voice (``_one_voice``): those are told apart as different times or groups."""
    rel = _related(need, g1, g2)
    return DIFFERENT_EVENT if rel == CONTRADICTION and _one_voice(g1, g2) else rel


def _related(need: Need, g1: list[Claim], g2: list[Claim]) -> str:
    a, b = g1[0], g2[0]
    if need.kind == "date":
        fam = measure_family(a.measure)
        if fam != measure_family(b.measure) and measures_related(a.measure, b.measure) != "compatible":
            return DIFFERENT_EVENT
        if fam in _REPEATABLE:
            return DIFFERENT_EVENT  # visits recur: different dates are different visits
        ca = [c for c in g1 if _current(c)]
        cb = [c for c in g2 if _current(c)]
        da, db = timex.period(a.value), timex.period(b.value)
        if ca and cb and not (_docs(ca) & _docs(cb)) and da.resolved and db.resolved and abs((da.first - db.first).days) > 3:
            return DIFFERENT_EVENT  # each article reports its own, days-apart occurrence
        if any(_marked_distinct(c) for c in g1 + g2):
            return DIFFERENT_EVENT
        if a.about and b.about and not (_words(a.about) & _words(b.about)):
            return DIFFERENT_EVENT
        return CONTRADICTION
    if need.value_type and need.value_type != "money":
        # both stated as the asked type (stated_as): two populations of a place measure one thing,
        # at two times (2,051 in 2000, 1,763 in 2010) or in contradiction, never parts of a total
        # (sums of money may be: two instalments of a budget)
        if _disjoint_times(g1, g2):
            return DIFFERENT_EVENT
        return COMPATIBLE if _bounds_agree(a, b) else CONTRADICTION
    # "has eight moons" and "has twelve known moons", for "how many moons does it have?": no verb
    # measures either figure, and each counts the unit asked for, so they count the same thing
    plain = not need.measure and not a.measure and not b.measure and bool(need.unit) and a.unit == b.unit == need.unit
    if not plain and (not a.measure or not b.measure
                      or measures_related(a.measure, b.measure) not in ("same", "compatible")):
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


def reconcile(need: Need, claims: Sequence[Claim], titles: Mapping[str, str] | None = None) -> Reconciliation:
    """Group the values that answer a question and say how they relate.

    Args:
        need: what the question asks (``QuestionSpec.need``, or ``qa.question.read_question``).
        claims: the claims of the retrieved or relevant sentences (``index.claims``).
        titles: doc_id -> the document's title, which a count's sentence is read with when
            the question names a subject (None: sentences alone).

    Returns:
        A ``Reconciliation``; ``groups`` is empty when the question asks for no figure or
        date, or no claim answers it.
    """
    # A count's sentence is read with its title; a date's is not: nearly every sentence dates
    # something, and the subject named in the sentence tells which dates are the asked event's.
    chosen = _select(need, claims, (titles or {}) if need.kind == "count" else {})
    # a fraction ("two-thirds of the losses being soldiers killed") qualifies its base figure
    fractions = [c for c in claims if c.kind == "fraction" and c.share_of]
    raw = _rank(need, _group(need, chosen))
    if not raw:
        return Reconciliation(need=need)
    groups = [ValueGroup(
        value_text=g[0].value_text, normalized=g[0].value, unit=g[0].unit, measure=g[0].measure,
        when=timex.label(g[0].value if need.kind == "date" else next((c.time for c in g if c.time), "")),
        claims=tuple(g), detail=detail(g, fractions) if need.kind == "count" else "") for g in raw]
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
            total = canon(sum(n[0] for n in nums))
    if len(raw) == 1:
        relations[0] = SAME if len(_docs(raw[0])) > 1 else ""
    groups = [replace(g, relation=r) for g, r in zip(groups, relations)]
    groups = [replace(g, note=note(need, g, g.relation, groups, total)) for g in groups]
    return Reconciliation(need=need, groups=tuple(groups), summary=summary(need, groups, total), total=total)
