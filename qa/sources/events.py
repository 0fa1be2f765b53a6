"""Event awareness: which occurrence (which visit, which strike day) each article reports.

``events_of_documents(documents, claims_by_doc)`` clusters articles by the date of the
event they report: the first dated event verb of the lead ("arrived in Pyongyang on
Wednesday, June 4, 2025"), checked against the article's own date; photo captions never
count. An article with no usable date of its own joins an event by what it states: an
ordinal ("his third visit") or the latest date it reports as past (an article written
after "late April" reports the first event after it). Articles a few days apart form one
event. Nothing here knows the corpus: events are whatever the articles' dates say.

``resolve_event(question, events)`` maps "the March visit", "his second trip", "the June
17 talks", "the latest visit" to the matching events and their documents; a question that
fits several events gets them all, marked ambiguous, so the answer goes per event.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Mapping, Sequence

from index.claims import (EVENT_FAMILIES, Claim, document_sentences, extract_claims, is_caption,
                          measure_family, measure_words)
from index.records import Document
from lang import timex
from lang.cues import EARLIER, EARLIEST, EVENT_BEFORE, LATEST, NEXT_EVENT, ORDINAL_VERBS, PLANNED
from lang.names import name_words
from lang.references import POSSESSIVES, SAME_EVENT
from lang.vocab import MONTH_PREFIXES, ORDINAL, ordinal_value
from qa.records import Passage
from qa.tuning import TUNING

__all__ = ["Event", "EventFilter", "EventScope", "DateHits", "date_hits", "events_of_documents", "resolve_event", "event_family_of_question",
           "event_scope", "event_mentions", "mention_index", "Mention", "COUNTS_EVENTS"]



@dataclass(frozen=True, slots=True)
class Event:
    """One occurrence reported by one or more articles.

    Attributes:
        date: ISO day of the event.
        doc_ids: the articles that report it, in corpus order.
        label: the date for a reader ("March 21, 2025").
        kind: the event family ("visit", "start", "signing", ...) or "" when unknown.
        ordinal: its 1-based position by date among the events of the same kind.
        inferred: the subset of ``doc_ids`` placed here by inference (no date of their own).
        names: capitalised words its articles mention, lower case ("shoigu", "pyongyang"),
            so that "Shoigu's second visit" counts only the visits of articles naming Shoigu.
    """

    date: str
    doc_ids: tuple[str, ...]
    label: str
    kind: str = ""
    ordinal: int = 0
    inferred: tuple[str, ...] = ()
    names: frozenset[str] = field(default=frozenset(), repr=False)


@dataclass(frozen=True, slots=True)
class EventFilter:
    """The events a question names, and the documents to answer from.

    Attributes:
        events: the matching events (empty: the question names an event the sources lack).
        doc_ids: every document of those events.
        ambiguous: True when several events match ("the June visit" with two in June):
            answer per event, or say which one the answer is about.
        reason: one line for a reader ("the March visit: March 21, 2025").
        series: the events the question's were picked from: those of its kind, narrowed to
            the ones of who it names ("Shoigu's visits", not every visit in the archive).
    """

    events: tuple[Event, ...]
    doc_ids: tuple[str, ...]
    ambiguous: bool
    reason: str
    series: tuple[Event, ...] = ()


# "is the third in nearly three months", "marks Shoigu's second visit"
_IS_ORDINAL = re.compile(rf"(?i)\b(?:{ORDINAL_VERBS})\s+(?:the\s+|(?:{POSSESSIVES})\s+|"
                         rf"its\s+|[A-Z][\w-]*['’]s\s+)?(?P<o>{ORDINAL})\b")


def _names(text: str) -> set[str]:
    """The names of ``text`` (``lang.names.name_words``) of three letters or more, in lower case."""
    return {w.lower() for w in name_words(text) if len(w) > 2}


_NAME_RUN = r"[A-Z][\w-]+(?:\s+[A-Z][\w-]+){0,3}"
# "Shoigu's (June) visit", "Kim Jong Un's trip": a possessive name before the event word
_POSSESSIVE = re.compile(rf"({_NAME_RUN})['’]s\s+(?:[\w-]+\s+){{0,4}}$")
# "did Shoigu (first) visit", "Shoigu visited", "when Shoigu arrived"
_SUBJECT = re.compile(rf"({_NAME_RUN})\s+(?:(?:first|last|again|next|recently|also|then)\s+)?$")
# "his (second) visit", "her trip": the name before the pronoun
_PRONOUN = re.compile(rf"\b(?:{POSSESSIVES})\s+(?:[\w-]+\s+){{0,4}}$", re.IGNORECASE)
# "the visit by Shoigu", "a trip of Kim Jong Un"
_AGENT = re.compile(rf"^\w*\s+(?:by|of)\s+(?:[\w-]+\s+){{0,2}}?({_NAME_RUN})")


def _actor(question: str, spans: Sequence[tuple[int, int]]) -> frozenset[str]:
    """The names of who makes the event the question asks about ("shoigu" in "Shoigu's second
    visit", "when did Shoigu visit", "a visit by Shoigu", "met Shoigu before his June visit"),
    or an empty set when the question does not say who."""
    for start, end in spans:
        before, after = question[:start], question[start:]
        for m in (_POSSESSIVE.search(before), _SUBJECT.search(before), _AGENT.match(after)):
            if m and _names(" " + m.group(1)):
                return frozenset(_names(" " + m.group(1)))
        if pronoun := _PRONOUN.search(before):
            runs = [n for run in re.findall(_NAME_RUN, before[:pronoun.start()]) if (n := _names(" " + run))]
            if runs:
                return frozenset(runs[-1])
    return frozenset()


def _doc_names(doc: Document, spans: list[tuple[int, int]]) -> set[str]:
    """The names an article mentions (its title and every sentence but photo captions)."""
    texts = [doc.title] + [doc.text[s:e] for s, e in spans if not is_caption(doc.text[s:e])]
    return set().union(*(_names(t) for t in texts if t))


def _lead_kind(doc: Document, spans: list[tuple[int, int]]) -> str:
    """The event family of the article's lead: the first event word of its title and first sentences."""
    texts = [doc.title] + [doc.text[s:e] for s, e in spans[:6] if not is_caption(doc.text[s:e])][:4]
    for text in texts:
        for lemma, _, _ in measure_words(text or ""):
            fam = measure_family(lemma)
            if fam in EVENT_FAMILIES:
                return fam
    return ""


def _ordinal_mention(doc: Document, spans: list[tuple[int, int]], kind: str) -> int:
    """The ordinal the article gives its own event ("second visit"), 0 if none."""
    if not kind:
        return 0
    for s, e in spans:
        sent = doc.text[s:e]
        if is_caption(sent):
            continue
        words = [(m, a, b) for m, a, b in measure_words(sent) if measure_family(m) == kind]
        if not words:
            continue
        for m, a, _ in words:
            before = sent[max(0, a - 25):a]
            if re.search(rf"(?i)\b({EARLIER})\s+(?:\w+\s+)?$", before):
                continue  # "his previous visit" is another event
            hit = re.search(rf"(?i)\b({ORDINAL})\s+(?:[\w'’-]+\s+)?$", before)
            if hit:
                return ordinal_value(hit.group(1)) or 0
        hit = _IS_ORDINAL.search(sent)
        if hit:
            return ordinal_value(hit.group("o")) or 0
    return 0


_NAMED_DATE = re.compile(rf"\b(?:{MONTH_PREFIXES})[a-z]*\.?|\b(?:19|20)\d\d\b")


def _published(doc: Document) -> date | None:
    """The article's publication date when the text does not outdate it (else None)."""
    if doc.date and timex.reference_date(doc.text, doc.date) == doc.date:
        return timex.parse_reference(doc.date)
    return None


def _anchor(doc: Document, claims: Sequence[Claim]) -> tuple[str, str, date | None]:
    """(event day, event family, lower bound) of the article's own event.

    The day is the first dated event verb outside captions that is not marked as another
    event ("his previous visit") and, when the article has a trusted publication date, lies
    within a few days of it; else the publication date itself. Without either, the lower
    bound is the latest date the article names (it was written after what it reports).
    """
    pub = _published(doc)
    for c in claims:
        if c.kind != "date" or c.unit_text != "day" or timex.period(c.value).year_less or is_caption(c.sentence):
            continue
        if measure_family(c.measure) not in EVENT_FAMILIES:
            continue
        before = c.sentence[max(0, c.value_start - c.start - 40):c.value_start - c.start]
        if re.search(rf"(?i)\b({EARLIER}|{PLANNED})\b", before):
            continue
        day = date.fromisoformat(c.value)
        if pub is None or abs((day - pub).days) <= TUNING.news_days:
            return c.value, measure_family(c.measure), None
    if pub is not None:
        return pub.isoformat(), "", None
    # no date of its own: the latest date it names bounds its event from below (the ledger
    # placed year-less names by the years the article states)
    lower = None
    for c in claims:
        b = timex.bounds(c.value) if c.kind == "date" and "/" not in c.value else None
        # only dates the text names ("late April", "June 4"), not spans ("since 2022")
        if b and _NAMED_DATE.search(c.value_text) and not is_caption(c.sentence) and (lower is None or b[0] > lower):
            lower = b[0]
    return "", "", lower


def events_of_documents(documents: Mapping[str, Document],
                        claims_by_doc: Mapping[str, Sequence[Claim]] | None = None,
                        tolerance_days: int = TUNING.news_days) -> list[Event]:
    """The distinct events the documents report, in date order.

    Args:
        documents: doc_id -> Document.
        claims_by_doc: doc_id -> its claims (``index.claims.extract_claims``); computed when missing.
        tolerance_days: articles whose event days are at most this far apart report one event.

    Returns:
        Events sorted by date; an article whose event cannot be placed is in none.
    """
    claims_by_doc = claims_by_doc or {}
    anchored: list[tuple[str, str, str]] = []          # (day, kind, doc_id)
    names: dict[str, set[str]] = {}
    floating: list[tuple[str, str, date | None, int]] = []  # (doc_id, kind, lower bound, ordinal)
    for doc_id, doc in documents.items():
        claims = claims_by_doc.get(doc_id)
        if claims is None:
            claims = extract_claims(doc)
        spans = document_sentences(doc)
        names[doc_id] = _doc_names(doc, spans)
        day, kind, lower = _anchor(doc, claims)
        kind = kind or _lead_kind(doc, spans)
        if day:
            anchored.append((day, kind, doc_id))
        elif kind:  # an article about no kind of event is placed in none
            floating.append((doc_id, kind, lower, _ordinal_mention(doc, spans, kind)))

    # Which event an article reports is told by the names it shares with the event's articles,
    # weighted by rarity: "Shoigu" and "Halden" say much, "President" and "Russia" little.
    df = Counter(n for ns in names.values() for n in ns)
    weight = {n: math.log(1 + len(documents) / k) for n, k in df.items()}

    def shares_names(doc_id: str, doc_ids: list[str]) -> bool:
        mine = names[doc_id]
        if not mine:
            return False
        theirs = set().union(*(names[d] for d in doc_ids))
        shared = sum(weight[n] for n in mine & theirs)
        return shared >= TUNING.name_share * sum(weight[n] for n in mine)

    clusters: list[list[tuple[str, str, str]]] = []
    for item in sorted(anchored):
        d = date.fromisoformat(item[0])
        for cl in clusters:
            same_kind = not cl[0][1] or not item[1] or cl[0][1] == item[1]
            if same_kind and abs((date.fromisoformat(cl[0][0]) - d).days) <= tolerance_days \
                    and shares_names(item[2], [x[2] for x in cl]):
                cl.append(item)
                break
        else:
            clusters.append([item])

    order = {doc_id: i for i, doc_id in enumerate(documents)}
    drafts = []
    for cl in clusters:
        counts = Counter(day for day, _, _ in cl)
        day = sorted(counts, key=lambda d: (-counts[d], d))[0]
        kinds = Counter(k for _, k, _ in cl if k)
        drafts.append({"date": day, "kind": kinds.most_common(1)[0][0] if kinds else "",
                       "docs": [doc_id for _, _, doc_id in cl], "inferred": []})
    drafts.sort(key=lambda e: e["date"])
    for doc_id, kind, lower, ordinal in floating:
        # only among events of the same kind whose articles share names with this one
        # ("Shoigu", "Pyongyang"): an undated article about something else joins nothing
        same = [e for e in drafts if e["kind"] == kind and shares_names(doc_id, e["docs"])]
        target = None
        if ordinal and ordinal <= len(same):
            target = same[ordinal - 1]
        elif lower is not None:
            target = next((e for e in same if date.fromisoformat(e["date"]) >= lower), None)
        if target is not None:
            target["docs"].append(doc_id)
            target["inferred"].append(doc_id)

    events: list[Event] = []
    seen: Counter = Counter()
    for e in drafts:
        seen[e["kind"]] += 1
        events.append(Event(date=e["date"], doc_ids=tuple(sorted(e["docs"], key=order.get)),
                            label=timex.label(e["date"]), kind=e["kind"], ordinal=seen[e["kind"]],
                            inferred=tuple(sorted(e["inferred"], key=order.get)),
                            names=frozenset().union(*(names[d] for d in e["docs"]))))
    return events


def _date_fits(asked: str, day: str) -> bool:
    """Does an event day fall in the asked time ("2025-03", "--03", "--06-17")?"""
    return timex.period(day).meets(timex.period(asked))


@dataclass(frozen=True, slots=True)
class DateHits:
    """Where the sources state the day a question names, in whatever words.

    Attributes:
        terms: the question's words for that time ("june", "17").
        offsets: per document, the offsets of the date claims whose resolved time falls in
            it ("reported on Tuesday" in an article of Wednesday June 18 is June 17).
    """

    terms: frozenset[str]
    offsets: Mapping[str, tuple[int, ...]]


def date_hits(question: str, claims_by_doc: Mapping[str, Sequence[Claim]]) -> DateHits | None:
    """The ``DateHits`` of the days ``question`` names ("on June 17"),
    or None when it names none: a sentence saying "on Tuesday" of that day answers "what
    happened on June 17?" as well as one that spells the date out."""
    from lang.text import terms

    asked = [t for t in timex.find_times(question, "", loose=True) if t.value and t.granularity == "day"]
    if not asked:
        return None

    def fits(c: Claim) -> bool:  # a day ("in June" does not say June 17)
        if c.kind != "date" or not c.value or timex.period(c.value).year_less or "/" in c.value:
            return False
        return len(c.value) >= 10 and any(_date_fits(t.value, c.value) for t in asked)

    offsets = {}
    for doc_id, claims in claims_by_doc.items():
        hits = tuple(c.value_start for c in claims if fits(c))
        if hits:
            offsets[doc_id] = hits
    return DateHits(terms=frozenset(w for t in asked for w in terms(t.text)), offsets=offsets)


_YEAR = re.compile(r"\b\d{4}\b")


def asked_period(question_time: str) -> timex.Period | None:
    """The period a question's own time names ("in 2014", "in October 2009", "between 2000
    and 2011"), or None when it names none with its year: a year-less "in March" or a
    relative "last year" (read without a reference date) says no year a source must state."""
    asked = timex.period(question_time)
    return asked if asked.resolved else None


def states_time(asked: timex.Period, doc: Document, claims: Sequence[Claim]) -> bool | None:
    """Whether ``doc`` states a time that meets ``asked``: one of its dates (resolved against
    its own date, so "last month" counts), or its date itself. None when it cannot tell: it
    states none, and a relative time in it ("last year") has no date to count from. A
    document that writes every year out and never the asked one is about other times."""
    if doc.date and timex.period(doc.date).meets(asked):
        return True
    if any(c.kind == "date" and timex.period(c.value).meets(asked) for c in claims):
        return True
    # "last year" could be any year; "from January to November 2012" says its own
    if not doc.date and any(t.relative and not t.value and not _YEAR.search(t.text)
                            for t in timex.find_times(doc.text)):
        return None
    return False


def _typed(events: Sequence[Event]) -> bool:
    """Whether any event has a kind. Events of unknown kind stand in for a kind (take its
    questions, its dates) only in an archive where none has one: among typed visits and
    strikes, an untyped event is another story."""
    return any(e.kind for e in events)


def event_family_of_question(question: str) -> str:
    """The event family a question names ("visit" for "his second trip"), or ""."""
    for lemma, _, _ in measure_words(question):
        fam = measure_family(lemma)
        if fam in EVENT_FAMILIES:
            return fam
    return ""


_ORD_ANY = rf"{ORDINAL}|{LATEST}|{EARLIEST}"
# "How many times did he visit", "how many trips", "how often": a count of the events themselves.
COUNTS_EVENTS = re.compile(r"(?i)\bhow\s+(?:many\s+times|often)\b|\bhow\s+many\s+(?:\w+\s+)?(?:visits|trips|meetings|"
                           r"summits|rounds\s+of\s+talks|strikes)\b|\bnumber\s+of\s+(?:visits|trips|meetings|times)\b")


def _ordinals(question: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, str]]:
    """``(position, ordinal)`` of each ordinal the question gives an event: "his second visit",
    "the second and third visits", "the second one", "the visit was the third", "for the second time"."""
    found: dict[int, str] = {}
    for s, e in spans:
        before = re.search(rf"(?i)\b((?:{_ORD_ANY})(?:\s*(?:,|and|or)\s*(?:the\s+)?(?:{_ORD_ANY}))*)\s+(?:[\w'’-]+\s+)?$",
                           question[max(0, s - 40):s])
        if before:
            base = max(0, s - 40) + before.start(1)
            for m in re.finditer(rf"(?i)\b(?:{_ORD_ANY})\b", before.group(1)):
                found[base + m.start()] = m.group(0)
        after = re.match(rf"(?i)\s+(?:was|is|were)\s+(?:the\s+|his\s+|her\s+|their\s+)?({_ORD_ANY})\b", question[e:])
        if after:
            found[e + after.start(1)] = after.group(1)
    for m in re.finditer(rf"(?i)\b({_ORD_ANY})\s+(?:one|time)\b", question):
        found.setdefault(m.start(1), m.group(1))
    return [(pos, " ".join(found[pos].lower().split())) for pos in sorted(found)]


