"""Load article files into ``Document`` records: plain text, Markdown, HTML and JSONL.

``load_path`` walks a file or directory (recursively, in sorted order, so builds are
deterministic) and never stops on one bad file: each file it cannot use becomes a
one-line warning naming the file. ``load_file`` is the strict single-file variant the
upload path uses; it raises ``LoadError`` with a message a user can act on.

Loading only decodes and extracts text. Cleaning (``index/clean.py``) and metadata
(``index/meta.py``) run afterwards; this module fills ``title``/``publisher``/``date``/``url``
only where the file states them structurally (JSONL fields, HTML ``<title>``/``<meta>``).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from index.records import Document

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")

# HTML elements whose text is never article content (scripts, chrome, forms).
_HTML_DROP = ("script", "style", "noscript", "template", "svg", "canvas", "iframe", "nav",
              "header", "footer", "aside", "form", "button", "select", "input", "textarea",
              "menu", "dialog")
# HTML elements that start a new line of visible text.
_HTML_BLOCKS = ("p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6",
                "li", "ul", "ol", "dl", "dt", "dd", "tr", "td", "th", "table", "blockquote",
                "pre", "figure", "figcaption", "br", "hr", "title", "address", "time")
_JSONL_META = ("title", "url", "date", "publisher")


class LoadError(ValueError):
    """A file cannot be loaded (type, size, encoding, binary content, emptiness)."""


def text_hash(text: str, extra: dict | None = None) -> str:
    """sha256 of ``text`` plus any ``extra`` fields (sorted JSON), hex."""
    h = hashlib.sha256(text.encode("utf-8"))
    if extra:
        h.update(b"\0" + json.dumps(extra, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()


def load_file(path: Path, max_bytes: int | None = None,
              warnings: list[str] | None = None) -> list[Document]:
    """Load one supported file strictly.

    Args:
        path: a ``.txt``/``.md``/``.html``/``.htm``/``.jsonl`` file.
        max_bytes: refuse files larger than this many bytes (None: no limit).
        warnings: if given, receives one-line warnings for skipped JSONL lines.

    Returns:
        The documents in the file (one, or one per valid JSONL line), uncleaned.

    Raises:
        LoadError: unsupported type, too large, binary, undecodable, empty, or a JSONL
            file without a single valid line.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"{path.name}: unsupported file type {suffix or '(none)'!r}; "
                        f"use one of {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise LoadError(f"{path.name}: cannot be read ({e.strerror or e})") from e
    if max_bytes is not None and len(data) > max_bytes:
        raise LoadError(f"{path.name}: {len(data):,} bytes is larger than the limit of {max_bytes:,} bytes")
    if b"\0" in data:
        raise LoadError(f"{path.name}: looks like a binary file (NUL bytes); expected UTF-8 text")
    text = _decode(data, path.name)
    if not text.strip():
        raise LoadError(f"{path.name}: the file is empty")
    if suffix == ".jsonl":
        docs = _jsonl_documents(text, path, warnings if warnings is not None else [])
        if not docs:
            raise LoadError(f"{path.name}: no valid JSONL line (each line needs a non-empty \"text\")")
        return docs
    meta: dict[str, str] = {}
    if suffix in (".html", ".htm"):
        text, meta = html_visible_text(text)
        if not text.strip():
            raise LoadError(f"{path.name}: the HTML page has no visible text")
    text = _normalise_newlines(text)
    return [Document(doc_id=path.stem, text=text, source=str(path),
                     content_hash=text_hash(text, meta or None), **meta)]


def load_path(path: Path) -> tuple[list[Document], list[str]]:
    """Load one file or every supported file under a directory.

    Args:
        path: a file, or a directory searched recursively (sorted, hidden entries skipped).

    Returns:
        ``(documents, warnings)``: documents in a deterministic order; one-line warnings
        for files or lines that were skipped and for duplicate doc_ids (the first wins).
        A missing path gives no documents and one warning.
    """
    path = Path(path)
    warnings: list[str] = []
    if path.is_dir():
        files = sorted(p for p in path.rglob("*")
                       if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                       and not any(part.startswith(".") for part in p.relative_to(path).parts))
    elif path.is_file():
        files = [path]
    else:
        return [], [f"{path}: no such file or directory"]
    docs: list[Document] = []
    seen: dict[str, str] = {}
    for f in files:
        try:
            loaded = load_file(f, warnings=warnings)
        except LoadError as e:
            warnings.append(f"skipped {e}")
            continue
        add_unique(docs, seen, loaded, warnings)
    return docs, warnings


def add_unique(docs: list[Document], seen: dict[str, str], loaded: list[Document], warnings: list[str]) -> None:
    """Append ``loaded`` to ``docs`` unless a doc_id was already seen (first wins, with a warning)."""
    for d in loaded:
        if d.doc_id in seen:
            warnings.append(f"skipped {d.source}: duplicate doc_id {d.doc_id!r} (already loaded from {seen[d.doc_id]})")
            continue
        seen[d.doc_id] = d.source
        docs.append(d)


def _decode(data: bytes, name: str) -> str:
    # Strict UTF-8 first; a byte-order mark is legal but must not end up in the text.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise LoadError(f"{name}: not valid UTF-8 (byte {e.start}); save the file as UTF-8") from e
    if text.startswith("\ufeff"):
        text = data.decode("utf-8-sig")
    return text


def _normalise_newlines(text: str) -> str:
    # Offsets are into this string; \r\n would make "lines" ambiguous.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _jsonl_documents(text: str, path: Path, warnings: list[str]) -> list[Document]:
    docs = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            warnings.append(f"skipped {path.name}:{n}: invalid JSON ({e.msg})")
            continue
        body = row.get("text") if isinstance(row, dict) else None
        if not isinstance(body, str) or not body.strip():
            warnings.append(f"skipped {path.name}:{n}: no non-empty \"text\" field")
            continue
        body = _normalise_newlines(body)
        doc_id = str(row.get("id") or f"{path.stem}-{n}")
        meta = {k: str(row[k]).strip() for k in _JSONL_META if row.get(k)}
        docs.append(Document(doc_id=doc_id, text=body, source=f"{path}:{n}",
                             content_hash=text_hash(body, meta or None), **meta))
    return docs


def html_visible_text(html: str) -> tuple[str, dict[str, str]]:
    """The visible text of an HTML page, one block element a line, and its stated metadata.

    Returns:
        ``(text, meta)``; ``meta`` may hold ``title``, ``publisher``, ``date`` (as written
        in ``<meta>``; normalised later by ``index/meta.py``) and ``url``.
    """
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(html, "html.parser")
    meta: dict[str, str] = {}
    for key, names in (("title", ("og:title",)),
                       ("publisher", ("og:site_name", "publisher", "article:publisher")),
                       ("date", ("article:published_time", "date", "pubdate", "publish-date")),
                       ("url", ("og:url",))):
        for name in names:
            tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
            if tag and tag.get("content", "").strip():
                meta[key] = tag["content"].strip()
                break
    if "title" not in meta and soup.title and soup.title.get_text(strip=True):
        meta["title"] = soup.title.get_text(" ", strip=True)
    for tag in soup(_HTML_DROP + ("head",)):
        tag.decompose()
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for tag in soup.find_all(_HTML_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (re.sub(r"\s+", " ", line).strip() for line in soup.get_text().split("\n"))
    return "\n".join(line for line in lines if line), meta
