"""What a question asks for: a figure, a date, a person, a place, or a statement.

The extractive answerer prefers sentences that contain that kind of thing; the conflicts
step uses it to decide whether values should be compared across sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.text import terms

# Order matters: "how many" before the generic "how", "what date" before the generic "what".
_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("duration", re.compile(r"\bhow\s+long\b(?!\s+ago)|\bfor\s+how\s+(long|many\s+(hours|days|weeks|months|years))\b|"
                            r"\bwhat\s+(duration|length\s+of\s+time)\b", re.I)),
    ("count", re.compile(
        r"\bhow\s+(many|much|large|big|high|far)\b|\bwhat\s+(number|figure|amount|share|"
        r"percentage|proportion|portion|fraction|quantity|toll|total|size|calibre|caliber)\b|"
        r"\b(number|count|amount|total|tally)\s+of\b|\bhow\s+heavy\b|\btoll\b|"
        r"\bwhat\s+(is|was|were|are)\s+the\s+(\w+\s+)?(value|worth|cost|price|budget|sum)\b", re.I)),
    ("date", re.compile(
        r"^\W*(and\s+|but\s+|so\s+)?when\b|\bwhen\s+(did|was|were|is|are|do|does|will|has|have|had)\b|"
        r"\bwhat\s+(date|day|year|month|time)s?\b|\bwhich\s+(date|day|year|month)s?\b|"
        r"\bon\s+what\s+(date|day)\b|\bin\s+what\s+(year|month)\b|\bhow\s+long\s+ago\b|\bdate\s+of\b", re.I)),
    ("person", re.compile(
        r"^\W*(and\s+|but\s+)?(who|whom|whose)\b|\b(who|whom)\s+(is|was|were|are|did|does|do|will|has|have)\b|\bwhich\s+(official|person|leader|minister|lawmaker|"
        r"president|journalist|reporter|editor|agency|outlet|newspaper|news\s+agency|organi[sz]ation|"
        r"country|government|body)\b|\bby\s+whom\b|\bname\s+of\b|\bwhat\s+(agency|outlet|"
        r"organi[sz]ation|official|news\s+agency)\b", re.I)),
    ("place", re.compile(
        r"^\W*(and\s+|but\s+)?where\b|\bwhere\s+(did|was|were|is|are|do|does|will|has|have|had)\b|\bwhich\s+(?:\w+\s+)?(city|country|region|place|town|capital|province|oblast|area|border)\b|"
        r"\bin\s+what\s+(?:\w+\s+)?(city|country|region|place)\b|\bwhat\s+(?:\w+\s+)?(city|country|region|place|capital)\b", re.I)),
)


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """The parts of a question the answerers use.

    Attributes:
        text: the (self-contained) question.
        kind: "count", "duration", "date", "person", "place" or "statement".
        terms: stemmed content terms, stopwords and question words removed.
        focus: the terms of the question as asked (a follow-up's own words, without the
            context added from the chat), which weigh more in sentence scoring.
    """

    text: str
    kind: str
    terms: tuple[str, ...]
    focus: tuple[str, ...] = ()


_QUESTION_WORDS = frozenset({"how", "many", "much", "what", "when", "where", "who", "whom", "whose",
                             "which", "why", "date", "day", "number"})


def kind_of(question: str) -> str:
    """"count", "duration", "date", "person", "place" or "statement": what ``question`` asks for."""
    for name, pattern in _KIND_PATTERNS:
        if pattern.search(question):
            return name
    return "statement"


def analyze(question: str, standalone: str | None = None) -> QuestionSpec:
    """Classify a question and extract its content terms.

    Args:
        question: the question as asked; its own wording decides the kind.
        standalone: the question made self-contained from the chat history; its terms are
            used, and its kind when the question alone asks for nothing specific
            ("and this year?" after "how many troops ...").
    """
    text = standalone or question
    kind = kind_of(question)
    if kind == "statement" and standalone:
        kind = kind_of(standalone)
    content = tuple(t for t in terms(text) if t not in _QUESTION_WORDS)
    focus = tuple(t for t in terms(question) if t not in _QUESTION_WORDS)
    return QuestionSpec(text=text, kind=kind, terms=content, focus=focus)
