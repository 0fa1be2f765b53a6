"""Figures and dates in answers: every value the sources give, each with its citations.

``qa/sources/conflicts.py`` decides which claims answer the question and how their values relate;
this module turns that into the answer the reader sees: the verbatim sentences that state
each value, with ``[n]`` markers, a one-line "Sources differ: ..." summary when there is
more than one value, and ``Answer.values`` for the chat and the eval suite.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

from index.claims import Claim, document_sentences, measure_family, measure_words, measures_related
from index.records import Document
from lang import timex
from lang.questions import SEVERAL
from lang.references import POINTS_BACK
from lang.text import terms
from qa.answering.extractive import Candidate, compose, names_in, question_names
from qa.question import Need, concept_of
from qa.records import Answer, Citation, Value
from qa.sources import duplicates
from qa.sources.events import Event
from qa.sources.values import Reconciliation, ValueGroup
from qa.tuning import TUNING

# A value is used only when a sentence stating it scored at least a share of the best sentence
# on the question (TUNING.relevant_share, less when the ledger says it measures what was asked):
# the ledger says what a figure measures, retrieval says whether the sentence is about what was asked.


def _candidate_for(claim: Claim, ranked: Sequence[Candidate]) -> Candidate | None:
    """The ranked sentence that holds the claim's value, if it was retrieved."""
    for c in ranked:
        if c.doc_id == claim.doc_id and c.start <= claim.value_start < c.end:
            return c
    return None


def _read_with_antecedent(c: Candidate, documents: Mapping[str, Document]) -> str:
    """The sentence, with the one before it when it opens by pointing back ("These shipments ...")."""
    doc = documents.get(c.doc_id)
    if doc is None or not POINTS_BACK.match(c.text):
        return c.text
    before = [doc.text[s:e] for s, e in document_sentences(doc) if e <= c.start]
    return f"{before[-1]} {c.text}" if before else c.text


def _attribution_sentence(claim: Claim, documents: Mapping[str, Document], score: float) -> Candidate | None:
    """The sentence after the claim's that names its source ("These figures come from South
    Korean lawmaker Lee Seong-kweun ..."), when the claim's own sentence does not; it is
    cited with the claim's sentence, at that sentence's ``score``."""
    doc = documents.get(claim.doc_id)
    if doc is None or not claim.attribution or claim.attribution in claim.sentence:
        return None
    following = [(s, e) for s, e in document_sentences(doc) if s >= claim.end][:2]
    for s, e in following:
        if claim.attribution in doc.text[s:e]:
            return Candidate(claim.doc_id, s, e, doc.text[s:e], score)
    return None


_RELATION_RANK = {"same": 3, "compatible": 2, "related": 1, "": 0}


def measure_relation(need: Need, group: ValueGroup) -> str:
    """How what a value group measures relates to what the question asks: "same",
    "compatible", "related" or "" (unrelated); "same" when either side names no measure.

    The ledger attaches a figure to one verb, but its sentence may carry the asked one too
    ("64 shipments were identified as being sent"), so the sentence's measure words count.
    """
    if not need.measure or not group.measure:
        return "same"
    lemmas = {group.measure} | {lemma for c in group.claims for lemma, _, _ in measure_words(c.sentence)}
    return max((measures_related(need.measure, m) for m in lemmas), key=_RELATION_RANK.get)


def answers_need(need: Need, group: ValueGroup) -> bool:
    """Whether a value group counts what the question asks or something related to it
    (casualties for "how many were captured": shown, but not as the answer). The unit was
    checked when the claims were chosen (``qa.sources.conflicts``: troops never answer "how much
    ammunition", "rounds of ammunition" do)."""
    return bool(measure_relation(need, group)) or _counts_asked_thing(need, group.unit)


def _counts_asked_thing(need: Need, unit: str) -> bool:
    """"How much ammunition was supplied" and "shipments included 5.8 million rounds": a figure
    of exactly the asked unit answers even when its verb is another one. Not a count of people:
    troops, killed and deployed are all "personnel", so the unit alone says too little."""
    return bool(need.unit) and need.unit not in ("personnel", "people") and unit == need.unit


