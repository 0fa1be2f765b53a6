"""The extractive answerer: picks the sentences that answer, returns them verbatim with citations.

No model writes anything here. Each candidate sentence of the retrieved passages is scored by
how much of the question it covers (IDF-weighted terms), how close it is in meaning (cosine of
sentence embeddings) and whether it holds the kind of thing asked for (a figure for "how many",
a date for "when", a name for "who", a place for "where", the relation asked about for "what did
they get / supply / discuss"). The best sentence answers; sentences of other articles that say
the same are cited with it. When the answer is a set that several articles each hold part of
("what weapons were supplied"), every article's sentence that states the asked relation and
passes the same support test is listed, once per distinct claim. When nothing scores above the
abstention threshold the answer declines and shows the closest passages.

Comparing figures across sources (``qa/sources/conflicts.py``) and event filtering (``qa/sources/events.py``)
happen elsewhere; this module only needs their results.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from lang.sentences import joined_sentences
from index.claims import document_sentences, is_caption
from index.clean import is_stamp
from index.records import Document
from lang import timex
from lang.numbers import COUNT_WORDS, WORDNUM, find_figures
from lang.cues import NEGATION, ROLE_WORDS, UNDISCLOSED
from lang.lexicon import alternation
from lang.names import name_words
from lang.questions import embeds_question
from lang.references import POINTS_BACK, SAME_EVENT
from lang.text import has_term, stem, terms
from lang.vocab import MONTH_PATTERN, TIME_FILLERS, TIME_UNITS, VALUE_UNITS, other_length, unit_family
from qa.answering.verify import Objection, inert_markers
from qa.question import LENGTH_OR_TIME, QuestionSpec, concept_of, relation_terms, states_relation
from qa.records import Answer, Citation, Passage
from qa.sources import duplicates
from qa.sources.events import DateHits, EventScope
from qa.tuning import TUNING

ABSTAIN_TEXT = "The sources don't say. The closest passages are listed below for you to check."
UNDISCLOSED_TEXT = "The sources don't say; the closest one states that it is not known or was not disclosed:"

# A best sentence that says the thing is not known answers "the sources don't say", with it cited
# (lang.cues.UNDISCLOSED, or the question held under a negation: not_known).

# The tuned numbers of the sentence score, of what an answer quotes besides its best sentence
# and of other documents' answers are in qa/tuning.py (TUNING), each with what it was fitted on.
# Leads unalike may be namesakes' pages or short texts that disagree on one thing: the note says both.
OTHER_STORIES_NOTE = ("Some documents tell other stories, perhaps of another person or thing of the same name, "
                      "or disagree: each one's answer is quoted from it, with its source.")
# Questions a figure or a date answers: their sentences differ by figures, not by names.
_FIGURE_KINDS = ("count", "date", "duration")
NAMES_DIFFER_NOTE = ("Documents telling one story give different answers, naming different things: they may "
                     "disagree; each is quoted with its source.")
# How much of a document's opening the which-is-which note quotes (a display bound: enough for
# a page's subject and its first description, "X (born 1950) is an American ...").
OPENING_CHARS = 200
# How much of a quoted opening the note repeats when two texts would otherwise read alike ("a
# text that opens with the sentence quoted" twice): enough for the subject, "X (born 1950)".
QUOTED_OPENING_CHARS = 60

_TIME_UNIT = alternation(TIME_UNITS)
_HAS = {
    "count": re.compile(rf"(?<![\w.])\d[\d,.]*(?!\d)(?!th\b|st\b|nd\b|rd\b)|\b({COUNT_WORDS})\b", re.I),
    "date": re.compile(rf"\b({MONTH_PATTERN})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+({MONTH_PATTERN})\b|\b(19|20)\d\d\b|"
                       r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|"
                       r"\b(yesterday|today|tomorrow|tonight|(later|earlier)\s+(in\s+)?(the|that)\s+(day|week|month|year)|"
                       r"the\s+(same|next|following|previous)\s+(day|week|month|year)|\w+\s+(days|weeks|months|years|decades|centuries)\s+(ago|later|earlier))\b|"
                       # a time of day, a century, a decade in two digits ("at 1:58 AM", "the 17th
                       # century", "the late 80s") answer "when" as a date does
                       r"\b\d{1,2}:\d{2}(?!\d)|\b\d{1,2}\s*[ap]\.?m\b\.?|\b(noon|midnight)\b|"
                       r"\b\w+(st|nd|rd|th)[- ]centur(y|ies)\b|(?<![\w.,])['’]?\d0['’]?s\b|"
                       r"\b(last|this|next|previous)\s+(year|month|week|fall|autumn|spring|summer|winter)\b|"
                       rf"\b(early|late|mid)[- ]({MONTH_PATTERN})\b|\b(in|since|until|by)\s+({MONTH_PATTERN})\b", re.I),
    # a figure and a unit of time, with at most three words for the same span between ("5+
    # hours", "2 and a half months", "a couple of months"), or units of time with no figure
    # ("for years", "all night", "since 2003", "a while"); only digits may touch their unit
    # ("5hrs"; "Amin" is no "a min")
    "duration": re.compile(rf"\b(\d[\d,.]*\+?|an?|{WORDNUM}|several|few|many|couple|dozen|"
                           rf"\w+-({_TIME_UNIT}))(?:[- ]+(?:{alternation(TIME_FILLERS)})){{0,3}}(?:[- ]+|(?<=[\d+]))({_TIME_UNIT})\b|"
                           rf"\bfor\s+(?:(?:many|several|some)\s+)?({_TIME_UNIT})\b|\bsince\s+(?:the\s+)?\d|"
                           r"\b(a\s+while|a\s+long\s+time|ages|forever)\b|"
                           r"\b(all|half|most\s+of)\s+(the\s+)?(day|night|week|morning|afternoon)\b", re.I),
    "person": re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+(?:[- ][A-Z][a-z]+)+\b|"
                         rf"\b({alternation(ROLE_WORDS)})\b"),
    "place": re.compile(r"\b(in|to|from|at|near|into|toward|towards)\s+(the\s+)?[A-Z][\w’'-]+"),
}
_DIGITS = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])")
_DAY_OF_MONTH = re.compile(rf"\b(?:{MONTH_PATTERN})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTH_PATTERN})\b")
# Years look like numbers; a count question wants a figure that is not just a year.
_YEAR_ONLY = re.compile(r"^(19|20)\d\d$")
# The word after a figure, where its unit is ("12 miles", "4,808 m"; "-" joins "10-mile").
_NEXT_WORD = re.compile(r"[\s-]*([^\W\d_]+|[$€£²])")
# Units that make a figure something other than a count of people (a length, a time, ...).
_OTHER_UNITS = frozenset(f for fs in VALUE_UNITS.values() for f in fs) | frozenset(TIME_UNITS)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence of a retrieved passage, with its score on the question."""

    doc_id: str
    start: int
    end: int
    text: str
    score: float
    passage: Passage | None = None
    dense: float = 0.0  # cosine of question and sentence embeddings
    coverage: float = 0.0  # IDF-weighted share of the question's corpus terms in the sentence
    prior: float = 0.0  # the hand-written score that shortlists sentences for the reader
    read: bool = False  # ``score`` is the learned reader's probability


