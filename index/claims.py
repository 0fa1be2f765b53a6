"""The claim ledger: every figure and date in a text, with what it measures and who says it.

``extract_claims(doc)`` reads a document's kept sentences; ``claims_in_text(text)`` reads
any sentence (a model's answer sentence included). Each ``Claim`` records the value as
written and normalised ("approximately 12,000" -> "12000"), its unit family ("soldiers",
"troops", "forces" -> "personnel"), the measure word the figure is attached to
("deployed", "killed", "casualties", ...), what it is about, who says it, the time it
refers to (resolved by ``lang.timex`` against the article's date) and its offsets.

The reading is a light, dependency-free heuristic: the nearest measure word in the same
clause, the noun phrase after the number, reporting-verb patterns for attribution. It
knows small vocabularies (units, measures, qualifiers: ``lang/vocab.py``), not the corpus;
figures are found and normalised by ``lang/numbers.py``. ``supports``
checks that a stated figure matches a source figure on value, unit and measure.
Deciding which claims answer a question, and how differing values relate, is
``qa/sources/conflicts.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from lang.sentences import joined_sentences
from index.records import Document
from lang import timex
from lang.cues import AUXILIARIES, EVENT_NOUNS, IRREGULAR_VERBS
from lang.lexicon import alternation, table
from lang.numbers import COUNT_WORDS, QUAL_RE, WORDNUM, Found, find_figures, value_range
from lang.vocab import (ATTRIBUTION_VERBS, EVENT_FAMILIES, LOWER_BOUND, MEASURE_LEMMAS, MEASURE_SURFACE, MONTH_PREFIXES,
                         PEOPLE_MEASURES, PEOPLE_NOUNS, PERSON_UNITS, REPORTING_WORDS, TIME_UNITS, UNIT_LOOKUP, UPPER_BOUND,
                         VAGUE_AMOUNTS, is_caption, measure_family, measure_words, measures_related, qualifier_direction,
                         unit_family, units_compatible)

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


# Words that end the noun phrase after a figure (lang/data/stopwords.toml).
_STOP = frozenset(table("stopwords")["unit_context"])
_MEASURE_ALT = "|".join(re.escape(s) for s in sorted(MEASURE_SURFACE, key=len, reverse=True))
_FOLLOWING_VERB = re.compile(rf"(?i)\s*,?\s*(?:(?:{alternation(AUXILIARIES)})\s+){{0,3}}(" + _MEASURE_ALT + r")\b")
_MEASURE_PHRASE = re.compile(r"(?i)(?:" + "|".join(re.escape(s) for s in sorted(MEASURE_SURFACE, key=len, reverse=True)
                                                   if " " in s) + r")\b")
# Irregular past tenses that end a counted noun ("2,400 workers took part") and event nouns
# measured like verbs: lang/data/cues.toml.


# --- sentence reading ---------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(r";|\s[—–]\s|,\s+(?=(?:with|while|but|whereas|although|though|and|as|including|"
                           r"which|who|according)\b)")


_RELATIVE = re.compile(r"(?i)(?:which|who)\b")
# A hyphenated number compound between a figure and its noun describes the noun: the noun
# phrase starts after it ("eight 4-place dinner settings" counts settings; lang.numbers reads the
# compound's own figure as no count).
_NUMBER_COMPOUND = re.compile(r"\s+\d[\d,.]*(?:-[A-Za-z]+)+(?=\s)")


# Where a sentence turns to another matter ("No one was killed, but 14 people were treated"): a
# figure's measure is never looked for past it.
_CONTRAST_BREAK = re.compile(r";|,\s+(?=(?:but|while|whereas|although|though)\b)")


def _clause_bounds(sentence: str, pos: int, breaks: re.Pattern = _CLAUSE_BREAK) -> tuple[int, int]:
    """The clause of ``sentence`` around position ``pos`` (split at ;, dashes, ", with", ...)."""
    start, end = 0, len(sentence)
    for m in breaks.finditer(sentence):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    if _RELATIVE.match(sentence, start):
        # ", which has 3,200 employees, said ... until 2028": a relative clause ends at its comma
        close = sentence.find(",", pos, end)
        end = close if close >= 0 else end
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
        if not tok[0].isalpha() or low in _STOP or low in REPORTING_WORDS:
            break
        if words and (MEASURE_SURFACE.get(low) or _MEASURE_PHRASE.match(sentence, s) or low in IRREGULAR_VERBS
                      or (len(low) > 4 and low.endswith(("ed", "ing")))):
            # a verb after a noun ends the phrase ("troops sent", "workers walked out", "workers
            # took part", "ships waiting offshore"); a measure word first is the counted thing
            # itself ("4,000 casualties"), and a participle first describes it ("300 fishing boats")
            break
        words.append((tok, s, e))
        if MEASURE_SURFACE.get(low):
            break
        if len(words) >= 4:
            break
    while words and words[-1][0].lower() in ("more", "new", "other", "additional", "further"):
        words.pop()
    if not words:
        return "", "", pos, pos
    return words[-1][0].lower(), sentence[words[0][1]:words[-1][2]], words[0][1], words[-1][2]


def _nearest_measure(sentence: str, lo: int, hi: int, vstart: int, vend: int,
                     exclude: Sequence[tuple[int, int]] = (), events_only: bool = False) -> tuple[str, int, int]:
    """The measure lemma nearest the value within sentence[lo:hi], outside the ``exclude``
    spans; words before it are preferred."""
    best = ("", -1, -1)
    best_cost = None
    for lemma, ms, me in measure_words(sentence):
        if ms < lo or me > hi or any(a <= ms < b for a, b in exclude):
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


_ATTR_VERBS = alternation(ATTRIBUTION_VERBS)  # lang/data/vocab.toml [reporting]
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
        if i >= 2 and re.search(r"(?i)\b(?:was|were|is|are|be|been|being)$", who):
            continue  # passive: in "He was confirmed by the Senate" no one is quoted
        return who
    return ""


def _personnel_phrase(sentence: str, lo: int, hi: int) -> str:
    """A noun phrase naming people in sentence[lo:hi] ("North Korean forces"), or ""."""
    words = "|".join(sorted((w for w in UNIT_LOOKUP if UNIT_LOOKUP[w] in PERSON_UNITS and " " not in w),
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


def _nearest_time(times: list[timex.TimeExpr], lo: int, hi: int, vs: int, ve: int,
                  sentence_wide: bool = True) -> timex.TimeExpr | None:
    """The time expression of the clause nearest a figure; the only one of the sentence
    otherwise (``sentence_wide``: not for a figure in a relative clause, whose time the
    clause would say: "which has 3,200 employees, said the order secures work until 2028")."""
    cands = [t for t in times if lo <= t.start and t.end <= hi and not (t.start <= vs and ve <= t.end)]
    if cands:
        return min(cands, key=lambda t: abs(t.start - ve) if t.start >= ve else abs(vs - t.end))
    resolved = [t for t in times if t.value]
    return resolved[0] if len(resolved) == 1 and sentence_wide else None


@dataclass(frozen=True, slots=True)
class _Reading:
    """What one figure of a sentence says, as ``Claim`` fields; ``start``/``end`` are the
    figure's offsets (its qualifier included) in the sentence, not yet in the document."""

    value_text: str
    start: int
    end: int
    value: str
    kind: str
    qualifier: str
    unit: str
    unit_text: str
    measure: str
    about: str
    time: str
    time_text: str
    share_of: str


