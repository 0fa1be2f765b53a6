"""Check a model's answer against the passages it was shown; keep only what they say.

The prompt numbers the passages ``[1]..[k]`` and the model cites them as ``[n]``. Here
each sentence of the model's answer is held against the sentences of the passages:

- every ``[n]`` becomes the exact supporting sentence of passage ``n`` (a quote with
  offsets into the document's original text); markers that point nowhere are dropped;
- a sentence without a marker gets one when a shown sentence clearly supports it;
- the figures, dates and names a sentence states must appear in its cited sentence,
  attached to the same thing: a figure cited from "600 soldiers have been killed" does
  not support "600 troops were deployed" (``index.claims.supports`` decides that);
- every other word it states must be its cited sentence's or the question's (words about
  the sources, "according to the passage", aside): an answer lifted from the sentence
  before the cited one ("the valley soils") is not that sentence's, however many of its
  other words are;
- sentences that echo instruction-like text from a passage, repeat, are cut off or
  cannot be supported are removed and kept with a reason;
- given an ``Objection`` (the learned reader's judgement, from the pipeline), a sentence
  whose supporting sentences all fail to answer the question is removed too: true and
  exactly cited, and still no answer; so is one that fails to answer where its supporting
  sentence does (its words all from the source, and what was asked left out).

What to do when nothing survives (fall back to the extractive answer) is left to
``qa/answering/llm_answer.py``; this module only checks and rewrites.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from lang.sentences import joined_sentences
from index.claims import Claim, claims_in_text, measures_related, supported_by, units_compatible
from index.clean import is_instruction_like as instruction_like_text
from index.records import Document
from lang.cues import NEGATION
from lang.numbers import canon
from lang.questions import WH_OPENING
from lang.names import name_words
from lang.text import STOPWORDS, same_term, stem, words
from lang.vocab import (FIRST_PERSON, IRREGULAR_FORMS, ORDINAL, PARAPHRASES, REPORTING, SCALE_ABBREVIATIONS,
                        SCALE_WORDS, SCALES, SOURCE_REFERENCES, WRITER_REFERENCES)
from qa.records import Citation, Passage
from qa.tuning import TUNING

# "[1]", "[1, 2]", "[1-3]", "[Source 2]"; several in a row are read one by one.
_MARKER = re.compile(
    r"\[\s*(?:sources?|passages?)?\s*(\d{1,3}(?:\s*(?:,|;|-|–|and)\s*\d{1,3})*)\s*\]", re.IGNORECASE
)
# Besides text aimed at a model (index.clean.INSTRUCTION_LIKE, which also keeps it out of the
# index), a model's answer may talk about its instructions or the prompt instead of the news.
_ABOUT_THE_PROMPT = re.compile(r"\bprompt injection\b|\bmy instructions\b",
                               re.IGNORECASE)
_ABSTAIN = re.compile(
    r"\b(?:sources?|passages?|texts?|articles?)\b[^.]{0,30}\b(?:do not|don't|does not|doesn't|did not|never)\b"
    r"[^.]{0,20}\b(?:say|mention|state|answer|provide|specify|give)|\bno information\b",
    re.IGNORECASE,
)
# What a model says about its sources or who said what ("According to the sources", "reported"):
# no word of the news its cited sentence must hold.
_FRAMING = (*SOURCE_REFERENCES, *REPORTING)
_QUESTION_WORDS = frozenset({"whose", "many", "much", "reportedly", "according"})
_REPORTING = frozenset({"identified", "confirmed", "announced", "included", "issued"})
# Where a sentence's parts divide, for finding the part a restatement restates: punctuation, or
# a conjunction opening a clause with a subject of its own ("We can't put clips in our
# fileshare and I have added around 50 people": the negation is the first clause's).
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]]|\s(?:and|but|so|yet|while|whereas)\s+(?=(?:I|we|he|she|they|you|it)\s)")
# Ordinals count events ("his third visit") but are no figure to the claim reader.
_ORDINAL = re.compile(rf"\b(?:{ORDINAL})\b")
_HOW_MANY = re.compile(r"^\s*how (?:many|much)\s+(.*?)[\s?.!]*$", re.IGNORECASE)
# A figure as written in digits, with the scale that multiplies it: a word ("4.2 million") or
# an abbreviation glued to it ("5m", "3bn"), as the claim reader (lang/numbers.py) reads them.
_FIGURE_TOKEN = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s*(" + "|".join(SCALE_WORDS) + r")\b|(" + "|".join(SCALE_ABBREVIATIONS) + r")\b)?",
    re.IGNORECASE)
# What a figure is counted per ("jobs per $1 million", "deaths per year"): the word or figure
# after "per", a currency sign passed over. "per cent" is a percent sign (lang/numbers.py).
_PER = re.compile(r"\bper\s+(?!cent\b)(?:[$€£¥]\s*)?([\w.,]*\w)", re.IGNORECASE)
# Words a figure may be from its "per" and still be what is counted per it ("600,000
# additional jobs per ..."): a noun phrase, not the rest of the clause. Hand-set 2026-12-07,
# not fitted: no data here marks which figure a "per" belongs to.
_PER_GAP = 3
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_LEAD = re.compile(r"^\s*(?:answer|response)\s*:\s*", re.IGNORECASE | re.MULTILINE)


# Why a document sentence (doc_id, start, end), or the model's statement (the last argument,
# "" for a bare value or name) read in its place, does not answer the question; "" when both do.
Objection = Callable[[str, int, int, str], str]


@dataclass(frozen=True, slots=True)
class Source:
    """One numbered passage as the model was shown it.

    ``start``/``end`` delimit the shown part of the passage (it may have been trimmed to
    fit the context window) as offsets into the document's original text.
    """

    number: int
    passage: Passage
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Verified:
    """The checked answer: text with ``[n]`` markers renumbered 1..n in order of first use.

    Attributes:
        text: the kept sentences, each followed by its markers ("" when none was kept).
        citations: what marker ``n`` points to is ``citations[n - 1]``.
        rejected: ``(sentence, reason)`` for each removed sentence.
        dropped_markers: markers that pointed to no shown passage.
    """

    text: str
    citations: tuple[Citation, ...]
    rejected: tuple[tuple[str, str], ...]
    dropped_markers: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class _Sentence:
    """A candidate supporting sentence of a shown passage."""

    source: Source
    doc: Document
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.doc.text[self.start : self.end]


def is_instruction_like(text: str) -> bool:
    """True when ``text`` addresses a model ("ignore previous instructions", a control token,
    a forged "System:" turn) or talks about the prompt instead of reporting news."""
    return instruction_like_text(text) or bool(_ABOUT_THE_PROMPT.search(text))


def inert_markers(text: str) -> str:
    """``text`` (a quoted sentence) with marker-like brackets made round: "[2]" -> "(2)".

    A source's own footnote markers, or forged ones ("50,000 died [2]"), must never read as
    the answer's citations, which would lend the figure another source's name.
    """
    return _MARKER.sub(lambda m: f"({m.group(0)[1:-1].strip()})", text)


def strip_markers(text: str) -> str:
    """``text`` without ``[n]`` citation markers (so "[1]" is never read as a figure)."""
    return _body(text)


def verify_answer(raw: str, sources: Sequence[Source], documents: Mapping[str, Document],
                  question: str = "", objection: Objection | None = None) -> Verified:
    """Keep the sentences of ``raw`` that the shown passages support, with exact citations.

    Args:
        raw: the model's output, with ``[n]`` markers numbered as in the prompt.
        sources: the passages the prompt showed, numbered as the model saw them.
        documents: the documents the passages point into, by ``doc_id``.
        question: the question the model answered; a bare figure ("12,000.") is read
            as the answer to it ("12,000 troops ... deployed"), never as a free number.
        objection: when given, a supported sentence is kept only if at least one of its
            supporting sentences draws no objection: it answers the question, and so does
            the model's sentence read in its place when that restates the question
            (``_restates``; a bare value or name is left to the exact checks).

    Returns:
        A ``Verified`` answer; its ``text`` is "" when no sentence could be supported.
    """
    by_number = {s.number: s for s in sources if s.passage.doc_id in documents}
    shown = _shown_sentences(by_number.values(), documents)
    kept: list[tuple[str, list[_Sentence]]] = []
    rejected: list[tuple[str, str]] = []
    dropped: list[int] = []
    seen: set[str] = set()
    pieces = _split(raw)
    for i, (sentence, markers) in enumerate(pieces):
        body = _body(sentence)
        if not _terms(body) and not re.search(r"\d", body):
            continue  # only markers or punctuation
        key = " ".join(_terms(body))
        if is_instruction_like(body):
            rejected.append((body, "echoes instruction-like text from a source instead of answering"))
            continue
        if body.rstrip("\"'”’) ").endswith("?"):
            rejected.append((body, "is a question, not an answer"))
            continue
        if _ABSTAIN.search(body) and not markers:
            rejected.append((body, "the model found no answer in the sources"))
            continue
        if key in seen:
            rejected.append((body, "repeats an earlier sentence"))
            continue
        seen.add(key)
        if i == len(pieces) - 1 and not markers and not re.search(r"[.!?]['\"”’)]*$", body):
            rejected.append((body, "cut off before the end of the sentence"))
            continue
        if len(_terms(body)) < 2 and not claims_in_text(body):
            rejected.append((body, "too short to check against a source"))
            continue
        wh = WH_OPENING.match(question or "")
        if wh and re.match(rf"\s*{wh.group(1)}\b", body, re.IGNORECASE):
            rejected.append((body, "repeats the question's opening instead of answering it"))
            continue
        echo = _echoes_subject(body, question)
        if echo:
            rejected.append((body, f"names {echo}, whom the question is about, instead of answering it"))
            continue
        valid = [n for n in markers if n in by_number]
        dropped += [n for n in markers if n not in by_number]
        cited = [s for s in shown if s.source.number in valid]
        support, reason = _support(body, cited, TUNING.min_overlap_cited, question) if cited else (None, "")
        if support is None:
            # The model gave no usable marker, or the wrong one: attach one only when a
            # shown sentence clearly supports the whole sentence.
            support, why = _support(body, shown, TUNING.min_overlap_uncited, question)
            if support is None:
                if not reason:
                    reason = ("cites no passage and " if not valid else "") + why
                rejected.append((body, reason))
                continue
        if objection is not None:
            # A bare value or name is the cited sentence's, checked exactly above; a statement
            # that restates the question is the model's own words, and read in its source's place.
            claim = body if _restates(question, body) else ""
            objections = [objection(s.doc.doc_id, s.start, s.end, claim) for s in support]
            if all(objections):
                rejected.append((body, objections[0]))
                continue
        kept.append((body, support))
    text, citations = _render(kept)
    return Verified(text, citations, tuple(rejected), tuple(dict.fromkeys(dropped)))


# ---------------------------------------------------------------- splitting the answer


def _split(raw: str) -> list[tuple[str, list[int]]]:
    """The answer's sentences with the passage numbers each one cites.

    Markers at the start of a sentence belong to the sentence before it when that one
    has none ("... deployed. [1] Later ..."), otherwise to their own sentence.
    """
    text = _LEAD.sub("", raw.strip())
    out: list[tuple[str, list[int]]] = []
    for s, e in joined_sentences(text):
        sentence = _BULLET.sub("", text[s:e]).strip()
        lead = re.match(r"^(?:\s*" + _MARKER.pattern + r")+", sentence, re.IGNORECASE)
        if lead and out and not out[-1][1]:
            prev, _ = out[-1]
            out[-1] = (prev, _numbers(lead.group(0)))
            sentence = sentence[lead.end() :].strip()
        if sentence:
            out.append((sentence, _numbers(sentence)))
    return out


def _numbers(text: str) -> list[int]:
    """Passage numbers cited in ``text``, ranges expanded, in order, without repeats."""
    found: list[int] = []
    for m in _MARKER.finditer(text):
        for part in re.split(r"\s*(?:,|;|and)\s*", m.group(1)):
            bounds = re.split(r"\s*[-–]\s*", part)
            if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
                lo, hi = int(bounds[0]), int(bounds[1])
                found += list(range(lo, hi + 1)) if 0 < hi - lo < 20 else [lo, hi]
            elif part.strip().isdigit():
                found.append(int(part))
    return list(dict.fromkeys(found))


def _body(sentence: str) -> str:
    """The sentence without markers, with spacing before punctuation tidied."""
    body = _MARKER.sub("", sentence)
    body = re.sub(r"\s+([.,;:!?])", r"\1", body)
    return re.sub(r"\s{2,}", " ", body).strip()


# ---------------------------------------------------------------- support


def _shown_sentences(sources, documents: Mapping[str, Document]) -> list[_Sentence]:
    out = []
    for src in sources:
        doc = documents[src.passage.doc_id]
        for s, e in joined_sentences(doc.text, src.start, src.end):
            out.append(_Sentence(src, doc, s, e))
    return out


def _support(body: str, candidates: list[_Sentence], min_overlap: float,
             question: str = "") -> tuple[list[_Sentence] | None, str]:
    """The sentences among ``candidates`` that together support ``body``, or None and why not.

    One sentence must carry most of ``body``'s words; a second may supply a figure or
    date the first lacks. Sentences that are instruction-like never support anything.
    """
    candidates = [c for c in candidates if not is_instruction_like(c.text)]
    if not candidates:
        return None, "no shown passage can support it"
    # A sentence quoted whole says exactly what its source says, figures read as the source's
    # own ("Thirty-one of the current 50 states ..." counts what the source counts).
    quoted = next((c for c in candidates if _verbatim(c.text) == _verbatim(body)), None)
    if quoted is not None:
        return [quoted], ""
    want = _terms(body)
    # The answer's "last year" means what the cited article's "last year" means, so the
    # answer's times are resolved against each candidate's publication date.
    by_date: dict[str, list[Claim]] = {}
    scored = []
    # A figure the question states is restated, and counts what the question counts ("Who
    # estimated a figure around 150,000?" - "Wells Fargo economists estimated a figure around
    # 150,000."); its token must still be the cited sentence's (below).
    stated = {v for _, v in figure_tokens(question)}
    for c in candidates:
        if c.doc.date not in by_date:
            claimed, filled_from = _answer_claims(body, question, c.doc.date)
            bare = [cl for cl in claimed if cl.kind != "date" and not cl.unit and not cl.measure
                    and cl.value not in stated]
            if bare:
                return None, f"{bare[0].value_text!r} does not say what it counts"
            if filled_from:
                want = _terms(f"{body} {filled_from}")
            by_date[c.doc.date] = claimed
        claimed = by_date[c.doc.date]
        facts = _source_claims(c)
        ok = [_supported(cl, facts) for cl in claimed]
        scored.append((sum(1 for good, _ in ok if good), _overlap(want, c.text), c, ok, claimed))
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    n_ok, overlap, best, ok, claimed = scored[0]
    best_by_overlap = max(scored, key=lambda t: t[1])
    if best_by_overlap[1] < min_overlap:
        return None, f"no shown sentence says this (at most {best_by_overlap[1]:.0%} of its words)"
    if overlap < min_overlap:
        # The sentence with the figures is not the one that says the rest.
        n_ok, overlap, best, ok, claimed = best_by_overlap
    chosen = [best]
    missing = [(cl, why) for cl, (good, why) in zip(claimed, ok) if not good]
    for cl, why in list(missing):
        # A second sentence may carry a figure the first lacks, if it is on the same topic.
        helper = next((c for _, ov, c, _, _ in scored if c is not best and ov >= min_overlap / 2
                       and _supported(cl, _source_claims(c))[0]), None)
        if helper is not None:
            chosen.append(helper)
            missing.remove((cl, why))
    if missing:
        cl, why = missing[0]
        return None, f"{cl.value_text!r} is not what the cited sentence says: {why}"
    dates = [(cl.value_start, cl.value_end) for cl in claimed if cl.kind == "date"]
    given = {v for c in chosen for _, v in figure_tokens(c.text)}
    stray = [w for w, v in figure_tokens(body, skip=dates) if v not in given]
    if stray:
        return None, f"{stray[0]!r} is not a figure the cited sentence gives"
    # Every token can be the source's and the figure still moved onto another's rate: "between
    # 100,000 and 600,000 jobs per $1 million" from "1-6 jobs per $1 million ...; a $100
    # billion investment would generate between 100,000 and 600,000 jobs".
    rates = {(v, per) for c in chosen for _, v, per in figure_rates(c.text)}
    moved = [(w, per) for w, v, per in figure_rates(body) if (v, per) not in rates]
    if moved:
        return None, f"{moved[0][0]!r} is not given per {moved[0][1]} in the cited sentence"
    # Every other word is the cited sentence's or the question's: "The subject to high amounts
    # of erosion is the valley soils" cited to "Soil on the steep hill slopes is subject to high
    # erosion" takes its answer from another sentence, though most of its words are the source's.
    # Figures and names have their own checks (above; below, with the passage before the
    # sentence as context).
    names = name_words(body)
    said = _terms(" ".join([question, *(c.text for c in chosen), *names])) + list(_framing_terms())
    if any(_first_person(c.text) for c in chosen):
        said += _terms(" ".join(WRITER_REFERENCES))  # "I have added" said by "the author has added"
    said += [part for h in said for part in h.split("-")]  # "non-stick" says "non stick", and back
    novel = [w for w in _terms(body) if not re.search(r"\d", w)
             and not all(any(same_term(part, h) for h in said) for part in w.split("-") if part)]
    if novel:
        return None, f"the cited sentence does not say {novel[0]!r}"
    # A name may be introduced before its sentence ("Shoigu arrived ... He said ...") or in
    # the title, never only after it: a later sentence is about something else.
    context = " ".join(f"{c.source.passage.title} {c.doc.text[c.source.start : c.end]}" for c in chosen)
    absent = [n for n in names if not _name_in(n, context)]
    if absent:
        return None, f"names not in the cited passage: {', '.join(absent)}"
    # An ordinal may be stated in a neighbouring sentence of the passage ("This marks his
    # second visit"); one the passage never states is invented.
    said = " ".join(c.doc.text[c.source.start : c.source.end] for c in chosen).lower()
    extra = [o for o in dict.fromkeys(_ORDINAL.findall(body.lower())) if not re.search(rf"\b{o}\b", said)]
    if extra:
        return None, f"the cited sentence does not say {extra[0]!r}"
    if bool(NEGATION.search(body)) != bool(NEGATION.search(best.text)) and not _negated_elsewhere(body, best.text):
        return None, "the cited sentence says the opposite (negation differs)"
    return list(dict.fromkeys(chosen)), ""


def _negated_elsewhere(body: str, source: str) -> bool:
    """Whether the negation of ``source`` is in a part ``body`` does not restate: ``body`` has
    none, and the one part of ``source`` (between commas, semicolons, colons, brackets) holding
    most of ``body``'s words has none either. "... degrees and not doctorates of research (...),
    many ... publish; an academic physician whose work emphasizes basic research is called a
    physician-scientist" says, not denies, "an academic physician who focuses on research is
    called a physician-scientist". A tie between parts is no answer: the check stands."""
    if NEGATION.search(body):
        return False
    want = _terms(body)
    parts = [(part, _terms(part)) for part in _CLAUSE_BREAK.split(source)]
    held = sorted(((sum(1 for w in want if any(same_term(w, h) for h in have)), part) for part, have in parts),
                  key=lambda x: -x[0])
    if not held or held[0][0] == 0 or (len(held) > 1 and held[1][0] == held[0][0]):
        return False
    return not NEGATION.search(held[0][1])


