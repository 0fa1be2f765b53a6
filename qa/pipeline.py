"""The read side wired together: question -> follow-up rewrite -> retrieval -> answer.

``Pipeline`` owns the opened index, the retriever and (lazily) the local model, so a
process pays for each once. ``answer()``/``stream()`` in ``qa/__init__.py`` use the
``default_pipeline()`` built from the environment's settings.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.build import IndexLocked, build_index
from index.embed import EmbedderUnavailable, get_embedder
from index.load import LoadError, load_path, upload_problem
from index.records import BuildReport, Document
from index.store import IndexNotFound, IndexReader, ModelMismatch, StoreCorrupt, StoreUnavailable, open_index
from lang import timex
from lang.vocab import ORDINAL, measures_related
from qa.answering import extractive
from qa.answering.figures import (apply_values, measures_asked, on_subject, resolved_times, slot_values,
                                  values_required, with_sources_of)
from qa.answering.reader import reader as reader_model
from qa.answering.vectors import SentenceVectors
from qa.chat import check_question, condense
from qa.config import Settings
from qa.errors import BadDocument, IndexBusy, IndexMissing, ModelUnavailable, QAError
from qa.question import analyze, states_relation
from qa.records import Answer, Passage
from qa.retrieve import Retriever, TopicIdf
from qa.sources import ledger as ledger_mod
from qa.sources.conflicts import reconcile, unit_fits
from qa.sources.events import asked_period, date_hits, event_scope, resolve_event, states_time
from qa.sources.timeline import event_answers
from qa.tuning import TUNING

NO_MODEL_NOTE = "No local model is configured; this is an extractive answer (sentences quoted from the sources)."
_ORDINAL = re.compile(rf"\b(?:{ORDINAL})\b", re.I)
NO_FIGURE_NOTE = "No source gives a figure for what the question counts."
NO_TIME_NOTE = "No source found mentions {when}: the sentences found are about other times."


class Pipeline:
    """Answers questions over one index. Thread-safe for concurrent readers.

    Args:
        settings: the configuration; the index is opened (and built if missing) on first use.
        embedder: optional embedder override (tests pass a fake).
        reader: optional learned-reader override (the calibration scripts pass the one they
            fit); by default the packaged one, which chooses and declines when
            ``settings.reader`` is "learned" and only declines when it is "hybrid".
    """

    def __init__(self, settings: Settings, embedder=None, reader=None) -> None:
        self.settings = settings
        # One embedder for builds and queries; it loads its model lazily, on first use.
        self._embedder = embedder or get_embedder(settings.embed_model, threads=settings.embed_threads)
        self._lock = threading.RLock()
        # The published index version as (reader, retriever); reopened when a build, in this
        # process or another, publishes a new one. A thread answering a question pins one.
        self._view: tuple[IndexReader, Retriever] | None = None
        self._local = threading.local()
        self._idf: tuple[str, extractive.Idf] | None = None
        self._ledger: ledger_mod.Ledger | None = None
        self._vectors: SentenceVectors | None = None
        self._llm = None
        self._llm_error: str | None = None
        self._reader = (reader or reader_model()) if settings.reader == "learned" else None
        # "hybrid": the hand-written score chooses, this reader may decline (``_checked``)
        self._checker = (reader or reader_model()) if settings.reader == "hybrid" else None

    @property
    def threshold(self) -> float:
        """The decline threshold: the setting, else the calibrated one of the scorer in use."""
        if self.settings.abstain_threshold is not None:
            return self.settings.abstain_threshold
        return self._reader.threshold if self._reader is not None else TUNING.heuristic_threshold

    # -- index -----------------------------------------------------------------------------

    @property
    def sources(self) -> list[Path]:
        """The directories the index mirrors: the corpus and the uploads directory."""
        return [self.settings.corpus_dir, self.uploads_dir]

    @property
    def uploads_dir(self) -> Path:
        return self.settings.index_dir / "uploads"

    def build(self, progress=None) -> BuildReport:
        """Build or update the index from the corpus and uploads (incremental), then ``warm`` it.

        ``progress(done, total, label)`` is called as ``index.build.build_index`` describes.
        """
        report = self._build(progress)
        self.warm()
        return report

    def _build(self, progress=None) -> BuildReport:
        cfg = self.settings.index_config()
        if not self.settings.corpus_dir.is_dir():
            raise IndexMissing(f"corpus directory {self.settings.corpus_dir} does not exist; set QA_CORPUS_DIR")
        try:
            report = build_index(cfg, [p for p in self.sources if p.exists()], progress=progress,
                                 embedder=self._embedder)
        except IndexLocked as exc:
            raise IndexBusy(str(exc)) from exc
        except EmbedderUnavailable as exc:
            raise ModelUnavailable(str(exc)) from exc
        except StoreUnavailable as exc:
            raise IndexMissing(str(exc)) from exc
        with self._lock:
            self._view = None  # reopen so the new version is seen
        return report

    @property
    def reader(self) -> IndexReader:
        """The published index (the version this thread pinned, if any), built first when none exists."""
        return self._current()[0]

    def ensure_index(self) -> IndexReader:
        """Open the index, building it first if needed (same as ``reader``)."""
        return self.reader

    @property
    def retriever(self) -> Retriever:
        return self._current()[1]

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Pin, for this thread and while the block runs, the index version it first reads (re-entrant).

        Everything a question reads (passages, documents, ledger) then comes from one version,
        even when a build publishes another in the middle of it. Nothing is opened before the
        block asks for the index.
        """
        local = self._local
        depth = getattr(local, "depth", 0)
        local.depth = depth + 1
        try:
            yield
        finally:
            local.depth = depth
            if depth == 0:
                local.view = None

    def _current(self) -> tuple[IndexReader, Retriever]:
        """This thread's pinned version, else the published one (a stat of the manifest tells)."""
        local = self._local
        pinned = getattr(local, "view", None)
        if pinned is not None:
            return pinned
        with self._lock:
            if self._view is None or not self._view[0].is_current():
                reader = self._open()
                self._view = (reader, Retriever(reader, cache_dir=self.settings.index_dir / "cache"))
            view = self._view
        if getattr(local, "depth", 0):
            local.view = view
        return view

    def _open(self) -> IndexReader:
        cfg = self.settings.index_config()
        try:
            return open_index(cfg, embedder=self._embedder)
        except (IndexNotFound, ModelMismatch, StoreCorrupt):
            # None yet (or the first build was interrupted), another embedding model or chromadb
            # version, a damaged store: the build makes, finishes or repairs it.
            pass
        except StoreUnavailable as exc:
            raise IndexMissing(str(exc)) from exc
        except EmbedderUnavailable as exc:
            raise ModelUnavailable(str(exc)) from exc
        # Not warmed here: the question that opens the index builds the ledger and BM25 next
        # (and saves them), where warming would open the index a second time first.
        self._build()
        try:
            return open_index(cfg, embedder=self._embedder)
        except (IndexNotFound, ModelMismatch, StoreUnavailable) as exc:
            raise IndexMissing(str(exc)) from exc
        except EmbedderUnavailable as exc:
            raise ModelUnavailable(str(exc)) from exc

    def documents(self) -> dict[str, Document]:
        """Indexed documents by id, with metadata."""
        return self.retriever.documents()

    def chunk_counts(self) -> dict[str, int]:
        """Number of chunks per indexed document."""
        return self.reader.chunk_counts()

    def add_files(self, paths: Sequence[Path], progress=None) -> BuildReport:
        """Add uploaded files to the index; each is validated before anything is written.

        Raises:
            BadDocument: a file has a hidden (dot) name or an unsupported type, is too large,
                empty or undecodable.
        """
        checked: list[Path] = []
        limit = int(self.settings.max_upload_mb * 1_000_000)  # a news article is a few tens of kB
        for path in map(Path, paths):
            problem = upload_problem(path, limit)
            if problem:
                raise BadDocument(problem)
            try:
                docs, warnings = load_path(path)
            except LoadError as exc:
                raise BadDocument(str(exc)) from exc
            if not docs:
                raise BadDocument(warnings[0] if warnings else f"{path.name}: no readable text")
            checked.append(path)
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        for path in checked:
            # Only a plain file name is kept: an upload can never write outside uploads/.
            shutil.copyfile(path, self.uploads_dir / Path(path.name).name)
        return self.build(progress=progress)

    # -- answering -------------------------------------------------------------------------

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Embeddings of ``texts``, (n, dim) L2-normalised; each text is embedded once, and kept
        for later processes in ``index_dir/cache`` (see ``qa/answering/vectors.py``)."""
        embedder = self.reader.embedder
        with self._lock:
            if self._vectors is None:
                # Per model: a vector depends on the text and the model only.
                key = hashlib.sha256(embedder.name.encode()).hexdigest()[:16]
                self._vectors = SentenceVectors(self.settings.index_dir / "cache" / f"sentences-{key}.f32")
        return self._vectors.get(texts, embedder.embed)

    def _idf_fn(self) -> extractive.Idf:
        """IDF over the index's chunks, from the BM25 index's term counts (one tokenisation, saved)."""
        version = self.reader.version
        if self._idf is None or self._idf[0] != version:
            self._idf = (version, extractive.Idf.from_counts(*self.retriever.term_counts()))
        return self._idf[1]

    def _topic_idf(self, spec, passages: Sequence[Passage], event=None) -> TopicIdf:
        """IDF of the question's terms over the corpus and over the articles of its topic (``TopicIdf``).

        The topic is the articles retrieval found. A question about one event ("the March
        visit") may find only that event's one or two articles; an IDF over so few says little
        (every word of the visit is common among them, and the sentences that tell what
        happened lose the very terms that set them apart), so it is taken over the whole series
        of such events instead: the ones the event was picked from (Shoigu's visits, not every
        visit an archive of other news reports).
        """
        topic = [p.doc_id for p in passages]
        if event is not None and event.events and len(set(topic)) < TUNING.min_topic_articles:
            topic += [d for e in event.series for d in e.doc_ids]
        local, n = self.retriever.local_term_counts(spec.terms, topic)
        return TopicIdf(self._idf_fn(), local, n)

    def ledger(self) -> ledger_mod.Ledger:
        """The ledger of the open index version (``qa.sources.ledger``): the claims (figures and
        dates of every document), the events the documents report, each document's reference
        date for relative times, and each event's mentions in other articles. Built once per
        index version and saved in the index's cache for later processes."""
        reader = self.reader
        kept = self._ledger
        if kept is None or kept.version != reader.version:
            kept = ledger_mod.cached(reader.version, self.documents(), reader.claims(),
                                     self.settings.index_dir / "cache")
            with self._lock:
                self._ledger = kept
        return kept

    def claims_outdated(self) -> bool:
        """Whether the open index's figures and dates were stored by other claim code than this
        process runs (``IndexReader.claims`` is None, after an upgrade): they are read again
        from the documents, which slows the first question of a process, until a build
        (``qa index``) stores them anew."""
        return self.reader.claims() is None

    def warm(self) -> None:
        """Build what a first question needs and save it for later processes: the BM25 index
        and its term counts (the IDF), the ledger with its events and their mentions.

        ``build`` calls it, so an index is ready when ``qa index`` returns; a process that
        opens it only loads them.
        """
        with self.snapshot():
            self._idf_fn()
            self.ledger()

    def check_question(self, question: str) -> str:
        """The question tidied (``qa.chat.check_question``), or BadQuestion saying why it cannot be
        answered: not text, empty, over ``QA_MAX_QUESTION_CHARS``, or invalid Unicode."""
        return check_question(question, self.settings.max_question_chars)

    def retrieve(self, question: str, k: int | None = None, method: str = "hybrid",
                 doc_ids=None) -> list[Passage]:
        """Passages for a self-contained question (also used by the eval baselines)."""
        return self.retriever.retrieve(question, k or self.settings.top_k, method=method, doc_ids=doc_ids)

    @staticmethod
    def _spec(question: str, standalone: str, history: list[dict] | None):
        """What the question asks (``qa.question.analyze``), the previous user turn included."""
        previous = next((str(m.get("content", "")) for m in reversed(history or []) if m.get("role") == "user"), "")
        return analyze(question, standalone, previous)

    def extractive(self, question: str, history: list[dict] | None = None, method: str = "hybrid") -> Answer:
        """The extractive answer (no model), with the retrieval ``method`` given."""
        with self.snapshot():  # one question reads one index version
            return self._extractive(question, history, method)[0]

    def candidates(self, question: str, history: list[dict] | None = None) -> list[extractive.Candidate]:
        """The ranked candidate sentences the extractive answer chooses from, best first (for
        fitting the reader's calibration and for inspection)."""
        with self.snapshot():
            return self._extractive(question, history, "hybrid")[1]

    def _extractive(self, question: str, history: list[dict] | None, method: str) -> tuple[Answer, list]:
        """The extractive answer and the ranked candidate sentences it was chosen from."""
        question = self.check_question(question)
        standalone = condense(question, history)
        spec = self._spec(question, standalone, history)
        ledger = self.ledger()
        claims, events, references = ledger.claims, ledger.events, ledger.references
        activity = spec.relation in ("event", "discuss")  # "what happened / did they discuss in June?"
        event = resolve_event(standalone, events, activity=activity)
        if event is not None and not event.events:
            if _ORDINAL.search(standalone):
                # "his fifth visit" when the sources report three: nothing to answer from.
                passages = self.retrieve(standalone, method=method)
                return dataclasses.replace(extractive.abstain(question, passages, note=event.reason),
                                           standalone_question=standalone), []
            event = None  # a dated event the articles mention in passing (a meeting in a caption)
        doc_ids = set(event.doc_ids) if event is not None else None
        passages = self.retrieve(standalone, method=method, doc_ids=doc_ids)
        documents = self.documents()
        idf = self._topic_idf(spec, passages, event)
        asked = asked_period(spec.need.time)
        if asked is not None and passages:
            # "in 2014": an article that writes its years out and never that one is about other
            # times. Left out after the weights of words are read, so the rest score as before.
            told = {d: states_time(asked, documents[d], claims.get(d, ())) is not False
                    for d in dict.fromkeys(p.doc_id for p in passages) if d in documents}
            if not any(told.values()):
                note = NO_TIME_NOTE.format(when=timex.label(asked.value))
                return dataclasses.replace(extractive.abstain(question, passages, note=note),
                                           standalone_question=standalone), []
            passages = [p for p in passages if told.get(p.doc_id, True)]
        # a set question that itself fits several events is answered for each of them
        scope = event_scope(event, documents, claims, events, per_event=spec.several and resolve_event(
            question, events, activity=activity) is not None, index=ledger.mentions) if event is not None else None
        dates = date_hits(standalone, {d: claims.get(d, ()) for d in dict.fromkeys(p.doc_id for p in passages)})
        answer, ranked = extractive.answer_extractively(
            question, spec, passages, documents, self._embed, idf, self.threshold,
            scope=scope, dates=dates, reader=self._reader, judge=self._checker)
        first = ranked[0] if ranked and answer.answered else None  # the sentence quoted first
        if spec.kind in ("count", "date"):
            # Every figure or date of the articles retrieval found, not only of the retrieved
            # chunks: an article's lead ("arrived ... on March 21") may sit outside them.
            in_docs = _claims_of(passages, claims)
            extra = [Passage(chunk_id=f"{c.doc_id}@{c.start}", doc_id=c.doc_id, text=c.sentence, start=c.start,
                             end=c.end, score=0.0)
                     for c in in_docs if not any(p.doc_id == c.doc_id and p.start <= c.value_start < p.end
                                                 for p in passages)]
            if extra:
                more, _ = extractive.score_sentences(spec, extra, documents, self._embed, idf, dates, self._reader)
                ranked = sorted(ranked + more, key=lambda c: -c.score)
            recon = reconcile(spec.need, in_docs, _titles(in_docs, documents))
            recon = on_subject(recon, ranked[0], documents) if ranked else recon
            with_values = apply_values(answer, recon, ranked, documents, in_docs,
                                       several=event is not None and event.ambiguous)
            with_values = self._unless_surer(spec, answer, with_values, ranked, documents, in_docs)
            if not answer.citations and event is None:
                with_values = self._measured(spec, answer, recon, ranked, documents, in_docs)
            if answer.answered and not with_values.values and values_required(spec.kind, recon):
                # Asked for a figure of a kind the ledger reads, and no source gives one.
                answer = extractive.abstain(question, passages, note=NO_FIGURE_NOTE)
            else:
                answer = resolved_times(with_values, references, events)
        if first is not None and event is None:
            answer = self._checked(spec, answer, first, ranked, documents)
        if spec.need.value_type and not answer.citations and event is None:
            # "what is the population of X?" over entity pages that name X only in their opening:
            # the sentence score or the reader declined a sentence, code reads the values
            in_docs = _claims_of(passages, claims)
            recon = reconcile(spec.need, in_docs, _titles(in_docs, documents))
            answer = slot_values(answer, recon, ranked, documents, in_docs)
        if event is None:
            answer = self._copy_conflicts(spec, answer, ranked, documents)
        if event is not None:  # a date, a gap or what happened, from the events the question names
            answer = event_answers(answer, spec, event, claims, documents, references, events, scope)
        note = (event.reason if event is not None else "") or answer.note
        # a statement cited from copies of one text says so (values count their copies themselves)
        copied = extractive.copied_support(answer, documents) if answer.answered and not answer.values else ""
        if copied:
            note = join_notes(note, copied)
        apart = extractive.which_is_which(answer, documents, self._embed) if answer.answered else ""
        if apart:
            note = join_notes(note, apart)
        return dataclasses.replace(answer, standalone_question=standalone, note=note), ranked

    def _unless_surer(self, spec, answer: Answer, with_values: Answer, ranked: list, documents, claims) -> Answer:
        """``with_values``, the answer rewritten around the ledger's values, or ``answer``, the
        sentence chosen, when the values no longer quote it, it states a precise figure of its
        own, and the reader judges it a surer answer than every sentence stating the values.

        Which figures answer a count question is read from its words ("how much" with no unit
        takes a sum of money, not a share; "pay" asks for money), and the words can mislead:
        "how much did the shares rise?" was answered with the share price of another sentence,
        over "Shares jumped 25 percent", which the reader judged the answer. A vague figure
        ("millions of rounds") leaves the values their place: a precise one elsewhere answers;
        so does a figure of another unit than the question counts ("31,500 acres" for "how
        many firefighters"), which cannot be the answer however sure the reader is."""
        judge, _ = self._judge()
        if judge is None or spec.kind != "count" or not answer.answered or not answer.citations \
                or not (with_values.answered and with_values.values):
            return with_values  # (a figure of something related, shown as no answer, stays)
        best = next(iter(_quoted(answer.citations[:1], ranked)), None)
        stating = _quoted(with_values.citations, ranked)
        if best is None or best in stating or not stating or not any(
                c.doc_id == best.doc_id and best.start <= c.value_start < best.end and c.kind not in ("vague", "date")
                and (not spec.need.unit or unit_fits(spec.need, c)) for c in claims):
            return with_values
        read = extractive.read_each(spec.text, [best, *stating], documents, judge)
        return answer if read[0].score > max(c.score for c in read[1:]) else with_values

    def _measured(self, spec, answer: Answer, recon, ranked: list, documents, claims) -> Answer:
        """A count question the hand-written score declined, answered by the ledger's values of
        exactly the asked measure when the learned reader judges a sentence stating them an
        answer at its threshold; else ``answer``.

        "How many people were injured?" over one report whose lead says "One person was killed
        and 12 were injured in an explosion ..., police said": the long lead shares too few of
        the question's words for the sentence score, yet code reads 12 as injured and the
        reader agrees. Both must: a figure of the asked measure about another matter is no
        answer, and neither is a sentence the reader likes with no such figure."""
        judge, threshold = self._judge()
        need = spec.need
        if judge is None or need.kind != "count" or not need.measure or not recon.groups or not ranked:
            return answer
        # the figure's own measure: its sentence may name another ("One was killed and 12 injured")
        groups = tuple(g for g in recon.groups if measures_related(need.measure, g.measure) in ("same", "compatible"))
        if not groups:
            return answer
        found = apply_values(dataclasses.replace(answer, answered=True, note="", confidence=None),
                             dataclasses.replace(recon, groups=groups, summary="" if len(groups) < len(recon.groups)
                                                 else recon.summary), ranked, documents, claims)
        if not (found.answered and found.values):
            return answer
        stating = _quoted(found.citations, ranked)
        best = max((c.score for c in extractive.read_each(spec.text, stating[:TUNING.reader_shortlist], documents,
                                                            judge)), default=0.0)
        return dataclasses.replace(found, confidence=best) if best >= threshold else answer

    def _checked(self, spec, answer: Answer, first: extractive.Candidate, ranked: list, documents) -> Answer:
        """The "hybrid" veto: the learned reader judges the sentence the hand-written score chose
        and quoted, and the answer declines when it is no answer ("learned": the reader's own
        score of it becomes the confidence). An answer of several parts (values reconciled
        across sources, or a set of claims) is judged by its quoted sentences and declines when
        none of them answers, unless code has checked it answers: values of the asked measure,
        a sum of money or the asked unit (``measures_asked``), or a set whose every sentence
        states the asked relation (``states_relation``), other than "what happened", which any
        sentence with an event word states. Event answers are left as they are.
        A single quoted sentence has the sentence after it read too, and quoted when it is the
        surer answer (``extractive.reader_check``)."""
        if not answer.answered:
            return answer
        if self._reader is not None:  # "learned": the reader chose it, its score is the confidence
            own = first.read and not answer.values and not spec.several
            return dataclasses.replace(answer, confidence=first.score) if own else answer
        if self._checker is None or (answer.values and measures_asked(spec.need, answer.values)):
            return answer
        # "what happened": every sentence with an event word states it, so code checked nothing
        if (spec.several and spec.relation != "event"
                and all(states_relation(c.quote, spec.relation) for c in answer.citations)):
            return answer
        quoted = [first]
        if answer.values or spec.several:
            quoted = _quoted(answer.citations, ranked)[:TUNING.reader_shortlist] or [first]
        after = extractive.following(first, ranked, documents) if quoted == [first] else None
        return extractive.reader_check(spec.text, answer, quoted, documents, self._checker, self._veto_threshold(),
                                       after=after)

    def _veto_threshold(self) -> float:
        """The "hybrid" reader's threshold: the setting, else the calibrated one."""
        if self.settings.veto_threshold is not None:
            return self.settings.veto_threshold
        return self._checker.veto_threshold

    def _judge(self):
        """The reader that judges whether a sentence answers, and the threshold it declines by
        in this mode: its own in "learned", the veto in "hybrid"; ``(None, 0.0)`` without one."""
        if self._reader is not None:
            return self._reader, self.threshold
        if self._checker is not None:
            return self._checker, self._veto_threshold()
        return None, 0.0

    def _copy_conflicts(self, spec, answer: Answer, ranked: list, documents) -> Answer:
        """``answer`` with every place where two near-duplicate sources differ and the reader
        judges the place answers (``extractive.copy_conflicts``) quoted in both wordings; an
        answer that declined is made of them. The reader's threshold is the one it declines by
        in this mode (the veto in "hybrid", its own in "learned"); without a reader, unchanged."""
        judge, threshold = self._judge()
        if judge is None or not ranked or (not answer.answered and answer.citations):
            return answer  # (a declined answer with citations quotes an undisclosed figure)
        quoted = {(c.doc_id, c.start) for c in answer.citations}
        groups, notes = extractive.copy_conflicts(spec.text, ranked, documents, judge, threshold, quoted)
        return extractive.with_statements(answer, groups, documents, notes) if groups else answer

    def answer(self, question: str, history: list[dict] | None = None, mode: str | None = None) -> Answer:
        """Answer a question; see ``qa.answer``."""
        final = None
        with self.snapshot():
            for item in self.stream(question, history=history, mode=mode):
                if isinstance(item, Answer):
                    final = item
        return final

    def stream(self, question: str, history: list[dict] | None = None, mode: str | None = None) -> Iterator:
        """Yield text deltas, then the final Answer; see ``qa.stream``."""
        mode = mode or self.settings.mode
        if mode not in ("auto", "extractive", "llm"):
            raise QAError(f"unknown mode {mode!r}; use auto, extractive or llm")
        with self.snapshot():
            base, ranked = self._extractive(question, history, "hybrid")
            documents = self.documents()
        llm = self.llm() if mode in ("auto", "llm") else None
        if mode == "llm" and llm is None:
            raise ModelUnavailable(self._llm_error or "no local model is configured; set QA_LLM=llama-cpp "
                                   "(bundled model) or QA_LLM=openai with QA_LLM_BASE_URL")
        # A decline for a low score says why in its note, but a model may still find the answer
        # in other words; the other declines are findings that it cannot overrule.
        low_score = not base.answered and bool(ranked) and ranked[0].score < self.threshold
        if llm is None or (not base.answered and base.note and not low_score):
            # No model, or the sources were found not to hold what was asked (an event they do not
            # report, a figure they do not give): a model cannot overrule that.
            if llm is None and mode == "auto":
                reason = NO_MODEL_NOTE if self.settings.llm == "none" else \
                    f"The local model is unavailable ({self._llm_error}); this is an extractive answer."
                base = dataclasses.replace(base, note=join_notes(base.note, reason))
            yield base.text
            yield base
            return
        from qa.answering.llm_answer import llm_stream

        # The model reads what the reader found: its best sentences with the sentence before
        # each, not the raw chunks (with the hand-written score alone, the retrieved passages).
        read = extractive.reader_passages(ranked, documents) if self._reader is not None else []
        spec = self._spec(question, base.standalone_question, history)
        # The model's cited sentences are judged as the answerer's own are: a sentence true to its
        # source and no answer to the question is removed, and so is one whose own words, read in
        # its source's place, are no answer where the source is one. Set answers are left to the model:
        # each sentence is one part, and no part answers the whole (the veto judges an
        # extractive set by its best sentence, or leaves one code has checked).
        judge, threshold = self._judge()
        objection = extractive.reader_objection(spec.text, ranked, documents, judge, threshold) \
            if judge is not None and not spec.several else None
        for item in llm_stream(question, base.standalone_question, read or base.passages or (), documents, llm,
                               self.settings, fallback=lambda: base, history=history, objection=objection):
            if isinstance(item, Answer) and item.mode == "llm":
                # other documents' other answers (namesakes, or one story told with another name)
                # are added to the model's as a set's claims are: a model quotes one side
                others = extractive.other_answers_note(base)
                completed = with_sources_of(item, base, spec.several or bool(others))
                if others and completed is not item:
                    completed = dataclasses.replace(completed, note=join_notes(completed.note, others))
                item = completed
                if objection is not None and not item.values:  # the next sentence, when it is the answer
                    item = extractive.with_following(spec.text, item, ranked, documents, judge, threshold)
            yield item

    # -- local model -----------------------------------------------------------------------

    def llm(self):
        """The configured local model, loaded once; None when none is configured or it fails."""
        if self.settings.llm == "none":
            return None
        with self._lock:
            if self._llm is None and self._llm_error is None:
                from qa.answering.generate import load_llm

                try:
                    self._llm = load_llm(self.settings)
                except ModelUnavailable as exc:
                    self._llm_error = str(exc)
            return self._llm

    def llm_available(self) -> bool:
        """Whether a local model is configured and loads."""
        return self.llm() is not None


def _quoted(citations, ranked: list) -> list:
    """The ranked candidate sentences that ``citations`` quote, in citation order, each once."""
    by_span = {(c.doc_id, c.start): c for c in ranked}
    return [by_span[k] for k in dict.fromkeys((c.doc_id, c.start) for c in citations) if k in by_span]


def _claims_of(passages, claims) -> list:
    """Every ledger claim of the documents retrieval found, not only of the retrieved chunks
    (an article's lead, "arrived ... on March 21", may sit outside them), by document in
    retrieval order."""
    return [c for d in dict.fromkeys(p.doc_id for p in passages) for c in claims.get(d, ())]


def _titles(claims, documents) -> dict[str, str]:
    """doc_id -> title of the documents the claims are from (a claim's sentence is read with it)."""
    return {d: documents[d].title for d in dict.fromkeys(c.doc_id for c in claims) if d in documents}


def join_notes(*notes: str) -> str:
    """Notes for the reader as one text, each a sentence ("No such visit. No local model ...")."""
    parts = [n.strip() for n in notes if n and n.strip()]
    return " ".join(p[0].upper() + p[1:] + ("" if p[-1] in ".!?)" else ".") for p in parts)


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """The process-wide pipeline built from the environment (``QA_*`` settings)."""
    try:
        settings = Settings()
    except Exception as exc:  # pydantic's ValidationError: show the bad setting, not a traceback
        raise QAError(f"bad configuration: {exc}") from exc
    return Pipeline(settings)


def reset_default_pipeline() -> None:
    """Forget the cached default pipeline (after the environment changed)."""
    default_pipeline.cache_clear()