def _pick(ordinal: str, pool: Sequence[Event]) -> Event | None:
    n = ordinal_value(ordinal)
    if n is not None:
        return pool[n - 1] if n <= len(pool) else None
    return pool[0] if re.fullmatch(EARLIEST, ordinal) else pool[-1]


def resolve_event(question: str, events: Sequence[Event], activity: bool = False) -> EventFilter | None:
    """The events a question names, or None when it names none.

    A question names an event with an event word ("visit", "trip", "arrive", "talks",
    "strike began", ...) plus a date ("the March visit", "the June 17 trip") or one or more
    ordinals ("his second visit", "the latest trip", "between the second and third visits",
    "which visit was the third"); "the one after that" moves to the next event. With
    ``activity`` ("what happened on June 17?", "what did he do in March?") a date alone
    names the events of any kind on that date.

    Returns:
        None: no event named (answer from everything). An ``EventFilter`` otherwise; its
        ``events`` is empty when the named event is not in the sources, and ``ambiguous``
        is True when several events fit (or several are named).
    """
    family = event_family_of_question(question)
    if not events or not (family or activity):
        return None
    if family:
        # beside visits and strikes, "the first confirmation" is not whichever untyped event came first
        pool = [e for e in events if e.kind == family] or ([] if _typed(events) else list(events))
    else:
        pool = list(events)
    if not pool:
        return None
    pool.sort(key=lambda e: e.date)
    spans = [(s, e) for lemma, s, e in measure_words(question) if family and measure_family(lemma) == family]
    # "Shoigu's second visit": count only the events whose articles name Shoigu. The one who
    # makes the visit decides when the question says who ("a trip to North Korea" by someone
    # else is not "Shoigu's trip to North Korea"); else any name the question shares counts.
    actor = _actor(question, spans)
    asked_names = _names(question[1:]) | {w for w in _names(question) if any(w in e.names for e in pool)}
    named = [e for e in pool if actor <= e.names] if actor else []
    named = named or [e for e in pool if asked_names & e.names]
    if named:
        pool = named
    # dates are read without a reference: "the March visit" is any March's visit
    asked = [t for t in timex.find_times(question, "", loose=True)
             if t.value and t.granularity in ("day", "month", "year", "season", "range")]
    # "and in June? (Shoigu visit Pyongyang March)": a follow-up's own time replaces its context's
    context = re.search(r"\s\([^()]*\)\s*$", question)
    if context and any(t.start < context.start() for t in asked):
        asked = [t for t in asked if t.start < context.start()]
    chosen = pool
    if asked:
        chosen = [e for e in chosen if any(_date_fits(t.value, e.date) for t in asked)]
    ordinals = [o for _, o in _ordinals(question, spans)] if family else []
    if ordinals and not asked_names and len(chosen) > 1 and not frozenset.intersection(*(e.names for e in chosen)):
        # "which visit was the third?" over an archive of visits by different people to different
        # places: no one series to count in, so the question must say whose
        return EventFilter(events=(), doc_ids=(), ambiguous=True,
                           reason=f"the {' and '.join(dict.fromkeys(ordinals))} {family}: the sources report "
                                  f"{len(chosen)} {family}s by different people or to different places; "
                                  f"say whose {family} you mean")
    if ordinals and chosen:
        picked = [_pick(o, chosen) for o in dict.fromkeys(ordinals)]
        chosen = sorted({e for e in picked if e is not None}, key=lambda e: e.date) if all(picked) else []
    counting = bool(family and COUNTS_EVENTS.search(question))  # "how many times did he visit": all of them
    if not asked and not ordinals and not counting:
        return None
    what = " and ".join(dict.fromkeys(ordinals)) if ordinals else " and ".join(t.text for t in asked)
    noun = family or (chosen[0].kind if len(chosen) == 1 and chosen[0].kind else "event")
    label = f"the {what} {noun}"
    # "the one after that", "the previous one": the event next to the one the rest of the
    # question (or the conversation) names
    if len(chosen) == 1 and (NEXT_EVENT.search(question) or EVENT_BEFORE.search(question)):
        later = bool(NEXT_EVENT.search(question))
        i = pool.index(chosen[0]) + (1 if later else -1)
        chosen = [pool[i]] if 0 <= i < len(pool) else []
        label = f"the {noun} {'after' if later else 'before'} {label}"
    doc_ids = tuple(dict.fromkeys(d for e in chosen for d in e.doc_ids))
    if not chosen:
        reason = f"{label}: no such {noun} in the sources"
    elif len(chosen) == 1:
        reason = f"{label}: {chosen[0].label}"
    elif ordinals:
        reason = f"{label}s: {' and '.join(e.label for e in chosen)}"
    elif counting:
        reason = f"the {what + ' ' if what else ''}{noun}s the sources report: {len(chosen)} " \
                 f"({', '.join(e.label for e in chosen)})"
    else:
        reason = f"{label}: {len(chosen)} {noun}s fit ({', '.join(e.label for e in chosen)})"
    return EventFilter(events=tuple(chosen), doc_ids=doc_ids, ambiguous=len(chosen) > 1, reason=reason,
                       series=tuple(pool))


