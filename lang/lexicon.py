"""The word lists of ``lang/data/``, each read once per process.

Word lists are data, not code: one TOML file per group (``vocab``: measures, units, qualifiers,
number words; ``stopwords``: the words each reader ignores), with a comment on what each list
is for. The modules of ``lang`` turn them into the sets and tables they read with.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

__all__ = ["DATA_DIR", "table", "alternation"]

DATA_DIR = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=None)
def table(name: str) -> Mapping[str, Any]:
    """The parsed ``lang/data/{name}.toml``, read-only at its top level (FileNotFoundError for
    an unknown name: a missing word list is a broken install, not something to run without)."""
    with (DATA_DIR / f"{name}.toml").open("rb") as f:
        return MappingProxyType(tomllib.load(f))


def alternation(words) -> str:
    """A regex alternation (no groups) of ``words``, longest first so that a phrase beats a
    word it begins with; a space in a phrase matches any run of spaces."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=lambda w: (-len(w), w)))
