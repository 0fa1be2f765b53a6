"""The small vocabularies the claim ledger reads figures and dates with: measures, units, qualifiers.

What a figure measures ("killed", "deployed", "arrived", ...) is told by the words next to it;
this module holds those words, grouped: surface words -> measure lemma -> family ("sent" and
"deployed" are both the "deployment" family), unit words -> unit family ("soldiers", "troops"
-> "personnel"), qualifiers and their direction ("at least" is a lower bound), number words.
It knows general news vocabulary, nothing about a corpus. The words themselves are data
(``lang/data/vocab.toml``), loaded once here; this module says how they are used. Reading
sentences with it is ``index/claims.py``; turning number words into values is ``lang/numbers.py``.
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache

from lang.lexicon import alternation, table

__all__ = ["MEASURE_LEMMAS", "MEASURE_SURFACE", "ATTRIBUTION_VERBS", "WIRE_AGENCIES", "EVENT_FAMILIES",
           "measure_family", "unit_family", "measures_related", "units_compatible", "measure_words",
           "qualifier_direction", "is_caption", "is_distance"]

_V = table("vocab")

# surface word -> measure lemma; lemma -> family. Multi-word surfaces are matched as phrases.
MEASURE_LEMMAS: dict[str, tuple[str, ...]] = {lemma: tuple(ws) for lemma, ws in _V["measures"].items()}
MEASURE_FAMILY: dict[str, str] = dict(_V["measure_families"])
# Families that measure the same thing well enough for a figure to carry over.
COMPATIBLE_FAMILIES = frozenset(frozenset(pair) for pair in _V["family_relations"]["compatible"])
# Families that measure related but different things (a reader must be told which is which).
RELATED_FAMILIES = frozenset(frozenset(pair) for pair in _V["family_relations"]["related"])
PEOPLE_MEASURES = frozenset(_V["family_relations"]["people"])
PEOPLE_NOUNS: tuple[str, ...] = tuple(_V["people_nouns"]["words"])
REPORTING: tuple[str, ...] = tuple(_V["reporting"]["words"])
SOURCE_REFERENCES: tuple[str, ...] = tuple(_V["source_references"]["words"])
WRITER_REFERENCES: tuple[str, ...] = tuple(_V["writer_references"]["words"])
FIRST_PERSON: frozenset[str] = frozenset(_V["writer_references"]["first_person"])
# irregular past tense or participle -> its verb ("fought" -> "fight")
IRREGULAR_FORMS: dict[str, str] = {form: base for base, forms in _V["irregular_forms"].items() for form in forms}
ATTRIBUTION_VERBS: tuple[str, ...] = tuple(_V["reporting"]["attribution"])
WIRE_AGENCIES: tuple[str, ...] = tuple(_V["agencies"]["wire"])

UNIT_FAMILIES: dict[str, tuple[str, ...]] = {fam: tuple(ws) for fam, ws in _V["units"].items()}
UNIT_LOOKUP = {w: fam for fam, ws in UNIT_FAMILIES.items() for w in ws}
# Counters that say nothing of what is counted ("300 units"), and the qualifiers that make a
# figure approximate ("about", "more than").
GENERIC_COUNTERS = frozenset(_V["counters"]["generic"])
APPROXIMATE = frozenset(_V["qualifiers"]["approximate"])
# Capitalised words after which a number still counts (see ``lang.numbers``: "Section 11" names).
COUNT_LEADS = frozenset(_V["name_numbers"]["count_leads"])

# What a measure question asks for. The question's word for the measure (``ASKED_MEASURES``:
# "the population of X", "how tall", "how much does it cost") names a type of value, and
# ``VALUE_UNITS`` the unit families a figure of that type is stated in. "people" is a figure
# with no unit of another type (a count of people is often bare: "the population was 2,772").
# A sentence without such a figure does not answer the question, whatever else it shares
# with it ("the centre lies 10 miles northwest of X" for "what is the population of X?").
ASKED_MEASURES: dict[str, tuple[str, ...]] = {kind: tuple(ws) for kind, ws in _V["asked_measures"].items()}
VALUE_UNITS: dict[str, tuple[str, ...]] = {kind: tuple(us) for kind, us in _V["value_units"].items()}
# The value types stated in units of length, each a dimension ("how deep" is no "how high").
DIMENSIONS = frozenset(_V["dimension_cues"])
VALUE_UNITS |= {kind: VALUE_UNITS["length"] for kind in DIMENSIONS | {"distance"}}
# The words that say a bare figure is of a value type: the asked measure words and [value_words].
VALUE_WORDS: dict[str, frozenset[str]] = {kind: frozenset(ws) | frozenset(_V["value_words"].get(kind, ()))
                                          for kind, ws in ASKED_MEASURES.items()}
# "120 kilometres south-east of Oslo": a length that is a distance (``is_distance``).
_DIRECTION = alternation(_V["distance_cues"]["directions"])
_DISTANCE = re.compile(rf"[\s,]*(?:(?:{_DIRECTION})(?:[\s-]+(?:{_DIRECTION}))?\s+of\b|"
                       rf"(?:{alternation(_V['distance_cues']['alone'])})\b)", re.I)
_UNIT_WORD = re.compile(r"[\s-]*[^\W\d_]+")
# Some units are people; "people" is the generic one every person-unit is compatible with.
PERSON_UNITS = frozenset(_V["unit_types"]["person"])
TIME_UNITS = frozenset(_V["unit_types"]["time"])
TIME_FILLERS = tuple(_V["unit_types"]["time_fillers"])

QUALIFIERS: tuple[str, ...] = tuple(_V["qualifiers"]["all"])
LOWER_BOUND = frozenset(_V["qualifiers"]["lower"])
UPPER_BOUND = frozenset(_V["qualifiers"]["upper"])
ADDITIVE = frozenset(_V["qualifiers"]["additive"])

SMALL_NUMBERS = {w: i for i, w in enumerate(_V["numbers"]["small"])}
TENS = {w: 10 * (i + 2) for i, w in enumerate(_V["numbers"]["tens"])}
SCALE_WORDS: dict[str, int] = dict(_V["scales"])
SCALE_ABBREVIATIONS: dict[str, int] = dict(_V["scale_abbreviations"])
SCALES: dict[str, int] = {**SCALE_WORDS, **SCALE_ABBREVIATIONS}
INDEFINITE_COUNTS: dict[str, int] = dict(_V["indefinite_counts"])
# relation -> the words that state it in a sentence ("supply": "provided", "shipped", ...), and
# the words kept out of the table of words for the same thing (other common senses)
RELATION_WORDS: dict[str, tuple[str, ...]] = {name: tuple(ws) for name, ws in _V["relations"].items()}
CONCEPT_EXCLUDED: tuple[str, ...] = tuple(_V["concepts"]["ambiguous"])
# stem -> the word its paraphrase group is read as ("soldier" -> "troop"), for the answer check
PARAPHRASES: dict[str, str] = {stem: word for word, stems in _V["paraphrases"].items() for stem in stems}
VAGUE_AMOUNTS = {w: (lo, hi) for w, (lo, hi) in _V["vague_amounts"].items()}
FRACTIONS: dict[str, str] = dict(_V["fractions"])
# Ordinal words and what they count ("his eighth visit" is the eighth), one list for the event
# reader, the pipeline's "no such event" decline and the citation check; digits with a suffix
# ("12th") are read by ``ordinal_value``.
ORDINAL_WORDS = {w: i + 1 for i, w in enumerate(_V["numbers"]["ordinals"])}
# Month names and their abbreviations, "Sept" too, as written -> month number: one table for
# the time reader (lang/timex.py), the answerer's date patterns and the ordinals below.
MONTHS = {m: (i - 1) % 12 + 1 for i, m in enumerate((*calendar.month_name[1:], *calendar.month_abbr[1:]), start=1)}
MONTHS.update(_V["month_abbreviations"])
# The same as a regex alternation (no groups), longest first so "September" beats "Sep".
MONTH_PATTERN = "|".join(sorted(MONTHS, key=lambda m: (-len(m), m)))
# Their first three letters ("Jan" ... "Dec", "Sep" for "Sept"), an alternation: the cheap gates
# that must match before a sentence is read for dates, and "a month named" in a date's words.
MONTH_PREFIXES = "|".join(sorted({m[:3] for m in MONTHS}))
# Words written with a full stop that does not end a sentence: the months' abbreviations
# ("Feb.", "Sept."; not "May", a whole name) and the titles and short forms of ``vocab.toml``
# [abbreviations] ("Gen.", "No.", "approx.", "e.g."); INTRODUCERS, those of them a sentence never
# ends on ("e.g.", "cf.").
INTRODUCERS: tuple[str, ...] = tuple(_V["abbreviations"]["introducers"])
ABBREVIATIONS: tuple[str, ...] = (*sorted(set(MONTHS) - set(calendar.month_name)), *_V["abbreviations"]["words"],
                                  *INTRODUCERS)
# A regex alternation (no capturing groups) for any ordinal, words or "1st", "22nd", "12th";
# a day beside its month ("June 12th", "12th of June") is a date, not an ordinal (one
# fixed-width lookbehind per month name, as ``re`` requires).
_NOT_A_DAY = "".join(f"(?<!{m} )" for m in sorted(MONTHS))
ORDINAL = ("|".join(sorted(ORDINAL_WORDS, key=len, reverse=True))
           + rf"|{_NOT_A_DAY}\d+(?:st|nd|rd|th)(?!\s+(?:of\s+)?(?:{MONTH_PATTERN})\b)")


def ordinal_value(word: str) -> int | None:
    """The number an ordinal says ("eighth" -> 8, "12th" -> 12), None for anything else."""
    w = word.lower()
    if w in ORDINAL_WORDS:
        return ORDINAL_WORDS[w]
    if re.fullmatch(r"\d+(?:st|nd|rd|th)", w) and int(w[:-2]) > 0:
        return int(w[:-2])
    return None


MEASURE_SURFACE = {s: lemma for lemma, ss in MEASURE_LEMMAS.items() for s in ss}
MEASURE_PARTICLES = frozenset(_V["measure_particles"]["after"])
# the words around a number before 1900 that make it a year (lang/timex.py)
PAST_YEAR_BEFORE = tuple(_V["past_years"]["before"])
PAST_YEAR_OPENING = tuple(_V["past_years"]["opening"])
PAST_YEAR_AFTER = tuple(_V["past_years"]["after"])
YEAR_ERAS = tuple(_V["past_years"]["eras"])
REPORTING_WORDS = frozenset(REPORTING)
# Measure families that name events (dated things), as opposed to counted things.
EVENT_FAMILIES = frozenset(_V["family_relations"]["events"])


def measure_family(measure: str) -> str:
    """The family of a measure lemma ("sent" -> "deployment"), the lemma itself if unknown."""
    return MEASURE_FAMILY.get(measure, measure)


def unit_family(unit: str) -> str:
    """The family of a unit word ("troops" -> "personnel"), the word in lower case if unknown."""
    u = unit.lower().strip()
    return UNIT_LOOKUP.get(u, u)


def measures_related(a: str, b: str) -> str:
    """How two measure lemmas relate: "same", "compatible", "related" or "" (unrelated)."""
    fa, fb = measure_family(a), measure_family(b)
    if fa == fb:
        return "same"
    pair = frozenset({fa, fb})
    if pair in COMPATIBLE_FAMILIES:
        return "compatible"
    if pair in RELATED_FAMILIES:
        return "related"
    return ""


def measure_words(text: str) -> list[tuple[str, int, int]]:
    """``(lemma, start, end)`` of every measure word in ``text`` ("killed", "sent", "arrive", ...)."""
    return list(_measure_words(text))


def qualifier_direction(qualifier: str) -> str:
    """"lower" ("at least", "over"), "upper" ("up to", "nearly"), "additive" ("an additional") or ""."""
    if qualifier in LOWER_BOUND:
        return "lower"
    if qualifier in UPPER_BOUND:
        return "upper"
    if qualifier in ADDITIVE:
        return "additive"
    return ""


_CAPTION = re.compile(r"(?i)\b(?:in this (?:photo|image|picture)|photo(?:graph)?(?:ed)? (?:by|provided|taken)|"
                      r"file photo|pictured|poses|via (?:AP|AFP|Reuters|Getty)|getty images|afp|\(ap\)|"
                      r"photo:|image:|credit:)"
                      # people named by where they stand in the picture: "Putin, left, and Trump shake hands"
                      r"|,\s*(?:left|right|centre|center|second\s+(?:left|right|from\s+(?:left|right))|far\s+(?:left|right))"
                      r"\s*[,;)]|\((?:l|r|left|right|centre|center)\)")


_DIMENSION_AFTER = {d: re.compile(rf"\s+(?:{alternation(ws)})\b", re.I) for d, ws in _V["dimension_cues"].items()}
_DIMENSION_BEFORE = {d: re.compile(rf"\b(?:{alternation(ASKED_MEASURES[d])})\s+(?:of\s+)?(?:[^\W\d_]+\s+){{0,2}}$", re.I)
                     for d in DIMENSIONS}


def dimension_of(sentence: str, figure_start: int, figure_end: int) -> str:
    """The dimension (``DIMENSIONS``) the words around a length name: right after its unit
    ("412 metres long", "271 metres above sea level") or before it ("an elevation of 271
    metres", "a maximum depth of about 210 m"); "" when they name none."""
    rest = sentence[figure_end:]
    unit = _UNIT_WORD.match(rest)
    after = unit.end() if unit else 0
    for d, pattern in _DIMENSION_AFTER.items():
        if pattern.match(rest, after):
            return d
    before = sentence[max(0, figure_start - 40):figure_start]
    return next((d for d, pattern in _DIMENSION_BEFORE.items() if pattern.search(before)), "")


def other_length(sentence: str, figure_start: int, figure_end: int, value_type: str) -> bool:
    """Whether the length at ``figure_start:figure_end`` is not of ``value_type``, a dimension:
    a distance between places ("120 kilometres south-east of Oslo" is no height) or a length
    its words give another dimension ("271 metres above sea level" is no depth)."""
    return value_type in DIMENSIONS and (is_distance(sentence, figure_end) or
                                         dimension_of(sentence, figure_start, figure_end) not in ("", value_type))


def is_distance(sentence: str, figure_end: int) -> bool:
    """Whether the length whose figure ends at ``figure_end`` in ``sentence`` is a distance
    between places: the words right after it, or after its unit ("40 km away", "120 kilometres
    south-east of Oslo", "3 miles from the coast"), place something; no height, depth or size."""
    rest = sentence[figure_end:]
    unit = _UNIT_WORD.match(rest)
    return bool(_DISTANCE.match(rest) or (unit and _DISTANCE.match(rest, unit.end())))


def is_caption(sentence: str) -> bool:
    """True for a photo caption ("... shake hands ... (KCNA via AP)"): it dates a picture, not the news."""
    return bool(_CAPTION.search(sentence))


def units_compatible(a: str, b: str) -> bool:
    """True when two units can count the same things (either unknown counts as compatible)."""
    if not a or not b or a == b:
        return True
    return {a, b} <= PERSON_UNITS


@lru_cache(maxsize=512)
def _measure_words(sentence: str) -> tuple[tuple[str, int, int], ...]:
    """(lemma, start, end) of every measure word or phrase in the sentence, in order.

    Not a measure: a phrase followed by a particle of ``vocab.toml`` [measure_particles] ("ended
    up paying"), nor one that is part of a name, a capitalised word after the sentence's first
    ("Lost Springs", "the Met Office"; not a word in capitals, "THE TROOPS WERE SENT")."""
    found = list(re.finditer(r"[A-Za-z]+", sentence))
    words = [(m.group(0).lower(), m.start(), m.end()) for m in found]
    out, i = [], 0
    while i < len(words):
        for n in (3, 2, 1):  # longest phrase first: "death toll" before "death"
            if i + n <= len(words):
                phrase = " ".join(w for w, _, _ in words[i:i + n])
                if phrase in MEASURE_SURFACE:
                    word = found[i].group(0)
                    named = i > 0 and word[0].isupper() and not word.isupper()  # "SENT" in capitals names nothing
                    phrasal = i + n < len(words) and words[i + n][0] in MEASURE_PARTICLES
                    if not (named or phrasal):
                        out.append((MEASURE_SURFACE[phrase], words[i][1], words[i + n - 1][2]))
                    i += n
                    break
        else:
            i += 1
    return tuple(out)
