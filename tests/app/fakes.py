"""A small fake of ``qa.pipeline.Pipeline`` for the app's handler tests.

It answers by word overlap: the sentence of the loaded documents that shares the most
content words with the question becomes the one cited sentence, with real offsets, so
``doc.text[c.start:c.end] == c.quote`` holds exactly as with the real pipeline. A
question sharing no word with any document is declined, with the closest sentences as
passages. Uploads load ``.txt``/``.md`` files as documents. No model, no Chroma.
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

from index.records import BuildReport, Document
from qa.config import Settings
from qa.errors import BadDocument, BadQuestion, ModelUnavailable
from qa.records import Answer, Citation, Passage, Value

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]+")
_STOP = {"the", "and", "what", "when", "did", "does", "how", "many", "was", "were", "who", "with",
         "for", "from", "that", "this", "there", "his", "her", "its", "about", "they", "did", "which"}


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP}


def make_document(doc_id: str, text: str, title: str = "", publisher: str = "", date: str = "") -> Document:
    """A cleaned Document whose segments are its non-empty lines."""
    spans, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return Document(doc_id=doc_id, text=text, source=f"{doc_id}.txt",
                    content_hash=hashlib.sha256(text.encode()).hexdigest(), title=title,
                    publisher=publisher, date=date, segments=tuple(spans))


ARTICLES = (
    make_document(
        "visit", "Shoigu arrives\nSergei Shoigu arrived in Pyongyang on June 4, 2025.\n"
        "He met Kim Jong Un for talks on the war.\nAround 600 soldiers were killed, lawmakers said.\n",
        title="Shoigu arrives in Pyongyang", publisher="Example News", date="2025-06-04"),
    make_document(
        "troops", "Troops\nAbout 12,000 soldiers were deployed last year.\nOfficials said 300 soldiers were killed.\n",
        title="Troops in Kursk", publisher="Other Wire", date="2025-06-18"),
)


class FakePipeline:
    """Answers from word overlap; streams the answer text in three pieces, then the Answer.

    Attributes:
        calls: (question, history, mode) of every answer/stream call, for assertions.
        fail_with: an exception to raise from the next stream/answer call.
    """

    def __init__(self, settings: Settings, docs=ARTICLES, llm: bool = False):
        self.settings = settings
        self._docs = {d.doc_id: d for d in docs}
        self._llm = llm
        self.calls: list[tuple[str, list | None, str | None]] = []
        self.fail_with: Exception | None = None
        # question substring -> event: such a question waits for the event (a slow model)
        self.gates: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self.builds = 0  # calls of build(); build_error: what the next build raises
        self.build_error: Exception | None = None

    # --- read side -------------------------------------------------------------------------
    def _sentences(self):
        for d in self._docs.values():
            for s, e in d.segments[1:]:  # the first line is the headline
                yield d, s, e

    def answer(self, question: str, history=None, mode=None) -> Answer:
        """The fake's answer: the best-overlapping sentence, cited; or an abstention."""
        self.calls.append((question, history, mode))
        for word, gate in self.gates.items():
            if word in question:
                gate.wait(timeout=120)
        if self.fail_with is not None:
            err, self.fail_with = self.fail_with, None
            raise err
        if not question or not question.strip():
            raise BadQuestion("the question is empty; type a question")
        if mode == "llm" and not self._llm:
            raise ModelUnavailable("no local model is configured; set QA_LLM=llama-cpp")
        q = _words(question)
        if history:  # a follow-up borrows the previous user turn's words
            q |= _words(next((m["content"] for m in reversed(history) if m["role"] == "user"), ""))
        scored = sorted(((len(q & _words(d.text[s:e])), d, s, e) for d, s, e in self._sentences()),
                        key=lambda t: -t[0])
        passages = tuple(Passage(chunk_id=f"{d.doc_id}:{s}", doc_id=d.doc_id, text=d.text[s:e], start=s,
                                 end=e, score=float(k), title=d.title, publisher=d.publisher, date=d.date)
                         for k, d, s, e in scored[:3])
        used_mode = "llm" if (mode == "llm" or (mode == "auto" and self._llm)) else "extractive"
        if not scored or scored[0][0] == 0:
            return Answer(question=question, text="The sources don't say.", answered=False,
                          passages=passages, mode=used_mode)
        _, d, s, e = scored[0]
        cits = [Citation(doc_id=d.doc_id, title=d.title, quote=d.text[s:e], start=s, end=e, score=1.0,
                         publisher=d.publisher, date=d.date)]
        text = f"{d.text[s:e]} [1]"
        values: tuple[Value, ...] = ()
        if "killed" in q:  # two sources give different figures for the same measure
            other = [(dd, ss, ee) for k, dd, ss, ee in scored[1:] if "killed" in dd.text[ss:ee]]
            if other:
                dd, ss, ee = other[0]
                cits.append(Citation(doc_id=dd.doc_id, title=dd.title, quote=dd.text[ss:ee], start=ss,
                                     end=ee, score=0.9, publisher=dd.publisher, date=dd.date))
                text += f" {dd.text[ss:ee]} [2]"
                values = (Value(text="around 600", normalized="600", unit="soldiers", measure="killed",
                                citations=(1,), relation="contradiction", note="The sources give different tolls."),
                          Value(text="300", normalized="300", unit="soldiers", measure="killed",
                                citations=(2,), relation="contradiction", note="The sources give different tolls."))
        return Answer(question=question, text=text, answered=True, citations=tuple(cits), mode=used_mode,
                      passages=passages, values=values, standalone_question=question)

    def stream(self, question: str, history=None, mode=None):
        """Yield the answer text in three pieces, then the Answer."""
        a = self.answer(question, history=history, mode=mode)
        third = max(len(a.text) // 3, 1)
        for i in range(0, len(a.text), third):
            yield a.text[i : i + third]
        yield a

    def documents(self) -> dict[str, Document]:
        """The loaded documents by id."""
        return dict(self._docs)

    def chunk_counts(self) -> dict[str, int]:
        """One chunk per two sentences, as a stand-in."""
        return {k: max(len(d.segments) // 2, 1) for k, d in self._docs.items()}

    def llm_available(self) -> bool:
        """Whether the fake pretends a local model is configured."""
        return self._llm

    # --- write side ------------------------------------------------------------------------
    def build(self, progress=None) -> BuildReport:
        """Count the call; the documents are already "indexed"."""
        self.builds += 1
        if self.build_error is not None:
            raise self.build_error
        return BuildReport(unchanged=len(self._docs))

    def add_files(self, paths, progress=None) -> BuildReport:
        """Load .txt/.md files as documents; refuse anything else as BadDocument."""
        with self._lock:
            added = 0
            for i, p in enumerate(paths):
                p = Path(p)
                if p.suffix.lower() not in (".txt", ".md"):
                    raise BadDocument(f"{p.name}: unsupported file type {p.suffix or '(none)'}")
                text = p.read_text(encoding="utf-8")
                if not text.strip():
                    raise BadDocument(f"{p.name}: the file is empty")
                first = text.strip().split("\n", 1)[0]
                self._docs[p.stem] = make_document(p.stem, text, title=first)
                added += 1
                if progress is not None:
                    progress(i + 1, len(paths), p.stem)  # as index.build_index reports
            return BuildReport(added=added, chunks=sum(self.chunk_counts().values()))