def measures_asked(need: Need, values: Sequence[Value]) -> bool:
    """Whether code can tell that one of ``values`` is what the question asks for: both name a
    measure and the two are the same or compatible ("departed" for "when did he leave"), the
    question asks for a sum of money or a share (the ledger offers no other figure for it,
    ``qa.sources.conflicts``), or the value counts exactly the asked non-person unit ("rounds"
    for "how much ammunition"). A figure that only passed for lack of a named measure or unit
    ("how many years", answered by a founding year) is not told apart by code."""
    if need.unit in ("money", "percent") and values:
        return True
    if need.value_type and values:  # the ledger kept only figures stated as the asked type
        return True
    for v in values:
        if need.measure and v.measure and measures_related(need.measure, v.measure) in ("same", "compatible"):
            return True
        if _counts_asked_thing(need, v.unit):
            return True
    return False


def _answers_itself(need: Need, top: Candidate, claims: Sequence[Claim]) -> bool:
    """Whether the best sentence holds a value of the kind asked that is not tied to another
    measure: then it answers by itself, and no weaker sentence is preferred for its verb."""
    for c in claims:
        if c.doc_id != top.doc_id or not top.start <= c.value_start < top.end:
            continue
        if c.kind == "vague":
            continue   # "millions of rounds" does not say how much: a precise figure elsewhere may
        kind_fits = (c.kind == "date") if need.kind == "date" else (c.kind != "date")
        if kind_fits and (not c.measure or not need.measure or measures_related(need.measure, c.measure)):
            return True
    return False


def apply_values(answer: Answer, recon: Reconciliation, ranked: Sequence[Candidate],
                 documents: Mapping[str, Document], claims: Sequence[Claim] = (), several: bool = False) -> Answer:
    """Rewrite an extractive answer around the values of ``recon``; unchanged when none is relevant.

    Args:
        answer: the sentence answer (answered or not).
        recon: the reconciled values for the question.
        ranked: the scored candidate sentences, best first.
        documents: the indexed documents (for quotes and metadata).
        claims: the ledger's claims in the retrieved passages.
        several: the question fits several events ("and in June?" with two June visits), so
            each of their values is wanted.
    """
    if not answer.answered or not recon.groups or not ranked:
        return answer
    floor = TUNING.relevant_share * ranked[0].score
    # Several values wanted ("on which dates", "all the visits"): the best sentence gives one.
    asked = answer.standalone_question or answer.question
    itself = _answers_itself(recon.need, ranked[0], claims)
    relief = several or bool(SEVERAL.search(asked)) or not itself
    # When no value comes from the best sentence, a value must be about what it is about: "when
    # did Ri meet Shoigu" is not answered by the dates of Shoigu's visits to Kim.
    top = ranked[0]
    from_top = any(c.doc_id == top.doc_id and top.start <= c.value_start < top.end for g in recon.groups for c in g.claims)
    subject = set() if from_top else {n for n in question_names(asked) if names_in(n, top.text)}
    statements: list[list[Candidate]] = []
    kept = []
    for group in recon.groups:
        if not answers_need(recon.need, group):
            continue
        sentences = []
        for claim in group.claims:
            c = _candidate_for(claim, ranked)
            if c is not None and c not in sentences:
                sentences.append(c)
        sentences.sort(key=lambda c: -c.score)  # the best-scoring sentence states the value
        if subject and not any(names_in(n, _read_with_antecedent(c, documents)) for n in subject for c in sentences):
            continue
        # A value of exactly the asked measure ("departed" for "when did he leave") is on topic
        # even when its sentence shares few words with the question.
        # So is one of a measure the asked one is part of or made of (killed, for "what losses").
        # So is a figure of exactly the asked thing ("5.8 million rounds of ammunition").
        same_measure = bool(recon.need.measure and group.measure) and \
            measure_relation(recon.need, group) in ("same", "compatible", "related")
        exact = relief and (same_measure or _counts_asked_thing(recon.need, group.unit))
        if sentences and max(c.score for c in sentences) >= (floor * TUNING.exact_measure_relief if exact else floor):
            # the notes name who gives each value: cite the sentence that says so
            top = max(c.score for c in sentences)
            named = [a for a in (_attribution_sentence(cl, documents, top) for cl in group.claims) if a is not None]
            statements.append(sentences + [a for a in dict.fromkeys(named) if a not in sentences])
            kept.append(group)
    if not kept:
        return answer
    text, citations = compose(statements, documents)
    index = {(c.doc_id, c.start): n for n, c in enumerate(citations, start=1)}
    values = tuple(_counted(
        Value(text=g.value_text + (f" ({g.detail})" if g.detail else ""), normalized=g.normalized,
              unit=g.unit, measure=g.measure, when=g.when,
              citations=tuple(dict.fromkeys(index[(c.doc_id, c.start)] for c in sentences)),
              relation=g.relation if len(kept) > 1 or g.relation == "same" else "",
              note=g.note if len(kept) > 1 else ""), [documents[c.doc_id] for c in g.claims if c.doc_id in documents])
        for g, sentences in zip(kept, statements))
    copied = [v for v in values if v.independent < v.documents]
    if copied:  # support counted once per independent source, said in the text too
        text += " Near-duplicate documents count once: " + "; ".join(
            f"{v.text} is given by {v.documents} documents, {v.independent} independent" for v in copied) + "."
    direct = [g for g in kept if measure_relation(recon.need, g) in ("same", "compatible")
              or _counts_asked_thing(recon.need, g.unit)]
    if not direct:
        # Only figures of a related but different measure (casualties, asked for captured):
        # show them as the nearest the sources come, without calling that an answer.
        lead = (f"The sources give no figure for “{recon.need.measure}”; the nearest they give counts "
                f"something different:")
        return dataclasses.replace(answer, text=f"{lead} {text}", citations=citations, values=values, answered=False)
    if len(kept) > 1 and len(recon.groups) == len(kept) and recon.summary:
        text = f"{recon.summary} {text}"
    elif summary := different_values(values):  # the conflicts summary names values we dropped: say only what we keep
        text = f"{summary} {text}"
    return dataclasses.replace(answer, text=text, citations=citations, values=values, answered=True)


