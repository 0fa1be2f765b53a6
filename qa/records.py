"""Records of the read side: retrieved passages, citations and the answer.

``Answer.text`` carries ``[n]`` markers; marker ``n`` points to ``citations[n - 1]``.
A citation is a lookup into a document's original text, never a paraphrase:
``document.text[c.start:c.end] == c.quote``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrieved chunk with its document's metadata and a fused score (higher is better)."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    score: float
    title: str = ""
    publisher: str = ""
    date: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Citation:
    """One quoted sentence (or span) of a document that supports part of an answer."""

    doc_id: str
    title: str
    quote: str
    start: int
    end: int
    score: float
    publisher: str = ""
    date: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Value:
    """One value a source gives for what the question asks, with how it relates to the others.

    Attributes:
        text: the value as written in the source ("about 600", "June 4, 2025").
        normalized: the value in a comparable form ("600", "2025-06-04").
        unit: what is counted ("soldiers", "containers"), or "date".
        measure: what the figure measures ("killed", "deployed", "casualties", ...).
        when: the time the value refers to, resolved against the article's date, or "".
        citations: 1-based indices into ``Answer.citations``.
        relation: how it relates to the others: "same", "different-measure",
            "part-of-total", "different-event", "compatible" (bounds that agree: "at least
            64" and "70"), "contradiction", or "" when alone.
        note: one plain sentence saying that relation for a reader.
        documents: how many documents give the value (0 when not counted).
        independent: how many of them are independent sources: near-duplicate texts
            (``qa.sources.duplicates``) count once.
    """

    text: str
    normalized: str
    unit: str = ""
    measure: str = ""
    when: str = ""
    citations: tuple[int, ...] = ()
    relation: str = ""
    note: str = ""
    documents: int = 0
    independent: int = 0


@dataclass(frozen=True, slots=True)
class Answer:
    """The result of ``qa.answer``: text with ``[n]`` markers and the citations they point to.

    Attributes:
        question: the question as asked.
        text: the answer, or the abstention message when ``answered`` is False.
        answered: False when the corpus does not support an answer.
        citations: what the ``[n]`` markers point to, in order.
        mode: "extractive", "llm", or "extractive-fallback" (the model's answer was
            rejected or the model failed, so the extractive answer is returned).
        standalone_question: the question made self-contained from the chat history.
        passages: the retrieved passages (for an abstention: the closest ones to read).
        values: for figures and dates, each value the sources give and how they relate.
        note: a short remark for the reader (e.g. that no local model is configured).
        raw_text: the model's raw output, for inspection ("" in extractive mode).
        rejected: ``(sentence, reason)`` pairs the citation check removed.
        confidence: the learned reader's calibrated probability that the first quoted sentence
            answers the question, where the reader judged it (None elsewhere: the hand-written
            score alone, values reconciled across sources, set and event answers).
    """

    question: str
    text: str
    answered: bool
    citations: tuple[Citation, ...] = ()
    mode: str = "extractive"
    standalone_question: str = ""
    passages: tuple[Passage, ...] = ()
    values: tuple[Value, ...] = ()
    note: str = ""
    raw_text: str = ""
    rejected: tuple[tuple[str, str], ...] = field(default=())
    confidence: float | None = None

    def to_dict(self) -> dict:
        """A JSON-ready dict of every field (tuples become lists)."""
        d = asdict(self)
        d["rejected"] = [{"sentence": s, "reason": r} for s, r in self.rejected]
        return d