def _is_years(t: timex.TimeExpr) -> bool:
    """A year, a decade or a period between stated years ("1544–1547"), which is no count."""
    return t.granularity in ("year", "decade") or (t.granularity == "range" and bool(t.value) and not t.relative)


def has_kind(sentence: str, kind: str, question: str = "") -> bool:
    """Whether ``sentence`` contains the kind of thing a ``kind`` question asks for.

    A place already named in the question does not count: "in Ukraine" does not answer
    "in which region did they fight against Ukraine's forces?". "How long is ...?" takes a
    length as well as a time (``qa.question.LENGTH_OR_TIME``).
    """
    pattern = _HAS.get(kind)
    if pattern is None:
        return True
    if kind == "date":  # "founded in 1856.": a year before 1900 is one where its words say so
        return bool(pattern.search(sentence)) or any(_is_years(t) for t in timex.find_times(sentence))
    if kind == "count":
        # the day of a date ("April 2, 2025") and a year ("in 1856") are no figures: they are
        # blanked before looking
        undated = _DAY_OF_MONTH.sub(lambda m: " " * len(m.group(0)), sentence)
        for t in timex.find_times(sentence):
            if _is_years(t):
                undated = undated[:t.start] + " " * (t.end - t.start) + undated[t.end:]
        return any(not _YEAR_ONLY.match(m.group(0).strip(",.")) for m in pattern.finditer(undated))
    if kind == "duration" and LENGTH_OR_TIME.search(question) and has_value(sentence, "length"):
        return True
    if kind == "place" and question:
        asked = set(terms(question))
        return any(not set(terms(m.group(0).split()[-1])) <= asked for m in pattern.finditer(sentence))
    return bool(pattern.search(sentence))


def has_value(sentence: str, value_type: str) -> bool:
    """Whether ``sentence`` states a figure of ``value_type`` (``QuestionSpec.value_type``):
    one followed by a unit of that type ("4,808 m", "$12 million"), or for "people" a count
    followed by no unit of another type ("the population was 2,772", "2,772 residents")."""
    if not value_type:
        return True
    for f in find_figures(sentence, timex.find_times(sentence)):
        if f.kind == "percent":
            continue
        if value_type == "money":
            if f.kind == "money":
                return True
            continue
        after = _NEXT_WORD.match(sentence, f.end)
        family = f.unit or (unit_family(after.group(1)) if after else "")
        if other_length(sentence, f.start, f.end, value_type):
            continue
        if value_type == "people":  # a whole number: "30.178614" is a coordinate, "38.5" a mean
            whole = f.value.replace("-", "").isdigit()
            if f.kind == "count" and whole and not _YEAR_ONLY.match(f.text.strip(",.")) and family not in _OTHER_UNITS:
                return True
        elif family in VALUE_UNITS[value_type]:
            return True
    return False


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    """A sentence of a retrieved passage: the passage, and the sentence's offsets in its document."""

    passage: Passage
    start: int
    end: int

    @property
    def doc_id(self) -> str:
        return self.passage.doc_id


def candidates(passages: Sequence[Passage], documents: Mapping[str, Document]) -> list[SentenceSpan]:
    """Every distinct sentence of the passages, first passage first, in document offsets."""
    seen: set[tuple[str, int]] = set()
    out: list[SentenceSpan] = []
    for p in passages:
        doc = documents.get(p.doc_id)
        if doc is None:
            continue
        for s, e in joined_sentences(doc.text, p.start, p.end):
            # a stamp ("Published on August 12, 2025") has a date and nothing said about it
            if (p.doc_id, s) not in seen and len(doc.text[s:e].split()) >= 3 and not is_stamp(doc.text[s:e]):
                seen.add((p.doc_id, s))
                out.append(SentenceSpan(p, s, e))
    return out


def score_sentences(
    spec: QuestionSpec,
    passages: Sequence[Passage],
    documents: Mapping[str, Document],
    embed: Callable[[list[str]], np.ndarray],
    idf: Idf,
    dates: DateHits | None = None,
    reader=None,
) -> tuple[list[Candidate], np.ndarray]:
    """Score every candidate sentence; returns candidates (best first) and their embeddings.

    With a ``reader`` (``qa.answering.reader.Reader``), the ``TUNING.reader_shortlist`` best sentences by the
    score below are read with the sentence before each, and their score becomes the
    probability that they answer (the reader's, combined with the score below, its cosine and
    coverage by the calibrated ``Reader.combine``); the others score 0 (kept, in their order,
    as ``prior``).

    score = TUNING.w_dense * max(cosine, 0) + TUNING.w_lexical * (IDF-weighted share of question terms
    present, a term also present through a word for the same thing: "soldiers" for "troops"),
    times TUNING.kind_mismatch when the sentence lacks what the question asks for (and TUNING.focus_mismatch
    when it has none of a follow-up's own words).
    ``dates``: a sentence stating the day the question names in other words ("on Tuesday")
    has the question's words for that day.
    """
    spans = candidates(passages, documents)
    if not spans:
        return [], np.zeros((0, 0), dtype=np.float32)
    texts = [documents[c.doc_id].text[c.start:c.end] for c in spans]
    vectors = embed([spec.text] + texts)  # (1 + n, dim), L2-normalised
    cosine = vectors[1:] @ vectors[0]
    q_terms = set(spec.terms)
    focus = set(spec.focus)

    def weight(t: str) -> float:  # a follow-up's own words count twice its borrowed context
        return idf(t) * (TUNING.focus_weight if t in focus and focus != q_terms else 1.0)

    q_weight = sum(weight(t) for t in q_terms) or 1.0
    known = {t for t in q_terms if idf.known(t)}
    known_weight = sum(idf(t) for t in known) or 1.0
    scored = []
    held: set[int] = set()  # sentences holding the question
    focused = bool(focus) and focus != q_terms
    asked_concepts = {t: concept_of(t) for t in q_terms}
    for t in relation_terms(spec.text, spec.relation) & q_terms:
        asked_concepts[t] = f"relation:{spec.relation}"
    for span, text, cos in zip(spans, texts, cosine):
        words = set(terms(text))
        if dates is not None and any(span.start <= v < span.end for v in dates.offsets.get(span.doc_id, ())):
            words |= dates.terms
        said = {concept_of(w) for w in words} - {""}
        if spec.relation and states_relation(text, spec.relation):
            said.add(f"relation:{spec.relation}")
        # a question term counts when the sentence has it or a word for the same thing
        present = {t for t in q_terms if t in words or asked_concepts[t] in said}
        lexical = sum(weight(t) for t in present) / q_weight
        coverage = sum(idf(t) for t in present & known) / known_weight if known else 1.0
        score = TUNING.w_dense * max(float(cos), 0.0) + TUNING.w_lexical * lexical
        if not has_kind(text, spec.kind, spec.text) or not has_value(text, spec.value_type):
            score *= TUNING.kind_mismatch.get(spec.kind if not spec.value_type else "count", 1.0)
        if focused and not present & focus:
            score *= TUNING.focus_mismatch  # a follow-up's own words ("who did he *meet*") say what it asks
        if embeds_question(text, spec.text) and not not_known(text, spec.text):
            # "The report explains why dolphins strand in groups." holds the question, not its
            # answer (and is not read); one that says it is not known answers that the sources
            # don't say (answer_extractively)
            score = 0.0
            held.add(len(scored))
        scored.append(Candidate(span.doc_id, span.start, span.end, text, score, span.passage, float(cos), coverage,
                                prior=score))
    order = sorted(range(len(scored)), key=lambda i: (-scored[i].score, scored[i].doc_id, scored[i].start))
    if reader is not None:
        short = [i for i in order if i not in held][:TUNING.reader_shortlist]
        scored = _read(spec.text, scored, short, documents, reader)
        order = sorted(range(len(scored)), key=lambda i: (-scored[i].score, -scored[i].prior,
                                                          scored[i].doc_id, scored[i].start))
    return [scored[i] for i in order], vectors[1:][order]


