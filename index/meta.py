"""Article metadata: title, publisher and publication date, read from what the text states.

``extract(doc)`` fills the fields a cleaned document does not have yet (JSONL fields and
HTML ``<meta>`` tags already set by the loader win). Nothing is guessed: a field the
text does not state stays "". Dates are ISO ``YYYY-MM-DD``.

Date evidence, strongest first:
1. an explicit "Posted on / Published (on) / Date:" line,
2. a line that is only a date ("June 4, 2025"),
3. a full date in the first content sentences that are not photo captions
   ("arrived ... on Wednesday, June 4, 2025"),
4. a month and day after a reporting verb in the first sentences ("Yonhap reported on March
   21") when the same opening lines state a year ("the strike began on March 3" dates an event,
   not the report).

A photo caption's date is never taken: it dates the picture, which may be older than the
article (article 002 of the bundled corpus reports the June visit under a March photo).

``load_overrides(dir)`` reads ``<dir>/metadata.json`` (``{doc_id: {title, publisher,
date, url}}``) and ``apply_metadata`` lets those overrides win; the overrides are part of
the document's content hash, so editing the sidecar re-indexes that document.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

from index.clean import is_furniture
from index.load import text_hash
from index.records import Document
from lang.cues import CAPTION_LINE_WORDS
from lang.lexicon import alternation
from lang.vocab import ATTRIBUTION_VERBS, MONTH_PATTERN, MONTHS, WIRE_AGENCIES

SIDECAR = "metadata.json"
FIELDS = ("title", "publisher", "date", "url")

_MONTH_RE = rf"(?P<month>{MONTH_PATTERN})\.?"  # month names and abbreviations: lang/vocab.py
_DAY_RE = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR_RE = r"(?P<year>(?:19|20)\d\d)"
# "June 4, 2025", "Nov. 10th, 2025", "4 June 2025", "2025-06-04"
DATE_PATTERNS = (
    re.compile(rf"\b{_MONTH_RE}\s+{_DAY_RE},?\s+{_YEAR_RE}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY_RE}\s+{_MONTH_RE},?\s+{_YEAR_RE}\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)(?!\d)"),
)
MONTH_DAY = re.compile(rf"\b(?:on|since|from)\s+(?:\w+day,?\s+)?{_MONTH_RE}\s+{_DAY_RE}\b(?!,?\s*(?:19|20)\d\d)",
                       re.IGNORECASE)
# "Yonhap reported on March 21" dates the report; "the strike began on March 3" dates an event
# the report may be years after, so a month and day without a year counts only after a
# reporting verb.
_REPORTED = re.compile(rf"\b(?:{alternation(ATTRIBUTION_VERBS)})\s+$", re.I)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
EXPLICIT_DATE = re.compile(r"^\s*(posted|published|publish date|first published|date|dated)\b(\s+on)?\s*:?\s*",
                           re.IGNORECASE)
# "Published on August 17, 2025" inside a long scraped line.
EXPLICIT_INLINE = re.compile(r"\b(?:posted|published|publish date)\b(?:\s+on)?\s*:?\s*", re.IGNORECASE)
# A photo caption: a photo credit or "In this photo" wording (the words: lang/data/cues.toml
# [captions]; the wire credits' punctuation, "(AP Photo/", "Reuters/", here).
CAPTION = re.compile(rf"\b({alternation(CAPTION_LINE_WORDS)}|/ ?ap\)|reuters/|\(ap photo)\b", re.IGNORECASE)

# Publisher evidence, strongest first; each pattern's group 1 is the name.
_NAME = r"([A-Z][\w&.'’-]*(?:[ \t]+(?:&|of|and|the|[A-Z][\w&.'’-]*)){0,5})"  # 1-6 capitalised words
PUBLISHER_PATTERNS = (
    re.compile(rf"^\s*(?i:published by)\s+{_NAME}"),
    re.compile(rf"(?:(?i:copyright)\s*)?©\s*(?:\d{{4}}(?:\s*[-–]\s*\d{{4}})?\s*[,-]?\s*)?{_NAME}"),
    re.compile(rf"\b(?i:for)\s+{_NAME}\s+(?i:updates)\b"),
    re.compile(rf"\b(The\s+{_NAME[1:-1]})['’]s (?:first-ever |new |weekly |daily )?(?:magazine|newsletter|podcast|app)\b"),
    re.compile(rf"\b(?i:first appeared on)\s+{_NAME}"),
)
# Wire-agency dateline: "SEOUL (Reuters) -" names the agency that wrote the story.
DATELINE = re.compile(rf"^[A-Z][A-Z .,'-]{{1,40}}\(({alternation(WIRE_AGENCIES)})\)\s*[-–—]")  # lang/data/vocab.toml


def _iso(year: int, month: int, day: int) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


_MONTH_NUMBERS = {name.lower(): n for name, n in MONTHS.items()}


def _month_number(m: str) -> int:
    if m.isdigit():
        return int(m)
    return _MONTH_NUMBERS[m.lower().rstrip(".")]


def find_date(text: str) -> str:
    """The first full date stated in ``text`` as ISO ``YYYY-MM-DD``, or ""."""
    best = None
    for pat in DATE_PATTERNS:
        m = pat.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    if best is None:
        return ""
    return _iso(int(best["year"]), _month_number(best["month"]), int(best["day"]))


def normalise_date(value: str) -> str:
    """An ISO date from a stated date string (``2025-06-04T10:00Z``, ``June 4, 2025``), or ""."""
    return find_date(value.strip()) if value else ""


def _content_lines(doc: Document) -> list[str]:
    if doc.segments:
        return [doc.text[s:e] for s, e in doc.segments]
    return [ln.strip() for ln in doc.text.split("\n") if ln.strip()]


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    return (3 <= len(words) <= 30 and len(line) <= 200
            and not re.search(r"[.!?…][\"'”’]?\s+\S", line)  # no sentence break inside
            and not line.rstrip().endswith(".")
            and not EXPLICIT_DATE.match(line) and not find_date(line) == line.strip()
            and not CAPTION.search(line))


def extract_title(doc: Document) -> str:
    """The first content line that reads like a headline, or ""."""
    for line in _content_lines(doc)[:6]:
        if _looks_like_headline(line):
            return line.strip()
    return ""


def extract_publisher(doc: Document) -> str:
    """The publication the text names (byline, copyright, self-promotion, agency dateline), or ""."""
    lines = [ln.strip() for ln in doc.text.split("\n") if ln.strip()]
    for pat in PUBLISHER_PATTERNS:
        for line in lines:
            # Self-descriptions live in furniture; in article content, "The X's magazine"
            # may well be another outlet.
            m = pat.search(line)
            if m and (pat is not PUBLISHER_PATTERNS[3] or is_furniture(line)):
                # Stop at a sentence break or the rights notice: "BBC. The BBC is ...".
                name = re.split(r"\.\s|\s+(?i:all rights)", m.group(1))[0]
                name = re.sub(r"[®™©]", "", name).strip(" .,-")
                if len(name) >= 3:
                    return name
    for line in lines[:15]:
        m = DATELINE.match(line)
        if m:
            return m.group(1)
    if doc.url:
        host = urlparse(doc.url).netloc.lower()
        return host[4:] if host.startswith("www.") else host
    return ""


def extract_date(doc: Document) -> str:
    """The publication date the text states, ISO ``YYYY-MM-DD``, or "" (see module docs)."""
    all_lines = [ln.strip() for ln in doc.text.split("\n") if ln.strip()]
    for line in all_lines:
        if EXPLICIT_DATE.match(line) and not re.match(r"^\s*(last )?updated", line, re.I):
            d = find_date(line)
            if d:
                return d
    for m in EXPLICIT_INLINE.finditer(doc.text):
        tail = doc.text[m.end():m.end() + 40]
        for pat in DATE_PATTERNS:
            dm = pat.match(tail)
            if dm:
                d = _iso(int(dm["year"]), _month_number(dm["month"]), int(dm["day"]))
                if d:
                    return d
    for line in all_lines:
        d = find_date(line)
        if d and len(line) <= 40 and re.fullmatch(r"[\w ,.\-–/:]+", line) and len(line.split()) <= 6 \
                and not re.search(r"updated|read", line, re.I):
            return d
    opening = _content_lines(doc)[:8]
    for line in opening:
        if CAPTION.search(line):
            continue
        first_sentences = " ".join(re.split(r"(?<=[.!?])\s+", line)[:2])
        d = find_date(first_sentences)
        if d:
            return d
    for line in opening:
        if CAPTION.search(line):
            continue
        m = next((m for m in MONTH_DAY.finditer(line) if _REPORTED.search(line[:m.start()])), None)
        if m:
            years = YEAR.findall(" ".join(opening))
            if years:
                return _iso(int(years[0]), _month_number(m["month"]), int(m["day"]))
    return ""


def extract(doc: Document) -> Document:
    """Fill empty title/publisher/date from the text; normalise a stated date to ISO."""
    return replace(
        doc,
        title=doc.title or extract_title(doc),
        publisher=doc.publisher or extract_publisher(doc),
        date=normalise_date(doc.date) or extract_date(doc),
    )


def load_overrides(directory: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Read ``<directory>/metadata.json``; returns ``(overrides, warnings)``.

    The file maps doc_id to an object with any of ``title``, ``publisher``, ``date``
    (``YYYY-MM-DD``) and ``url``. A missing file is no overrides; a broken one is a warning.
    """
    path = Path(directory) / SIDECAR
    if not path.is_file():
        return {}, []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("top level must be an object mapping doc_id to fields")
    except (OSError, ValueError) as e:
        return {}, [f"ignored {path}: {e}"]
    out: dict[str, dict[str, str]] = {}
    warnings = []
    for doc_id, fields in raw.items():
        if doc_id.startswith("_"):
            continue  # "_comment" and the like
        if not isinstance(fields, dict):
            warnings.append(f"ignored {path} entry {doc_id!r}: expected an object")
            continue
        out[doc_id] = {k: str(v) for k, v in fields.items() if k in FIELDS and v is not None}
        unknown = set(fields) - set(FIELDS)
        if unknown:
            warnings.append(f"ignored {path} entry {doc_id!r} fields {sorted(unknown)}; use {FIELDS}")
    return out, warnings


def apply_metadata(doc: Document, overrides: dict[str, str] | None = None) -> Document:
    """Extract metadata, let ``overrides`` win, and fold everything into the content hash.

    The hash covers the text, the final metadata and the kept segments, so a change to
    the sidecar or to the cleaning rules re-embeds exactly the documents it affects.
    """
    doc = extract(doc)
    if overrides:
        doc = replace(doc, **{k: (normalise_date(v) or v if k == "date" else v) for k, v in overrides.items()})
    extra = {k: getattr(doc, k) for k in FIELDS}
    extra["segments"] = [list(s) for s in doc.segments]
    return replace(doc, content_hash=text_hash(doc.text, extra))
