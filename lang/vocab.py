"""The small vocabularies the claim ledger reads figures and dates with: measures, units, qualifiers.

What a figure measures ("killed", "deployed", "arrived", ...) is told by the words next to it;
this module holds those words, grouped: surface words -> measure lemma -> family ("sent" and
"deployed" are both the "deployment" family), unit words -> unit family ("soldiers", "troops"
-> "personnel"), qualifiers and their direction ("at least" is a lower bound), number words.
It knows general news vocabulary, nothing about a corpus. Reading sentences with it is
``index/claims.py``; turning number words into values is ``lang/numbers.py``.
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache

__all__ = ["MEASURE_LEMMAS", "MEASURE_SURFACE", "EVENT_FAMILIES", "measure_family", "unit_family", "measures_related",
           "units_compatible", "measure_words", "qualifier_direction", "is_caption"]

# surface word -> measure lemma; lemma -> family. Multi-word surfaces are matched as phrases.
MEASURE_LEMMAS: dict[str, tuple[str, ...]] = {
    "killed": ("killed", "kill", "kills", "killing", "dead", "deaths", "death toll", "death", "died", "die",
               "dies", "fatalities", "fatality", "perished", "lost their lives", "lives"),
    "wounded": ("wounded", "injured", "injuries", "injury", "hurt", "hospitalised", "hospitalized"),
    "casualties": ("casualties", "casualty", "losses", "lost"),
    "missing": ("missing", "unaccounted for"),
    "captured": ("captured", "taken prisoner", "prisoners of war"),
    "deployed": ("deployed", "deploy", "deploys", "deploying", "deployment", "deployments", "stationed",
                 "mobilised", "mobilized"),
    "sent": ("sent", "send", "sends", "sending", "dispatched", "dispatch"),
    "supplied": ("supplied", "supply", "supplies", "supplying", "supplier", "provided", "provide",
                 "provides", "providing", "delivered", "deliver", "delivers", "deliveries", "shipped",
                 "exported", "transferred"),
    "identified": ("identified", "detected", "recorded", "tracked", "counted", "documented", "observed"),
    "included": ("included", "include", "includes", "including", "carrying", "carried", "containing",
                 "contained", "featured", "featuring", "comprising", "comprised"),
    "evacuated": ("evacuated", "evacuation", "evacuations", "displaced", "rescued", "relocated",
                  "left homeless", "homeless"),
    "affected": ("affected",),
    "arrested": ("arrested", "detained", "arrests", "detentions"),
    "striking": ("went on strike", "walked out", "walkout", "walkouts", "striking", "strikers", "on strike",
                 "joined the strike"),
    "allocated": ("allocated", "allocate", "allocates", "approved", "approve", "approves", "budgeted", "earmarked", "set aside", "pledged",
                  "committed", "granted", "awarded", "instalment", "installment", "tranche", "funding"),
    "spent": ("spent", "spend", "spending", "paid", "pay", "cost", "costs", "invested", "disbursed"),
    "raised": ("raised", "collected", "donated"),
    "arrived": ("arrived", "arrive", "arrives", "arriving", "arrival", "landed"),
    "departed": ("departed", "depart", "departs", "departing", "departure", "left for", "leave", "leaves",
                 "leaving", "flew home", "returned home"),
    "visited": ("visited", "visit", "visits", "visiting", "trip", "trips", "travelled", "traveled", "travel",
                "travels", "toured"),
    "met": ("met", "meet", "meets", "meeting", "talks", "summit"),
    "signed": ("signed", "sign", "signs", "signing"),
    "began": ("began", "begin", "begins", "started", "start", "starts", "launched", "launch", "opened",
              "opening", "kicked off", "commenced", "broke out", "hit"),
    "ended": ("ended", "ends", "finished", "closed", "called off"),
    "issued": ("issued", "issue"),
    "dismissed": ("dismissed", "dismissal", "fired", "removed", "resigned", "resignation", "ousted"),
    "announced": ("announced", "unveiled"),
    "confirmed": ("confirmed", "confirm", "confirms", "acknowledged", "admitted"),
}
MEASURE_FAMILY = {
    "killed": "deaths", "wounded": "injuries", "casualties": "casualties", "missing": "missing",
    "captured": "captured", "deployed": "deployment", "sent": "deployment", "supplied": "supply",
    "identified": "detection", "included": "content", "evacuated": "displacement",
    "affected": "affected", "arrested": "arrests", "striking": "strike", "allocated": "funding",
    "spent": "funding", "raised": "funding", "arrived": "visit", "departed": "departure", "visited": "visit", "met": "visit",
    "signed": "signing", "began": "start", "ended": "end", "issued": "issuing",
    "dismissed": "dismissal", "announced": "announcement", "confirmed": "confirmation",
}
# Families that measure the same thing well enough for a figure to carry over.
COMPATIBLE_FAMILIES = {frozenset({"deployment", "supply"})}
# Families that measure related but different things (a reader must be told which is which).
# (a part and its whole: casualties are the killed, wounded, missing and captured together;
# siblings such as killed and wounded are simply different measures)
RELATED_FAMILIES = {frozenset({"deaths", "casualties"}), frozenset({"injuries", "casualties"}),
                    frozenset({"missing", "casualties"}), frozenset({"captured", "casualties"}),
                    frozenset({"displacement", "affected"})}
PEOPLE_MEASURES = {"deaths", "injuries", "casualties", "missing", "captured", "displacement",
                   "affected", "arrests", "strike"}
REPORTING = ("said", "says", "say", "saying", "reported", "reports", "report", "reporting", "estimated",
             "estimates", "estimate", "told", "claimed", "claims", "claim", "cited", "cites", "citing",
             "according", "indicated", "indicate", "indicates", "revealed", "reveal", "reveals", "stated",
             "states", "noted", "notes", "found", "finds", "believe", "believes", "believed", "warned",
             "added", "wrote", "announced", "confirmed", "showed", "show", "shows")

UNIT_FAMILIES = {
    "personnel": ("soldiers", "soldier", "troops", "troop", "forces", "servicemen", "servicemembers",
                  "service members", "personnel", "fighters", "combatants", "marines", "sailors",
                  "airmen", "conscripts", "mercenaries", "recruits", "infantry", "men"),
    "people": ("people", "persons", "person", "residents", "civilians", "victims", "individuals",
               "inhabitants", "citizens", "migrants", "refugees", "passengers", "children", "adults",
               "patients", "workers", "employees", "staff", "members", "households", "families", "doctors",
               "nurses", "medics", "paramedics", "volunteers", "engineers", "teachers", "students", "journalists"),
    "ammunition": ("rounds", "round", "shells", "shell", "munitions", "ammunition", "cartridges", "projectiles",
                   "bullets"),
    "USD": ("dollars", "dollar", "usd", "$"),
    "EUR": ("euros", "euro", "eur", "€"),
    "GBP": ("pounds", "pound", "gbp", "£", "sterling"),
    "km": ("km", "kilometres", "kilometers", "kilometre", "kilometer"),
    "mm": ("mm", "millimetres", "millimeters"),
    "m": ("metres", "meters", "metre", "meter"),
    "kg": ("kg", "kilograms", "kilos"),
    "tonnes": ("tonnes", "tons", "tonne", "ton"),
    "hectares": ("hectares", "ha"),
    # measures of encyclopedic text beyond the news vocabulary
    "cm": ("cm", "centimetres", "centimeters", "centimetre", "centimeter"),
    "ft": ("ft", "feet", "foot"),
    "mi": ("miles", "mile", "mi"),
    "acres": ("acres", "acre"),
    "square": ("square", "sq", "km2", "km²", "mi2", "mi²"),  # "square kilometres": an area
    "lb": ("lb", "lbs"),
    "g": ("g", "grams", "gram"),
}
UNIT_LOOKUP = {w: fam for fam, ws in UNIT_FAMILIES.items() for w in ws}

# What a measure question asks for. The question's word for the measure (``ASKED_MEASURES``:
# "the population of X", "how tall", "how much does it cost") names a type of value, and
# ``VALUE_UNITS`` the unit families a figure of that type is stated in. "people" is a figure
# with no unit of another type (a count of people is often bare: "the population was 2,772").
# A sentence without such a figure does not answer the question, whatever else it shares
# with it ("the centre lies 10 miles northwest of X" for "what is the population of X?").
ASKED_MEASURES = {
    "people": ("population", "inhabitants", "residents"),
    "length": ("height", "elevation", "altitude", "length", "distance", "width", "depth", "tall", "high",
               "far", "wide", "deep"),
    "area": ("area",),
    "mass": ("weight", "mass", "weigh", "weighs", "heavy"),
    "money": ("price", "cost", "costs", "budget", "revenue", "salary", "fee", "worth"),
}
VALUE_UNITS = {
    "length": ("km", "mm", "m", "cm", "ft", "mi"),
    "area": ("hectares", "acres", "square"),
    "mass": ("kg", "g", "tonnes", "lb"),
    "money": ("USD", "EUR", "GBP"),
}
# Some units are people; "people" is the generic one every person-unit is compatible with.
PERSON_UNITS = {"personnel", "people"}

QUALIFIERS = ("more than", "fewer than", "less than", "at least", "at most", "up to", "as many as",
              "as few as", "upwards of", "close to", "nearly", "almost", "about", "around",
              "approximately", "roughly", "some", "over", "under", "just over", "just under",
              "an estimated", "estimated", "a reported", "reportedly", "at minimum", "no fewer than",
              "no more than", "well over", "an additional", "another", "a further", "additional",
              "further")
LOWER_BOUND = {"more than", "at least", "over", "upwards of", "just over", "well over", "no fewer than",
               "at minimum"}
UPPER_BOUND = {"fewer than", "less than", "at most", "up to", "as many as", "under", "just under",
               "no more than", "nearly", "almost"}
TIME_UNITS = {"second", "seconds", "minute", "minutes", "min", "hour", "hours", "day", "days", "week", "weeks",
              "month", "months", "year", "years", "decade", "decades", "century", "centuries"}
ADDITIVE = {"an additional", "another", "a further", "additional", "further"}

SMALL_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i > 1}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000, "bn": 1_000_000_000, "m": 1_000_000, "k": 1_000, "mn": 1_000_000}
VAGUE_AMOUNTS = {"dozens": (24, 99), "scores": (40, 99), "hundreds": (100, 999), "thousands": (1_000, 999_999),
                 "tens of thousands": (10_000, 99_999), "hundreds of thousands": (100_000, 999_999),
                 "millions": (1_000_000, 999_999_999), "billions": (10**9, 10**12 - 1)}
FRACTIONS = {"half": "1/2", "a half": "1/2", "one-half": "1/2", "a third": "1/3", "one-third": "1/3",
             "one third": "1/3", "two-thirds": "2/3", "two thirds": "2/3", "a quarter": "1/4",
             "one-quarter": "1/4", "one quarter": "1/4", "three-quarters": "3/4", "three quarters": "3/4",
             "a fifth": "1/5", "one-fifth": "1/5", "a tenth": "1/10", "one-tenth": "1/10"}
# Ordinal words and what they count ("his eighth visit" is the eighth), one list for the event
# reader, the pipeline's "no such event" decline and the citation check; digits with a suffix
# ("12th") are read by ``ordinal_value``.
ORDINAL_WORDS = {w: i + 1 for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split())}
# Month names and their abbreviations, "Sept" too, as written -> month number: one table for
# the time reader (lang/timex.py), the answerer's date patterns and the ordinals below.
MONTHS = {m: (i - 1) % 12 + 1 for i, m in enumerate((*calendar.month_name[1:], *calendar.month_abbr[1:]), start=1)}
MONTHS["Sept"] = 9
# The same as a regex alternation (no groups), longest first so "September" beats "Sep".
MONTH_PATTERN = "|".join(sorted(MONTHS, key=lambda m: (-len(m), m)))
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
REPORTING_WORDS = set(REPORTING)
# Measure families that name events (dated things), as opposed to counted things.
EVENT_FAMILIES = {"visit", "departure", "signing", "start", "end", "issuing", "dismissal", "announcement", "confirmation"}


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
    """(lemma, start, end) of every measure word or phrase in the sentence, in order."""
    words = [(m.group(0).lower(), m.start(), m.end()) for m in re.finditer(r"[A-Za-z]+", sentence)]
    out, i = [], 0
    while i < len(words):
        for n in (3, 2, 1):  # longest phrase first: "death toll" before "death"
            if i + n <= len(words):
                phrase = " ".join(w for w, _, _ in words[i:i + n])
                if phrase in MEASURE_SURFACE:
                    out.append((MEASURE_SURFACE[phrase], words[i][1], words[i + n - 1][2]))
                    i += n
                    break
        else:
            i += 1
    return tuple(out)