def on_subject(recon: Reconciliation, top: Candidate, documents: Mapping[str, Document]) -> Reconciliation:
    """``recon`` without the values of documents that name nothing the question names.

    The ledger says what a figure measures, not what it is about: "how many died in the quake?"
    over a flood report and an earthquake report finds both stories' dead, and the answer said
    the sources differ. A document that names none of the question's subject terms
    (``Need.terms``; a word for the same thing counts, ``qa.question.concept_of``) tells another
    story, when the best sentence's document names one; when no document of any value names
    one, every value is another story's and none is kept. Only a document naming none is left
    out: articles on one story name it in their own words ("rounds of ammunition", not
    "artillery"), and one term in common is enough.
    """
    asked = list(dict.fromkeys(terms(" ".join(recon.need.terms))))
    if not recon.groups or not asked or top.doc_id not in documents:
        return recon
    names: dict[str, bool] = {}

    def names_any(doc_id: str) -> bool:
        if doc_id not in names:
            words = set(terms(documents[doc_id].text))
            said = {concept_of(w) for w in words} - {""}
            names[doc_id] = any(t in words or (concept_of(t) or "-") in said for t in asked)
        return names[doc_id]

    if not names_any(top.doc_id):
        if not any(names_any(c.doc_id) for g in recon.groups for c in g.claims if c.doc_id in documents):
            # no source of any value names what was asked ("homes destroyed by the cholera
            # floods" over fire reports): these figures answer another story's question
            return dataclasses.replace(recon, groups=(), summary="", total="")
        return recon
    groups = tuple(kept for kept in (dataclasses.replace(g, claims=tuple(c for c in g.claims if c.doc_id in documents
                                                                        and names_any(c.doc_id)))
                                     for g in recon.groups) if kept.claims)
    if sum(len(g.claims) for g in groups) == sum(len(g.claims) for g in recon.groups):
        return recon
    # the summary names every value: with some dropped, apply_values words the kept ones
    return dataclasses.replace(recon, groups=groups, summary="", total="")