# Unit families a word before a unit of length makes of it ("square kilometres", "cubic metres").
_AREA_OR_VOLUME = frozenset({"square", "volume"})
# "21 civilian deaths": a people noun after the figure's next word
_BEFORE_PEOPLE_NOUN = re.compile(rf"(?i)\s+(?:{'|'.join(PEOPLE_NOUNS)})\b")


# "including" after a figure lists its parts ("87 structures destroyed, including 61 homes"):
# it measures neither the whole nor the part, which takes the whole's measure.
_INCLUDING = re.compile(r"(?i)\bincluding\b")
_INCLUDING_BEFORE = re.compile(r"(?i),\s+including\s+$")
# A figure's own verb: the word after an auxiliary right before it ("has infected 2,340
# people") or after auxiliaries right after its noun ("14 homes have been destroyed").
_AUX_ONLY = alternation(("has", "have", "had", "was", "were", "is", "are", "been", "being"))
_VERB_BEFORE = re.compile(rf"(?i)\b(?:{_AUX_ONLY})\s+(?:\w+ly\s+)?([a-z]+)\s+$")
_VERB_AFTER = re.compile(rf"(?i)\s*(?:(?:{alternation(AUXILIARIES)})\s+){{1,3}}([a-z]+)\b")
# "Four of the animals died", "12 of them were killed": a verb after the part that measures it
_PART_MEASURED = re.compile(rf"(?i)\s+of\s+(?:the|those|them|these|its|their)(?:\s+[a-z][\w'’-]*){{1,3}}?"
                            rf"\s+(?:(?:{alternation(AUXILIARIES)})\s+){{0,3}}({_MEASURE_ALT})\b")
