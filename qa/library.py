"""One object per corpus: ``qa.open(corpus_dir)`` indexes a folder of articles and answers over it.

    import qa
    with qa.open("my-articles/") as lib:
        lib.index()                              # builds or updates my-articles/.qa-index
        a = lib.answer("How many troops were deployed?")

Several libraries may be open in one process, each with its own index, retriever, ledger
and caches (its own ``Pipeline``); what is costly and the same for all of them, the
embedding model and the learned reader, is loaded once per process and shared
(``index.embed.get_embedder``, ``qa.answering.reader.reader``). ``qa.answer()`` stays the shortcut for
the corpus the environment configures.

What it leaves to others: everything a question goes through is ``qa.pipeline.Pipeline``'s;
this module only builds its settings and keeps one per corpus.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from index.records import BuildReport, Document
from qa.config import Settings
from qa.errors import QAError
from qa.records import Answer

# Where a library keeps its index unless told: inside the corpus folder, under a dot-name
# that the loader's walk skips (``index.load.is_hidden``), so the index is never read as an
# article and moves with its corpus.
INDEX_FOLDER = ".qa-index"


class Library:
    """A corpus folder and its index; answers questions over it.

    Args:
        corpus_dir: the folder of articles (``.txt``, ``.md``, ``.html``, ``.jsonl``, ...).
        index_dir: where the index lives; None = ``corpus_dir/.qa-index``.
        embedder: an embedder to use instead of the configured one (tests pass a fake).
        **settings: any other ``qa.config.Settings`` field (``top_k=4``, ``llm="openai"``);
            the environment's ``QA_*`` variables fill the rest.

    Raises:
        QAError: a setting is unknown or invalid, or ``corpus_dir`` is not a folder.
    """

    def __init__(self, corpus_dir: str | Path, index_dir: str | Path | None = None, *, embedder=None,
                 **settings) -> None:
        from qa.pipeline import Pipeline

        corpus = Path(corpus_dir).expanduser().resolve()
        if not corpus.is_dir():
            raise QAError(f"corpus folder {corpus} does not exist or is not a folder")
        where = Path(index_dir).expanduser().resolve() if index_dir is not None else corpus / INDEX_FOLDER
        try:
            self.settings = Settings(corpus_dir=corpus, index_dir=where, **settings)
        except Exception as exc:  # pydantic's ValidationError: name the bad setting, no traceback
            raise QAError(f"bad settings for {corpus}: {exc}") from exc
        self._pipeline: Pipeline | None = Pipeline(self.settings, embedder=embedder)

    @property
    def pipeline(self):
        """The ``Pipeline`` behind this library (for the app, the eval and inspection)."""
        if self._pipeline is None:
            raise QAError(f"the library of {self.settings.corpus_dir} is closed; open it again with qa.open()")
        return self._pipeline

    def index(self, progress=None) -> BuildReport:
        """Build the index, or bring it up to date with the folder (only changed files are read).

        ``progress(done, total, label)`` as ``index.build.build_index`` describes.
        """
        return self.pipeline.build(progress=progress)

    def add(self, paths: Sequence[str | Path], progress=None) -> BuildReport:
        """Add files from outside the folder to the index (``Pipeline.add_files``: each is checked
        before anything is written, and a bad one raises ``BadDocument`` naming it)."""
        return self.pipeline.add_files([Path(p) for p in paths], progress=progress)

    def answer(self, question: str, history: list[dict] | None = None, mode: str | None = None) -> Answer:
        """Answer ``question`` from this corpus, with citations (see ``qa.answer``); the index is
        built first if there is none."""
        return self.pipeline.answer(question, history=history, mode=mode)

    def stream(self, question: str, history: list[dict] | None = None, mode: str | None = None) -> Iterator:
        """Yield the answer's text pieces, then the final ``Answer`` (see ``qa.stream``)."""
        yield from self.pipeline.stream(question, history=history, mode=mode)

    def sources(self) -> list[Document]:
        """The indexed documents (text and metadata), by document id."""
        docs = self.pipeline.documents()
        return [docs[k] for k in sorted(docs)]

    def close(self) -> None:
        """Let go of the index and this library's caches (the shared models stay loaded)."""
        self._pipeline = None

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._pipeline is None else "open"
        return f"Library({str(self.settings.corpus_dir)!r}, index_dir={str(self.settings.index_dir)!r}, {state})"