def not_known(text: str, question: str) -> bool:
    """Whether ``text`` says the thing ``question`` asks is not known or not disclosed: in so
    many words (``lang.cues.UNDISCLOSED``), or by holding the question under a negation ("Police
    did not immediately say how many people were hurt", "Scientists do not fully understand why
    dolphins strand in groups")."""
    return bool(UNDISCLOSED.search(text)) or (bool(NEGATION.search(text)) and embeds_question(text, question))


def previous_sentence(doc: Document, start: int) -> str:
    """The sentence that ends before offset ``start`` in ``doc`` ("" at the start)."""
    span = _previous_span(doc, start)
    return doc.text[slice(*span)] if span else ""


def _previous_span(doc: Document, start: int) -> tuple[int, int] | None:
    # 600 characters hold any sentence the chunker keeps whole before a long one
    spans = joined_sentences(doc.text, max(0, start - 600), start)
    return spans[-1] if spans else None


def _read(question: str, scored: list[Candidate], short: Sequence[int], documents: Mapping[str, Document],
          reader) -> list[Candidate]:
    """``scored`` with the scores of those at indices ``short`` replaced by the reader's
    probabilities (combined with each sentence's hand-written evidence, ``Reader.combine``),
    the rest 0."""
    items = [(scored[i].text, previous_sentence(documents[scored[i].doc_id], scored[i].start)) for i in short]
    probs = reader.combine(reader.score(question, items), [scored[i].prior for i in short],
                           [scored[i].dense for i in short], [scored[i].coverage for i in short])
    out = [dataclasses.replace(c, score=0.0) for c in scored]
    for i, p in zip(short, probs):
        out[i] = dataclasses.replace(scored[i], score=float(p), read=True)
    return out


def read_each(question: str, sentences: Sequence[Candidate], documents: Mapping[str, Document],
              reader) -> list[Candidate]:
    """Each of ``sentences`` as the learned reader reads it: its score the calibrated
    probability that it answers ``question`` (``read`` set), in the order given."""
    return _read(question, list(sentences), range(len(sentences)), documents, reader) if sentences else []


def reader_passages(ranked: Sequence[Candidate], documents: Mapping[str, Document],
                    n: int = TUNING.llm_sentences) -> list[Passage]:
    """The ``n`` best sentences the reader read, each with the sentence before it, as passages
    (document offsets kept, so citations into them stay lookups), best first."""
    out = []
    for c in [c for c in ranked if c.read][:n]:
        doc = documents[c.doc_id]
        span = _previous_span(doc, c.start)
        start = span[0] if span else c.start
        out.append(Passage(chunk_id=f"{c.doc_id}@{start}", doc_id=c.doc_id, text=doc.text[start:c.end], start=start,
                           end=c.end, score=c.score, title=doc.title, publisher=doc.publisher, date=doc.date,
                           url=doc.url))
    return out


def following(c: Candidate, ranked: Sequence[Candidate], documents: Mapping[str, Document]) -> Candidate | None:
    """The sentence right after ``c`` in its document, as retrieval found it (a candidate of
    ``ranked``, with its hand-written evidence); None at the document's end, outside the
    retrieved passages, or when it is a fragment (``_whole_sentence``)."""
    nxt = _next_span(documents[c.doc_id], c.end)
    after = next((r for r in ranked if r.doc_id == c.doc_id and r.start == nxt[0]), None) if nxt else None
    return after if after is not None and _whole_sentence(after.text) else None


def _next_span(doc: Document, end: int) -> tuple[int, int] | None:
    """``(start, end)`` of the document's first sentence starting at or after offset ``end``."""
    return next(((s, e) for s, e in document_sentences(doc) if s >= end), None)


def reader_check(question: str, answer: Answer, quoted: Sequence[Candidate], documents: Mapping[str, Document],
                 reader, threshold: float, after: Candidate | None = None) -> Answer:
    """``answer``, which quotes ``quoted`` (chosen by the hand-written score; several for an
    answer of several parts), with the learned reader's best calibrated probability that one
    of them answers ``question`` as its ``confidence``; declined instead, with the closest
    passages and why, when that probability is under ``threshold`` (the ``hybrid`` answerer's
    veto).

    ``after``: the sentence right after a single quoted one (``following``). The hand-written
    score finds the sentence that shares the question's words, and the answer is often the next
    one ("The rivers draining the hills are young." then "These rivers assume turbulent form in
    the rainy season."); the reader reads it with the quoted sentence as its context. When it
    answers (probability at least ``threshold``) and more surely than the quoted sentence, it is
    quoted after it and the answer stands on it."""
    p = max(c.score for c in read_each(question, quoted, documents, reader))
    surer = _surer(question, after, p, documents, reader, threshold)
    if surer is not None:
        return dataclasses.replace(_quoting(answer, surer, documents), confidence=surer.score)
    if p >= threshold:
        return dataclasses.replace(answer, confidence=p)
    what = ("The closest sentence does not answer" if len(quoted) == 1 else
            "None of the sentences found answers")
    note = (f"{what} the question by the reader's judgement "
            f"({'' if len(quoted) == 1 else 'best '}reader probability {p:.2f}, below {threshold:.2f}).")
    return dataclasses.replace(abstain(answer.question, answer.passages, note=note),
                               standalone_question=answer.standalone_question, confidence=p)