def _first_person(text: str) -> bool:
    """Whether ``text`` speaks in the first person ("I", "my", "We"; not "US")."""
    return any(w in FIRST_PERSON or (w == w.capitalize() and w.lower() in FIRST_PERSON) for w in words(text))


def _verbatim(sentence: str) -> str:
    """A sentence as compared for a whole quote: spacing and closing punctuation aside."""
    return " ".join(sentence.split()).rstrip(".!?;:\"'”’) ")


def figure_tokens(text: str, skip: Sequence[tuple[int, int]] = ()) -> list[tuple[str, str]]:
    """Every figure written in digits in ``text`` as ``(as written, normalised value)``, a
    range giving each end ("11–13" -> 11 and 13), a scale word applied ("4.2 million" ->
    4200000), thousands separators dropped; figures inside a ``skip`` span are left out.

    Token for token, not claim by claim: a model that writes "11–3" for "11–13", "June 3
    to 21" for "June 3 to 12" or drops a digit changes a token that no claim may cover,
    and a sentence holding a figure its source lacks is never kept.
    """
    return [(m.group(0), _figure_value(m)) for m in _FIGURE_TOKEN.finditer(text)
            if not any(a <= m.start() < b for a, b in skip)]


def _figure_value(m: re.Match) -> str:
    """A ``_FIGURE_TOKEN`` match's normalised value, its scale applied."""
    scale = SCALES[(m.group(2) or m.group(3)).lower()] if m.group(2) or m.group(3) else 1
    return canon(float(m.group(1).replace(",", "")) * scale)


