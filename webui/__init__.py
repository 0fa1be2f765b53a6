"""The web chat's parts, apart from the page itself (``app.py``).

- ``handlers``: ``ChatHandlers``, the event handlers over one pipeline (plain methods);
- ``render``: answers, sources and documents as HTML (plain string transforms);
- ``static/``: the page's style (``chat.css``) and the click handler of ``[n]`` markers
  (``chat.js``), read once by ``static_text``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"


@lru_cache(maxsize=None)
def static_text(name: str) -> str:
    """The text of ``webui/static/<name>``."""
    return (STATIC_DIR / name).read_text(encoding="utf-8")
