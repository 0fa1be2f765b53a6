"""What a figure or date question asks, and the shape of the reconciled answer.

``read_question`` reads a question's kind (a count or a date), the measure and unit it names
("how many troops were deployed" -> a personnel count of the deployment family), its subject
terms and the time it names; ``Need`` holds that. ``ValueGroup`` and ``Reconciliation`` are
what ``qa/sources/conflicts.py`` returns, with the relation labels (``RELATIONS``) between values.
Choosing claims and relating them is ``qa/sources/conflicts.py``; wording them is ``qa/sources/value_notes.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.claims import Claim, measure_family, measure_words, unit_family
from lang import timex
from lang.text import QUESTION_STOPWORDS
from lang.vocab import EVENT_FAMILIES, MEASURE_SURFACE
from qa.question import INDIRECT, LOSS_QUESTION

__all__ = ["read_question", "Need", "ValueGroup", "Reconciliation", "RELATIONS", "SAME", "DIFFERENT_MEASURE",
           "PART_OF_TOTAL", "DIFFERENT_EVENT", "COMPATIBLE", "CONTRADICTION"]

SAME = "same"
DIFFERENT_MEASURE = "different-measure"
PART_OF_TOTAL = "part-of-total"
DIFFERENT_EVENT = "different-event"
COMPATIBLE = "compatible"
CONTRADICTION = "contradiction"
RELATIONS = (SAME, DIFFERENT_MEASURE, PART_OF_TOTAL, DIFFERENT_EVENT, COMPATIBLE, CONTRADICTION)


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
                      r"figures?|tally|count)\b|" + LOSS_QUESTION)
# "when" asks for a date at the start of a question or before an auxiliary ("and when did he
# leave"), not as a conjunction ("what did they discuss when they met")
_DATE_Q = re.compile(r"(?i)(?:^\W*(?:and\s+|but\s+|so\s+)?when\b|\bwhen\s+(?:did|was|were|is|are|do|does|will|has|have|had)\b)|"
                     r"\b(what\s+(?:date|day|year|month|time)s?|which\s+(?:date|day|year|month)s?|"
                     r"on\s+what\s+(?:date|day)|since\s+when|how\s+long\s+ago)\b|" + INDIRECT + r"when\b")
# "What calibre were the howitzers?": a calibre names a kind of weapon; there is nothing to reconcile.
_NAMED_MEASURE = re.compile(r"(?i)\bwhat\s+(?:calibre|caliber|size|model|type|kind)\b")


_AUX = set("""were was have has had did do does are is been be will would could can of in to from for by at on
with during since""".split())
# "how many more", "how many of those": no unit named (a pronoun points back to the context)
_NO_UNIT = {"more", "additional", "other", "extra", "fewer", "less", "those", "these", "them", "they", "it", "ones"}


def _counted_noun(question: str) -> str:
    """The noun "how many" / "how much" counts ("troops" in "how many North Korean troops
    went", "oil" in "how much oil"), or "".

    The words after "how many" up to an auxiliary, a preposition or a verb: the first that
    names a known unit, else the last of them ("launchers" in "how many multiple rocket
    launchers did ..."); none when a verb or pronoun comes first ("how many were wounded").
    """
    m = re.search(r"(?i)\bhow\s+(?:many|much)\s+(.*)", question)
    if not m:
        return ""
    words: list[str] = []
    for w in re.findall(r"[\w'’-]+", m.group(1))[:5]:
        low = w.lower()
        if low in _NO_UNIT:
            continue  # "how many additional troops": an adjective; "how many more were": nothing named
        if low in _AUX or (words and (low in MEASURE_SURFACE or low.endswith("ed"))):
            break
        if not words and low in MEASURE_SURFACE and unit_family(low) == low and low not in _LOSS_HEADS:
            break  # "how many were wounded": a verb, not the counted thing
        words.append(low)
    known = [w for w in words if unit_family(w) != w]
    return known[0] if known else (words[-1] if words else "")


_LOSS_HEADS = {"casualties", "deaths", "fatalities", "injuries", "losses", "dead", "wounded", "killed"}


def read_question(question: str, reference: str = "", kind: str = "") -> Need:
    """What ``question`` asks for: kind, measure, unit, subject terms and named time.

    ``kind`` ("count" or "date") is used when the wording alone asks for neither: a
    follow-up ("what about casualties?") asks what the question before it asked.
    """
    q = question.strip()
    own = "date" if _DATE_Q.search(q) else "count" if _COUNT_Q.search(q) else ""
    kind = own or ("" if _NAMED_MEASURE.search(q) or kind not in ("count", "date") else kind)
    measures = measure_words(q)
    measure = measures[0][0] if measures else ""
    if kind == "date" and measures:
        # "When did Shoigu arrive for talks": the event verb, not a later noun
        measure = next((m for m, _, _ in measures if measure_family(m) in EVENT_FAMILIES), measure)
    unit = ""
    head = _counted_noun(q)
    if head:
        unit = unit_family(head)
        if unit in _LOSS_HEADS:  # "how many casualties": the noun is the measure, people the unit
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
        if low in QUESTION_STOPWORDS or len(low) < 3 or any(s <= w.start() < e for s, e in measure_spans):
            continue
        if unit and unit_family(low) == unit:
            continue
        terms.append(low)
    when = next((t.value for t in times if t.value), "")
    return Need(kind=kind, measure=measure, unit=unit, terms=tuple(dict.fromkeys(terms)), time=when)