def figure_rates(text: str) -> list[tuple[str, str, str]]:
    """Each figure in digits that ``text`` gives per something, as ``(as written, normalised
    value, what it is per)``: "600,000 jobs per $1 million" -> ``("600,000", "600000",
    "1000000")``, "3 deaths per day" -> ``("3", "3", "day")``. The "per" must follow the figure
    within ``_PER_GAP`` words, in the same clause, with no other figure between; what it is
    per is a figure's normalised value or a word's stem."""
    figures = list(_FIGURE_TOKEN.finditer(text))
    out = []
    for i, m in enumerate(figures):
        per = _PER.search(text, m.end())
        if per is None or (i + 1 < len(figures) and figures[i + 1].start() < per.start()):
            continue
        between = text[m.end() : per.start()]
        if len(between.split()) > _PER_GAP or _CLAUSE_BREAK.search(between) or re.search(r"[.!?]", between):
            continue
        of = _FIGURE_TOKEN.match(text, per.start(1))
        out.append((m.group(0), _figure_value(m), _figure_value(of) if of else stem(per.group(1).lower())))
    return out


def addresses(question: str, text: str, quotes: Sequence[str] = ()) -> bool:
    """Whether ``text`` is about what ``question`` asks, not merely true.

    The answer with its cited sentences must contain at least half of the question's
    content words, and the answer itself one of them (or a figure or date whose cited
    sentences contain most of them).
    """
    asked = _asked_terms(question)
    if not asked:
        return True
    with_quotes = _terms(" ".join([strip_markers(text), *quotes]))
    in_own = _restates(question, text)
    in_all = sum(1 for a in asked if any(same_term(a, h) for h in with_quotes))
    share = in_all / len(asked)
    if in_own == 0:
        # A bare figure or date ("About 600.") carries no question word of its own; its
        # cited sentence must then say most of what was asked.
        return bool(claims_in_text(strip_markers(text))) and share >= 0.6
    return share >= 0.5