def different_values(values: Sequence[Value]) -> str:
    """"Sources give different values: ..." for ``values`` that differ as said, each with when it
    applies unless that is the value itself (a date); "" when they say one figure (read under two
    measures, "$5000" is still one figure, not two values)."""
    said = list(dict.fromkeys(f"{v.text}{' (' + v.when + ')' if v.when and v.when != v.text else ''}"
                              for v in values))
    return f"Sources give different values: {'; '.join(said)}." if len(said) > 1 else ""


def slot_values(answer: Answer, recon: Reconciliation, ranked: Sequence[Candidate],
                documents: Mapping[str, Document], claims: Sequence[Claim] = ()) -> Answer:
    """A measure question's values where no sentence answered: an entity page states "The
    population was 2,051 at the 2000 census." and names its subject only in its opening, so no
    sentence shares enough words with "what is the population of Marlette?" (the sentence score
    declines) or the one it chose is no answer (the reader's veto declines). The ledger
    still holds each figure stated as the asked type (``Need.value_type``); those of documents
    that name every name of the question answer it, each with its sources, as
    ``apply_values`` words them. Unchanged when the answer stands, the question asks for no
    typed measure or names nothing, or no such value is left."""
    need = recon.need
    asked = answer.standalone_question or answer.question
    names = question_names(asked)
    if answer.answered or not need.value_type or not recon.groups or not names:
        return answer
    stating = {c.doc_id for g in recon.groups for c in g.claims if c.doc_id in documents}
    about = {d for d in stating if all(names_in(n, documents[d].text) for n in names)}
    groups = tuple(kept for kept in (dataclasses.replace(g, claims=tuple(c for c in g.claims if c.doc_id in about))
                                     for g in recon.groups) if kept.claims)
    # the documents were checked for the subject: the values' own sentences are the ones ranked
    stating_sentences = [c for c in ranked if any(_candidate_for(cl, [c]) for g in groups for cl in g.claims)]
    if not stating_sentences:
        return answer
    found = apply_values(dataclasses.replace(answer, answered=True, note="", confidence=None),
                         dataclasses.replace(recon, groups=groups, summary="" if len(groups) < len(recon.groups)
                                             else recon.summary), stating_sentences, documents, claims)
    return found if found.answered and found.values else answer


def _counted(value: Value, docs: list[Document]) -> Value:
    """``value`` with how many documents give it and how many of them are independent."""
    unique = list({d.doc_id: d for d in docs}.values())
    n, m = len(unique), duplicates.independent(unique)
    note = value.note
    if m < n:
        note = f"{note} " if note else ""
        note += f"{n} documents, {m} independent (near-duplicate texts count once)."
    return dataclasses.replace(value, documents=n, independent=m, note=note)


def resolved_times(answer: Answer, references: Mapping[str, str], events: Sequence[Event] = ()) -> Answer:
    """Say what relative times in the quoted sentences mean ("last year" in an article of June
    4, 2025 is 2024), once after each run of markers; the quotes themselves stay verbatim.

    Args:
        answer: the answer whose citations are glossed.
        references: doc_id -> the date its relative times count from (its publication date,
            or the date of the event it reports when it states no date of its own).
        events: the events the corpus reports; a period that holds exactly one of them, in a
            sentence about such an event ("his visit earlier in June"), is named as that event.
    """

    def gloss(run: re.Match) -> str:
        glosses, bases = {}, set()
        for n in map(int, re.findall(r"\d+", run.group(0))):
            if not 1 <= n <= len(answer.citations):
                continue
            c = answer.citations[n - 1]
            reference = references.get(c.doc_id) or c.date
            for t in timex.find_times(c.quote, reference) if reference else ():
                if t.relative and t.value:
                    event = _event_in(t.value, c, events)
                    named = f": the {event.kind or 'event'} of {event.label}" if event else ""
                    glosses.setdefault(t.text.lower(), f"“{t.text}” = {timex.label(t.value)}{named}")
                    bases.add(("the article's date" if reference == c.date else "the date of the event it reports",
                               reference))
        if not glosses:
            return run.group(0)
        basis = ""
        if len(bases) == 1:
            what, day = bases.pop()
            basis = f", counted from {what}, {timex.label(day)}"
        return f"{run.group(0)} ({'; '.join(glosses.values())}{basis})"

    return dataclasses.replace(answer, text=_MARKER_RUN.sub(gloss, answer.text))


