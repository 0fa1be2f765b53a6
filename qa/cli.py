"""The ``qa`` command line: ask, index, sources, eval, serve.

Errors become one line on stderr and a non-zero exit; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from qa.errors import QAError

EXIT_ERROR = 1
EXIT_USAGE = 2


def _settings(args):
    from qa.config import Settings

    overrides = {}
    if getattr(args, "index_dir", None):
        overrides["index_dir"] = args.index_dir
    return Settings(**overrides)


def _pipeline(args):
    from qa.pipeline import Pipeline

    return Pipeline(_settings(args))


def _print_answer(a, out=None) -> None:
    out = out or sys.stdout  # looked up per call: tests and pipes may replace it
    print(a.text, file=out)
    if a.note:
        print(f"\n({a.note})", file=out)
    if a.values and len(a.values) > 1:
        print("\nSources differ:", file=out)
        for v in a.values:
            marks = "".join(f"[{n}]" for n in v.citations)
            print(f"  - {v.text} {marks}" + (f" — {v.note}" if v.note else ""), file=out)
    if a.citations:
        print("\nSources:", file=out)
        for n, c in enumerate(a.citations, start=1):
            meta = ", ".join(x for x in (c.publisher, c.date) if x)
            print(f"  [{n}] {c.title or c.doc_id}" + (f" ({meta})" if meta else "") + f" [{c.doc_id} {c.start}:{c.end}]", file=out)
            print(f"      “{c.quote}”", file=out)
    elif not a.answered and a.passages:
        print("\nClosest passages:", file=out)
        for p in a.passages[:3]:
            snippet = " ".join(p.text.split())
            print(f"  - {p.title or p.doc_id}: {snippet[:220]}{'…' if len(snippet) > 220 else ''}", file=out)


OUTDATED_CLAIMS_NOTE = ("this index's figures and dates were stored by an older version of the claim reader, so "
                        "each new process reads them again from the documents (a slower first answer); run "
                        "`qa index` to store them anew")


def cmd_ask(args) -> int:
    pipeline = _pipeline(args)
    a = pipeline.answer(args.question, mode=args.mode)
    if args.json:
        print(json.dumps(a.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_answer(a)
    if pipeline.claims_outdated():
        print(f"note: {OUTDATED_CLAIMS_NOTE}", file=sys.stderr)
    return 0


class ProgressBar:
    """A build's ``progress(done, total, label)`` drawn on one terminal line: bar, counts, rate.

    The build reports documents prepared, then chunks embedded; each stage gets its own line.
    """

    def __init__(self, out, width: int = 30, clock=time.monotonic) -> None:
        self.out, self.width, self.clock = out, width, clock
        self._stage: str | None = None
        self._start = self._last = 0.0

    def __call__(self, done: int, total: int, label: str) -> None:
        from index.build import STAGE_EMBED

        now = self.clock()
        stage = STAGE_EMBED if label == STAGE_EMBED else "prepare"
        if stage != self._stage:
            if self._stage is not None:
                self.out.write("\n")
                self._start = self._last  # the new stage began when the last one ended
            else:
                self._start = now
            self._stage = stage
        self._last = now
        unit = "chunks" if stage == STAGE_EMBED else "documents"
        rate = done / (now - self._start) if now > self._start else 0.0
        filled = int(self.width * done / max(total, 1))
        self.out.write(f"\r{label[:36]:<36} [{'#' * filled}{'.' * (self.width - filled)}] "
                       f"{done}/{total} {unit}, {rate:,.1f}/s ")
        self.out.flush()

    def close(self) -> None:
        """End the bar's line (after the build finished or failed)."""
        if self._stage is not None:
            self.out.write("\n")
            self.out.flush()
            self._stage = None