def with_following(question: str, answer: Answer, ranked: Sequence[Candidate], documents: Mapping[str, Document],
                   reader, threshold: float) -> Answer:
    """``answer`` (a model's, verified) with the sentence after its first cited one quoted at
    its end when the reader judges that one the surer answer, as ``reader_check`` does for the
    extractive answer: a model cites the sentence sharing the question's words and leaves out
    the next, which answers."""
    cited = answer.citations[0] if answer.citations else None
    first = next((c for c in ranked if cited and (c.doc_id, c.start) == (cited.doc_id, cited.start)), None)
    if first is None:
        return answer
    p = _read(question, [first], [0], documents, reader)[0].score
    surer = _surer(question, following(first, ranked, documents), p, documents, reader, threshold)
    return _quoting(answer, surer, documents) if surer is not None else answer


def _surer(question: str, after: Candidate | None, p: float, documents: Mapping[str, Document], reader,
           threshold: float) -> Candidate | None:
    """``after`` as the reader read it, when it answers ``question`` (probability at least
    ``threshold``) and more surely than ``p``, the probability of the sentence before it."""
    if after is None:
        return None
    read = _read(question, [after], [0], documents, reader)[0]
    return read if read.score >= threshold and read.score > p else None


def _quoting(answer: Answer, c: Candidate, documents: Mapping[str, Document]) -> Answer:
    """``answer`` with sentence ``c`` quoted at its end, as one more statement with its marker
    (unchanged when it cites ``c`` already)."""
    if any(q.doc_id == c.doc_id and q.start == c.start for q in answer.citations):
        return answer
    marker = f"[{len(answer.citations) + 1}]"
    return dataclasses.replace(answer, text=f"{answer.text} {inert_markers(c.text)} {marker}",
                               citations=(*answer.citations, citation_for(c, documents)))


def reader_objection(question: str, ranked: Sequence[Candidate], documents: Mapping[str, Document],
                     reader, threshold: float) -> Objection:
    """The learned reader's judgement of a sentence a model cites (``verify.Objection``): ""
    when its calibrated probability of answering ``question`` reaches ``threshold`` (the one
    this mode declines by: the veto in ``hybrid``, the reader's own in ``learned``), and so
    does the model's own sentence read in its place; else why not. The sentence is judged as
    the answerer judges its own, with its hand-written evidence from ``ranked``; a sentence
    that is no candidate there (a caption, page chrome) cannot be judged and draws the
    objection.

    The model's sentence is read with the cited sentence's context and evidence, so only
    the words differ: a sentence made of its source's words that leaves out what was asked
    ("mountainous areas can exist due to the dry air" from a sentence naming desert
    climates) reads as no answer though its source does. Same threshold: the answer's own
    text is held to the standard its source is."""
    by_span = {(c.doc_id, c.start): c for c in ranked}
    seen: dict[tuple[str, int, str], float] = {}

    def read(c: Candidate, text: str) -> float:
        key = (c.doc_id, c.start, text)
        if key not in seen:
            seen[key] = _read(question, [dataclasses.replace(c, text=text)], [0], documents, reader)[0].score
        return seen[key]

    def objection(doc_id: str, start: int, end: int, claim: str = "") -> str:
        c = by_span.get((doc_id, start))
        if c is None:
            return "the cited sentence is none the answerer reads as a possible answer"
        p = read(c, c.text)
        if p < threshold:
            return (f"the cited sentence does not answer the question by the reader's judgement "
                    f"(reader probability {p:.2f}, below {threshold:.2f})")
        own = read(c, claim) if claim else p
        if own < threshold:
            return (f"the sentence does not answer the question by the reader's judgement, though the "
                    f"sentence it cites does (reader probability {own:.2f} against {p:.2f}, "
                    f"threshold {threshold:.2f})")
        return ""

    return objection


def decline_reason(best: Candidate | None, threshold: float) -> str:
    """Why the answer declines, for the reader of the answer: nothing on the subject, or
    sentences on the subject that do not answer what is asked."""
    if best is None:
        return "No passage of the sources was found for the question."
    scorer = "reader score" if best.read else "support score"
    if best.coverage >= TUNING.on_topic_coverage:
        return (f"The closest sentences are about what the question names, but none of them answers it "
                f"(best {scorer} {best.score:.2f}, below {threshold:.2f}).")
    return f"No sentence of the sources answers the question (best {scorer} {best.score:.2f}, below {threshold:.2f})."


def _figures(text: str) -> set[str]:
    """The digit figures of a sentence, commas removed ("12,000" -> "12000")."""
    return {m.replace(",", "") for m in _DIGITS.findall(text)}


def figures_differ(a: str, b: str) -> bool:
    """Whether two sentences give different figures: each has a figure the other lacks
    ("born 19 September 1940" and "born 25 September 1952"), so however alike they read,
    they are two statements and each is quoted."""
    fa, fb = _figures(a), _figures(b)
    return bool(fa) and bool(fb) and not (fa <= fb or fb <= fa)


def names_differ(a: str, b: str, question: str) -> bool:
    """Whether two sentences name different things the question does not: each has a
    capitalised name the other lacks ("an album by Barbra Streisand" and "an album by Harold
    Land"), so they answer with two values, each quoted."""
    na, nb = _names_beyond(question, a, b)
    return bool(na) and bool(nb) and not (na <= nb or nb <= na)


def names_disjoint(a: str, b: str, question: str) -> bool:
    """Whether two sentences name only different things beyond the question's names: each names
    something, and nothing the other does ("born in Utrecht" and "born in Leiden"), so where a
    name answers they give two answers. Sentences sharing a name ("Putin" in both) may well give
    one answer in other words."""
    na, nb = _names_beyond(question, a, b)
    return bool(na) and bool(nb) and not na & nb


def _names_beyond(question: str, a: str, b: str) -> tuple[set[str], set[str]]:
    """The names of ``a`` and of ``b`` that ``question`` does not name."""
    asked = question_names(question)
    return question_names(a) - asked, question_names(b) - asked


def another_story(a: str, b: str, documents: Mapping[str, Document], embed) -> bool:
    """Whether documents ``a`` and ``b`` tell different stories: their leads (first
    ``TUNING.lead_chars`` characters) are less alike than ``TUNING.other_story_similarity``,
    and they are not parts of one titled text."""
    if _same_title(documents[a], documents[b]):
        return False  # no lead to embed
    va, vb = embed([documents[a].text[:TUNING.lead_chars], documents[b].text[:TUNING.lead_chars]])
    return not _one_story(documents[a], documents[b], float(va @ vb))