_VERB_BEFORE_DATE = re.compile(rf"(?i)\b(?:{_AUX_ONLY})\s+(?:\w+ly\s+)?([a-z]+ed)\s+(?:(?:in|on|at|by|during)\s+)?$")
_PAST_AFTER = re.compile(r"(?i)\s+([a-z]+ed)\b(?!\s+(?:by|of)\b)")  # "12 villages flooded overnight"


def _own_verb_unmeasured(sentence: str, start: int, noun_end: int) -> bool:
    """Whether the figure at ``start`` (its counted noun ending at ``noun_end``) has a verb of
    its own that is no measure word: then it counts what that verb says ("sickened 2,340
    people and killed 31": 2,340 are not killed; "suffered injuries, and 14 people have been
    treated": 14 are not injuries), and no measure elsewhere in its sentence is its."""
    for m in (_VERB_BEFORE.search(sentence, max(0, start - 60), start), _VERB_AFTER.match(sentence, noun_end)):
        word = m.group(1).lower() if m else ""
        if (word.endswith("ed") or word in IRREGULAR_VERBS) and word not in AUXILIARIES \
                and not MEASURE_SURFACE.get(word):
            return True
    return False


def _read_figure(sentence: str, f: Found, found: list[Found], times: list[timex.TimeExpr]) -> _Reading:
    """Qualifier, unit, measure, subject, share and time of one figure."""
    s, e, kind, unit = f.start, f.end, f.kind, f.unit
    lo, hi = _clause_bounds(sentence, s)
    qm = QUAL_RE.search(sentence[max(0, s - 25):s])
    qualifier = " ".join(qm.group(0).lower().split()) if qm else ""
    qs = s - len(qm.group(0)) if qm else s
    np_start = e
    if kind in ("fraction", "vague"):
        of = re.match(r"\s+of(?:\s+(?:the|their|its|those|these))?", sentence[e:])
        np_start = e + of.end() if of else e
    compound = _NUMBER_COMPOUND.match(sentence, np_start)
    head, phrase, ps, pe = _noun_phrase(sentence, compound.end() if compound else np_start)
    comp = re.match(r"\s+of\s+(?:[\w'’-]+\s+){0,5}?[\w'’-]+(?=[,.;]|\s+(?:were|was|have|has|had|are|is)\b|$)",
                    sentence[pe:])
    # "220 units of ... rocket launch systems": words in the "of" complement are not measures
    pe_ex = pe + comp.end() if kind not in ("fraction", "vague") and comp else pe
    measure = ""
    verb = _FOLLOWING_VERB.match(sentence, max(pe, e))
    # "3,000 residents were evacuated"; not "4 people, Lost Springs is ...": the verb must be
    # a measure word as measure_words reads the sentence (a name's word or "ended up" is none)
    if verb and kind != "fraction" and not _INCLUDING.fullmatch(verb.group(1)) \
            and any(ms == verb.start(1) for _, ms, _ in measure_words(sentence)):
        measure = MEASURE_SURFACE[verb.group(1).lower()]
    if head and MEASURE_SURFACE.get(head):
        measure = MEASURE_SURFACE[head]  # "4,000 casualties": the noun is the measure
    if kind not in ("money", "quantity", "calibre"):
        unit = unit_family(head) if head else ""
        if f.value == "1" and head and unit == head and unit_family(head + "s") != head + "s":
            unit = unit_family(head + "s")  # "one resident killed": a count of residents, of people
        # "12 square kilometres" is an area and "3.1 cubic kilometres" a volume, not a length
        scale = unit_family(phrase.split(maxsplit=1)[0]) if phrase.strip() else ""
        unit = scale if scale in _AREA_OR_VOLUME else unit
    if kind in ("count", "vague") and head in TIME_UNITS:
        kind = "duration"  # "three months", "19 years": how long, not how many
    share_of = ""
    earlier = [g for g in found if g.kind in ("count", "vague") and g.start < s]
    whose = _PART_MEASURED.match(sentence, e) if kind == "count" else None
    whose = whose if whose and any(ms == whose.start(1) for _, ms, _ in measure_words(sentence)) else None
    if whose:
        measure = MEASURE_SURFACE[whose.group(1).lower()]  # "Four of the animals died": four died
    elif kind == "count" and re.match(r"\s+of\s+(?:the|those|them|these|whom|which|its|their)\b", sentence[e:]):
        # "15 of the dead were children": a part of another figure, not a rival total
        kind, share_of = "part", earlier[-1].value if earlier else ""
    if kind == "fraction":
        # "two-thirds of the losses being soldiers killed": the base is the figure before,
        # the measure is what the share is
        share_of = earlier[-1].value if earlier else ""
        measure = _nearest_measure(sentence, pe, hi, pe, pe)[0] or measure
        unit_phrase = _personnel_phrase(sentence, pe, hi)
        unit = unit_family(unit_phrase.split()[-1]) if unit_phrase else unit
    if not measure and not _own_verb_unmeasured(sentence, qs, pe):
        # a measure noun another figure counts ("3,100 cases and 44 deaths") is that figure's
        taken = [(ps, pe_ex)] + [(a, b) for g in found if g.start != s
                                 for head2, _, a, b in [_noun_phrase(sentence, g.end)] if MEASURE_SURFACE.get(head2)]
        taken += [m.span() for m in _INCLUDING.finditer(sentence) if m.start() >= e]
        measure = _nearest_measure(sentence, lo, hi, qs, max(pe, e), exclude=taken)[0]
        past = _PAST_AFTER.match(sentence, pe)
        own_clause = _RELATIVE.match(sentence, lo) or (past and not MEASURE_SURFACE.get(past.group(1).lower()))
        if not measure and not own_clause:
            # beyond its clause only when no verb of its own says what it counts there (a
            # relative clause; "12 villages flooded, and officials evacuated 300 people")
            measure = _nearest_measure(sentence, *_clause_bounds(sentence, s, _CONTRAST_BREAK), qs, max(pe, e),
                                       exclude=taken)[0]
        if earlier and _INCLUDING_BEFORE.search(sentence, max(0, qs - 20), qs):
            measure = _read_figure(sentence, earlier[-1], found, times).measure or measure
    about = phrase
    if kind == "calibre":
        about, measure = _noun_phrase(sentence, e)[1], "calibre"
    # "4,000 casualties" counts people, and so does "21 civilian deaths", where the word before
    # the deaths only says whose they are
    # (not "four of the animals died": the part is of whatever the words before counted)
    if not whose and measure_family(measure) in PEOPLE_MEASURES and (
            unit in ("",) + PEOPLE_NOUNS or _BEFORE_PEOPLE_NOUN.match(sentence, pe)):
        pp = _personnel_phrase(sentence, lo, hi) or _personnel_phrase(sentence, 0, len(sentence))
        unit = unit_family(pp.split()[-1]) if pp else "people"
        about = pp or about
    t = _nearest_time(times, lo, hi, s, e, sentence_wide=not _RELATIVE.match(sentence, lo))
    return _Reading(value_text=sentence[qs:e], start=qs, end=e, value=f.value, kind=kind, qualifier=qualifier,
                    unit=unit, unit_text=phrase, measure=measure, about=about, time=t.value if t else "",
                    time_text=t.text if t else "", share_of=share_of)


