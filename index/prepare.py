"""Files -> prepared documents: load, clean, annotate, chunk and read the claim ledger.

A document whose sources are unchanged (same file content, same overrides, same
preparing code: its ``source_key``) is taken from the previous document store instead of
being cleaned and chunked again, and its stored claims are kept when the claim code is
unchanged too. Embedding and storing are ``index/build.py``'s.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from index.chunk import chunk_document
from index.claims import extract_claims
from index.clean import clean
from index.docstore import DocStore, Prepared
from index.load import DEFAULT_MAX_FILE_BYTES, add_unique, load_path
from index.meta import apply_metadata, load_overrides
from index.records import Document

# Bump when what is embedded changes in a way content hashes do not capture (e.g. the
# format of chunk.embedding_text); a bump re-embeds everything.
PIPELINE_VERSION = 1

# Preparing (cleaning, sentence splitting, the claim ledger) is pure Python, one core each: on a
# large build it is spread over processes, so the machine's other core is not idle meanwhile.
MAX_WORKERS = 4
PARALLEL_MIN_DOCS = 64
# A worker is a fresh interpreter: forking a process that has chromadb's or torch's threads
# running deadlocks the child, and multiprocessing's spawn re-runs the caller's main module.
_WORKER = "import index.prepare as p; p._serve()"
_ROOT = Path(__file__).resolve().parents[1]

Progress = Callable[[int, int, str], None]


def collect_documents(paths: Sequence[Path]) -> tuple[list[Document], list[str]]:
    """Load, clean and annotate every document under ``paths``; returns ``(documents, warnings)``.

    Metadata overrides come from ``metadata.json`` in each given directory (or in a given
    file's directory). A doc_id found under two paths keeps the first and warns.
    Paths that do not exist contribute nothing (e.g. an uploads directory not yet created).
    """
    raw, overrides, warnings = load_all(paths)
    return [apply_metadata(clean(d), overrides.get(d.doc_id)) for d in raw], warnings


def source_key(raw: Document, overrides: dict[str, str] | None) -> str:
    """What a prepared document depends on: the loaded file, its overrides, the pipeline version."""
    blob = json.dumps([raw.content_hash, raw.source, overrides or {}, PIPELINE_VERSION, _code_fingerprint()],
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """Hash of the loading/cleaning/metadata/chunking code.

    An edited rule must not be skipped by the reuse of prepared documents: any change
    here re-prepares every document, and only those whose content hash (text, kept
    segments, metadata) actually changed are re-embedded.
    """
    import index.chunk
    import index.clean
    import index.load
    import index.meta

    h = hashlib.sha256()
    for module in (index.load, index.clean, index.meta, index.chunk):
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()


def load_all(paths: Sequence[Path], max_bytes: int | None = DEFAULT_MAX_FILE_BYTES
             ) -> tuple[list[Document], dict[str, dict[str, str]], list[str]]:
    """Every loaded (not yet cleaned) document under ``paths``, the metadata overrides, the warnings.

    ``max_bytes``: larger files are skipped with a warning, unread (``QA_MAX_FILE_MB``).
    """
    docs: list[Document] = []
    warnings: list[str] = []
    overrides: dict[str, dict[str, str]] = {}
    seen: dict[str, str] = {}
    for path in map(Path, paths):
        if not path.exists():
            continue
        side, side_warnings = load_overrides(path if path.is_dir() else path.parent)
        warnings.extend(side_warnings)
        for doc_id, fields in side.items():
            overrides.setdefault(doc_id, fields)
        loaded, load_warnings = load_path(path, max_bytes=max_bytes)
        warnings.extend(load_warnings)
        add_unique(docs, seen, loaded, warnings)
    return docs, overrides, warnings


def prepare_documents(raw: Sequence[Document], overrides: dict[str, dict[str, str]], previous: DocStore | None,
                      chunk_size: int, chunk_overlap: int, progress: Progress | None = None,
                      workers: int | None = None) -> list[Prepared]:
    """Each loaded document prepared, reusing what ``previous`` holds for unchanged sources.

    Args:
        raw: loaded documents (``load_all``).
        overrides: metadata overrides by doc_id.
        previous: the published document store when its chunking is the one asked for, else None.
        chunk_size, chunk_overlap: the chunking.
        progress: called as ``progress(i, len(raw), doc_id)`` after each document, in order.
        workers: processes that clean, chunk and read claims (None: one per CPU, at most
            ``MAX_WORKERS``). Fewer than ``PARALLEL_MIN_DOCS`` documents to work on are
            prepared in this process, where starting workers would cost more than it saves.
    """
    old = previous.prepared if previous else {}
    reused: list[Prepared | None] = []
    work: list[tuple] = []
    for r in raw:
        key = source_key(r, overrides.get(r.doc_id))
        prev = old.get(r.doc_id)
        # Same file, same overrides, same pipeline and chunking: no cleaning or splitting again.
        prev = prev if prev is not None and prev.source_key == key else None
        reused.append(prev if prev is not None and prev.claims is not None else None)
        if reused[-1] is None:
            work.append((r, overrides.get(r.doc_id), prev, key, chunk_size, chunk_overlap))
    workers = min(MAX_WORKERS, os.cpu_count() or 1) if workers is None else workers
    if workers > 1 and len(work) >= PARALLEL_MIN_DOCS:
        done = _prepare_in_workers(work, workers)
        try:
            return _merge(reused, done, progress)
        finally:
            done.close()                        # stops the workers if the merge failed
    return _merge(reused, (_prepare_one(*w) for w in work), progress)


def _prepare_in_workers(work: list[tuple], workers: int) -> Iterator[Prepared]:
    """Each job's result in order, job j prepared by worker j % workers.

    A worker reads all its jobs from stdin before it writes any result, so feeding one
    worker never waits on another's output. When the build dies, a worker's next write
    (or read) fails and it exits: none outlives the build by more than one document.
    """
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")])))
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
             for _ in range(workers)]
    try:
        for k, proc in enumerate(procs):
            with proc.stdin, _worker_died(proc):
                pickle.dump(work[k::workers], proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        for j in range(len(work)):
            with _worker_died(procs[j % workers]):
                ok, value = pickle.load(procs[j % workers].stdout)
            if not ok:
                raise value
            yield value
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
            proc.stdout.close()


@contextmanager
def _worker_died(proc: subprocess.Popen) -> Iterator[None]:
    """A broken pipe to or from a worker said as what it is."""
    try:
        yield
    except (BrokenPipeError, EOFError):
        raise RuntimeError(f"a document-preparing worker exited with code {proc.wait()}") from None


def _serve() -> None:
    """A preparing worker: its jobs pickled on stdin, one pickled ``(ok, result)`` per job on stdout."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)                               # a stray print() must not corrupt the results
    try:
        for job in pickle.load(sys.stdin.buffer):
            try:
                result = (True, _prepare_one(*job))
            except Exception as e:              # raised again by the build, as in one process
                result = (False, e)
            try:
                data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:                   # an exception that does not pickle
                data = pickle.dumps((False, RuntimeError(f"{type(result[1]).__name__}: {result[1]}")))
            out.write(data)
            out.flush()
    except (BrokenPipeError, EOFError):        # the build is gone
        os._exit(1)


def _merge(reused: list[Prepared | None], done: Iterable[Prepared], progress: Progress | None) -> list[Prepared]:
    """The documents in load order: each reused one, or the next one prepared."""
    done = iter(done)
    out: list[Prepared] = []
    for i, prev in enumerate(reused, start=1):
        out.append(prev if prev is not None else next(done))
        if progress:
            progress(i, len(reused), out[-1].doc.doc_id)
    return out


def _prepare_one(raw: Document, override: dict[str, str] | None, prev: Prepared | None, key: str,
                 chunk_size: int, chunk_overlap: int) -> Prepared:
    """One document cleaned, chunked and its claims read; module-level so a worker can run it.

    ``prev``: the same document prepared before, whose claims alone are to be read again.
    """
    if prev is not None:
        doc, chunks = prev.doc, prev.chunks    # the claim code changed, nothing else
    else:
        doc = apply_metadata(clean(raw), override)
        chunks = tuple(chunk_document(doc, chunk_size, chunk_overlap))
    return Prepared(doc, chunks, key, tuple(extract_claims(doc)))