@dataclass(frozen=True, slots=True)
class EventScope:
    """What an answer about the named events may quote.

    Attributes:
        mentions: other articles' sentences about the named events (``event_mentions``).
        per_event: the articles of each named event, when several are named or fit.
        foreign: ``(doc_id, start)`` of sentences in the named events' articles that are about
            another event ("his previous visit in March" in a June article): they count less.
    """

    mentions: tuple[Passage, ...] = ()
    per_event: tuple[frozenset[str], ...] = ()
    foreign: frozenset[tuple[str, int]] = frozenset()


@dataclass(frozen=True, slots=True)
class Mention:
    """A sentence of another article about an event: its document and offsets in it."""

    doc_id: str
    start: int
    end: int


# Each event's mentions in the articles that do not report it.
MentionIndex = Mapping[Event, Sequence[Mention]]


def event_scope(chosen: EventFilter, documents: Mapping[str, Document], claims_by_doc: Mapping[str, Sequence[Claim]],
                events: Sequence[Event], per_event: bool = False, index: MentionIndex | None = None) -> EventScope:
    """The ``EventScope`` of an answer about the events ``chosen`` names; ``per_event`` when
    the answer should cover each of several events (a set question that fits them all).
    ``index``: ``mention_index`` of the same ledger, when the caller keeps one."""
    if index is None:
        index = mention_index(documents, claims_by_doc, events)
    others = EventFilter(events=tuple(e for e in events if e not in chosen.events), doc_ids=(), ambiguous=False,
                         reason="")
    mine = set(chosen.doc_ids)
    foreign = frozenset((p.doc_id, p.start) for p in event_mentions(others, documents, claims_by_doc, events, index)
                        if p.doc_id in mine)
    return EventScope(mentions=tuple(event_mentions(chosen, documents, claims_by_doc, events, index)),
                      per_event=tuple(frozenset(e.doc_ids) for e in chosen.events) if per_event and len(chosen.events) > 1
                      else (),
                      foreign=foreign)


