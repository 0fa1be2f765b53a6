"""Deterministic metrics for the eval suite: normalised matching, citations, retrieval, abstention.

This module is the reference the answerer is measured against, so it shares no code with
``qa/``: numbers, dates and text are normalised here, independently. No LLM judges anything.

Normalisation (``normalize``) turns text into comparable tokens:

- case and punctuation are dropped ("Kim Jong-un" == "kim jong un");
- numbers become digits: "12,000" == "12000" == "twelve thousand"; scales apply
  ("4.2 million" == "4200000"), also across a range ("4.2 to 5.8 million" ==
  "4,200,000 to 5,800,000"); ordinals become "13th" ("thirteenth" == "13th");
- dates become ISO tokens: "June 4, 2025" == "4 June 2025" == "2025-06-04"; "May 2024"
  -> "2024-05"; a day without a year ("June 4") -> "--06-04".

A gold value matches an answer when its tokens occur contiguously in the answer's tokens,
where a gold date token also matches a more precise answer date ("2024" and "2024-06" match
"2024-06-19", "--06-04" matches "2025-06-04", "june" matches "2025-06-04").

It deliberately leaves running the answerer and aggregating per category to ``eval/run.py``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_RE = r"(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
_DAY_RE = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR_RE = r"((?:19|20)\d{2})"

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20,
}
_CITATION_MARK = re.compile(r"\[\d+(?:\s*[,\-–]\s*\d+)*\]")
_TOKEN = re.compile(r"--\d{2}-\d{2}|\d{4}-\d{2}(?:-\d{2})?|\d+(?:\.\d+)?(?:st|nd|rd|th)?|[a-z]+")
_ISO = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def _iso(year: str | None, month: str, day: str | None) -> str:
    m = _MONTHS[month.rstrip(".")]
    if year and day:
        return f" {year}-{m:02d}-{int(day):02d} "
    if year:
        return f" {year}-{m:02d} "
    return f" --{m:02d}-{int(day):02d} "


def _dates_to_iso(text: str) -> str:
    """Rewrite written dates in lower-cased ``text`` as ISO tokens (longest forms first)."""
    text = re.sub(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b",
                  lambda m: f" {m[1]}-{int(m[2]):02d}-{int(m[3]):02d} ", text)
    text = re.sub(rf"\b{_MONTH_RE}\s+{_DAY_RE},?\s+{_YEAR_RE}\b",
                  lambda m: _iso(m[3], m[1], m[2]), text)
    text = re.sub(rf"\b{_DAY_RE}\s+(?:of\s+)?{_MONTH_RE},?\s+{_YEAR_RE}\b",
                  lambda m: _iso(m[3], m[2], m[1]), text)
    text = re.sub(rf"\b{_MONTH_RE},?\s+{_YEAR_RE}\b", lambda m: _iso(m[2], m[1], None), text)
    # A day without a year needs a full month name: "may 12" would also read "may 12,000".
    text = re.sub(r"\b(january|february|march|april|june|july|august|september|october|"
                  r"november|december)\s+(\d{1,2})(?:st|nd|rd|th)?\b(?![,.]?\d)",
                  lambda m: _iso(None, m[1], m[2]), text)
    text = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(january|february|march|april|may|june|"
                  r"july|august|september|october|november|december)\b",
                  lambda m: _iso(None, m[2], m[1]), text)
    return text


def _fmt(value: float) -> str:
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _words_to_numbers(tokens: list[str]) -> list[str]:
    """Turn number words and scaled numbers into digit tokens; ranges share a scale."""
    out: list[str] = []
    scaled: list[bool] = []  # per output token: did a scale word apply to it?
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if tok in _ORDINALS:
            out.append(f"{_ORDINALS[tok]}th" if _ORDINALS[tok] > 3 else
                       {1: "1st", 2: "2nd", 3: "3rd"}[_ORDINALS[tok]])
            scaled.append(False)
            i += 1
            continue
        is_digit = bool(re.fullmatch(r"\d+(?:\.\d+)?", tok))
        if not is_digit and tok not in _UNITS:
            out.append(tok)
            scaled.append(False)
            i += 1
            continue
        total, current, j, used_scale = 0.0, 0.0, i, 0
        if is_digit:
            current = float(tok)
            j = i + 1
        else:
            while j < n:
                t = tokens[j]
                if t in _UNITS:
                    current += _UNITS[t]
                elif t == "hundred" and current:
                    current *= 100
                elif t == "and" and current and j + 1 < n and tokens[j + 1] in _UNITS:
                    pass  # "two hundred and twenty"
                elif t in _SCALES and current:
                    break
                else:
                    break
                j += 1
        if j < n and tokens[j] in _SCALES:
            used_scale = _SCALES[tokens[j]]
            total, current = total + current * used_scale, 0.0
            j += 1
            # words after a scale: "twelve thousand eight hundred"
            while not is_digit and j < n and (tokens[j] in _UNITS or tokens[j] == "hundred"):
                current = current * 100 if tokens[j] == "hundred" else current + _UNITS[tokens[j]]
                j += 1
        value = total + current
        # "4.2 to 5.8 million": the scale of the upper bound applies to the lower one.
        if used_scale and len(out) >= 2 and out[-1] == "to" and not scaled[-2] \
                and re.fullmatch(r"\d+(?:\.\d+)?", out[-2]) and float(out[-2]) < 1000:
            out[-2] = _fmt(float(out[-2]) * used_scale)
            scaled[-2] = True
        out.append(_fmt(value))
        scaled.append(bool(used_scale))
        i = j
    return out


def normalize(text: str) -> list[str]:
    """Normalise ``text`` to comparable tokens (see the module docstring).

    Args:
        text: any answer, gold value or quote; ``[n]`` citation markers are removed.

    Returns:
        The list of tokens, e.g. ``normalize("about 12,000 troops")`` -> ``["about", "12000", "troops"]``.
    """
    text = _CITATION_MARK.sub(" ", text or "").lower()
    text = (text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-")
            .replace("\u2014", " ").replace("\u00a0", " "))
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 12,000 -> 12000 (twice for millions)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = re.sub(r"(\d)\s*-\s*(\d+(?:\.\d+)?)\s+(thousand|million|billion)\b", r"\1 to \2 \3", text)
    text = _dates_to_iso(text)
    # "12 000" -> "12000"; after the dates, so "March 21 600 troops" keeps its two numbers.
    text = re.sub(r"(?<![\w.,-])(\d{1,3})((?:[ \u202f]\d{3})+)(?![\d.,]?\d)",
                  lambda m: m[1] + re.sub(r"\s", "", m[2]), text)
    text = re.sub(r"'s\b", "", text)  # "Russia's" == "Russia"
    return _words_to_numbers(_TOKEN.findall(text))


def _token_match(gold: str, got: str) -> bool:
    if gold == got:
        return True
    m = _ISO.match(got)
    if not m:
        return False
    year, month, day = m.groups()
    if gold == year or gold == f"{year}-{month}":
        return True  # a more precise date contains the year / the month
    if day and gold == f"--{month}-{day}":
        return True
    return gold in _MONTHS and _MONTHS[gold] == int(month)


def contains(answer_tokens: Sequence[str], gold_tokens: Sequence[str]) -> bool:
    """True when ``gold_tokens`` occur contiguously in ``answer_tokens`` (date-aware)."""
    k = len(gold_tokens)
    if k == 0:
        return False
    return any(all(_token_match(g, a) for g, a in zip(gold_tokens, answer_tokens[i:i + k]))
               for i in range(len(answer_tokens) - k + 1))


def _token_lists(text: str | Sequence[str]) -> list[list[str]]:
    # Several texts (an answer's sentence and its values) are matched one by one, so a gold
    # value never matches across the boundary of two of them.
    return [normalize(t) for t in ([text] if isinstance(text, str) else text)]


def matches_any(text: str | Sequence[str], variants: Iterable[str]) -> bool:
    """True when any accepted variant occurs in ``text`` (or in one of several texts) after normalisation."""
    token_lists = _token_lists(text)
    return any(contains(tokens, normalize(v)) for v in variants for tokens in token_lists)


def value_fraction(text: str | Sequence[str], required: Sequence[Sequence[str]]) -> float:
    """Fraction of required value groups present in ``text`` (a group: its accepted variants)."""
    if not required:
        return 0.0
    token_lists = _token_lists(text)
    hit = sum(any(contains(tokens, normalize(v)) for v in group for tokens in token_lists)
              for group in required)
    return hit / len(required)


def answer_score(text: str | Sequence[str], answers: Sequence[str], required: Sequence[Sequence[str]]) -> float:
    """Accuracy of one answer: the fraction of required groups if any, else 1/0 on ``answers``."""
    if required:
        return value_fraction(text, required)
    return 1.0 if matches_any(text, answers) else 0.0


# ---------------------------------------------------------------- spans and citations


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a document: ``doc_id`` and character offsets into its original text, or -1."""

    doc_id: str
    text: str
    start: int = -1
    end: int = -1