def other_stories(question: str, ranked: Sequence[Candidate], quoted: Sequence[Candidate],
                  documents: Mapping[str, Document], embed, reader, floor: float) -> list[Candidate]:
    """Each other document's own answer when it tells another story than the one quoted
    (``another_story``: a namesake's page, an article on something else of the same name):
    its ``TUNING.other_story_sentences`` best sentences by the hand-written score, read by the
    learned ``reader``, the most probable kept when its probability is at least ``floor``.
    Best first. The hybrid answerer's way of answering for every entity the documents
    describe, where the hand-written score would quote the best one's only."""
    best, cited = quoted[0], {c.doc_id for c in quoted}
    picks: dict[str, list[Candidate]] = {}
    for c in ranked:
        if c.doc_id in cited or is_caption(c.text) or not_known(c.text, question):
            continue
        chosen = picks.setdefault(c.doc_id, [])
        if len(chosen) < TUNING.other_story_sentences:
            chosen.append(c)
    short = [c for d, chosen in picks.items() if another_story(best.doc_id, d, documents, embed) for c in chosen]
    top: dict[str, Candidate] = {}
    for c in _read(question, short, range(len(short)), documents, reader) if short else ():
        if c.score >= floor and (c.doc_id not in top or c.score > top[c.doc_id].score):
            top[c.doc_id] = c
    return sorted(top.values(), key=lambda c: (-c.score, c.doc_id, c.start))


def surest_of_document(question: str, group: list[Candidate], ranked: Sequence[Candidate],
                       documents: Mapping[str, Document], reader) -> list[Candidate]:
    """``group`` (another document's statement, its best sentence by the hand-written score
    first), or that document's sentence the learned ``reader`` finds the surer answer among its
    ``TUNING.other_story_choice`` best: a namesake's page may open with what answers ("Symphony
    No. 38 (Haydn) ... is a symphony by Joseph Haydn") while a sentence sharing more of the
    question's words ranks first. Without a reader, ``group``."""
    own = [c for c in ranked if c.doc_id == group[0].doc_id and not is_caption(c.text)][:TUNING.other_story_choice]
    if reader is None or len(own) < 2:
        return group
    read = _read(question, own, range(len(own)), documents, reader)
    surest = max(range(len(own)), key=lambda i: (read[i].score, -i))
    return group if own[surest].start == group[0].start else [own[surest]]


def which_is_which(answer: Answer, documents: Mapping[str, Document], embed) -> str:
    """When the documents ``answer`` cites tell different stories (namesakes' pages, articles
    on different things of one name), a note saying which is which: the cited documents
    grouped by story as ``another_story`` tells them (a shared title, or leads alike), each
    story's markers followed by what tells it apart in its own text (its title, else its
    opening sentence). "" when they tell one story."""
    first: dict[str, int] = {}
    for n, c in enumerate(answer.citations, start=1):
        if c.doc_id in documents:
            first.setdefault(c.doc_id, n)
    if len(first) < 2:
        return ""
    docs = list(first)
    leads = embed([documents[d].text[:TUNING.lead_chars] for d in docs])
    stories: list[list[int]] = []  # documents by story, each story's first document first
    for i in range(len(docs)):
        same = next((s for s in stories if _one_story(documents[docs[s[0]]], documents[docs[i]],
                                                        float(leads[s[0]] @ leads[i]))), None)
        if same is None:
            stories.append([i])
        else:
            same.append(i)
    if len(stories) < 2:
        return ""
    heads = [(documents[docs[story[0]]], answer.citations[first[docs[story[0]]] - 1].start) for story in stories]
    told = [_told_apart(doc, start) for doc, start in heads]
    # texts that each open with their quoted sentence would all read alike: each says its first words
    told = [_told_apart(doc, start, clip=True) if told.count(t) > 1 else t for (doc, start), t in zip(heads, told)]
    parts = []
    for story, t in zip(stories, told):
        markers = "".join(f"[{first[docs[i]]}]" for i in story)
        parts.append(f"{markers} {'are' if len(story) > 1 else 'is'} from {t}")
    return f"Which is which, by each text's title or opening: {'; '.join(parts)}."


def _one_story(a: Document, b: Document, lead_similarity: float) -> bool:
    """Whether ``a`` and ``b`` tell one story: parts of one titled text, or leads whose cosine
    is at least ``TUNING.other_story_similarity``."""
    return _same_title(a, b) or lead_similarity >= TUNING.other_story_similarity


def _same_title(a: Document, b: Document) -> bool:
    """Whether ``a`` and ``b`` are parts of one titled text (one page's paragraphs share its title)."""
    return bool(a.title.strip()) and a.title.strip() == b.title.strip()


def _told_apart(doc: Document, quoted_start: int, clip: bool = False) -> str:
    """What names ``doc`` apart from other texts, to follow "[n] is from": its title, else its
    opening sentence (a photo caption or a publication stamp is no opening; a text cut out of a
    longer one, starting mid-sentence, is named by its first whole sentence), clipped at
    ``OPENING_CHARS``. An opening that is the sentence quoted is not repeated, only pointed to,
    unless ``clip``: then its first ``QUOTED_OPENING_CHARS`` characters follow."""
    if doc.title.strip():
        return f"“{doc.title.strip()}”"
    spans = [(s, e) for s, e in document_sentences(doc) if not is_caption(doc.text[s:e]) and not is_stamp(doc.text[s:e])]
    whole = [(s, e) for s, e in spans if _whole_sentence(doc.text[s:e])]
    if not whole:
        return "a text with no opening sentence"
    s, e = whole[0]
    opening = " ".join(doc.text[s:e].split())
    if s == quoted_start:
        if not clip:
            return "a text that opens with the sentence quoted"
        short = _clipped(opening, QUOTED_OPENING_CHARS)
        return f"a text that opens with the sentence quoted, “{inert_markers(short)}”"
    opens = "opens" if (s, e) == spans[0] else "has as its first whole sentence"
    return f"a text that {opens} “{inert_markers(_clipped(opening, OPENING_CHARS))}”"


