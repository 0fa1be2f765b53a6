"""Load article files into ``Document`` records: plain text, Markdown, HTML and JSONL.

``load_path`` walks a file or directory (recursively, in sorted order, so builds are
deterministic) and never stops on one bad file: each file it cannot use becomes a
one-line warning naming the file. ``load_file`` is the strict single-file variant the
upload path uses; it raises ``LoadError`` with a message a user can act on.

Hostile or broken input is expected: a file over the size limit is refused from its size
alone (it is never read), binary and undecodable files are refused, UTF-16/32 files with a
byte-order mark are decoded, control characters and invalid Unicode inside the text are
replaced (one warning per file), a JSONL line that is not an article is skipped with a
warning naming the line, and a document whose text repeats one already loaded is skipped.

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
# Corpus files larger than this are skipped (QA_MAX_FILE_MB): a news article is a few tens of
# kB, a JSONL feed a few MB; a multi-GB file is a mistake that must not exhaust memory.
DEFAULT_MAX_FILE_BYTES = 20_000_000
# Byte-order marks of the encodings other than UTF-8 that a text editor writes ("Unicode" in
# Notepad is UTF-16 LE); checked longest first, since UTF-32 LE starts like UTF-16 LE.
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# Characters no article means: C0 controls but tab and newline, DEL, the bidirectional
# overrides and isolates (they can make a quoted figure display reversed: "Trojan source"),
# and unpaired surrogates (a JSON "\\ud800" escape). Each becomes one space or U+FFFD.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
MAX_DOC_ID_CHARS = 200

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
    name = shown_name(path)
    warnings = warnings if warnings is not None else []
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"{name}: unsupported file type {suffix or '(none)'!r}; "
                        f"use one of {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        # The size comes first, from the file system: a gigantic file is never read.
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise LoadError(f"{name}: {size:,} bytes is larger than the limit of {max_bytes:,} bytes")
        with path.open("rb") as f:
            data = f.read() if max_bytes is None else f.read(max_bytes + 1)
    except OSError as e:
        raise LoadError(f"{name}: cannot be read ({e.strerror or e})") from e
    if max_bytes is not None and len(data) > max_bytes:  # it grew while we looked
        raise LoadError(f"{name}: larger than the limit of {max_bytes:,} bytes")
    text = _decode(data, name)
    if not text.strip():
        raise LoadError(f"{name}: the file is empty")
    if suffix == ".jsonl":
        docs = _jsonl_documents(text, path, warnings)
        if not docs:
            raise LoadError(f"{name}: no valid JSONL line (each line needs a non-empty \"text\")")
        return docs
    meta: dict[str, str] = {}
    if suffix in (".html", ".htm"):
        text, meta = html_visible_text(text)
        if not text.strip():
            raise LoadError(f"{name}: the HTML page has no visible text")
    text = _scrub(_normalise_newlines(text), name, warnings)
    if not text.strip():
        raise LoadError(f"{name}: the file has no text, only control characters")
    return [Document(doc_id=path.stem, text=text, source=str(path),
                     content_hash=text_hash(text, meta or None), **meta)]


def is_hidden(name: str) -> bool:
    """Whether ``load_path`` skips ``name`` (a file or folder) when it walks a directory: a
    dot-name such as ``.DS_Store``, ``.git`` or an editor's ``.draft.txt``."""
    return name.startswith(".")


def upload_problem(path: Path, max_bytes: int) -> str | None:
    """Why one uploaded file cannot be added to the index, or None when it can be read.

    The one check of an upload (the chat's handler and ``Pipeline.add_files`` both use it),
    made before anything is copied or read; the text itself is checked when it is loaded.
    """
    name = path.name
    # Checked first: ".txt" alone has no suffix at all. The build walks uploads/ and skips
    # dot-names, so such a file would be copied, reported as added and never indexed.
    if is_hidden(name):
        return f"{name}: a name starting with '.' is not indexed; rename the file"
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return (f"{name}: {path.suffix or 'no extension'} files are not accepted "
                f"(use {', '.join(SUPPORTED_SUFFIXES)})")
    if not path.is_file():
        return f"{name}: not a file"
    size = path.stat().st_size
    if size > max_bytes:
        return f"{name}: {size:,} bytes is over the {max_bytes:,}-byte upload limit (QA_MAX_UPLOAD_MB)"
    if size == 0:
        return f"{name}: the file is empty"
    return None


def load_path(path: Path, max_bytes: int | None = DEFAULT_MAX_FILE_BYTES) -> tuple[list[Document], list[str]]:
    """Load one file or every supported file under a directory.

    Args:
        path: a file, or a directory searched recursively (sorted, hidden entries skipped).
        max_bytes: files larger than this are skipped with a warning naming the limit
            (None: no limit).

    Returns:
        ``(documents, warnings)``: documents in a deterministic order; one-line warnings
        for files or lines that were skipped or cleaned, for duplicate doc_ids and for
        duplicate texts (the first wins). A missing path gives no documents and one warning.
    """
    path = Path(path)
    warnings: list[str] = []
    if path.is_dir():
        files = sorted(p for p in path.rglob("*")
                       if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                       and not any(is_hidden(part) for part in p.relative_to(path).parts))
    elif path.is_file():
        files = [path]
    else:
        return [], [f"{path}: no such file or directory"]
    docs: list[Document] = []
    seen: dict[str, str] = {}
    for f in files:
        try:
            loaded = load_file(f, max_bytes=max_bytes, warnings=warnings)
        except LoadError as e:
            warnings.append(f"skipped {e}")
            continue
        add_unique(docs, seen, loaded, warnings)
    return docs, warnings


