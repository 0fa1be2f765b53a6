"""What a question asks for: a figure, a date, a person, a place, or a statement.

The extractive answerer prefers sentences that contain that kind of thing; the conflicts
step uses it to decide whether values should be compared across sources. For statements it
also reads the relation asked about ("what does X *get*", "what did they *discuss*", "what
weapons were *supplied*") and whether the answer is a set of distinct claims that several
articles may each hold part of (``QuestionSpec.several``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lang import timex
from lang.questions import ANSWER_NOUNS, ASKING_WORDS, ELLIPTICAL, HAPPENING, MASS_NOUNS, WH
from lang.text import QUESTION_STOPWORDS, stem, terms
from lang.vocab import (ASKED_MEASURES, CONCEPT_EXCLUDED, EVENT_FAMILIES, MEASURE_LEMMAS, MEASURE_SURFACE,
                        RELATION_WORDS, UNIT_FAMILIES, measure_family, measure_words, unit_family)

# "Did the articles agree on when ...", "do the sources say how many ...": a question inside a question.
INDIRECT = r"\b(?:agree|agreed|disagree|differ|say|says|said|state|report|know|tell|consistent|conflict)\w*\s+(?:on\s+|about\s+|over\s+|as\s+to\s+)?"
# "What losses", "what casualties": a measure of losses asked for is a figure asked for.
LOSS_QUESTION = r"^\W*(?:and\s+)?what\s+(?:\w+\s+)?(?:losses|casualties|deaths|death\s+toll|fatalities|injuries)\b"
# "Which visit was the third?" asks to identify an occurrence, i.e. its date.
_EVENT_NOUNS = r"visit|visits|trip|trips|meeting|meetings|summit|arrival|occasion|event"

# Order matters: "how many" before the generic "how", "what date" before the generic "what", and
# a date before a count: "in what year was the number of stripes increased?" asks for a year.
_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("duration", re.compile(r"\bhow\s+long\b(?!\s+ago)|\bfor\s+how\s+(long|many\s+(hours|days|weeks|months|years))\b|"
                            r"\bhow\s+many\s+(hours|days|weeks|months|years)\s+(passed|elapsed|were\s+there|separated|lay|"
                            r"between|after|before|apart|later|earlier)\b|"
                            r"\bwhat\s+(duration|length\s+of\s+time)\b", re.I)),
    ("date", re.compile(
        r"^\W*(and\s+|but\s+|so\s+)?when\b|\bwhen\s+(did|was|were|is|are|do|does|will|has|have|had)\b|"
        r"\bwhat\s+(date|day|year|month|time)s?\b|\bwhich\s+(date|day|year|month)s?\b|"
        r"\bon\s+what\s+(date|day)\b|\bin\s+what\s+(year|month)\b|\bhow\s+long\s+ago\b|\bsince\s+when\b|\bdate\s+of\b|"
        rf"{INDIRECT}when\b|^\W*(and\s+)?which\s+(\w+\s+)?({_EVENT_NOUNS})\b", re.I)),
    ("count", re.compile(
        r"\bhow\s+(many|much|large|big|high|far)\b|\bwhat\s+(number|figure|amount|share|"
        r"percentage|proportion|portion|fraction|quantity|toll|total|size|calibre|caliber)\b|"
        r"\b(number|count|amount|total|tally)\s+of\b|\bhow\s+heavy\b|\btoll\b|"
        r"\bwhat\s+(is|was|were|are)\s+the\s+(\w+\s+)?(value|worth|cost|price|budget|sum)\b|"
        rf"{LOSS_QUESTION}", re.I)),
    ("person", re.compile(
        r"^\W*(and\s+|but\s+)?(who|whom|whose)\b|\b(who|whom)\s+(is|was|were|are|did|does|do|will|has|have)\b|\bwhich\s+(official|person|leader|minister|lawmaker|"
        r"president|journalist|reporter|editor|agency|outlet|newspaper|news\s+agency|organi[sz]ation|"
        r"country|government|body)\b|\bby\s+whom\b|\bname\s+of\b|\bwhat\s+(agency|outlet|"
        r"organi[sz]ation|official|news\s+agency)\b", re.I)),
    ("place", re.compile(
        r"^\W*(and\s+|but\s+)?where\b|\bwhere\s+(did|was|were|is|are|do|does|will|has|have|had)\b|\bwhich\s+(?:\w+\s+)?(city|country|region|place|town|capital|province|oblast|area|border)\b|"
        r"\bin\s+what\s+(?:\w+\s+)?(city|country|region|place)\b|\bwhat\s+(?:\w+\s+)?(city|country|region|place|capital)\b", re.I)),
)


# "How long is the cord?" asks for a length as surely as "how long is the flight?" asks for a
# time: in the copula form the words cannot tell, so a sentence stating either answers it. Of the
# 112 such questions in the three SQuADShifts sets, 12 have a length for answer ("3 ft").
LENGTH_OR_TIME = re.compile(r"\bhow\s+long\s+(?:is|was|are|were)\b", re.I)


# Relations a statement question asks about, each with the words that state it in a sentence
# (lang/data/vocab.toml [relations]): a sentence that does not state the relation does not
# answer "what did they get".
_RELATION_PATTERNS = {name: re.compile(r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")\b", re.I)
                      for name, words in RELATION_WORDS.items()}
# Words that name the same thing in news text ("soldiers" are "troops", "died" is "killed",
# "get" is "receive"): a sentence saying one answers a question asking the other. Built from the
# ledger's vocabularies and the relations above (lang/vocab.py); words with other common senses
# ("issue", "hit", "lives", "cost": vocab.toml [concepts]) are left out.


def _concept_table() -> dict[str, str]:
    table: dict[str, str] = {}
    words = [(w, f"measure:{lemma}") for lemma, ws in MEASURE_LEMMAS.items() for w in ws]
    words += [(w, "unit:personnel") for w in UNIT_FAMILIES["personnel"]]
    words += [(w, f"relation:{rel}") for rel, ws in RELATION_WORDS.items() for w in ws]
    ambiguous = {stem(w) for w in CONCEPT_EXCLUDED}  # "issued" stems like "issues"
    for word, concept in words:
        if " " not in word and stem(word) not in ambiguous:
            table.setdefault(stem(word), concept)
    return table


_CONCEPTS = _concept_table()


def concept_of(term: str) -> str:
    """The concept a stemmed term names ("soldier" and "troop" -> "unit:personnel"), or ""."""
    return _CONCEPTS.get(term, "")


# "What happened on June 17?", "what did Shoigu do in March?": the answer is an event.
_ACTIVITY = re.compile(rf"\bwhat\s+(?:else\s+)?(?:{HAPPENING})\b|"
                       r"\bwhat\s+(?:did|does|do|will|has|have|had)\s+.+?\s+(?:do|doing|done)\b", re.I)
_HAPPENED = re.compile(rf"\b(?:{HAPPENING})\b", re.I)
# "What did/does X <verb>": "what" is the object, and the sources may each give part of it.
_OBJECT_QUESTION = re.compile(r"^\W*(?:and\s+|so\s+)?what\s+(?:else\s+)?(?:do|does|did|has|have|had|is|are|was|were|"
                              r"will|would|can|could|may|might)\b", re.I)
# "What weapons ...", "which issues ...", "what kinds of aid ...": a plural (or mass) noun asked for.
_PLURAL_QUESTION = re.compile(r"^\W*(?:and\s+|so\s+)?(?:what|which)\s+(?:kinds?\s+of\s+|sorts?\s+of\s+|types?\s+of\s+)?"
                              rf"(?:[a-z-]+\s+)?(?P<noun>[a-z-]+(?<!ss)(?<!us)(?<!is)s|{MASS_NOUNS})\b", re.I)


@dataclass(frozen=True, slots=True)
class Need:
    """What a question asks for.

    Attributes:
        kind: "count" (how many / how much, or a measure: "what is the population of X"), "date"
            (when) or "" (neither).
        measure: the measure lemma asked about ("killed", "sent", "arrived") or "".
        unit: the unit family asked about ("personnel", "shipments"), "money" for any
            currency, "percent", or "".
        terms: the question's other content words (its subject), lower case.
        time: a time the question names, resolved ("2024"), year-less ("--03" for "in
            March" without a reference date), or "".
        value_type: the type of figure a measure question asks for ("people" for "what is
            the population of X", ``value_type_of``): only a figure stated as one answers.
    """

    kind: str
    measure: str = ""
    unit: str = ""
    terms: tuple[str, ...] = ()
    time: str = ""
    value_type: str = ""


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """The parts of a question the answerers use.

    Attributes:
        text: the (self-contained) question.
        kind: "count", "duration", "date", "person", "place" or "statement".
        terms: stemmed content terms, stopwords and question words removed.
        focus: the terms of the question as asked (a follow-up's own words, without the
            context added from the chat), which weigh more in sentence scoring.
        relation: for a statement, the relation asked about ("receive", "supply", "discuss",
            "include", or "event" for "what happened"), "" when none is recognised.
        several: the answer is a set of distinct claims ("what weapons were supplied"):
            each article's sentence that states the relation is listed, not one best sentence.
        value_type: the type of figure a measure question asks for ("people" for a
            population, "length", "area", "mass", "money"; ``lang.vocab.ASKED_MEASURES``),
            "" when it asks for none.
        need: for a figure or date question, the measure, unit, subject and time it asks
            about (``read_question``), which the ledger's values are matched against.
    """

    text: str
    kind: str
    terms: tuple[str, ...]
    focus: tuple[str, ...] = ()
    relation: str = ""
    several: bool = False
    value_type: str = ""
    need: Need = Need(kind="")


_QUESTION_WORDS = ASKING_WORDS | ANSWER_NOUNS


def kind_of(question: str) -> str:
    """"count", "duration", "date", "person", "place" or "statement": what ``question`` asks for."""
    for name, pattern in _KIND_PATTERNS:
        if pattern.search(question):
            return name
    return "statement"


_MEASURE_WORD = {w: t for t, ws in ASKED_MEASURES.items() for w in ws}
_MEASURE_ALT = "|".join(sorted(_MEASURE_WORD, key=len, reverse=True))
# The frames a measure word asks in: "what is the (estimated) population of", "how tall is",
# "how much does it cost / weigh". Elsewhere the word asks for no figure ("does rainfall
# change with height?", "what is the high school called?").
_MEASURE_FRAMES = re.compile(
    rf"\b(?:what|which)(?:['’]s|\s+(?:is|was|are|were))\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+\s+){{0,2}}?"
    rf"(?P<noun>{_MEASURE_ALT})\s+(?:of|in|for|at)\b"
    rf"|\bhow\s+(?P<adj>{_MEASURE_ALT})\b(?!\s+(?:school|street|court))"
    rf"|\bhow\s+much\b.*\b(?P<verb>cost|costs|weigh|weighs)\b", re.I)


def value_type_of(question: str) -> str:
    """The type of figure a measure question asks for ("people", "length", "area", "mass",
    "money"), or "" when it asks for none (``lang.vocab.ASKED_MEASURES``)."""
    m = _MEASURE_FRAMES.search(question)
    if m is None:
        return ""
    word = next(g for g in m.groups() if g)
    return _MEASURE_WORD.get(word.lower(), "")


def relation_of(question: str) -> str:
    """The relation a question asks about ("receive" for "what does X get in return"), or ""."""
    if _ACTIVITY.search(question):
        return "event"
    for name, pattern in _RELATION_PATTERNS.items():
        if pattern.search(question):
            return name
    return ""


def relation_terms(question: str, relation: str) -> frozenset[str]:
    """The stemmed terms of the words that state ``relation`` in ``question`` ("get", "return"
    in "what does X get in return"): a sentence stating the relation in other words ("in
    exchange for", "received") holds them."""
    # "what happened": any sentence stating an event says what happened
    pattern = _HAPPENED if relation == "event" else _RELATION_PATTERNS.get(relation)
    if pattern is None:
        return frozenset()
    return frozenset(t for m in pattern.finditer(question) for t in terms(m.group(0)))


def states_relation(sentence: str, relation: str) -> bool:
    """Whether ``sentence`` states ``relation`` (any sentence does when the relation is "")."""
    if not relation:
        return True
    if relation == "event":
        return any(measure_family(m) in EVENT_FAMILIES for m, _, _ in measure_words(sentence))
    return bool(_RELATION_PATTERNS[relation].search(sentence))


def analyze(question: str, standalone: str | None = None, previous: str = "") -> QuestionSpec:
    """Classify a question and extract its content terms.

    Args:
        question: the question as asked; its own wording decides the kind.
        standalone: the question made self-contained from the chat history; its terms are
            used, and its kind when the question alone asks for nothing specific
            ("and this year?" after "how many troops ...").
        previous: the previous user question, whose kind an elliptical follow-up without a
            question word of its own takes ("and the one after that?" after "when ...?").
    """
    text = standalone or question
    kind = kind_of(question)
    if kind == "statement" and previous and (ELLIPTICAL.search(question) or not WH.search(question)):
        kind = kind_of(previous)
    if kind == "statement" and standalone:
        kind = kind_of(standalone)
    relation = relation_of(question) or (relation_of(text) if kind == "statement" else "")
    several = kind == "statement" and bool(relation) and bool(
        _OBJECT_QUESTION.search(question) or _PLURAL_QUESTION.search(question) or relation == "event")
    content = tuple(t for t in terms(text) if t not in _QUESTION_WORDS)
    focus = tuple(t for t in terms(question) if t not in _QUESTION_WORDS)
    return QuestionSpec(text=text, kind=kind, terms=content, focus=focus, relation=relation if kind == "statement" else "",
                        several=several, value_type=value_type_of(question) or value_type_of(text),
                        need=read_question(text, kind=kind))


# --- what a figure or date question asks ----------------------------------------------------

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
        if low in _AUX or low == "per" or (words and (low in MEASURE_SURFACE or low.endswith("ed"))):
            break  # ("how many jobs per month": a rate counts jobs, not months)
        if not words and low in MEASURE_SURFACE and unit_family(low) == low and low not in _LOSS_HEADS:
            break  # "how many were wounded": a verb, not the counted thing
        words.append(low)
    known = [w for w in words if unit_family(w) != w]
    return known[0] if known else (words[-1] if words else "")


_PAY_CHANGE = re.compile(r"(?i)\bpay\s+(?=(?:raise|rise|increase|cut|hike)s?\b)")
_LOSS_HEADS = {"casualties", "deaths", "fatalities", "injuries", "losses", "dead", "wounded", "killed"}


def read_question(question: str, reference: str = "", kind: str | None = None) -> Need:
    """What ``question`` asks for: kind, measure, unit, subject terms and named time.

    ``kind`` is the question's kind as ``analyze`` read it (a follow-up such as "what about
    casualties?" asks what the question before it asked); ``kind_of(question)`` when not
    given. Only a count or a date is a value the ledger reconciles.
    """
    q = question.strip()
    kind = kind_of(q) if kind is None else kind
    kind = "" if _NAMED_MEASURE.search(q) or kind not in ("count", "date") else kind
    # "how big is the pay raise?": the size of a change of pay, a share or a sum, not money paid
    q = _PAY_CHANGE.sub("", q)
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
    value_type = value_type_of(q)
    if value_type and unit in ("money", "percent"):
        # the question's word for a sum or a share wins over an adjective ("how high is the percentage")
        value_type = "money" if unit == "money" else ""
    if value_type:  # "population" in "what is the population of X" is what is asked, not its subject
        terms = [t for t in terms if t not in ASKED_MEASURES[value_type]]
        kind = kind or "count"  # a figure is asked for, whatever the sentence's kind
    return Need(kind=kind, measure=measure, unit=unit, terms=tuple(dict.fromkeys(terms)), time=when,
                value_type=value_type)
