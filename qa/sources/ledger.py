"""The read side's ledger of one index version, built once and saved beside the index.

A question about figures, dates or events needs, over the whole corpus: each document's claims
(the build stored them), the events the documents report (``qa.sources.events.events_of_documents``),
each document's reference date for relative times, and each event's mentions in other articles
(``qa.sources.events.mention_index``). Finding the events reads every document's sentences again, which
costs seconds per thousand articles; so the ledger is built once per index version (at index
time by ``Pipeline.warm``, else at the first question) and saved as JSON in the index's cache
directory, keyed by the version and a fingerprint of the code that reads it. Another process
opening the same version loads it instead of reading the corpus again; an edited rule, word
list or module of that code changes the key and the ledger is built again.

JSON, not pickle: the cache is data another process may have written, and reading it must
never run code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from collections import ChainMap
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from index import docstore
from index.claims import Claim, extract_claims
from index.records import Document, record_fields, record_to_row
from qa.sources.events import Event, Mention, events_of_documents, mention_index

_PREFIX = "ledger-"


@dataclass(frozen=True)
class Ledger:
    """Claims, events, reference dates and event mentions of one index version.

    Attributes:
        version: the index version it was read from.
        claims: each document's claims: the build's (read from the store per document, when
            asked), over ``reread``.
        reread: the claims of undated articles that report an event, read again counting
            from that event's date (so their "last month" resolves).
        events: the events the documents report, in date order.
        references: each document's reference date (its own, else its event's), ISO.
        mentions: each event's mentions in the articles that do not report it.
    """

    version: str
    claims: Mapping[str, list[Claim]]
    reread: Mapping[str, Sequence[Claim]]
    events: list[Event]
    references: dict[str, str]
    mentions: dict[Event, list[Mention]]


def fingerprint() -> str:
    """Hash of the code a ledger depends on: the claim reader's modules and the event finder's.

    Hashing the files (word lists included, they are module data) means any edit rebuilds it.
    """
    import qa.sources.events

    h = hashlib.sha256(docstore.claims_fingerprint().encode())
    for path in (qa.sources.events.__file__, __file__):
        h.update(Path(path).read_bytes())
    return h.hexdigest()[:16]


def build(version: str, documents: Mapping[str, Document], stored: Mapping[str, list[Claim]] | None) -> Ledger:
    """Read the ledger of ``documents``: ``stored`` claims (the build's; None to read them all
    now), then the events, reference dates and mentions. Only undated articles that report an
    event are read again, counting from that event's date."""
    base = stored if stored is not None else {d: extract_claims(doc) for d, doc in documents.items()}
    events = events_of_documents(documents, base)
    references = {doc_id: doc.date for doc_id, doc in documents.items() if doc.date}
    reread: dict[str, list[Claim]] = {}
    for event in events:  # an undated article counts from the event it reports ...
        for doc_id in event.doc_ids:
            if doc_id not in references:
                references[doc_id] = event.date
                # ... so its "last month" resolves too
                reread[doc_id] = extract_claims(dataclasses.replace(documents[doc_id], date=event.date))
    claims = ChainMap(reread, base)
    return Ledger(version, claims, reread, events, references, mention_index(documents, claims, events))


def _path(cache_dir: Path, version: str) -> Path:
    key = hashlib.sha256(f"{version}\0{fingerprint()}".encode()).hexdigest()[:24]
    return Path(cache_dir) / f"{_PREFIX}{key}.json"


def save(ledger: Ledger, cache_dir: Path) -> None:
    """Write ``ledger`` to ``cache_dir`` atomically, removing other versions' ledgers.

    Of the claims, only the articles read again are written (the store holds the others). A
    failure to write costs only the next process's start.
    """
    names = record_fields(Claim, docstore.CLAIM_SKIP)
    index = {e: i for i, e in enumerate(ledger.events)}
    record = {
        "version": ledger.version,
        "claim_fields": names,
        "reread": {d: [record_to_row(c, docstore.CLAIM_SKIP) for c in cs] for d, cs in ledger.reread.items()},
        "events": [[e.date, list(e.doc_ids), e.label, e.kind, e.ordinal, list(e.inferred), sorted(e.names)]
                   for e in ledger.events],
        "references": ledger.references,
        "mentions": [[index[e], [[m.doc_id, m.start, m.end] for m in ms]] for e, ms in ledger.mentions.items() if ms],
    }
    target = _path(cache_dir, ledger.version)
    try:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".ledger-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.replace(tmp, target)
        for old in Path(cache_dir).glob(f"{_PREFIX}*.json"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def load(version: str, documents: Mapping[str, Document], stored: Mapping[str, list[Claim]],
         cache_dir: Path) -> Ledger:
    """The saved ledger of ``version`` (read by this code), with ``stored`` claims under it.

    Raises:
        OSError, ValueError, KeyError, TypeError, IndexError: not saved, saved by other code or
            for another version, or unreadable.
    """
    record = json.loads(_path(cache_dir, version).read_text(encoding="utf-8"))
    if record["version"] != version:
        raise ValueError("saved for another index version")
    names = record["claim_fields"]
    # records made on first use, as the store's claims are: a question reads a few documents,
    # and making all 36k claims of 2,291 re-read articles cost each first open at 174,551
    # chunks about 0.4 s (measured 3.09-3.74 s -> 2.90-3.00 s, 2026-12-05)
    reread = {doc_id: docstore.StoredClaims(documents[doc_id], names, rows)
              for doc_id, rows in record["reread"].items()}
    events = [Event(date=d, doc_ids=tuple(ids), label=label, kind=kind, ordinal=ordinal, inferred=tuple(inferred),
                    names=frozenset(ns)) for d, ids, label, kind, ordinal, inferred, ns in record["events"]]
    mentions: dict[Event, list[Mention]] = {e: [] for e in events}
    for i, ms in record["mentions"]:
        mentions[events[i]] = [Mention(d, s, e) for d, s, e in ms]
    return Ledger(version, ChainMap(reread, stored), reread, events, dict(record["references"]), mentions)


def cached(version: str, documents: Mapping[str, Document], stored: Mapping[str, list[Claim]] | None,
           cache_dir: Path | None) -> Ledger:
    """``load`` the ledger of ``version`` from ``cache_dir`` when it is there, else ``build`` and
    ``save`` it. Without stored claims (the build's claim code differs) nothing is saved: the
    next build stores claims of this code."""
    if cache_dir is not None and stored is not None:
        try:
            return load(version, documents, stored, cache_dir)
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            pass  # absent, other code or version, or damaged: build it again
    ledger = build(version, documents, stored)
    if cache_dir is not None and stored is not None:
        save(ledger, cache_dir)
    return ledger