def _asked_terms(question: str) -> list[str]:
    return [t for t in _terms(question) if t not in _QUESTION_WORDS]


def _restates(question: str, text: str) -> int:
    """How many of ``question``'s content words ``text`` holds: 0 for a bare value or name
    ("About 600.", "Anika Roos."), more for a statement that restates what was asked."""
    own = _terms(strip_markers(text))
    return sum(1 for a in _asked_terms(question) if any(same_term(a, h) for h in own))


def asked_count(question: str) -> Claim | None:
    """For "how many X were Y?", a claim carrying the unit and measure asked about; else None."""
    m = _HOW_MANY.match(question or "")
    if not m:
        return None
    filled = claims_in_text(f"1 {_statement(m.group(1))}")
    return filled[0] if filled and filled[0].kind != "date" else None


def answers_count(asked: Claim, given: Claim) -> bool:
    """Whether ``given`` counts what ``asked`` asks for: same kind of unit, related measure."""
    if given.kind == "date" or not units_compatible(asked.unit, given.unit):
        return False
    if asked.measure in _REPORTING or given.measure in _REPORTING:
        return True  # "identified as being sent": how a figure was reported, not what it counts
    if asked.measure and given.measure:
        return measures_related(asked.measure, given.measure) in ("same", "compatible", "related")
    return True