def add_unique(docs: list[Document], seen: dict[str, str], loaded: list[Document], warnings: list[str]) -> None:
    """Append ``loaded`` to ``docs`` unless its doc_id or its text was already seen.

    The first wins, with a warning: two copies of one article would be cited twice and
    counted as two sources agreeing. ``seen`` maps doc_ids, and (under a NUL-prefixed key,
    which no doc_id has) text hashes, to the source that brought them.
    """
    for d in loaded:
        if d.doc_id in seen:
            warnings.append(f"skipped {shown(d.source)}: duplicate doc_id {d.doc_id!r} "
                            f"(already loaded from {shown(seen[d.doc_id])})")
            continue
        same_text = "\0" + hashlib.sha256(d.text.encode("utf-8")).hexdigest()
        if same_text in seen:
            warnings.append(f"skipped {shown(d.source)}: the same text as {shown(seen[same_text])}")
            continue
        seen[d.doc_id] = seen[same_text] = d.source
        docs.append(d)


def shown(text: str) -> str:
    """``text`` (a path, an id) safe for a one-line warning: control characters become "?"."""
    return _CONTROL.sub("?", re.sub(r"[\n\r\t\u2028\u2029\x85]", "?", text))


def shown_name(path: Path) -> str:
    """A file's name as warnings show it (see ``shown``)."""
    return shown(path.name)


def _decode(data: bytes, name: str) -> str:
    # A byte-order mark says which encoding; without one, strict UTF-8. The mark itself is
    # legal but must not end up in the text.
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError as e:
                raise LoadError(f"{name}: starts like {encoding.upper()} but is not valid {encoding.upper()} "
                                f"(byte {e.start}); save the file as UTF-8") from e
    if b"\0" in data:
        raise LoadError(f"{name}: looks like a binary file (NUL bytes); expected UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise LoadError(f"{name}: not valid UTF-8 (byte {e.start}); save the file as UTF-8") from e
    return text.removeprefix("\ufeff")


def _normalise_newlines(text: str) -> str:
    # Offsets are into this string; \r\n, a lone \r or a Unicode line separator would make
    # "lines" ambiguous (str.splitlines and text.split("\n") would disagree).
    return _LINE_BREAKS.sub("\n", text)


def _scrub(text: str, where: str, warnings: list[str]) -> str:
    """``text`` with control characters made spaces and unpaired surrogates U+FFFD.

    One warning when anything was replaced, and only when something readable is left (the
    caller refuses the rest, with its own warning).
    """
    n = len(_CONTROL.findall(text)) + len(_SURROGATE.findall(text))
    if not n:
        return text
    text = _SURROGATE.sub("\ufffd", _CONTROL.sub(" ", text))
    if text.strip():
        warnings.append(f"cleaned {where}: {n:,} control or invalid character{'s' if n > 1 else ''} replaced")
    return text


def _jsonl_documents(text: str, path: Path, warnings: list[str]) -> list[Document]:
    docs = []
    # Lines are split on "\n" only: JSON strings may hold a raw U+2028, which splitlines() breaks.
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{shown_name(path)}:{n}"
        try:
            row = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as e:
            warnings.append(f"skipped {where}: invalid JSON ({getattr(e, 'msg', 'nested too deeply')})")
            continue
        body = row.get("text") if isinstance(row, dict) else None
        if not isinstance(body, str) or not body.strip():
            warnings.append(f"skipped {where}: no non-empty \"text\" field")
            continue
        raw_id = row.get("id")
        if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, (str, int))
                                   or len(str(raw_id)) > MAX_DOC_ID_CHARS or shown(str(raw_id)) != str(raw_id)):
            warnings.append(f"skipped {where}: \"id\" must be a short single-line text or number")
            continue
        body = _scrub(_normalise_newlines(body), where, warnings)
        if not body.strip():
            warnings.append(f"skipped {where}: the \"text\" field has only control characters")
            continue
        doc_id = str(raw_id) if raw_id not in (None, "") else f"{path.stem}-{n}"
        meta = {k: " ".join(_SURROGATE.sub("\ufffd", _CONTROL.sub(" ", str(row[k]))).split())
                for k in _JSONL_META if isinstance(row.get(k), (str, int, float)) and str(row[k]).strip()}
        docs.append(Document(doc_id=doc_id, text=body, source=f"{path}:{n}",
                             content_hash=text_hash(body, meta or None), **meta))
    return docs


def html_visible_text(html: str) -> tuple[str, dict[str, str]]:
    """The visible text of an HTML page, one block element a line, and its stated metadata.

    Returns:
        ``(text, meta)``; ``meta`` may hold ``title``, ``publisher``, ``date`` (as written
        in ``<meta>``; normalised later by ``index/meta.py``) and ``url``.
    """
    from bs4 import BeautifulSoup, CData, Comment, Declaration, Doctype, ProcessingInstruction

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
    # Comments, and what an HTML page shows no more than a comment (a CDATA section, a
    # processing instruction, a declaration), are never text.
    hidden = (Comment, CData, Declaration, Doctype, ProcessingInstruction)
    for c in soup.find_all(string=lambda s: isinstance(s, hidden)):
        c.extract()
    for tag in soup.find_all(_HTML_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (re.sub(r"\s+", " ", line).strip() for line in soup.get_text().split("\n"))
    return "\n".join(line for line in lines if line), meta
