"""News language as pure code plus data: words, numbers, times, word lists.

Imported by ``index/`` (reading claims at build time) and ``qa/`` (reading questions and
sentences at query time); it imports neither. Whatever it reads a text with is here once:
the vocabularies of measures, units and qualifiers (``lang.vocab``), figures and number words
(``lang.numbers``), time expressions (``lang.timex``), tokens, stems, stopwords and the loose
word match (``lang.text``), names (``lang.names``), back-references (``lang.references``),
question words and follow-up openings (``lang.questions``), sentences (``lang.sentences``).

Stored claims, the ledger and the BM25 cache are reused only while ``fingerprint()`` matches:
an edited word list or rule rebuilds everything read with it.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

__all__ = ["LANG_DIR", "fingerprint"]

LANG_DIR = Path(__file__).resolve().parent
# Files of the package that shape a reading: its code and its word lists.
_SUFFIXES = (".py", ".json", ".toml", ".txt")


def fingerprint(root: Path = LANG_DIR) -> str:
    """Hash of every code and data file under ``root`` (the ``lang`` package), path and bytes.

    The package's own hash is computed once per process (its files do not change under a
    running process); another ``root`` (a test's copy of the tree) is hashed at each call.
    """
    if root == LANG_DIR:
        return _package_fingerprint()
    return _hash_tree(root)


@lru_cache(maxsize=1)
def _package_fingerprint() -> str:
    return _hash_tree(LANG_DIR)


def _hash_tree(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in _SUFFIXES
                       and "__pycache__" not in p.parts):
        h.update(f"\0{path.relative_to(root).as_posix()}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]