def _read_date(sentence: str, t: timex.TimeExpr) -> tuple[str, str]:
    """(measure, about) of a date: the event word it dates and what that event is about."""
    own = _VERB_BEFORE_DATE.search(sentence, max(0, t.start - 60), t.start)
    if own and not MEASURE_SURFACE.get(own.group(1).lower()):
        return "", ""  # "opened in 1888 ... and was electrified in 1925": 1925 dates no opening
    lo, hi = _clause_bounds(sentence, t.start)
    lemma, ms, me = _nearest_measure(sentence, lo, hi, t.start, t.end, events_only=True)
    if not lemma:
        lemma, ms, me = _nearest_measure(sentence, 0, len(sentence), t.start, t.end, events_only=True)
    if not lemma:
        return "", ""
    about = _object_after(sentence, me, len(sentence)) if sentence[ms:me].lower() in EVENT_NOUNS else ""
    return lemma, about or _subject_before(sentence, lo if lo <= ms else 0, ms)


# A rate: "about 1 per 100,000 people", "3 per thousand births". Neither figure counts anything
# (no one was "100,000 people killed"), and a ledger of counts has no measure for their quotient.
_PER_FIGURE = re.compile(r"(?i)\s*per\s+(?:\d|(?:a|one)\s+(?:hundred|thousand|million)\b|(?:hundred|thousand|million)\b)")
_AFTER_PER = re.compile(r"(?i)\bper\s*$")


