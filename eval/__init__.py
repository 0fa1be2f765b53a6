"""The eval suite: how far to trust the answers on a corpus, and a gate that keeps changes honest.

- ``eval/questions.jsonl``: the questions with gold answers, values, documents and quotes
  (format in ``eval/README.md``).
- ``eval/questions.py``: loads and validates the questions file, selects subsets.
- ``eval/metrics.py``: deterministic metrics (normalised matching, citations, retrieval,
  abstention, latency); no LLM judge.
- ``eval/baselines.py``: the project's answerer and the baselines it is compared with.
- ``eval/run.py``: ``python -m eval`` / ``qa eval``; writes ``eval/out/report.{json,md}``.
- ``eval/report.py``: console tables, the markdown report and the per-category chart.
- ``eval/gate.py`` and ``eval/thresholds.json``: the CI gate.

Nothing in the project imports this package; it imports ``qa`` and measures it.
"""
