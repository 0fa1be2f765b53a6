"""The claim ledger: every figure and date in a text, with what it measures and who says it.

``extract_claims(doc)`` reads a document's kept sentences; ``claims_in_text(text)`` reads
any sentence (a model's answer sentence included). Each ``Claim`` records the value as
written and normalised ("approximately 12,000" -> "12000"), its unit family ("soldiers",
"troops", "forces" -> "personnel"), the measure word the figure is attached to
("deployed", "killed", "casualties", ...), what it is about, who says it, the time it
refers to (resolved by ``index.timex`` against the article's date) and its offsets.

The reading is a light, dependency-free heuristic: the nearest measure word in the same
clause, the noun phrase after the number, reporting-verb patterns for attribution. It
knows small vocabularies (units, measures, qualifiers), not the corpus. ``supports``
checks that a stated figure matches a source figure on value, unit and measure.
Deciding which claims answer a question, and how differing values relate, is
``qa/conflicts.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from index import timex
from index.chunk import sentence_spans
from index.records import Document

__all__ = ["Claim", "extract_claims", "claims_in_text", "supports", "supported_by", "measure_family",
           "unit_family", "measures_related", "units_compatible", "measure_words", "qualifier_direction",
           "is_caption", "document_sentences", "value_range", "MEASURE_LEMMAS", "EVENT_FAMILIES"]


@dataclass(frozen=True, slots=True)
class Claim:
    """One figure or date stated in a sentence.

    Attributes:
        doc_id: the document ("" for free text).
        start, end: the sentence's offsets in the document's text; ``sentence`` is that text.
        value_text: the figure as written ("approximately 12,000", "June 4, 2025").
        value_start, value_end: its offsets in the document's text.
        value: normalised: "12000", a range "4200000-5800000", a fraction "2/3", a percent
            "30%", a vague amount "thousands", or for dates the ``timex`` value ("2025-06-04").
        kind: "count", "vague", "fraction", "part" (a count of some of another figure: "15 of
            the dead"), "percent", "money", "quantity", "duration" ("three months" that no
            time expression took), "calibre" or "date".
        qualifier: "about", "approximately", "at least", "up to", "over", "estimated", ... or "".
        unit: the unit family ("personnel", "people", "USD", "km") or the counted noun as
            written in lower case ("containers", "shipments"); "date" for dates.
        unit_text: the counted noun phrase as written ("North Korean soldiers").
        measure: the measure lemma the figure is attached to ("killed", "casualties",
            "deployed", "sent", "arrived", "signed", ...) or "".
        about: what the figure is about ("North Korean troops", "The mutual defense treaty").
        attribution: who says it ("South Korean lawmaker Lee Seong-kweun", "Officials").
        time: the resolved time the figure refers to ("2024", "2024-09/2025-03-21") or "".
        time_text: that time as written ("last year").
        reference: the date relative expressions were resolved against ("" if unknown).
        share_of: for a fraction or a part, the value of the figure in the same sentence it is a
            share of ("" when that figure is elsewhere).
    """

    doc_id: str
    start: int
    end: int
    sentence: str
    value_text: str
    value_start: int
    value_end: int
    value: str
    kind: str
    qualifier: str = ""
    unit: str = ""
    unit_text: str = ""
    measure: str = ""
    about: str = ""
    attribution: str = ""
    time: str = ""
    time_text: str = ""
    reference: str = ""
    share_of: str = ""


# --- vocabularies -------------------------------------------------------------------------

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
    "striking": ("went on strike", "walked out", "striking", "strikers", "on strike", "joined the strike"),
    "allocated": ("allocated", "allocate", "allocates", "approved", "approve", "approves", "budgeted", "earmarked", "set aside", "pledged",
                  "committed", "granted", "awarded", "instalment", "installment", "tranche", "funding"),
    "spent": ("spent", "spend", "spending", "paid", "pay", "cost", "costs", "invested", "disbursed"),
    "raised": ("raised", "collected", "donated"),
    "arrived": ("arrived", "arrive", "arrives", "arriving", "arrival", "landed"),
    "departed": ("departed", "depart", "departs", "departing", "departure", "left for", "leave", "leaves",
                 "leaving", "flew home", "returned home"),
    "visited": ("visited", "visit", "visits", "visiting", "trip", "travelled", "traveled", "travel",
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
_FAMILY = {
    "killed": "deaths", "wounded": "injuries", "casualties": "casualties", "missing": "missing",
    "captured": "captured", "deployed": "deployment", "sent": "deployment", "supplied": "supply",
    "identified": "detection", "included": "content", "evacuated": "displacement",
    "affected": "affected", "arrested": "arrests", "striking": "strike", "allocated": "funding",
    "spent": "funding", "raised": "funding", "arrived": "visit", "departed": "departure", "visited": "visit", "met": "visit",
    "signed": "signing", "began": "start", "ended": "end", "issued": "issuing",
    "dismissed": "dismissal", "announced": "announcement", "confirmed": "confirmation",
}
# Families that measure the same thing well enough for a figure to carry over.
_COMPATIBLE = {frozenset({"deployment", "supply"})}
# Families that measure related but different things (a reader must be told which is which).
# (a part and its whole: casualties are the killed, wounded, missing and captured together;
# siblings such as killed and wounded are simply different measures)
_RELATED = {frozenset({"deaths", "casualties"}), frozenset({"injuries", "casualties"}),
            frozenset({"missing", "casualties"}), frozenset({"captured", "casualties"}),
            frozenset({"displacement", "affected"})}
_PEOPLE_MEASURES = {"deaths", "injuries", "casualties", "missing", "captured", "displacement",
                    "affected", "arrests", "strike"}
_REPORTING = ("said", "says", "say", "saying", "reported", "reports", "report", "reporting", "estimated",
              "estimates", "estimate", "told", "claimed", "claims", "claim", "cited", "cites", "citing",
              "according", "indicated", "indicate", "indicates", "revealed", "reveal", "reveals", "stated",
              "states", "noted", "notes", "found", "finds", "believe", "believes", "believed", "warned",
              "added", "wrote", "announced", "confirmed", "showed", "show", "shows")

_UNIT_FAMILIES = {
    "personnel": ("soldiers", "soldier", "troops", "troop", "forces", "servicemen", "servicemembers",
                  "service members", "personnel", "fighters", "combatants", "marines", "sailors",
                  "airmen", "conscripts", "mercenaries", "recruits", "infantry", "men"),
    "people": ("people", "persons", "person", "residents", "civilians", "victims", "individuals",
               "inhabitants", "citizens", "migrants", "refugees", "passengers", "children", "adults",
               "patients", "workers", "employees", "staff", "members", "households", "families"),
    "USD": ("dollars", "dollar", "usd", "$"),
    "EUR": ("euros", "euro", "eur", "€"),
    "GBP": ("pounds", "pound", "gbp", "£", "sterling"),
    "km": ("km", "kilometres", "kilometers", "kilometre", "kilometer"),
    "mm": ("mm", "millimetres", "millimeters"),
    "m": ("metres", "meters", "metre", "meter"),
    "kg": ("kg", "kilograms", "kilos"),
    "tonnes": ("tonnes", "tons", "tonne", "ton"),
    "hectares": ("hectares", "ha"),
}
_UNIT_LOOKUP = {w: fam for fam, ws in _UNIT_FAMILIES.items() for w in ws}
# Some units are people; "people" is the generic one every person-unit is compatible with.
_PERSON_UNITS = {"personnel", "people"}

_QUALIFIERS = ("more than", "fewer than", "less than", "at least", "at most", "up to", "as many as",
               "as few as", "upwards of", "close to", "nearly", "almost", "about", "around",
               "approximately", "roughly", "some", "over", "under", "just over", "just under",
               "an estimated", "estimated", "a reported", "reportedly", "at minimum", "no fewer than",
               "no more than", "well over", "an additional", "another", "a further", "additional",
               "further")
_LOWER_BOUND = {"more than", "at least", "over", "upwards of", "just over", "well over", "no fewer than",
                "at minimum"}
_UPPER_BOUND = {"fewer than", "less than", "at most", "up to", "as many as", "under", "just under",
                "no more than", "nearly", "almost"}
_TIME_UNITS = {"second", "seconds", "minute", "minutes", "min", "hour", "hours", "day", "days", "week", "weeks",
               "month", "months", "year", "years", "decade", "decades", "century", "centuries"}
_ADDITIVE = {"an additional", "another", "a further", "additional", "further"}

_SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i > 1}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000, "bn": 1_000_000_000, "m": 1_000_000, "k": 1_000, "mn": 1_000_000}
_VAGUE = {"dozens": (24, 99), "scores": (40, 99), "hundreds": (100, 999), "thousands": (1_000, 999_999),
          "tens of thousands": (10_000, 99_999), "hundreds of thousands": (100_000, 999_999),
          "millions": (1_000_000, 999_999_999), "billions": (10**9, 10**12 - 1)}
_FRACTIONS = {"half": "1/2", "a half": "1/2", "one-half": "1/2", "a third": "1/3", "one-third": "1/3",
              "one third": "1/3", "two-thirds": "2/3", "two thirds": "2/3", "a quarter": "1/4",
              "one-quarter": "1/4", "one quarter": "1/4", "three-quarters": "3/4", "three quarters": "3/4",
              "a fifth": "1/5", "one-fifth": "1/5", "a tenth": "1/10", "one-tenth": "1/10"}

_WORDNUM = "|".join(sorted(list(_SMALL) + list(_TENS), key=len, reverse=True))
_SCALEW = "hundred|thousand|million|billion|trillion"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER = (rf"(?:{_DIGITS})(?:\s*(?:{_SCALEW})\b|(?:bn|mn|m|k)\b)?"
           rf"|(?:a\s+)?(?:{_WORDNUM})(?:[-\s](?:{_WORDNUM}))*(?:\s+(?:and\s+)?(?:{_SCALEW}|{_WORDNUM}))*\b"
           rf"|a\s+(?:{_SCALEW}|dozen)\b|a\s+dozen\b")
_NUM_RE = re.compile(
    rf"(?i)(?<![\w.,/$€£-])(?P<cur>[$€£])?\s?(?P<n1>{_NUMBER})"
    rf"(?:\s*(?:to|-|–|and)\s*(?P=cur)?(?P<n2>{_NUMBER}))?"
    rf"(?P<pct>\s*(?:%|percent\b|per\s+cent\b))?")
_FRACTION_RE = re.compile(r"(?i)\b(?:" + "|".join(re.escape(f) for f in sorted(_FRACTIONS, key=len, reverse=True)) + r")\b")
_VAGUE_RE = re.compile(r"(?i)\b(?:tens of thousands|hundreds of thousands|dozens|scores|hundreds|thousands|millions|billions)\b")
_QUAL_RE = re.compile(r"(?i)(?:\b(?:" + "|".join(re.escape(q) for q in sorted(_QUALIFIERS, key=len, reverse=True)) + r"))\s+$")
_CURRENCY_WORD = re.compile(r"(?i)^\s*(dollars?|euros?|pounds?|usd|eur|gbp|yuan|yen|won|rubles?|roubles?|rupees?)\b")
_STOP = set("""of in to for on at from with by and or but that which who whom whose were was are is be been
being have has had will would could should may might can as than this these those their its his her our
your the a an it they he she we more most than into over under after before during since until while
per each every across among against about around between through amid near""".split())
_MEASURE_SURFACE = {s: lemma for lemma, ss in MEASURE_LEMMAS.items() for s in ss}
_MEASURE_ALT = "|".join(re.escape(s) for s in sorted(_MEASURE_SURFACE, key=len, reverse=True))
_REPORTING_SET = set(_REPORTING)
_FOLLOWING_VERB = re.compile(r"(?i)\s*,?\s*(?:(?:were|was|are|is|have|has|had|been|being|be|reportedly|also|already|"
                             r"now|later|subsequently)\s+){0,3}(" + _MEASURE_ALT + r")\b")
# Measure families that name events (dated things), as opposed to counted things.
EVENT_FAMILIES = {"visit", "departure", "signing", "start", "end", "issuing", "dismissal", "announcement", "confirmation"}
_NOUNISH_EVENT = re.compile(r"(?i)^(signing|arrival|visit|trip|meeting|talks|summit|launch|opening|dismissal|deployment)$")


def measure_family(measure: str) -> str:
    """The family of a measure lemma ("sent" -> "deployment"), the lemma itself if unknown."""
    return _FAMILY.get(measure, measure)


def unit_family(unit: str) -> str:
    """The family of a unit word ("troops" -> "personnel"), the word in lower case if unknown."""
    u = unit.lower().strip()
    return _UNIT_LOOKUP.get(u, u)


def measures_related(a: str, b: str) -> str:
    """How two measure lemmas relate: "same", "compatible", "related" or "" (unrelated)."""
    fa, fb = measure_family(a), measure_family(b)
    if fa == fb:
        return "same"
    pair = frozenset({fa, fb})
    if pair in _COMPATIBLE:
        return "compatible"
    if pair in _RELATED:
        return "related"
    return ""


def measure_words(text: str) -> list[tuple[str, int, int]]:
    """``(lemma, start, end)`` of every measure word in ``text`` ("killed", "sent", "arrive", ...)."""
    return list(_measure_words(text))


def qualifier_direction(qualifier: str) -> str:
    """"lower" ("at least", "over"), "upper" ("up to", "nearly"), "additive" ("an additional") or ""."""
    if qualifier in _LOWER_BOUND:
        return "lower"
    if qualifier in _UPPER_BOUND:
        return "upper"
    if qualifier in _ADDITIVE:
        return "additive"
    return ""


_CAPTION = re.compile(r"(?i)\b(?:in this (?:photo|image|picture)|photo(?:graph)?(?:ed)? (?:by|provided|taken)|"
                      r"file photo|pictured|poses|via (?:AP|AFP|Reuters|Getty)|getty images|afp|\(ap\)|"
                      r"photo:|image:|credit:)")


def is_caption(sentence: str) -> bool:
    """True for a photo caption ("... shake hands ... (KCNA via AP)"): it dates a picture, not the news."""
    return bool(_CAPTION.search(sentence))


def units_compatible(a: str, b: str) -> bool:
    """True when two units can count the same things (either unknown counts as compatible)."""
    if not a or not b or a == b:
        return True
    return {a, b} <= _PERSON_UNITS


# --- numbers ------------------------------------------------------------------------------

def _words_to_int(words: str) -> int | None:
    total, current = 0, 0
    seen = False
    for w in re.split(r"[-\s]+", words.lower().strip()):
        if w in ("and", ""):
            continue
        if w == "a":
            current = max(current, 1)
            continue
        if w == "dozen":
            current = (current or 1) * 12
            seen = True
        elif w in _SMALL:
            current += _SMALL[w]
            seen = True
        elif w in _TENS:
            current += _TENS[w]
            seen = True
        elif w == "hundred":
            current = (current or 1) * 100
            seen = True
        elif w in _SCALES:
            total += (current or 1) * _SCALES[w]
            current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def _to_number(text: str) -> float | None:
    t = text.strip().lower()
    m = re.match(rf"^({_DIGITS})\s*({_SCALEW}|bn|mn|m|k)?$", t)
    if m:
        x = float(m.group(1).replace(",", ""))
        return x * _SCALES[m.group(2)] if m.group(2) else x
    n = _words_to_int(t)
    return float(n) if n is not None else None


def _canon(x: float) -> str:
    return str(int(round(x))) if abs(x - round(x)) < 1e-9 else f"{x:.6f}".rstrip("0").rstrip(".")


def _scale_of(text: str) -> str:
    m = re.search(rf"(?i)({_SCALEW}|bn|mn|m|k)\s*$", text.strip())
    return m.group(1).lower() if m else ""


# --- sentence reading ---------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(r";|\s[—–]\s|,\s+(?=(?:with|while|but|whereas|although|though|and|as|including|"
                           r"which|who|according)\b)")


def _clause_bounds(sentence: str, pos: int) -> tuple[int, int]:
    """The clause of ``sentence`` around position ``pos`` (split at ;, dashes, ", with", ...)."""
    start, end = 0, len(sentence)
    for m in _CLAUSE_BREAK.finditer(sentence):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


def _tokens_after(sentence: str, pos: int, limit: int = 5) -> list[tuple[str, int, int]]:
    out = []
    for m in re.finditer(r"[A-Za-z][\w'’-]*|[^\sA-Za-z]", sentence[pos:]):
        tok = m.group(0)
        out.append((tok, pos + m.start(), pos + m.end()))
        if len(out) >= limit + 2:
            break
    return out


def _noun_phrase(sentence: str, pos: int) -> tuple[str, str, int, int]:
    """(head noun, phrase, start, end) of the noun phrase right after ``pos`` ("" when none)."""
    words: list[tuple[str, int, int]] = []
    for tok, s, e in _tokens_after(sentence, pos):
        low = tok.lower()
        if not tok[0].isalpha() or low in _STOP or low in _REPORTING_SET:
            break
        if _MEASURE_SURFACE.get(low) and words:
            # a measure word after a noun ends the phrase ("troops sent"); as the first word
            # it is the counted thing itself ("4,000 casualties", "64 deliveries")
            break
        words.append((tok, s, e))
        if _MEASURE_SURFACE.get(low):
            break
        if len(words) >= 4:
            break
    while words and words[-1][0].lower() in ("more", "new", "other", "additional", "further"):
        words.pop()
    if not words:
        return "", "", pos, pos
    return words[-1][0].lower(), sentence[words[0][1]:words[-1][2]], words[0][1], words[-1][2]


@lru_cache(maxsize=512)
def _measure_words(sentence: str) -> tuple[tuple[str, int, int], ...]:
    """(lemma, start, end) of every measure word or phrase in the sentence, in order."""
    words = [(m.group(0).lower(), m.start(), m.end()) for m in re.finditer(r"[A-Za-z]+", sentence)]
    out, i = [], 0
    while i < len(words):
        for n in (3, 2, 1):  # longest phrase first: "death toll" before "death"
            if i + n <= len(words):
                phrase = " ".join(w for w, _, _ in words[i:i + n])
                if phrase in _MEASURE_SURFACE:
                    out.append((_MEASURE_SURFACE[phrase], words[i][1], words[i + n - 1][2]))
                    i += n
                    break
        else:
            i += 1
    return tuple(out)


def _nearest_measure(sentence: str, lo: int, hi: int, vstart: int, vend: int,
                     exclude: tuple[int, int] = (0, 0), events_only: bool = False) -> tuple[str, int, int]:
    """The measure lemma nearest the value within sentence[lo:hi]; words before it are preferred."""
    best = ("", -1, -1)
    best_cost = None
    for lemma, ms, me in _measure_words(sentence):
        if ms < lo or me > hi or (exclude != (0, 0) and exclude[0] <= ms < exclude[1]):
            continue
        if events_only and measure_family(lemma) not in EVENT_FAMILIES:
            continue
        if me <= vstart:
            cost = vstart - me
        elif ms >= vend:
            cost = 2 * (ms - vend) + 10  # a time or figure usually follows its verb
        else:
            continue
        if best_cost is None or cost < best_cost:
            best, best_cost = (lemma, ms, me), cost
    return best


_ATTR_VERBS = (r"said|says|say|reported|reports|report|estimated|estimates|estimate|told|claimed|claims|"
               r"found|finds|indicated|indicates|indicate|revealed|reveals|reveal|confirmed|confirms|stated|"
               r"states|announced|announces|noted|notes|believes|believe|believed|cited|cites|warned|warns|"
               r"wrote|writes|showed|shows|show")
_ATTR_PATTERNS = [
    re.compile(r"(?i)\baccording\s+to\s+(?P<who>[^,.;:()]+?)(?=\s*(?:[,.;:()]|$|\bthat\b))"),
    re.compile(r"(?i)(?:^|[,(]\s*)(?:per|citing)\s+(?P<who>[^,.;:()]+?)(?=\s*(?:[,.;:()]|$))"),
    re.compile(rf"^(?:[A-Z]+\s+\([^)]*\)\s*-+\s*)?(?P<who>(?:(?!\b(?:{_ATTR_VERBS})\b)[^,.;:\d]){{2,90}}?)\s+"
               rf"(?:\w+ly\s+)?(?:has\s+|have\s+|had\s+)?(?:{_ATTR_VERBS})\b(?:\s+(?:on\s+)?\w+day)?(?:\s+that|,|:|\s)"),
    re.compile(rf",\s+(?P<who>[^,;:\d]{{2,80}}?)\s+(?:{_ATTR_VERBS})(?:\s+(?:on\s+)?[\w ]*?)?\s*[.\"”']*$"),
]
_SOURCE_NEXT = re.compile(
    r"(?i)^(?:these|the|those|this|that|both|all)\s+(?:figures?|numbers?|estimates?|data|statistics|tall(?:y|ies)|"
    r"counts?|tolls?|totals?)\s+(?:(?:comes?|came|were|was|are|is)\s+)?(?:from|provided\s+by|given\s+by|"
    r"compiled\s+by|released\s+by|published\s+by|according\s+to|attributed\s+to|issued\s+by)\s+(?P<who>[^,.;]+)")


def _clean_who(who: str) -> str:
    who = who.strip(" \"'“”‘’")
    who = re.sub(r"(?i)^(?:that|and|but|as)\s+", "", who)
    who = re.sub(r"\s+(?:previously|also|earlier|later|recently|reportedly|now)$", "", who, flags=re.I)
    return who.strip()


def _attribution(sentence: str) -> str:
    for i, rx in enumerate(_ATTR_PATTERNS):
        m = rx.search(sentence)
        if not m:
            continue
        who = _clean_who(m.group("who"))
        n_words = len(who.split())
        if not who or n_words > 10 or (i >= 2 and n_words > 8):
            continue
        if i >= 2 and re.match(r"(?i)^(?:the\s+)?(?:visit|meeting|talks|trip|this|it|which|who|he|she|they|we|i)$", who):
            continue
        return who
    return ""


def _personnel_phrase(sentence: str, lo: int, hi: int) -> str:
    """A noun phrase naming people in sentence[lo:hi] ("North Korean forces"), or ""."""
    words = "|".join(sorted((w for w in _UNIT_LOOKUP if _UNIT_LOOKUP[w] in _PERSON_UNITS and " " not in w),
                            key=len, reverse=True))
    m = re.search(rf"((?:[A-Z][\w'’-]*\s+){{0,3}})\b({words})\b", sentence[lo:hi])
    return m.group(0).strip() if m else ""


def _subject_before(sentence: str, lo: int, verb_start: int) -> str:
    """The few words before a verb in its clause: "Sergei Shoigu" in "Sergei Shoigu has arrived"."""
    text = sentence[lo:verb_start]
    text = re.sub(r"(?i)\b(?:has|have|had|was|were|is|are|been|being|be|will|would|also|reportedly)\s*$", "", text.rstrip())
    text = re.sub(r"(?i)\b(?:has|have|had|was|were|is|are|been)\s*$", "", text.rstrip()).strip(" ,")
    words = text.split()
    return " ".join(words[-6:]).strip(" ,\"'“”")


def _object_after(sentence: str, verb_end: int, hi: int) -> str:
    m = re.match(r"\s+of\s+((?:[\w'’-]+\s+){0,5}?[\w'’-]+)(?=\s+(?:in|on|at|by|last|this|for|to)\b|[,.;]|$)",
                 sentence[verb_end:hi])
    return m.group(1) if m else ""


# --- extraction ---------------------------------------------------------------------------

def _skip_number(sentence: str, s: int, e: int, text: str) -> bool:
    after = sentence[e:e + 3]
    before = sentence[max(0, s - 1):s]
    if re.match(r"(st|nd|rd|th)\b", after, re.I) or re.match(r"[:/]\d", after) or before in (":", "/"):
        return True  # "13th", times, fractions written 1/2
    if re.match(r"-?(year|day|week|month|hour|minute|point)s?\b", sentence[e:e + 8].lstrip(" -"), re.I) and \
            re.match(r"-", sentence[e:e + 1]):
        return True  # "three-month", "10-point" compounds are adjectives
    if re.fullmatch(r"(?i)a|an|one", text.strip()):
        return True  # "one of", "a" alone
    if not text[:1].isdigit() and re.search(r"(?i)\b(the|these|those|both|its|their|his|her|our|all)\s+$",
                                           sentence[max(0, s - 8):s]):
        return True  # "the two nations": a reference back, not a figure
    if re.match(r"(?i)[a-z]", after) and not re.match(r"(?i)(mm|km|kg|bn|mn|m|k)\b", after):
        return True  # glued to letters: model names
    return False


@dataclass(frozen=True, slots=True)
class _Found:
    """A figure located in a sentence, before it is read: span, text, normalised value, kind."""

    start: int
    end: int
    text: str
    value: str
    kind: str
    unit: str = ""


def _find_figures(sentence: str, times: list[timex.TimeExpr]) -> list[_Found]:
    """Fractions, vague amounts and numbers in a sentence, outside its time expressions."""
    time_spans = [(t.start, t.end) for t in times]
    found: list[_Found] = []

    def free(s: int, e: int) -> bool:
        return all(e <= f.start or s >= f.end for f in found) and not any(a <= s < b for a, b in time_spans)

    for m in _FRACTION_RE.finditer(sentence):
        word = " ".join(m.group(0).lower().split())
        if not free(*m.span()) or (word in ("half", "a half") and not re.match(r"\s+(?:of|the)\b", sentence[m.end():])):
            continue
        found.append(_Found(m.start(), m.end(), m.group(0), _FRACTIONS[word], "fraction"))
    for m in _VAGUE_RE.finditer(sentence):
        if free(*m.span()):
            found.append(_Found(m.start(), m.end(), m.group(0), " ".join(m.group(0).lower().split()), "vague"))
    for m in _NUM_RE.finditer(sentence):
        s, e = m.span()
        while e > s and sentence[e - 1].isspace():
            e -= 1
        if not free(s, e) or not free(m.start("n1"), m.end("n1")) or _skip_number(sentence, m.start("n1"), e, m.group("n1")):
            continue
        n1 = _to_number(m.group("n1"))
        if n1 is None:
            continue
        n2 = _to_number(m.group("n2")) if m.group("n2") else None
        if n2 is not None:
            scale = _scale_of(m.group("n2"))
            if scale and not _scale_of(m.group("n1")):
                n1 *= _SCALES[scale]  # "4.2 to 5.8 million": the scale belongs to both
            if n2 <= n1:
                n2 = None
        value = _canon(n1) if n2 is None else f"{_canon(n1)}-{_canon(n2)}"
        kind, unit = "count", ""
        if m.group("pct"):
            kind, value = "percent", value + "%"
        elif m.group("cur"):
            kind, unit = "money", _UNIT_LOOKUP[m.group("cur")]
        else:
            cw = _CURRENCY_WORD.match(sentence[e:])
            glued = re.match(r"(?i)\s?(mm|km|kg)\b", sentence[e:])
            if cw:
                word = cw.group(1).lower()
                kind, unit = "money", _UNIT_LOOKUP.get(word, word.rstrip("s").upper())
                e += cw.end()
            elif glued and glued.group(0) == glued.group(1) and glued.group(1).lower() == "mm":
                kind, unit = "calibre", "mm"  # "170mm howitzers": a calibre, a name, not a count
                e += glued.end()
            elif glued:
                kind, unit = "quantity", glued.group(1).lower()
                e += glued.end()
        found.append(_Found(s, e, sentence[s:e], value, kind, unit))
    return sorted(found, key=lambda f: f.start)


def _nearest_time(times: list[timex.TimeExpr], lo: int, hi: int, vs: int, ve: int) -> timex.TimeExpr | None:
    """The time expression of the clause nearest a figure; the only one of the sentence otherwise."""
    cands = [t for t in times if lo <= t.start and t.end <= hi and not (t.start <= vs and ve <= t.end)]
    if cands:
        return min(cands, key=lambda t: abs(t.start - ve) if t.start >= ve else abs(vs - t.end))
    resolved = [t for t in times if t.value]
    return resolved[0] if len(resolved) == 1 else None


def _read_figure(sentence: str, f: _Found, found: list[_Found], times: list[timex.TimeExpr]) -> dict:
    """Qualifier, unit, measure, subject, share and time of one figure, as Claim fields."""
    s, e, kind, unit = f.start, f.end, f.kind, f.unit
    lo, hi = _clause_bounds(sentence, s)
    qm = _QUAL_RE.search(sentence[max(0, s - 25):s])
    qualifier = " ".join(qm.group(0).lower().split()) if qm else ""
    qs = s - len(qm.group(0)) if qm else s
    np_start = e
    if kind in ("fraction", "vague"):
        of = re.match(r"\s+of(?:\s+(?:the|their|its|those|these))?", sentence[e:])
        np_start = e + of.end() if of else e
    head, phrase, ps, pe = _noun_phrase(sentence, np_start)
    comp = re.match(r"\s+of\s+(?:[\w'’-]+\s+){0,5}?[\w'’-]+(?=[,.;]|\s+(?:were|was|have|has|had|are|is)\b|$)",
                    sentence[pe:])
    # "220 units of ... rocket launch systems": words in the "of" complement are not measures
    pe_ex = pe + comp.end() if kind not in ("fraction", "vague") and comp else pe
    measure = ""
    verb = _FOLLOWING_VERB.match(sentence, max(pe, e))
    if verb and kind != "fraction":
        measure = _MEASURE_SURFACE[verb.group(1).lower()]  # "3,000 residents were evacuated"
    if head and _MEASURE_SURFACE.get(head):
        measure = _MEASURE_SURFACE[head]  # "4,000 casualties": the noun is the measure
    if kind not in ("money", "quantity", "calibre"):
        unit = unit_family(head) if head else ""
    if kind in ("count", "vague") and head in _TIME_UNITS:
        kind = "duration"  # "three months", "19 years": how long, not how many
    share_of = ""
    earlier = [g for g in found if g.kind in ("count", "vague") and g.start < s]
    if kind == "count" and re.match(r"\s+of\s+(?:the|those|them|these|whom|which|its|their)\b", sentence[e:]):
        # "15 of the dead were children": a part of another figure, not a rival total
        kind, share_of = "part", earlier[-1].value if earlier else ""
    if kind == "fraction":
        # "two-thirds of the losses being soldiers killed": the base is the figure before,
        # the measure is what the share is
        share_of = earlier[-1].value if earlier else ""
        measure = _nearest_measure(sentence, pe, hi, pe, pe)[0] or measure
        unit_phrase = _personnel_phrase(sentence, pe, hi)
        unit = unit_family(unit_phrase.split()[-1]) if unit_phrase else unit
    if not measure:
        measure = _nearest_measure(sentence, lo, hi, qs, max(pe, e), exclude=(ps, pe_ex))[0] or \
            _nearest_measure(sentence, 0, len(sentence), qs, max(pe, e), exclude=(ps, pe_ex))[0]
    about = phrase
    if kind == "calibre":
        about, measure = _noun_phrase(sentence, e)[1], "calibre"
    if measure_family(measure) in _PEOPLE_MEASURES and unit in ("", "casualties", "deaths", "losses",
                                                                "fatalities", "injuries"):
        pp = _personnel_phrase(sentence, lo, hi) or _personnel_phrase(sentence, 0, len(sentence))
        unit = unit_family(pp.split()[-1]) if pp else "people"
        about = pp or about
    t = _nearest_time(times, lo, hi, s, e)
    return dict(value_text=sentence[qs:e], rel_start=qs, rel_end=e, value=f.value, kind=kind,
                qualifier=qualifier, unit=unit, unit_text=phrase, measure=measure, about=about,
                time=t.value if t else "", time_text=t.text if t else "", share_of=share_of)


def _read_date(sentence: str, t: timex.TimeExpr) -> tuple[str, str]:
    """(measure, about) of a date: the event word it dates and what that event is about."""
    lo, hi = _clause_bounds(sentence, t.start)
    lemma, ms, me = _nearest_measure(sentence, lo, hi, t.start, t.end, events_only=True)
    if not lemma:
        lemma, ms, me = _nearest_measure(sentence, 0, len(sentence), t.start, t.end, events_only=True)
    if not lemma:
        return "", ""
    about = _object_after(sentence, me, len(sentence)) if _NOUNISH_EVENT.match(sentence[ms:me]) else ""
    return lemma, about or _subject_before(sentence, lo if lo <= ms else 0, ms)


def claims_in_text(text: str, offset: int = 0, published: str = "", doc_id: str = "",
                   context: Iterable[str] = (), year_reference: str = "") -> list[Claim]:
    """Every figure and date in one sentence (or a short passage read as one sentence).

    Args:
        text: the sentence.
        offset: the sentence's start in its document; all offsets are shifted by it.
        published: ISO reference date for relative times ("" = unknown).
        doc_id: copied into each claim.
        context: the following sentences (for "These figures come from X" attribution).
        year_reference: when ``published`` is "", a date that only places year-less dates.

    Returns:
        Claims in text order: counts, amounts, fractions, parts, percents and dates.

    Raises:
        ValueError: ``published`` is neither "" nor an ISO date.
    """
    sentence = text
    times = timex.find_times(sentence, published, year_reference=year_reference)
    attribution = _attribution(sentence)
    for nxt in list(context)[:2]:
        m = _SOURCE_NEXT.search(nxt.strip())
        if m:  # "These figures come from South Korean lawmaker Lee Seong-kweun, who cited ..."
            who = re.split(r",\s*(?:who|which|whose)\b|\s+who\b", m.group("who"))[0]
            attribution = _clean_who(who) or attribution
            break
    if attribution.lower() in ("it", "they", "this", "that"):
        attribution = ""
    base = dict(doc_id=doc_id, start=offset, end=offset + len(sentence), sentence=sentence,
                attribution=attribution, reference=published)
    claims: list[Claim] = []
    found = _find_figures(sentence, times)
    for f in found:
        fields = _read_figure(sentence, f, found, times)
        rs, re_ = fields.pop("rel_start"), fields.pop("rel_end")
        claims.append(Claim(**base, value_start=offset + rs, value_end=offset + re_, **fields))
    for t in times:
        if t.value:
            measure, about = _read_date(sentence, t)
            claims.append(Claim(**base, value_text=t.text, value_start=offset + t.start, value_end=offset + t.end,
                                value=t.value, kind="date", unit="date", unit_text=t.granularity,
                                measure=measure, about=about, time=t.value, time_text=t.text))
    claims.sort(key=lambda c: (c.value_start, c.kind == "date"))
    return claims


_ABBREV_END = re.compile(r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|St|No|Gen|Col|"
                         r"Lt|Sgt|Gov|Sen|Rep|Prof|Inc|Corp|Co|vs|approx)|\b[A-Z](?:\.[A-Z])*)\.$")


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans in text[start:end], rejoined where a split fell after "Feb." or "U.S."."""
    spans = _raw_sentences(text, start, end)
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and _ABBREV_END.search(text[merged[-1][0]:merged[-1][1]]) and "\n" not in text[merged[-1][1]:s] \
                and re.match(r"[\da-z]", text[s:s + 1]):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _raw_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans in text[start:end], split as the index splits them."""
    return sentence_spans(text, start, end)


def document_sentences(doc: Document) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence in the document's kept segments (all text if none)."""
    return list(_document_sentences(doc.text, doc.segments))


