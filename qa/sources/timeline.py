"""Answers about events themselves: when the named one happened, what it was, how far apart two are.

``qa/sources/events.py`` finds the events and the articles that report them; here an event is dated
by the sentence that gives its day (``dating_claim``), which then answers "which visit was the
third?" when no sentence says both, and opens the answer to "what happened on June 17?". The
time between two named events ("how long after the first visit was the second?") is counted
from their two cited dates, and said as such: no article needs to state the gap. A sentence of
the later event's article that states a gap itself ("his second visit in under three months")
is quoted after them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from datetime import date

from index.claims import Claim, is_caption, measure_family
from index.records import Document
from qa.answering.extractive import Candidate, compose, has_kind
from qa.answering.figures import resolved_times
from qa.question import QuestionSpec
from qa.records import Answer, Value
from qa.sources.events import COUNTS_EVENTS, Event, EventFilter, EventScope

__all__ = ["event_answers", "gap_answer", "count_answer", "event_answer", "dating_claim"]

_DAYS_PER_MONTH = 365.25 / 12


def dating_claim(event: Event, claims_by_doc: Mapping[str, Sequence[Claim]]) -> Claim | None:
    """The claim that dates ``event`` in one of its articles: its day, with a verb of its kind,
    outside photo captions when any other sentence gives it."""
    found = [c for d in event.doc_ids for c in claims_by_doc.get(d, ())
             if c.kind == "date" and c.value == event.date and (not event.kind or measure_family(c.measure) == event.kind)]
    found.sort(key=lambda c: is_caption(c.sentence))
    return found[0] if found else None


def _span(days: int) -> str:
    """"75 days (about 2.5 months)", "13 days (about two weeks)", "1 day"."""
    text = f"{days} day{'s' if days != 1 else ''}"
    if days >= 45:
        months = round(days / _DAYS_PER_MONTH * 2) / 2
        text += f" (about {months:g} months)"
    elif days >= 10:
        text += f" (about {round(days / 7)} weeks)"
    return text


def gap_answer(answer: Answer, chosen: EventFilter, claims_by_doc: Mapping[str, Sequence[Claim]],
               documents: Mapping[str, Document]) -> Answer:
    """The time between the two events a question names, from the dates the sources give.

    Args:
        answer: the extractive answer to the same question (its quote is kept when it
            states a duration itself).
        chosen: the events the question names; exactly two are measured between.
        claims_by_doc: the claim ledger, by document.
        documents: the indexed documents.

    Returns:
        The answer with the counted gap and the two dating sentences cited; ``answer``
        unchanged when there are not two events, or one of them is dated by no sentence.
    """
    if len(chosen.events) != 2:
        return answer
    first, second = sorted(chosen.events, key=lambda e: e.date)
    dated = [dating_claim(first, claims_by_doc), dating_claim(second, claims_by_doc)]
    if None in dated:
        return answer
    groups = [[Candidate(c.doc_id, c.start, c.end, c.sentence, 0.0)] for c in dated]
    own = answer.citations[0] if answer.answered and answer.citations else None
    if own is not None and has_kind(own.quote, "duration") and own.doc_id in second.doc_ids:
        # a gap the later event's article states itself ("in under three months")
        groups.append([Candidate(own.doc_id, own.start, own.end, own.quote, own.score)])
    days = (date.fromisoformat(second.date) - date.fromisoformat(first.date)).days
    noun = first.kind or "event"
    lead = (f"{_span(days)} passed between the {noun} of {first.label} and the {noun} of {second.label}, "
            f"counted from the dates the sources give:")
    text, citations = compose(groups, documents)
    return dataclasses.replace(answer, text=f"{lead} {text}", citations=citations, answered=True)


def event_answer(answer: Answer, spec: QuestionSpec, chosen: EventFilter, claims_by_doc: Mapping[str, Sequence[Claim]],
                 documents: Mapping[str, Document]) -> Answer:
    """The sentence that dates the one event a question names, where it answers.

    A date question about it ("which visit was the third?", "when was his third trip?") that no
    sentence answers by itself is answered by that sentence (the event is found by the ordinal
    or date the question gives, the date by its article); a question about what happened
    ("what happened on June 17?") opens with it. Otherwise ``answer`` is returned unchanged.
    """
    if len(chosen.events) != 1:
        return answer
    event = chosen.events[0]
    claim = dating_claim(event, claims_by_doc)
    if claim is None:
        return answer
    lead = Candidate(claim.doc_id, claim.start, claim.end, claim.sentence, 0.0)
    if spec.kind == "date" and not answer.answered:
        text, citations = compose([[lead]], documents)
        value = Value(text=claim.value_text, normalized=claim.value, unit="date", measure=claim.measure,
                      when=event.label, citations=(1,))
        return dataclasses.replace(answer, text=text, citations=citations, values=(value,), answered=True)
    if spec.relation != "event" or not answer.answered or any(
            c.doc_id == lead.doc_id and c.start == lead.start for c in answer.citations):
        return answer
    head, citations = compose([[lead]], documents)
    shifted = _MARKER.sub(lambda m: f"[{int(m.group(1)) + 1}]", answer.text)  # the old citations move up one
    return dataclasses.replace(answer, text=f"{head} {shifted}", citations=citations + answer.citations)


_MARKER = re.compile(r"\[(\d+)\]")


def _by_event(answer: Answer, chosen: EventFilter) -> Answer:
    """Say which event each part of an answer is about when the question fits several:
    "(By visit: June 4, 2025 [1][2]; June 17, 2025 [3].)", or the one event it is about."""
    if not answer.answered:
        return answer
    parts = []
    for e in chosen.events:
        marks = "".join(f"[{n}]" for n, c in enumerate(answer.citations, start=1) if c.doc_id in e.doc_ids)
        if marks:
            parts.append((e, marks))
    noun = chosen.events[0].kind or "event"
    if len(parts) == 1:
        tail = f"(This answer is about the {noun} of {parts[0][0].label}.)"
    elif parts:
        tail = f"(By {noun}: {'; '.join(f'{e.label} {m}' for e, m in parts)}.)"
    else:
        return answer
    return dataclasses.replace(answer, text=f"{answer.text} {tail}")


def count_answer(answer: Answer, chosen: EventFilter, claims_by_doc: Mapping[str, Sequence[Claim]],
                 documents: Mapping[str, Document]) -> Answer:
    """"How many times did he visit?": the events the sources report, each dated by its sentence.

    The count is of the events found across the articles, said as such; each event is a value
    (its date) with its citation. ``answer`` is returned unchanged when an event has no dating
    sentence.
    """
    dated = [(e, dating_claim(e, claims_by_doc)) for e in sorted(chosen.events, key=lambda e: e.date)]
    if not dated or any(c is None for _, c in dated):
        return answer
    groups = [[Candidate(c.doc_id, c.start, c.end, c.sentence, 0.0)] for _, c in dated]
    text, citations = compose(groups, documents)
    index = {(c.doc_id, c.start): n for n, c in enumerate(citations, start=1)}
    noun = dated[0][0].kind or "event"
    plural = f"{noun}s" if len(dated) != 1 else noun
    labels = [e.label for e, _ in dated]
    listed = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
    values = tuple(Value(text=c.value_text, normalized=c.value, unit="date", measure=c.measure, when=e.label,
                         citations=(index[(c.doc_id, c.start)],), relation="different-event" if len(dated) > 1 else "")
                   for e, c in dated)
    lead = f"The sources report {len(dated)} {plural}: {listed}."
    return dataclasses.replace(answer, text=f"{lead} {text}", citations=citations, values=values, answered=True)


def event_answers(answer: Answer, spec: QuestionSpec, chosen: EventFilter, claims_by_doc: Mapping[str, Sequence[Claim]],
                  documents: Mapping[str, Document], references: Mapping[str, str], events: Sequence[Event],
                  scope: EventScope | None = None) -> Answer:
    """``gap_answer`` for a duration question, ``count_answer`` for "how many times", else
    ``event_answer``; relative times in a rewritten answer are then resolved
    (``qa.answering.figures.resolved_times``). An answer covering several events (``scope.per_event``)
    says which event each part is about."""
    if scope is not None and scope.per_event:
        return _by_event(answer, chosen)
    if spec.kind == "duration":
        out = gap_answer(answer, chosen, claims_by_doc, documents)
    elif spec.kind == "count" and COUNTS_EVENTS.search(spec.text):
        out = count_answer(answer, chosen, claims_by_doc, documents)
    else:
        out = event_answer(answer, spec, chosen, claims_by_doc, documents)
    return out if out is answer else resolved_times(out, references, events)