def _statement(rest: str) -> str:
    """"troops did North Korea send" -> "troops: did North Korea send" (the counted noun first)."""
    aux = re.search(r"\b(?:did|do|does|were|was|are|is|have|has|had|will|would|could|can)\b", rest)
    return f"{rest[: aux.start()].strip()}: {rest[aux.start():]}" if aux else rest


def _echoes_subject(body: str, question: str) -> str:
    """For a short answer to "who ...?", the answer's last name if the question already names it.

    "Who sent Shoigu to Pyongyang?" - "Russia's top security official, Sergei Shoigu." names
    the person asked about, not the one who sent him.
    """
    if not re.match(r"\s*who(?:m|se)?\b", question or "", re.IGNORECASE) or len(words(body)) > 8:
        return ""
    runs = re.findall(r"(?:[A-Z][\w’'-]*\s*)+", _MARKER.sub("", body))
    head = runs[-1].strip() if runs else ""
    asked = {stem(w) for w in words(question)[1:] if w[:1].isupper()}
    return head if head and any(stem(w) in asked for w in words(head)) else ""


def _answer_claims(body: str, question: str, published: str) -> tuple[list[Claim], str]:
    """The figures and dates ``body`` states; a bare figure gets what the question counts.

    "12,000." answering "How many troops did North Korea send last year?" is read as
    "12,000 troops: did North Korea send last year" (unit, measure and time from the
    question). Returns the claims and the question words used ("" if none).
    """
    claims = claims_in_text(body, published=published)
    m = _HOW_MANY.match(question or "")
    if not m:
        return claims, ""
    rest = m.group(1)
    phrase = _statement(rest)
    out = []
    for cl in claims:
        if cl.kind != "date" and not cl.unit and not cl.measure:
            filled = [f for f in claims_in_text(f"{cl.value_text} {phrase}", published=published)
                      if f.value == cl.value]
            cl = filled[0] if filled else cl
        out.append(cl)
    return out, (rest if out != claims else "")