@lru_cache(maxsize=2048)
def _document_sentences(text: str, segments: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    # cached: the ledger and the event finder both split every document
    regions = segments or ((0, len(text)),)
    return tuple(sp for s, e in regions for sp in _sentences(text, s, e))


def extract_claims(doc: Document) -> list[Claim]:
    """The claim ledger of one document: every figure and date in its kept sentences.

    Relative times are resolved against ``timex.reference_date(doc.text, doc.date)``: the
    publication date, or (when there is none) the latest date the article states, unless
    the text outdates it; then only year-less dates are placed, by the years it states.
    Offsets point into ``doc.text``: ``doc.text[c.value_start:c.value_end]`` is the figure.
    """
    spans = document_sentences(doc)
    reference = timex.reference_date(doc.text, doc.date)
    # without a trusted date, "last month" stays unresolved but "late April" still gets the
    # year the article's own dates imply
    year_reference = "" if reference else timex.latest_stated_day(doc.text)
    out: list[Claim] = []
    for i, (s, e) in enumerate(spans):
        sentence = doc.text[s:e]
        if not re.search(r"\d|" + _WORDNUM + r"|thousands|hundreds|millions|dozens|half|third|quarter|"
                         r"year|month|week|day|spring|summer|fall|autumn|winter|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec",
                         sentence, re.I):
            continue
        context = [doc.text[a:b] for a, b in spans[i + 1:i + 3]]
        out.extend(claims_in_text(sentence, offset=s, published=reference, doc_id=doc.doc_id, context=context,
                                  year_reference=year_reference))
    return out


def value_range(value: str) -> tuple[float, float] | None:
    """A numeric claim value as ``(low, high)``: "12000" -> (12000, 12000), "4200000-5800000"
    -> (4200000, 5800000), "30%" -> (30, 30); None when it is not a number."""
    v = value.rstrip("%")
    try:
        if "-" in v[1:]:
            a, b = v.split("-", 1)
            return float(a), float(b)
        return float(v), float(v)
    except ValueError:
        return None


def _num_range(c: Claim) -> tuple[float, float] | None:
    if c.kind == "vague":
        return tuple(map(float, _VAGUE.get(c.value, (0, 0))))  # type: ignore[return-value]
    if c.kind in ("count", "money", "quantity", "calibre", "percent"):
        return value_range(c.value)
    return None


def _dates_agree(claimed: str, source: str) -> bool:
    """Does the source date establish the claimed one? ("June 2025" by "June 4, 2025": yes;
    "June 4" by "June": no.) Year-less values ("--06-04") compare on month and day."""
    if claimed == source:
        return True
    if claimed.startswith("--"):
        src_md = source[2:] if source.startswith("--") else (source[5:] if "/" not in source else "")
        return bool(src_md) and src_md.startswith(claimed[2:])
    if source.startswith("--"):
        return "/" not in claimed and claimed[5:] == source[2:]
    return timex.contains(claimed, source)


def supports(claimed: Claim, source: Claim) -> tuple[bool, str]:
    """Does ``source`` state the figure that ``claimed`` states? ``(ok, reason-if-not)``.

    Same normalised value (a vague "thousands" is supported by a figure in the thousands),
    compatible unit family, compatible measure family, and no clash of the times they refer
    to. "600 soldiers have been killed" does not support "600 troops were deployed".
    """
    if (claimed.kind == "date") != (source.kind == "date"):
        return False, f"{claimed.value_text!r} is a {claimed.kind}, {source.value_text!r} is a {source.kind}"
    if claimed.kind == "date":
        if not claimed.value or not source.value or not _dates_agree(claimed.value, source.value):
            return False, f"date {claimed.value or claimed.value_text} is not {source.value or source.value_text}"
    else:
        if claimed.kind == "fraction" or source.kind == "fraction":
            if claimed.value != source.value:
                return False, f"share {claimed.value} is not {source.value}"
        elif claimed.kind == "vague" and source.kind != "vague":
            rs, rc = _num_range(source), _num_range(claimed)
            if not rs or not rc or not (rc[0] <= rs[0] and rs[1] <= rc[1]):
                return False, f"{source.value_text!r} is not {claimed.value}"
        elif claimed.value != source.value:
            rc, rs = _num_range(claimed), _num_range(source)
            if not (rc and rs and rc == rs):
                return False, f"value {claimed.value} is not {source.value}"
        qa, qb = claimed.qualifier, source.qualifier
        if (qa in _LOWER_BOUND and qb in _UPPER_BOUND) or (qa in _UPPER_BOUND and qb in _LOWER_BOUND):
            return False, f"{qa!r} {claimed.value} is not {qb!r} {source.value}"
        if claimed.kind in ("money", "quantity", "calibre") or source.kind in ("money", "quantity", "calibre"):
            if claimed.unit != source.unit and claimed.unit and source.unit:
                return False, f"unit {claimed.unit} is not {source.unit}"
        elif not units_compatible(claimed.unit, source.unit):
            return False, f"unit {claimed.unit} is not {source.unit}"
    if claimed.measure and source.measure and measures_related(claimed.measure, source.measure) not in ("same", "compatible"):
        return False, f"measure {claimed.measure} is not {source.measure}"
    if claimed.kind != "date" and claimed.time and source.time and timex.bounds(claimed.time) \
            and timex.bounds(source.time) and not timex.overlaps(claimed.time, source.time):
        return False, f"time {claimed.time} is not {source.time}"
    return True, ""


def supported_by(claimed: Claim, sources: Iterable[Claim]) -> tuple[bool, str]:
    """``supports`` against several source claims: ok if any supports; else the first reason."""
    reasons = []
    for src in sources:
        ok, why = supports(claimed, src)
        if ok:
            return True, ""
        reasons.append(why)
    return False, reasons[0] if reasons else f"no figure {claimed.value_text!r} in the source"