def _clipped(text: str, limit: int) -> str:
    """``text``, cut at the last word boundary within ``limit`` characters and marked " …" when longer."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _whole_sentence(text: str) -> bool:
    """Whether ``text`` is a sentence from its start: three words or more, not opening in lower
    case (". mi . Water area", "spectacles. Left-handed" begin a text cut mid-sentence)."""
    first = next((ch for ch in text if ch.isalnum()), "")
    return len(text.split()) >= 3 and not first.islower()


def same_fact(best: int, ranked: Sequence[Candidate], vectors: np.ndarray, relation: str = "",
              question: str = "") -> list[int]:
    """Indices of sentences in other articles that state what ``ranked[best]`` states: close
    in meaning, or giving the same figures, and nearly as good an answer to the question
    (stating the ``relation`` it asks about, when it names one). A sentence giving other
    figures (``figures_differ``) is never the same fact, however close in meaning; nor, given
    the ``question`` a name answers, one naming something the other lacks (``names_differ``):
    "born in Leiden" is no second source for "born in Utrecht"."""
    top = ranked[best]
    out, docs = [], {top.doc_id}
    sims = vectors @ vectors[best]
    figures = _figures(top.text)
    for i, c in enumerate(ranked):
        if (c.doc_id in docs or c.score < TUNING.same_fact_score_share * top.score
                or not states_relation(c.text, relation) or figures_differ(top.text, c.text)
                or (question and names_differ(top.text, c.text, question))):
            continue
        if sims[i] >= TUNING.same_fact_similarity or (figures and figures <= _figures(c.text)):
            out.append(i)
            docs.add(c.doc_id)
    return out


def distinct_claims(ranked: Sequence[Candidate], vectors: np.ndarray, spec: QuestionSpec,
                    threshold: float, share: float = TUNING.same_fact_score_share) -> list[list[Candidate]]:
    """For a set question: the best sentence, then each other article's sentence that states
    the asked relation and passes the same support test as a same-fact citation (over the
    abstention threshold, at least ``share`` of the best), one group per
    distinct claim, about the same subject as the best (at least ``TUNING.same_subject_share`` of the
    question's names that the best mentions). Photo captions describe a picture and are never
    listed.

    A sentence close in meaning to a listed claim that adds little to it (at most
    ``TUNING.same_claim_new_terms`` new content terms) is cited with that claim instead, unless
    a name answers the question and it names something the claim lacks (``names_differ``).
    """
    groups, heads = [[ranked[0]]], [0]
    floor = max(threshold, share * ranked[0].score)
    by_name = spec.kind not in _FIGURE_KINDS  # then "born in Leiden" is no second source for "born in Utrecht"
    asked = set(spec.terms)
    # what the best claim is about: the names of the question it mentions ("Ri", "Shoigu")
    subject = {n for n in question_names(spec.text) if names_in(n, ranked[0].text)}
    for i, c in enumerate(ranked[1:], start=1):
        if c.score < floor:
            break  # best first: the rest score lower still
        if not states_relation(c.text, spec.relation) or not_known(c.text, spec.text) or is_caption(c.text):
            continue
        if subject and sum(names_in(n, c.text) for n in subject) < TUNING.same_subject_share * len(subject):
            continue  # about someone else ("they" were Ri and Shoigu, not Shoigu and Kim)
        new = set(terms(c.text)) - asked
        same = next((g for g, h in zip(groups, heads) if float(vectors[i] @ vectors[h]) >= TUNING.same_claim_similarity
                     and len(new - set(terms(ranked[h].text))) <= TUNING.same_claim_new_terms
                     and not figures_differ(c.text, ranked[h].text)
                     and not (by_name and names_differ(c.text, ranked[h].text, spec.text))), None)
        if same is not None:
            if c.doc_id not in {x.doc_id for x in same}:
                same.append(c)
        elif c.doc_id not in {g[0].doc_id for g in groups}:  # one claim per article
            groups.append([c])
            heads.append(i)
    return groups


def question_names(question: str) -> set[str]:
    """The stemmed names of a question (``lang.names.name_words``), months and weekdays
    included ("in March" says which visit), its sentences' first words passed over."""
    return {stem(w) for w in name_words(question, sentence_starts=False, dates=True)}


def names_in(name: str, text: str) -> bool:
    """Whether ``text`` mentions the (stemmed) name, as itself or a derived word ("Estria",
    "Estrian"), alone or in a hyphenated compound ("News" and "Democrat" in "News-Democrat")."""
    return has_term(name, text)


def set_sentences(spec: QuestionSpec, passages: Sequence[Passage], documents: Mapping[str, Document]) -> list[Passage]:
    """For a set question: sentences of the retrieved articles outside their retrieved chunks
    that state the asked relation (one article may put its part of the answer in its lead),
    the ``TUNING.set_extra_per_doc`` sharing most question terms per article, as one-sentence passages."""
    seen = {(c.doc_id, c.start) for c in candidates(passages, documents)}
    asked = set(spec.terms)
    out = []
    for doc_id in dict.fromkeys(p.doc_id for p in passages):
        doc = documents.get(doc_id)
        if doc is None:
            continue
        found = []
        for s, e in document_sentences(doc):
            text = doc.text[s:e]
            if (doc_id, s) in seen or len(text.split()) < 3 or not states_relation(text, spec.relation):
                continue
            shared = len(asked & set(terms(text)))
            if shared:
                found.append((-shared, s, e))
        out += [Passage(chunk_id=f"{doc_id}@{s}", doc_id=doc_id, text=doc.text[s:e], start=s, end=e, score=0.0)
                for _, s, e in sorted(found)[:TUNING.set_extra_per_doc]]
    return out


def _new_terms(text: str, spec: QuestionSpec) -> set[str]:
    """Terms of ``text`` that say more than the question: neither its terms, nor words for the
    same things, nor words stating the relation it asks about ("supplied" for "send")."""
    asked = set(spec.terms)
    concepts = {concept_of(t) for t in asked} - {""}
    return {t for t in terms(text) if t not in asked and concept_of(t) not in concepts
            and not (spec.relation and states_relation(t, spec.relation))}


def continuation(best: Candidate, ranked: Sequence[Candidate], documents: Mapping[str, Document],
                 spec: QuestionSpec | None = None) -> Candidate | None:
    """The sentence right after ``best`` when it continues it ("During that meeting, ...",
    "These figures come from ...") and is itself a good answer to the question.

    The bar is lower when ``best`` only restates the question ("The weapons supplied were
    diverse." names them in the next sentence, which is then taken even outside the
    retrieved chunks), or when an event question's next sentence opens with that event
    ("During that visit, ...").
    """
    doc = documents[best.doc_id]
    nxt = _next_span(doc, best.end)
    opening = doc.text[nxt[0]:nxt[1]] if nxt else ""
    if nxt is None or doc.text[best.end:nxt[0]].strip() or not (POINTS_BACK.match(opening) or SAME_EVENT.match(opening)):
        return None
    scored = next((c for c in ranked if c.doc_id == best.doc_id and c.start == nxt[0]), None)
    if spec is not None and len(_new_terms(best.text, spec)) <= TUNING.restating_new_terms:
        # the answer proper: its words are the answer, not the question's, so no score test
        return scored or Candidate(best.doc_id, nxt[0], nxt[1], doc.text[nxt[0]:nxt[1]], 0.0)
    if scored is None:
        return None
    same_event = spec is not None and spec.relation == "event" and SAME_EVENT.match(scored.text)
    share = TUNING.event_continuation_share if same_event else TUNING.continuation_score_share
    return scored if scored.score >= share * best.score else None


def citation_for(c: Candidate, documents: Mapping[str, Document]) -> Citation:
    """The citation of one candidate sentence; the quote is the document's own text."""
    doc = documents[c.doc_id]
    return Citation(doc_id=c.doc_id, title=doc.title, quote=doc.text[c.start:c.end], start=c.start,
                    end=c.end, score=round(c.score, 4), publisher=doc.publisher, date=doc.date, url=doc.url)


def abstain(question: str, passages: Sequence[Passage], note: str = "") -> Answer:
    """An answer that declines, with the closest passages for the reader."""
    return Answer(question=question, text=ABSTAIN_TEXT, answered=False, passages=tuple(passages),
                  mode="extractive", note=note)


def compose(groups: Sequence[Sequence[Candidate]], documents: Mapping[str, Document]) -> tuple[str, tuple[Citation, ...]]:
    """Answer text and citations: each group is one statement (its first sentence, verbatim)
    followed by the markers of every sentence in the group. A sentence that opens two groups
    (it states two values) is written once, with the markers of both."""
    citations: list[Citation] = []
    index: dict[tuple[str, int], int] = {}
    statements: dict[tuple[str, int], list[str]] = {}  # opening sentence -> its markers, in order
    texts: dict[tuple[str, int], str] = {}
    for group in groups:
        head = (group[0].doc_id, group[0].start)
        markers = statements.setdefault(head, [])
        texts[head] = inert_markers(group[0].text)  # only our own [n] may look like a citation
        for c in group:
            key = (c.doc_id, c.start)
            if key not in index:
                citations.append(citation_for(c, documents))
                index[key] = len(citations)
            if f"[{index[key]}]" not in markers:
                markers.append(f"[{index[key]}]")
    text = " ".join(f"{texts[head]} {''.join(markers)}" for head, markers in statements.items())
    return text, tuple(citations)


class Idf:
    """BM25-style IDF over chunks: log(1 + (N - df + 0.5) / (df + 0.5)); unseen terms get the maximum."""

    def __init__(self, chunk_texts: Sequence[str]) -> None:
        df: dict[str, int] = {}
        for text in chunk_texts:
            for t in set(terms(text)):
                df[t] = df.get(t, 0) + 1
        self._set(df, len(chunk_texts))

    @classmethod
    def from_counts(cls, df: Mapping[str, int], n: int) -> "Idf":
        """The same IDF from precomputed document frequencies over ``n`` chunks (the BM25 index's)."""
        idf = cls.__new__(cls)
        idf._set(df, n)
        return idf

    def _set(self, df: Mapping[str, int], n: int) -> None:
        self.df = df
        self.n = n
        self.top = math.log(1 + (self.n + 0.5) / 0.5)

    def __call__(self, term: str) -> float:
        d = self.df.get(term)
        return self.top if d is None else math.log(1 + (self.n - d + 0.5) / (d + 0.5))

    def known(self, term: str) -> bool:
        """Whether the corpus uses ``term`` at all (paraphrases use words it does not)."""
        return term in self.df


def answer_extractively(
    question: str,
    spec: QuestionSpec,
    passages: Sequence[Passage],
    documents: Mapping[str, Document],
    embed: Callable[[list[str]], np.ndarray],
    idf: Idf,
    threshold: float,
    scope: EventScope | None = None,
    dates: DateHits | None = None,
    reader=None,
    judge=None,
) -> tuple[Answer, list[Candidate]]:
    """Answer ``spec`` from ``passages`` with verbatim sentences, or decline.

    Args:
        question: the question as asked (kept on the Answer).
        spec: the analysed, self-contained question.
        passages: retrieved passages, best first.
        documents: the indexed documents by id (for sentence offsets and metadata).
        embed: texts -> (n, dim) L2-normalised vectors.
        idf: term -> inverse document frequency.
        threshold: the support score below which the answer declines (a setting).
        scope: when the question names events (``qa.sources.events.event_scope``): other articles'
            sentences about them are considered too (they are not retrieved passages, so the
            Answer does not list them), sentences about other events count less
            (``TUNING.foreign_event``), and each of several events whose articles hold a sentence
            passing the support test gets one.
        dates: where the sources state the day the question names (``qa.sources.events.date_hits``).
        reader: the learned reader (``qa.answering.reader.Reader``) that scores the shortlist; None
            keeps the hand-written score (``threshold`` must then be on its scale).
        judge: with the hand-written score (``reader`` None), the learned reader that reads other
            documents' sentences for their own answers (``other_stories``); None: not read.

    Returns:
        The answer and the ranked candidate sentences (the conflicts step reuses them).
    """
    scope = scope or EventScope()
    pool = list(passages) + list(scope.mentions) + (set_sentences(spec, passages, documents) if spec.several else [])
    ranked, vectors = score_sentences(spec, pool, documents, embed, idf, dates, reader)
    if scope.foreign:  # "during his previous visit in March" is a poor answer about the June visit
        ranked = [dataclasses.replace(c, score=c.score * TUNING.foreign_event)
                  if (c.doc_id, c.start) in scope.foreign else c for c in ranked]
        order = sorted(range(len(ranked)), key=lambda i: (-ranked[i].score, ranked[i].doc_id, ranked[i].start))
        ranked, vectors = [ranked[i] for i in order], vectors[order]
    if not ranked or ranked[0].score < threshold:
        return abstain(question, passages, note=decline_reason(ranked[0] if ranked else None, threshold)), ranked
    if not_known(ranked[0].text, spec.text):
        text, citations = compose([[ranked[0]]], documents)
        return Answer(question=question, text=f"{UNDISCLOSED_TEXT} {text}", answered=False, citations=citations,
                      mode="extractive", standalone_question=spec.text, passages=tuple(passages)), ranked
    notes: list[str] = []
    if spec.several:
        groups = distinct_claims(ranked, vectors, spec, threshold)
    else:
        by_name = spec.kind not in _FIGURE_KINDS
        groups = [[ranked[0]] + [ranked[i] for i in same_fact(0, ranked, vectors, spec.relation,
                                                              spec.text if by_name else "")]]
        cited_docs = {c.doc_id for c in groups[0]}
        if ranked[0].read and TUNING.other_answer_share is not None:  # each other document's own answer
            groups += [g for g in distinct_claims(ranked, vectors, spec, threshold, TUNING.other_answer_share)[1:]
                       if g[0].read and g[0].doc_id not in cited_docs]
        elif TUNING.other_document_share is not None:
            # another document's other figures or names: another entity, or a conflict
            best = groups[0][0]
            for g in distinct_claims(ranked, vectors, spec, threshold, TUNING.other_document_share)[1:]:
                if g[0].doc_id in cited_docs:
                    continue
                if figures_differ(best.text, g[0].text):
                    groups.append(g)
                elif by_name and names_differ(best.text, g[0].text, spec.text):
                    if another_story(best.doc_id, g[0].doc_id, documents, embed):
                        groups.append(surest_of_document(spec.text, g, ranked, documents, judge))
                        notes = _with(notes, OTHER_STORIES_NOTE)
                    elif (names_disjoint(best.text, g[0].text, spec.text) and judge is not None
                          and TUNING.other_story_reader is not None
                          and _read(spec.text, g, [0], documents, judge)[0].score >= TUNING.other_story_reader):
                        # one story told with another name that answers: the sources may disagree
                        groups.append(g)
                        notes = _with(notes, NAMES_DIFFER_NOTE)
            if judge is not None and TUNING.other_story_reader is not None:
                more = other_stories(spec.text, ranked, [c for g in groups for c in g], documents, embed, judge,
                                     TUNING.other_story_reader)
                groups += [[c] for c in more]
                notes = _with(notes, OTHER_STORIES_NOTE) if more else notes
    for docs in scope.per_event:  # a question that fits several events is answered for each of them
        if not any(c.doc_id in docs for g in groups for c in g):
            best = next((c for c in ranked if c.doc_id in docs and c.score >= threshold and not is_caption(c.text)
                         and states_relation(c.text, spec.relation) and not not_known(c.text, spec.text)), None)
            if best is not None:
                groups.append([best])
    groups, copies = altered_copies(groups, documents, [documents[d] for d in dict.fromkeys(p.doc_id for p in pool)
                                                        if d in documents])
    out = []
    for g in groups:  # each statement, then the sentence that continues it
        out.append(g)
        follow = continuation(g[0], ranked, documents, spec)
        if follow is not None and all(follow not in h for h in groups):
            out.append([follow])
    groups = out
    text, citations = compose(groups, documents)
    return Answer(question=question, text=text, answered=True, citations=citations, mode="extractive",
                  standalone_question=spec.text, passages=tuple(passages), note=" ".join(notes + copies)), ranked


def other_answers_note(answer: Answer) -> str:
    """What ``answer``'s note says of the other documents' other answers it quotes (other
    stories, or one story told with other names), or "" when it quotes none."""
    return " ".join(n for n in (OTHER_STORIES_NOTE, NAMES_DIFFER_NOTE) if n in answer.note)


def _with(notes: list[str], note: str) -> list[str]:
    """``notes`` with ``note`` added once."""
    return notes if note in notes else [*notes, note]


def copy_conflicts(question: str, ranked: Sequence[Candidate], documents: Mapping[str, Document], reader,
                   threshold: float, quoted: set[tuple[str, int]]) -> tuple[list[list[Candidate]], list[str]]:
    """Where two near-duplicate documents of the ranked sentences word one place differently
    (``duplicates.differences``) and the learned ``reader`` judges that either wording answers
    ``question`` (calibrated probability at least ``threshold``): both sentences, each a
    statement of its own, and a note per pair saying what differs. The planted-falsehood
    pattern (a copy with one figure or name changed) shows both values wherever the answer
    stands, and also when the sentence the answer chose says nothing of it. Places with a
    sentence already in ``quoted`` ((doc_id, start) pairs) are ``altered_copies``' business;
    only sentences retrieval found (those in ``ranked``) are read."""
    at = {(c.doc_id, c.start): c for c in ranked}
    quoted = set(quoted)
    docs = [documents[d] for d in dict.fromkeys(c.doc_id for c in ranked) if d in documents]
    groups: list[list[Candidate]] = []
    notes: list[str] = []
    for i, doc in enumerate(docs):
        for other in duplicates.near_duplicates(doc, docs[i + 1:]):
            for start, _, cp in duplicates.differences(doc, other):
                pair = [at.get((doc.doc_id, start)), at.get((other.doc_id, cp.start))]
                if None in pair or any((c.doc_id, c.start) in quoted for c in pair):
                    continue
                # the learned mode's shortlist was read already: its probabilities stand
                read = pair if all(c.read for c in pair) else _read(question, pair, range(2), documents, reader)
                if max(c.score for c in read) >= threshold:
                    groups += [[c] for c in read]
                    notes.append(duplicates.note(doc, other, cp))
                    quoted |= {(c.doc_id, c.start) for c in pair}
    return groups, notes


def with_statements(answer: Answer, groups: Sequence[Sequence[Candidate]], documents: Mapping[str, Document],
                    notes: Sequence[str]) -> Answer:
    """``answer`` with ``groups`` quoted after what it says (their markers numbered on from its
    citations) and ``notes`` added; a declined answer becomes these statements alone, with
    the best sentence's probability as its confidence. A note already said is not said again
    (two places of two copies may differ by the same words)."""
    notes = [n for n in dict.fromkeys(notes) if n not in answer.note]
    text, citations = compose(groups, documents)
    if not answer.answered:
        return dataclasses.replace(answer, text=text, answered=True, citations=citations, note=" ".join(notes),
                                   confidence=max(c.score for g in groups for c in g))
    k = len(answer.citations)  # compose's text holds no [n] but its own (inert_markers)
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + k}]", text)
    return dataclasses.replace(answer, text=f"{answer.text} {text}", citations=answer.citations + citations,
                               note=" ".join([answer.note, *notes]).strip())