def _supported(claim: Claim, facts: Sequence[Claim]) -> tuple[bool, str]:
    """``supported_by``, with the reason taken from a source figure of the same kind when there is one."""
    same = [f for f in facts if (f.kind == "date") == (claim.kind == "date")]
    ok, why = supported_by(claim, same)
    if ok or same:
        return ok, why
    return supported_by(claim, facts)


def _source_claims(c: _Sentence) -> tuple[Claim, ...]:
    return _claims_of(c.text, c.start, c.doc.date, c.doc.doc_id)


@lru_cache(maxsize=4096)
def _claims_of(text: str, offset: int, published: str, doc_id: str) -> tuple[Claim, ...]:
    # Every answer sentence is held against every shown sentence: read each one once.
    return tuple(claims_in_text(text, offset=offset, published=published, doc_id=doc_id))


@lru_cache(maxsize=1)
def _framing_terms() -> tuple[str, ...]:
    """``_FRAMING``'s words as ``_terms`` reads them, read once."""
    return tuple(_terms(" ".join(_FRAMING)))


def _terms(text: str) -> list[str]:
    """Content words of ``text``, stemmed (an irregular verb form as its verb), synonyms merged,
    without repeats."""
    out = []
    for w in words(text):
        if w.lower() in STOPWORDS:
            continue
        t = stem(IRREGULAR_FORMS.get(w.lower(), w))
        out.append(PARAPHRASES.get(t, t))
    return list(dict.fromkeys(out))