def cmd_index(args) -> int:
    from pathlib import Path

    from index.build import IndexLocked, build_index
    from index.embed import EmbedderUnavailable
    from index.store import StoreUnavailable

    settings = _settings(args)
    paths = [Path(p) for p in args.paths] or [settings.corpus_dir, settings.index_dir / "uploads"]
    missing = [str(p) for p in paths if not p.exists() and p != settings.index_dir / "uploads"]
    if missing:
        raise QAError(f"no such file or directory: {', '.join(missing)}")
    # A bar only for a person at a terminal; logs and pipes get the final line alone.
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() and not args.json else None
    try:
        report = build_index(settings.index_config(), [p for p in paths if p.exists()], progress=bar)
    except (IndexLocked, EmbedderUnavailable, StoreUnavailable) as exc:
        raise QAError(str(exc)) from exc
    finally:
        if bar is not None:
            bar.close()
    # What a first question needs (BM25, the ledger and its events) is built now, not at the
    # first `qa ask`; the build above already published the version it reads.
    from qa.pipeline import Pipeline
    Pipeline(settings).warm()
    for warning in report.skipped:
        print(f"warning: {warning}", file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.json:
        d = report.to_dict()
        for key in ("skipped", "notes", "seconds"):
            d.pop(key, None)
        print(json.dumps(d))
    else:
        print(f"added {report.added}, updated {report.updated}, removed {report.removed}, "
              f"unchanged {report.unchanged}; {report.chunks} chunks, {report.embedded} embedded "
              f"({report.seconds:.1f}s)")
    return 0


def cmd_sources(args) -> int:
    pipeline = _pipeline(args)
    docs = pipeline.documents()
    counts = pipeline.chunk_counts()
    rows = [{"doc_id": d.doc_id, "title": d.title, "publisher": d.publisher, "date": d.date, "url": d.url,
             "chunks": counts.get(d.doc_id, 0), "source": d.source} for d in sorted(docs.values(), key=lambda d: d.doc_id)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r['doc_id']}  {r['date'] or '----------'}  {r['publisher'] or '-':<32.32}  "
              f"{r['chunks']:>3} chunks  {r['title']}")
    return 0


def registered(name: str):
    """The ``qa`` command ``name`` another package of the project provides (entry point group
    ``qa.commands`` in pyproject.toml: ``serve`` is the web app's, ``eval`` the eval suite's).

    Raises:
        QAError: no installed package provides it (the project was not installed, or not
            since the command was added: run scripts/setup.sh).
    """
    from importlib.metadata import entry_points

    for point in entry_points(group="qa.commands", name=name):
        return point.load()
    raise QAError(f"the '{name}' command is not installed; install the project again (scripts/setup.sh)")


def cmd_serve(args) -> int:
    registered("serve")(_settings(args), host=args.host, port=args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa", description="Cited answers from a news corpus.")
    parser.add_argument("--index-dir", help="index directory (default: QA_INDEX_DIR or ./.qa-index)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ask", help="answer a question with citations")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print Answer.to_dict() as JSON")
    p.add_argument("--mode", choices=["auto", "extractive", "llm"], default=None)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("index", help="build or update the index")
    p.add_argument("paths", nargs="*", help="files or directories (default: the corpus and uploads)")
    p.add_argument("--json", action="store_true", help="print counts as JSON")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("sources", help="list indexed documents with their metadata")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sources)

    # listed for "qa --help"; main() hands "qa eval ..." to the eval suite before parsing
    sub.add_parser("eval", help="run the eval suite (same options as python -m eval)")

    p = sub.add_parser("serve", help="start the web chat (http://127.0.0.1:7860)")
    p.add_argument("--host", default=None, help="address to bind (default: GRADIO_SERVER_NAME or 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default: GRADIO_SERVER_PORT or 7860)")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``qa`` and ``python -m qa``; returns the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["eval"]:  # the eval suite parses its own options (and its own --help)
        try:
            eval_main = registered("eval")
        except QAError as exc:
            print(f"qa: error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        return eval_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except QAError as exc:
        print(f"qa: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("qa: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # pydantic ValidationError for bad QA_* settings, and the like
        name = type(exc).__name__
        if name == "ValidationError":
            print(f"qa: error: bad configuration: {' '.join(str(exc).split())}", file=sys.stderr)
            return EXIT_USAGE
        # Anything else is a bug; still one line for the user, the detail for a bug report.
        print(f"qa: unexpected error: {name}: {exc} (please report it)", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