def event_mentions(chosen: EventFilter, documents: Mapping[str, Document],
                   claims_by_doc: Mapping[str, Sequence[Claim]], events: Sequence[Event],
                   index: MentionIndex | None = None) -> list[Passage]:
    """Sentences of other articles about the chosen events: "during his previous visit to
    Pyongyang in March" is about the March 21 visit when no other visit falls in March; the
    sentence after it is too when it opens with that event ("During that visit, ...").

    Returns:
        One passage per such sentence (score 0: found by the ledger, not by retrieval).
    """
    if index is None:
        index = mention_index(documents, claims_by_doc, events)
    out = [m for event in chosen.events for m in index.get(event, ())]
    return [Passage(chunk_id=f"{m.doc_id}@{m.start}", doc_id=m.doc_id, text=documents[m.doc_id].text[m.start:m.end],
                    start=m.start, end=m.end, score=0.0)
            for m in dict.fromkeys(out)]


def mention_index(documents: Mapping[str, Document], claims_by_doc: Mapping[str, Sequence[Claim]],
                  events: Sequence[Event]) -> dict[Event, list[Mention]]:
    """Every event's mentions in the articles that do not report it, in one pass over the dates.

    A date claim mentions an event when it is the only event of its kind (the claim's measure
    family, or an event of unknown kind when no event has a kind) whose date the claim's time
    holds: "in March" names the March 21 visit, "in June" names no visit when two fall in
    June. Events are looked up by date with a binary search, so the pass costs about one step
    per date claim, not one per claim and event (a corpus with hundreds of events and a
    million dates stays fast).
    """
    by_kind: dict[str, list[tuple[date, date, Event]]] = {}
    by_value: dict[tuple[str, str], list[Event]] = {}
    for e in events:
        b = timex.bounds(e.date)
        if b is not None:
            by_kind.setdefault(e.kind, []).append((b[0], b[1], e))
        by_value.setdefault((e.kind, e.date), []).append(e)
    for spans in by_kind.values():
        spans.sort(key=lambda t: t[0])
    starts = {k: [t[0] for t in spans] for k, spans in by_kind.items()}

    def holders(kind: str, lo: date, hi: date, value: str) -> list[Event]:
        """The events of ``kind`` whose days lie within lo..hi (or dated ``value``); two at most."""
        found = list(by_value.get((kind, value), ()))[:2]
        spans = by_kind.get(kind, ())
        for i in range(bisect_left(starts.get(kind, ()), lo), len(spans)):
            e_lo, e_hi, e = spans[i]
            if e_lo > hi or len(found) > 1:
                break
            if e_hi <= hi and e not in found:
                found.append(e)
        return found

    out: dict[Event, list[Mention]] = {e: [] for e in events}
    typed = _typed(events)
    for doc_id, claims in claims_by_doc.items():
        doc = documents.get(doc_id)
        if doc is None:
            continue
        for c in claims:
            if c.kind != "date":
                continue
            b = timex.bounds(c.value)
            if b is None or is_caption(c.sentence):
                continue
            # the claim's own kind, then the events of unknown kind (they take any date, where
            # ``_typed`` allows: beside visits, an untyped event of another story does not own
            # "August of last year"); in this order, not a set's, so each event's mentions keep
            # the articles' order run after run
            family = measure_family(c.measure)
            for kind in dict.fromkeys(((family,) if family else ()) + (() if typed else ("",))):
                found = holders(kind, b[0], b[1], c.value)
                if len(found) != 1 or doc_id in found[0].doc_ids:
                    continue  # "in June" holds two visits: it tells neither apart
                out[found[0]].append(Mention(doc_id, c.start, c.end))
                nxt = next(((s, e) for s, e in document_sentences(doc) if s >= c.end), None)
                if nxt and not doc.text[c.end:nxt[0]].strip() and SAME_EVENT.match(doc.text[nxt[0]:nxt[1]]):
                    out[found[0]].append(Mention(doc_id, nxt[0], nxt[1]))
    return out