_MARKER_RUN = re.compile(r"(?:\[\d+\])+")


def copied_support(answer: Answer, documents: Mapping[str, Document]) -> str:
    """A note naming each statement of ``answer`` cited from near-duplicate documents (one text
    copied or republished): how many documents its markers cite and how many of them are
    independent ("[1][2][3] cite 3 documents, 2 independent"), so copies of one story are not
    read as confirmation by several. "" when no statement's sources are copies."""
    said = []
    for run in _MARKER_RUN.findall(answer.text):
        cited = [answer.citations[n - 1].doc_id for n in map(int, re.findall(r"\d+", run))
                 if 0 < n <= len(answer.citations)]
        docs = [documents[d] for d in dict.fromkeys(cited) if d in documents]
        independent = duplicates.independent(docs)
        if independent < len(docs):
            said.append(f"{run} cite {len(docs)} documents, {independent} independent")
    return f"Near-duplicate texts count once: {'; '.join(said)}." if said else ""


def altered_copies(groups: list[list[Candidate]], documents: Mapping[str, Document],
                   pool: list[Document]) -> tuple[list[list[Candidate]], list[str]]:
    """``groups`` with, for each quoted statement, the sentence standing in its place in every
    near-duplicate document of the pool that says something else there (``qa.sources.duplicates``),
    each as a statement of its own, and one note per such pair saying what differs. Such a
    sentence cited in support of the statement it differs from is taken out of that group:
    it says otherwise ("a documentary" against "a short film"), so it is no support."""
    groups = [list(g) for g in groups]
    quoted = {(c.doc_id, c.start) for g in groups for c in g}
    extra, notes, pairs = [], [], set()
    for g in groups:
        head = g[0]
        doc = documents[head.doc_id]
        for other in duplicates.near_duplicates(doc, pool):
            cp = duplicates.counterpart(doc, head.start, head.end, other)
            if cp is None or frozenset((doc.doc_id, other.doc_id)) in pairs:
                continue
            pairs.add(frozenset((doc.doc_id, other.doc_id)))
            notes.append(duplicates.note(doc, other, cp))
            key = (other.doc_id, cp.start)
            supporting = next((c for c in g[1:] if (c.doc_id, c.start) == key), None)
            if supporting is not None:
                g.remove(supporting)
                quoted = {(c.doc_id, c.start) for h in groups + extra for c in h}
            if key not in quoted:  # already quoted when it answers too
                extra.append([supporting or Candidate(other.doc_id, cp.start, cp.end,
                                                      other.text[cp.start:cp.end], 0.0)])
                quoted.add(key)
    return groups + extra, notes
