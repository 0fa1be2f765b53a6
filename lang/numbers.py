"""Figures in a sentence: digits, number words, ranges, vague amounts, fractions -> normalised values.

``find_figures(sentence, times)`` locates every figure outside the sentence's time
expressions and normalises it ("approximately 12,000" -> "12000", "4.2 to 5.8 million" ->
"4200000-5800000", "two-thirds" -> "2/3", "thousands" -> "thousands", "$8 million" -> money).
What a figure measures and who says it is read by ``index/claims.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lang import timex
from lang.cues import AUXILIARIES
from lang.lexicon import alternation, table
from lang.vocab import (COUNT_LEADS, FRACTIONS, MEASURE_SURFACE, QUALIFIERS, SCALE_WORDS, SCALES, SMALL_NUMBERS, TENS,
                        UNIT_LOOKUP, VAGUE_AMOUNTS)

__all__ = ["Found", "find_figures", "value_range", "canon", "QUAL_RE", "WORDNUM", "COUNT_WORDS"]

WORDNUM = "|".join(sorted(list(SMALL_NUMBERS) + list(TENS), key=len, reverse=True))
_SCALEW = "|".join(SCALE_WORDS)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER = (rf"(?:{_DIGITS})(?:\s*(?:{_SCALEW})\b|(?:bn|mn|m|k)\b)?"
           rf"|(?:a\s+)?(?:{WORDNUM})(?:[-\s](?:{WORDNUM}))*(?:\s+(?:and\s+)?(?:{_SCALEW}|{WORDNUM}))*\b"
           rf"|a\s+(?:{_SCALEW}|dozen)\b|a\s+dozen\b")
# Any word that states a count in running text ("three", "hundreds", "a dozen", "two-thirds"),
# for a reader asking whether a sentence holds one. "zero" and "one" are left out: "one" is far
# more often "one of them" than a count.
COUNT_WORDS = alternation(set(
    [w for w, n in SMALL_NUMBERS.items() if n >= 2] + list(TENS) + [w + s for w in SCALE_WORDS for s in ("", "s")]
    + ["dozen", "dozens"] + list(VAGUE_AMOUNTS) + list(FRACTIONS)))
_PERCENT = r"%|percent\b|per\s+cent\b"
_NUM_RE = re.compile(
    rf"(?i)(?<![\w.,/$€£-])(?P<cur>[$€£])?\s?(?P<n1>{_NUMBER})"
    rf"(?:\s*(?P<sep>to|-|–|and)\s*(?P=cur)?(?P<n2>{_NUMBER}))?"
    rf"(?P<pct>\s*(?:{_PERCENT}))?")
# One figure alone, where _NUM_RE's two figures are no range ("$9 billion and 23,000 employees",
# "from 5,000 to 3,000"): the second is a figure of its own.
_ONE_NUM_RE = re.compile(rf"(?i)(?P<cur>[$€£])?\s?(?P<n1>{_NUMBER})(?P<n2>)(?P<pct>\s*(?:{_PERCENT}))?")
# "and" joins the two ends of a range only after "between" ("between 9 and 12").
_BETWEEN = re.compile(r"(?i)\bbetween\s+$")
_FRACTION_RE = re.compile(r"(?i)\b(?:" + "|".join(re.escape(f) for f in sorted(FRACTIONS, key=len, reverse=True)) + r")\b")
_VAGUE_RE = re.compile(r"(?i)\b(?:" + "|".join(re.escape(v) for v in sorted(VAGUE_AMOUNTS, key=len, reverse=True)) + r")\b")
QUAL_RE = re.compile(r"(?i)(?:\b(?:" + "|".join(re.escape(q) for q in sorted(QUALIFIERS, key=len, reverse=True)) + r"))\s+$")
_CURRENCY_WORD = re.compile(r"(?i)^\s*(dollars?|euros?|pounds?|usd|eur|gbp|yuan|yen|won|rubles?|roubles?|rupees?)\b")


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
        elif w in SMALL_NUMBERS:
            current += SMALL_NUMBERS[w]
            seen = True
        elif w in TENS:
            current += TENS[w]
            seen = True
        elif w == "hundred":
            current = (current or 1) * 100
            seen = True
        elif w in SCALES:
            total += (current or 1) * SCALES[w]
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
        return x * SCALES[m.group(2)] if m.group(2) else x
    n = _words_to_int(t)
    return float(n) if n is not None else None


def canon(x: float) -> str:
    return str(int(round(x))) if abs(x - round(x)) < 1e-9 else f"{x:.6f}".rstrip("0").rstrip(".")


def _scale_of(text: str) -> str:
    m = re.search(rf"(?i)({_SCALEW}|bn|mn|m|k)\s*$", text.strip())
    return m.group(1).lower() if m else ""


# The capitalised word right before a number (not a possessive: "Russia's 12,000 troops" counts).
_NAMING_WORD = re.compile(r"(?<![\w'’])([A-Z][\w.-]*)\s+$")
# Words after which a capitalised number still counts: stopwords ("Some 600", "Over 600"), the last
# word of each qualifier ("Nearly 600", "More than 600") and the count leads of vocab.toml.
_LEADS = frozenset(table("stopwords")["general"]) | {q.split()[-1] for q in QUALIFIERS} | COUNT_LEADS


# "One person was killed", "one firefighter injured": one, a noun, then what befell it.
_ONE_COUNTED = re.compile(rf"\s+(?!(?:{alternation(table('stopwords')['general'])})\b)[a-z]+\s+"
                          rf"(?:(?:{alternation(AUXILIARIES)})\s+){{0,3}}(?:{alternation(MEASURE_SURFACE)})\b", re.I)


# A figure right after another and glued to a word by a hyphen describes what the first one
# counts: "eight 4-place dinner settings", "two 155-millimetre howitzers".
_COUNT_BEFORE = re.compile(rf"(?i)(?:\b(?:{WORDNUM})|\d)\s+$")


def _skip_number(sentence: str, s: int, e: int, text: str) -> bool:
    after = sentence[e:e + 3]
    before = sentence[max(0, s - 1):s]
    if re.match(r"-[A-Za-z]", after) and _COUNT_BEFORE.search(sentence[max(0, s - 20):s]):
        return True
    if re.match(r"(st|nd|rd|th)\b", after, re.I) or re.match(r"[:/]\d", after) or before in (":", "/"):
        return True  # "13th", times, fractions written 1/2
    if re.match(r"-?(year|day|week|month|hour|minute|second|point|magnitude|storey|story|inch|foot|metre|meter|mile|"
                r"kilometre|kilometer|degree|page|game|match|lap|yard)s?\b", sentence[e:e + 12].lstrip(" -"), re.I) and \
            re.match(r"-", sentence[e:e + 1]):
        return True  # "three-month", "10-point", "5.8-magnitude" compounds are adjectives, not counts
    if re.fullmatch(r"(?i)a|an|one", text.strip()) and not _ONE_COUNTED.match(sentence, e):
        return True  # "one of", "no one", "a" alone; but "one person was killed" counts the dead
    if not text[:1].isdigit() and re.search(r"(?i)\b(the|these|those|both|its|their|his|her|our|all)\s+$",
                                           sentence[max(0, s - 8):s]):
        return True  # "the two nations": a reference back, not a figure
    if re.match(r"(?i)[a-z]", after) and not re.match(r"(?i)(mm|km|kg|bn|mn|m|k)\b", after):
        return True  # glued to letters: model names
    named = _NAMING_WORD.search(sentence[max(0, s - 40):s]) if text[:1].isdigit() else None
    # ...but a share or a sum after a name is still an amount: "Vietnam 10.4%", "Spend 5 dollars".
    amount = re.search(_PERCENT, sentence[s:e], re.IGNORECASE) or _CURRENCY_WORD.match(sentence[e:])
    if named and named.group(1).lower() not in _LEADS and not amount:
        return True  # "Section 11 forces", "Apollo 11 astronauts": a number that names, not counts
    return False


@dataclass(frozen=True, slots=True)
class Found:
    """A figure located in a sentence, before it is read: span, text, normalised value, kind."""

    start: int
    end: int
    text: str
    value: str
    kind: str
    unit: str = ""


def find_figures(sentence: str, times: list[timex.TimeExpr]) -> list[Found]:
    """Fractions, vague amounts and numbers in a sentence, outside its time expressions."""
    time_spans = [(t.start, t.end) for t in times]
    found: list[Found] = []

    def free(s: int, e: int) -> bool:
        return all(e <= f.start or s >= f.end for f in found) and not any(a <= s < b for a, b in time_spans)

    for m in _FRACTION_RE.finditer(sentence):
        word = " ".join(m.group(0).lower().split())
        if not free(*m.span()) or (word in ("half", "a half") and not re.match(r"\s+(?:of|the)\b", sentence[m.end():])):
            continue
        found.append(Found(m.start(), m.end(), m.group(0), FRACTIONS[word], "fraction"))
    for m in _VAGUE_RE.finditer(sentence):
        if free(*m.span()):
            found.append(Found(m.start(), m.end(), m.group(0), " ".join(m.group(0).lower().split()), "vague"))
    pos = 0
    while (m := _NUM_RE.search(sentence, pos)) is not None:
        n1 = _to_number(m.group("n1"))
        n2 = _to_number(m.group("n2")) if m.group("n2") else None
        if n1 is not None and n2 is not None:
            scale = _scale_of(m.group("n2"))
            if scale and not _scale_of(m.group("n1")):
                n1 *= SCALES[scale]  # "4.2 to 5.8 million": the scale belongs to both
            if n2 <= n1 or (m.group("sep").lower() == "and" and not _BETWEEN.search(sentence[:m.start()])):
                # no range: the first figure alone, and the second is read next
                m = _ONE_NUM_RE.match(sentence, m.start())
                n1, n2 = _to_number(m.group("n1")), None
        pos = max(m.end(), pos + 1)
        s, e = m.span()
        while e > s and sentence[e - 1].isspace():
            e -= 1
        if not free(s, e) or not free(m.start("n1"), m.end("n1")) or _skip_number(sentence, m.start("n1"), e, m.group("n1")):
            continue
        if n1 is None:
            continue
        value = canon(n1) if n2 is None else f"{canon(n1)}-{canon(n2)}"
        kind, unit = "count", ""
        if m.group("pct"):
            kind, value = "percent", value + "%"
        elif m.group("cur"):
            kind, unit = "money", UNIT_LOOKUP[m.group("cur")]
        else:
            cw = _CURRENCY_WORD.match(sentence[e:])
            glued = re.match(r"(?i)\s?(mm|km|kg)\b", sentence[e:])
            if cw:
                word = cw.group(1).lower()
                kind, unit = "money", UNIT_LOOKUP.get(word, word.rstrip("s").upper())
                e += cw.end()
            elif glued and glued.group(0) == glued.group(1) and glued.group(1).lower() == "mm":
                kind, unit = "calibre", "mm"  # "170mm howitzers": a calibre, a name, not a count
                e += glued.end()
            elif glued:
                kind, unit = "quantity", glued.group(1).lower()
                e += glued.end()
        found.append(Found(s, e, sentence[s:e], value, kind, unit))
    return sorted(found, key=lambda f: f.start)


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