def _squash(text: str) -> str:
    return " ".join(text.split()).lower()


def overlaps(span: Span, gold: Span, min_fraction: float = 0.5) -> bool:
    """True when ``span`` covers at least ``min_fraction`` of the gold quote, or contains it.

    Offsets are used when both spans have them; otherwise the text: the gold quote inside
    the span, or the span (a citation quote) inside the gold quote with enough length.
    """
    if span.doc_id != gold.doc_id:
        return False
    if span.start >= 0 and gold.start >= 0:
        inter = min(span.end, gold.end) - max(span.start, gold.start)
        return inter > 0 and inter >= min_fraction * (gold.end - gold.start)
    a, g = _squash(span.text), _squash(gold.text)
    if not a or not g:
        return False
    return g in a or (a in g and len(a) >= min_fraction * len(g))


def citation_supports(citation: Span, gold_values: Sequence[str], gold_quotes: Sequence[Span]) -> bool:
    """A citation supports the answer when its quote states a gold value or overlaps a gold quote."""
    if any(overlaps(citation, g) or overlaps(g, citation) for g in gold_quotes):
        return True
    return matches_any(citation.text, gold_values)


def citation_precision(citations: Sequence[Span], gold_values: Sequence[str],
                       gold_quotes: Sequence[Span]) -> float:
    """Share of citations that support the answer; an answer with no citation scores 0."""
    if not citations:
        return 0.0
    return sum(citation_supports(c, gold_values, gold_quotes) for c in citations) / len(citations)


