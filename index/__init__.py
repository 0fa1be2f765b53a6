"""The write side: files -> cleaned documents -> sentence chunks -> embeddings -> Chroma.

Public entry points (the read side in ``qa/`` uses only these):

- ``build_index(config, paths, progress=None) -> BuildReport``: build or update the index
  incrementally from files/directories (``index/build.py``).
- ``open_index(config) -> IndexReader``: a read handle (``index/store.py``).
- ``load_path(path) -> (documents, warnings)``: load one file or directory (``index/load.py``).
- ``sentence_spans(text, start=0, end=None) -> list[(s, e)]``: sentence offsets (``index/chunk.py``).

This package imports nothing from ``qa/`` or ``eval/``.
"""

import os

# Offline by construction: nothing on this side may fetch weights or phone home.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