def _in_rate(sentence: str, f: Found) -> bool:
    """Whether figure ``f`` is a rate's number or its denominator (``_PER_FIGURE``)."""
    return bool(_PER_FIGURE.match(sentence, f.end) or _AFTER_PER.search(sentence[max(0, f.start - 6):f.start]))


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
    found = [f for f in find_figures(sentence, times) if not _in_rate(sentence, f)]
    for f in found:
        r = _read_figure(sentence, f, found, times)
        claims.append(Claim(**base, value_text=r.value_text, value_start=offset + r.start, value_end=offset + r.end,
                            value=r.value, kind=r.kind, qualifier=r.qualifier, unit=r.unit, unit_text=r.unit_text,
                            measure=r.measure, about=r.about, time=r.time, time_text=r.time_text,
                            share_of=r.share_of))
    for t in times:
        if t.value:
            measure, about = _read_date(sentence, t)
            claims.append(Claim(**base, value_text=t.text, value_start=offset + t.start, value_end=offset + t.end,
                                value=t.value, kind="date", unit="date", unit_text=t.granularity,
                                measure=measure, about=about, time=t.value, time_text=t.text))
    claims.sort(key=lambda c: (c.value_start, c.kind == "date"))
    return claims


def document_sentences(doc: Document) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence in the document's kept segments (all text if none)."""
    return list(_document_sentences(doc.text, doc.segments))


@lru_cache(maxsize=2048)
def _document_sentences(text: str, segments: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    # cached: the ledger and the event finder both split every document
    regions = segments or ((0, len(text)),)
    return tuple(sp for s, e in regions for sp in joined_sentences(text, s, e))


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
        if not re.search(r"\d|" + WORDNUM + "|" + COUNT_WORDS + r"|half|third|quarter|"
                         r"year|month|week|day|spring|summer|fall|autumn|winter|" + MONTH_PREFIXES,
                         sentence, re.I):
            continue
        context = [doc.text[a:b] for a, b in spans[i + 1:i + 3]]
        out.extend(claims_in_text(sentence, offset=s, published=reference, doc_id=doc.doc_id, context=context,
                                  year_reference=year_reference))
    return out


def _num_range(c: Claim) -> tuple[float, float] | None:
    if c.kind == "vague":
        return tuple(map(float, VAGUE_AMOUNTS.get(c.value, (0, 0))))  # type: ignore[return-value]
    if c.kind in ("count", "money", "quantity", "calibre", "percent"):
        return value_range(c.value)
    return None


def _dates_agree(claimed: str, source: str) -> bool:
    """Does the source date establish the claimed one? ("June 2025" by "June 4, 2025": yes;
    "June 4" by "June": no.) Year-less values ("--06-04") compare on month and day."""
    if claimed == source:
        return True
    c, src = timex.period(claimed), timex.period(source)
    if c.year_less:
        src_md = src.month_day or (source[5:] if "/" not in source else "")
        return bool(src_md) and src_md.startswith(c.month_day)
    if src.year_less:
        return "/" not in claimed and claimed[5:] == src.month_day
    return c.contains(src)


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
        if (qa in LOWER_BOUND and qb in UPPER_BOUND) or (qa in UPPER_BOUND and qb in LOWER_BOUND):
            return False, f"{qa!r} {claimed.value} is not {qb!r} {source.value}"
        if claimed.kind in ("money", "quantity", "calibre") or source.kind in ("money", "quantity", "calibre"):
            if claimed.unit != source.unit and claimed.unit and source.unit:
                return False, f"unit {claimed.unit} is not {source.unit}"
        elif not units_compatible(claimed.unit, source.unit):
            return False, f"unit {claimed.unit} is not {source.unit}"
    if claimed.measure and source.measure and measures_related(claimed.measure, source.measure) not in ("same", "compatible"):
        return False, f"measure {claimed.measure} is not {source.measure}"
    if claimed.kind != "date" and timex.period(claimed.time).apart(timex.period(source.time)):
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