def _overlap(want: list[str], source_text: str) -> float:
    """Share of ``want`` found in ``source_text``'s content words."""
    if not want:
        return 0.0
    have = _terms(source_text)
    return sum(1 for w in want if any(same_term(w, h) for h in have)) / len(want)


def _name_in(name: str, context: str) -> bool:
    """Whether every part of ``name`` (Kim Jong-un -> kim, jong, un) occurs in ``context``."""
    have = {stem(w) for w in re.findall(r"[A-Za-z0-9]+", context)}
    parts = [stem(p) for p in re.findall(r"[A-Za-z0-9]+", name)]
    return all(any(same_term(p, h) for h in have) for p in parts)


# ---------------------------------------------------------------- the verified text


def _render(kept: list[tuple[str, list[_Sentence]]]) -> tuple[str, tuple[Citation, ...]]:
    """Join kept sentences, markers renumbered 1..n in order of first use."""
    numbers: dict[tuple[str, int, int], int] = {}
    citations: list[Citation] = []
    out = []
    for body, support in kept:
        marks = []
        for s in support:
            key = (s.doc.doc_id, s.start, s.end)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citations.append(_citation(s))
            marks.append(numbers[key])
        marker = "".join(f"[{n}]" for n in dict.fromkeys(marks))
        m = re.search(r"[.!?]['\"”’)]*$", body)
        out.append(f"{body[: m.start()]} {marker}{body[m.start():]}" if m else f"{body} {marker}")
    return " ".join(out), tuple(citations)


def _citation(s: _Sentence) -> Citation:
    p = s.source.passage
    return Citation(
        doc_id=s.doc.doc_id,
        title=p.title or s.doc.title,
        quote=s.text,
        start=s.start,
        end=s.end,
        score=p.score,
        publisher=p.publisher or s.doc.publisher,
        date=p.date or s.doc.date,
        url=p.url or s.doc.url,
    )
