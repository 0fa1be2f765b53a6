"""The shape of a reconciled answer: the values that answer a figure or date question.

``ValueGroup`` and ``Reconciliation`` are what ``qa/sources/conflicts.py`` returns, with the
relation labels (``RELATIONS``) between values. What the question asks (``Need``) is read with
the rest of the question in ``qa/question.py``; choosing claims and relating them is
``qa/sources/conflicts.py``; wording them is ``qa/sources/value_notes.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.claims import Claim
from qa.question import Need

__all__ = ["ValueGroup", "Reconciliation", "RELATIONS", "SAME", "DIFFERENT_MEASURE",
           "PART_OF_TOTAL", "DIFFERENT_EVENT", "COMPATIBLE", "CONTRADICTION"]

SAME = "same"
DIFFERENT_MEASURE = "different-measure"
PART_OF_TOTAL = "part-of-total"
DIFFERENT_EVENT = "different-event"
COMPATIBLE = "compatible"
CONTRADICTION = "contradiction"
RELATIONS = (SAME, DIFFERENT_MEASURE, PART_OF_TOTAL, DIFFERENT_EVENT, COMPATIBLE, CONTRADICTION)


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