def citation_recall(cited_doc_ids: Iterable[str], gold_doc_ids: Sequence[str]) -> float:
    """Share of gold documents that the answer cites."""
    gold = set(gold_doc_ids)
    if not gold:
        return 0.0
    return len(gold & set(cited_doc_ids)) / len(gold)


# ---------------------------------------------------------------- retrieval


def _relevant(ranked: Sequence[Span], gold: Sequence[Span]) -> list[set[int]]:
    """For each ranked passage, the indices of the gold quotes it overlaps."""
    return [{j for j, g in enumerate(gold) if overlaps(p, g)} for p in ranked]


def hit_at_k(ranked: Sequence[Span], gold: Sequence[Span], k: int) -> float:
    """1.0 when any of the top ``k`` passages overlaps a gold quote, else 0.0."""
    return 1.0 if any(_relevant(ranked[:k], gold)) else 0.0


def recall_at_k(ranked: Sequence[Span], gold: Sequence[Span], k: int) -> float:
    """Share of gold quotes overlapped by some passage among the top ``k``."""
    if not gold:
        return 0.0
    covered = set().union(*_relevant(ranked[:k], gold)) if ranked[:k] else set()
    return len(covered) / len(gold)


def reciprocal_rank(ranked: Sequence[Span], gold: Sequence[Span]) -> float:
    """1/rank of the first passage that overlaps a gold quote (0.0 when none does)."""
    for rank, rel in enumerate(_relevant(ranked, gold), start=1):
        if rel:
            return 1.0 / rank
    return 0.0


# ---------------------------------------------------------------- abstention and latency


def abstention(declined: Sequence[bool], answerable: Sequence[bool]) -> tuple[float | None, float | None]:
    """Precision and recall of declining, where the positives are the unanswerable questions.

    Returns:
        ``(precision, recall)``; precision is None when nothing was declined and recall is
        None when there is no unanswerable question (undefined, not perfect).
    """
    tp = sum(d and not a for d, a in zip(declined, answerable))
    n_declined = sum(declined)
    n_unanswerable = sum(not a for a in answerable)
    precision = tp / n_declined if n_declined else None
    recall = tp / n_unanswerable if n_unanswerable else None
    return precision, recall


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation between ranks (numpy's default)."""
    if not values:
        return 0.0
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def mean(values: Iterable[float]) -> float | None:
    """Arithmetic mean, or None for no values (a metric that does not apply)."""
    xs = [v for v in values if v is not None]
    return sum(xs) / len(xs) if xs else None