def _event_in(period: str, citation: Citation, events: Sequence[Event]) -> Event | None:
    """The one event of another article that falls in ``period``, when the quote is about
    an event of that kind ("his visit earlier in June" -> the visit of June 4, 2025)."""
    span = timex.bounds(period)
    if span is None or span[0] == span[1]:
        return None
    families = {measure_family(m) for m, _, _ in measure_words(citation.quote)}
    inside = [e for e in events if e.kind in families and citation.doc_id not in e.doc_ids
              and timex.overlaps(period, e.date)]
    return inside[0] if len(inside) == 1 else None


_MARKER_RUN = re.compile(r"(?:\[\d+\])+")


def values_required(kind: str, recon: Reconciliation) -> bool:
    """Whether a count question names what it counts in words the ledger knows (or asks for
    money or a percentage), so that no matching figure means the sources do not give one
    (rather than a paraphrase we missed)."""
    need = recon.need
    # A sum of money or a percentage is never a paraphrase of another figure: none means none.
    exact_unit = need.unit in ("money", "percent") or (len(need.unit) == 3 and need.unit.isupper())
    return kind == "count" and (bool(need.measure and need.unit) or exact_unit)


def with_values_of(answer: Answer, extractive_answer: Answer) -> Answer:
    """The model's verified answer, plus the values the sources give when they differ.

    The model rarely reports every source's figure; the ledger does. Its citations are
    appended after the model's (renumbered), and a "Sources differ" line lists each value.
    """
    citations = list(answer.citations)
    key = {(c.doc_id, c.start): n for n, c in enumerate(citations, start=1)}
    renumber = {}
    for n, c in enumerate(extractive_answer.citations, start=1):
        if (c.doc_id, c.start) not in key:
            citations.append(c)
            key[(c.doc_id, c.start)] = len(citations)
        renumber[n] = key[(c.doc_id, c.start)]
    values = tuple(dataclasses.replace(v, citations=tuple(renumber[n] for n in v.citations))
                   for v in extractive_answer.values)
    listed = "; ".join(f"{v.text}{' (' + v.when + ')' if v.when else ''} {''.join(f'[{n}]' for n in v.citations)}"
                       for v in values)
    return dataclasses.replace(answer, text=f"{answer.text}\n\nSources differ: {listed}.",
                               citations=tuple(citations), values=values)


def with_claims_of(answer: Answer, extractive_answer: Answer) -> Answer:
    """The model's verified answer to a set question, plus the claims of the extractive set
    answer from articles the model did not cite ("Other sources add: ...").

    A set answer ("what weapons were supplied") lists one claim per article; a small model
    often gives one of them. Each left-out article's first listed sentence is appended, cited.
    """
    cited = {c.doc_id for c in answer.citations}
    citations = list(answer.citations)
    added = []
    for c in extractive_answer.citations:
        if c.doc_id not in cited:
            cited.add(c.doc_id)
            citations.append(c)
            added.append(f"{c.quote} [{len(citations)}]")
    if not added:
        return answer
    return dataclasses.replace(answer, text=f"{answer.text}\n\nOther sources add: {' '.join(added)}",
                               citations=tuple(citations))


def with_sources_of(answer: Answer, extractive_answer: Answer, several: bool) -> Answer:
    """The model's verified answer, completed from the extractive one: every value when the
    sources give several (``with_values_of``), every article's claim for a set question
    (``with_claims_of``)."""
    if len(extractive_answer.values) > 1:
        return with_values_of(answer, extractive_answer)
    if several and extractive_answer.answered:
        return with_claims_of(answer, extractive_answer)
    return answer
