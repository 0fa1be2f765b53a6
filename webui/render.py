"""Pure HTML renderers for the web chat: an ``Answer`` becomes a chat bubble and a sources panel.

Nothing here imports gradio or touches the index; the handlers call these with records they
already have, so every function is a plain string-in, string-out transform that tests can
check directly. Every piece of source text is HTML-escaped before it is wrapped in markup.

Anchors: marker ``[n]`` of answer ``turn`` links to ``#qa-src-{turn}-{n}``, the citation
card of that answer in the sources panel; a small script (``static/chat.js``) switches the panel
to that answer, scrolls to the card and lights it up.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from index.records import Document
from qa.records import Answer, Citation, Passage, Value

# "[3]" or "[1, 2]" in answer text; the numbers are 1-based citation indices.
_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")

MODE_LABELS = {
    "extractive": "Extractive: quoted from the sources",
    "llm": "Local model, citations checked",
    "extractive-fallback": "Extractive fallback: the model's answer failed the check",
}

# Relations worth a reader's attention; "same" values are not a disagreement.
_RELATION_LABELS = {
    "same": "same figure",
    "different-measure": "measures something else",
    "part-of-total": "part of a total",
    "different-event": "another event",
    "contradiction": "contradicts",
}


# The block's title when every value relates to the others the same way.
_DIFFER_TITLES = {
    "contradiction": "Sources differ: they contradict each other",
    "different-measure": "Sources differ: they count different things",
    "part-of-total": "Sources differ: each gives part of a total",
    "different-event": "Sources differ: they describe different events",
}


def display_title(title: str, publisher: str, doc_id: str) -> str:
    """The article's title, or a readable stand-in when the source gives none."""
    if title:
        return title
    return f"Untitled article ({publisher})" if publisher else f"Untitled article ({doc_id})"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def cite_anchor(turn: int, n: int) -> str:
    """The element id of citation ``n`` (1-based) of answer ``turn`` in the sources panel."""
    return f"qa-src-{turn}-{n}"


def _marker_link(turn: int, n: int) -> str:
    return f'<a class="qa-cite" href="#{cite_anchor(turn, n)}" title="Show source {n}">[{n}]</a>'


def link_markers(text: str, turn: int, n_citations: int) -> str:
    """Escape ``text`` and turn each valid ``[n]`` marker into a link to its source card.

    Markers that point past ``n_citations`` stay plain text: a link to nothing would
    suggest support that is not there.
    """
    out: list[str] = []
    pos = 0
    for m in _MARKER.finditer(text):
        out.append(_esc(text[pos : m.start()]))
        numbers = [int(x) for x in m.group(1).split(",")]
        if all(1 <= n <= n_citations for n in numbers):
            out.append("".join(_marker_link(turn, n) for n in numbers))
        else:
            out.append(_esc(m.group(0)))
        pos = m.end()
    out.append(_esc(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def _differs(values: Sequence[Value]) -> bool:
    """True when the values are worth a "Sources differ" block (two or more, not all the same)."""
    if len(values) < 2:
        return False
    distinct = {(v.normalized, v.unit, v.measure, v.when) for v in values}
    return len(distinct) > 1 or any(v.relation not in ("", "same") for v in values)


def render_values(values: Sequence[Value], turn: int, n_citations: int) -> str:
    """A compact "Sources differ" block: each value, its [n] links, and its relation note."""
    if not _differs(values):
        return ""
    relations = {v.relation for v in values} - {"", "same"}
    title = _DIFFER_TITLES.get(next(iter(relations)), "Sources differ") if len(relations) == 1 else "Sources differ"
    rows = []
    for v in values:
        cites = "".join(_marker_link(turn, n) for n in v.citations if 1 <= n <= n_citations)
        what = " ".join(_esc(x) for x in (v.unit, v.measure) if x)
        when = f' <span class="qa-when">({_esc(v.when)})</span>' if v.when else ""
        # a relation the title already states for every value is not repeated on each row
        relation = _RELATION_LABELS.get(v.relation, v.relation) if len(relations) > 1 else ""
        rel = f' <span class="qa-rel qa-rel-{_esc(v.relation)}">{_esc(relation)}</span>' if relation else ""
        note = f'<div class="qa-value-note">{_esc(v.note)}</div>' if v.note else ""
        rows.append(
            f'<li><b class="qa-value">{_esc(v.text)}</b> {what}{when} {cites}{rel}{note}</li>'
        )
    return (
        f'<div class="qa-differ"><div class="qa-differ-title">{_esc(title)}</div>'
        f'<ul>{"".join(rows)}</ul></div>'
    )


def mode_label(mode: str) -> str:
    """A reader's name for the answering mode recorded in ``Answer.mode``."""
    return MODE_LABELS.get(mode, mode)


def _closest_list(passages: Sequence[Passage], limit: int = 3) -> str:
    items = []
    for p in passages[:limit]:
        snippet = p.text if len(p.text) <= 160 else p.text[:157].rsplit(" ", 1)[0] + "…"
        title = display_title(p.title, p.publisher, p.doc_id)
        items.append(f'<li><span class="qa-title">{_esc(title)}</span>: {_esc(snippet)}</li>')
    return f'<div class="qa-closest">Closest passages:<ul>{"".join(items)}</ul></div>' if items else ""


def render_answer(answer: Answer, turn: int, show_note: bool = True) -> str:
    """The chat bubble for ``answer``: linked text, differing values, and a mode footer.

    An abstention gets its own look (``qa-abstain``) and lists the closest passages; the
    sources panel shows them in full. ``show_note=False`` moves ``answer.note`` into the
    mode badge's tooltip (the chat does so when the note repeats the previous answer's).
    """
    n = len(answer.citations)
    tip = f' title="{_esc(answer.note)}"' if answer.note else ""
    footer_bits = [f'<span class="qa-mode qa-mode-{_esc(answer.mode)}"{tip}>{_esc(mode_label(answer.mode))}</span>']
    if answer.note and show_note:
        footer_bits.append(f'<span class="qa-note">{_esc(answer.note)}</span>')
    footer = f'<div class="qa-footer">{" · ".join(footer_bits)}</div>'
    if not answer.answered:
        return (
            '<div class="qa-answer qa-abstain"><div class="qa-abstain-title">Not in the sources</div>'
            f'<div class="qa-text">{link_markers(answer.text, turn, n)}</div>'
            f"{_closest_list(answer.passages)}{footer}</div>"
        )
    return (
        f'<div class="qa-answer"><div class="qa-text">{link_markers(answer.text, turn, n)}</div>'
        f"{render_values(answer.values, turn, n)}{footer}</div>"
    )


def _meta_line(publisher: str, date: str, url: str) -> str:
    bits = [f'<span class="qa-publisher">{_esc(publisher)}</span>' if publisher else "",
            f'<span class="qa-date">{_esc(date)}</span>' if date else ""]
    line = " · ".join(b for b in bits if b)
    if url.startswith(("http://", "https://")):
        link = f'<a href="{_esc(url)}" target="_blank" rel="noopener noreferrer">original</a>'
        line = f"{line} · {link}" if line else link
    return line


def _highlight(text: str, offset: int, start: int, end: int) -> str:
    """Escape ``text`` (which begins at ``offset`` in its document) and mark ``[start, end)``."""
    s = min(max(start - offset, 0), len(text))
    e = min(max(end - offset, s), len(text))
    if s == e:
        return _esc(text)
    return f"{_esc(text[:s])}<mark>{_esc(text[s:e])}</mark>{_esc(text[e:])}"


def _segments(doc: Document) -> tuple[tuple[int, int], ...]:
    # An uncleaned document has no segments; treat its lines as paragraphs then.
    if doc.segments:
        return doc.segments
    spans, pos = [], 0
    for line in doc.text.split("\n"):
        if line.strip():
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return tuple(spans)


def paragraph_html(doc: Document, start: int, end: int, context: int = 1) -> str:
    """The paragraph(s) holding ``doc.text[start:end]``, the span marked, with ``context``
    neighbouring paragraphs on each side shown dimmed."""
    segs = _segments(doc)
    hit = [i for i, (s, e) in enumerate(segs) if s < end and e > start]
    if not hit:  # the span lies outside the kept content: show it on its own
        return f'<p class="qa-para">{_highlight(doc.text[start:end], start, start, end)}</p>'
    lo, hi = max(hit[0] - context, 0), min(hit[-1] + context, len(segs) - 1)
    parts = []
    for i in range(lo, hi + 1):
        s, e = segs[i]
        cls = "qa-para" if i in hit else "qa-para qa-context"
        parts.append(f'<p class="{cls}">{_highlight(doc.text[s:e], s, start, end)}</p>')
    return "".join(parts)


def article_html(doc: Document, start: int | None = None, end: int | None = None) -> str:
    """The whole cleaned article, one kept segment a paragraph, with an optional span marked."""
    s0, e0 = (start, end) if start is not None and end is not None else (0, 0)
    paras = "".join(
        f'<p>{_highlight(doc.text[s:e], s, s0, e0)}</p>' for s, e in _segments(doc)
    )
    return f'<div class="qa-article">{paras}</div>'


def _card(anchor: str, badge: str, title: str, meta: str, body: str, article: str) -> str:
    details = (
        f'<details class="qa-open"><summary>Open the whole article</summary>{article}</details>'
        if article
        else ""
    )
    return (
        f'<div class="qa-card" id="{anchor}"><div class="qa-card-head"><span class="qa-badge">{badge}</span>'
        f'<span class="qa-title">{_esc(title)}</span></div>'
        f'<div class="qa-meta">{meta}</div><div class="qa-quote">{body}</div>{details}</div>'
    )


def citation_card(c: Citation, n: int, turn: int, doc: Document | None) -> str:
    """One citation: its quote marked inside its paragraph, the article's metadata, the article."""
    if doc is not None and doc.text[c.start : c.end] == c.quote:
        body, article = paragraph_html(doc, c.start, c.end), article_html(doc, c.start, c.end)
    else:  # no document to show it in: the quote alone is still the verified evidence
        body, article = f'<p class="qa-para"><mark>{_esc(c.quote)}</mark></p>', ""
    title = c.title or (doc.title if doc else "") or display_title("", c.publisher, c.doc_id)
    return _card(cite_anchor(turn, n), f"[{n}]", title, _meta_line(c.publisher, c.date, c.url), body, article)


def passage_card(p: Passage, i: int, turn: int, doc: Document | None) -> str:
    """One of the closest passages shown for an abstention (nothing is marked as support)."""
    article = article_html(doc) if doc is not None else ""
    body = f'<p class="qa-para">{_esc(p.text)}</p>'
    title = p.title or (doc.title if doc else "") or display_title("", p.publisher, p.doc_id)
    return _card(f"qa-psg-{turn}-{i}", f"#{i}", title, _meta_line(p.publisher, p.date, p.url), body, article)


def render_turn(answer: Answer, turn: int, docs: Mapping[str, Document], active: bool) -> str:
    """The sources of one answer: its citation cards, or for an abstention the closest passages."""
    if answer.answered and answer.citations:
        heading = "Sources"
        cards = [citation_card(c, i, turn, docs.get(c.doc_id)) for i, c in enumerate(answer.citations, 1)]
    elif answer.passages:
        heading = "Closest passages (none answers the question)"
        cards = [passage_card(p, i, turn, docs.get(p.doc_id)) for i, p in enumerate(answer.passages, 1)]
    else:
        heading, cards = "Sources", ['<div class="qa-empty">No passage came close to this question.</div>']
    hidden = "" if active else " hidden"
    return (
        f'<section class="qa-turn" id="qa-turn-{turn}" data-turn="{turn}"{hidden}>'
        f'<div class="qa-turn-head">{_esc(heading)} for <q>{_esc(answer.question)}</q></div>'
        f'{"".join(cards)}</section>'
    )


def render_sources(answers: Sequence[Answer], docs: Mapping[str, Document]) -> str:
    """The sources panel: one section per answer, the latest shown; the others wait for a click."""
    if not answers:
        return (
            '<div class="qa-sources qa-sources-empty">Ask a question: each <b>[n]</b> in the answer '
            "opens its source here, with the quoted sentence highlighted in its paragraph.</div>"
        )
    last = len(answers) - 1
    sections = "".join(render_turn(a, t, docs, t == last) for t, a in enumerate(answers))
    return f'<div class="qa-sources">{sections}</div>'


def document_rows(docs: Mapping[str, Document], chunk_counts: Mapping[str, int]) -> list[list]:
    """Rows for the documents table: title, publisher, date, chunks, id (sorted by date, then id)."""
    ordered = sorted(docs.values(), key=lambda d: (d.date or "9999", d.doc_id))
    return [[display_title(d.title, d.publisher, d.doc_id), d.publisher, d.date,
             int(chunk_counts.get(d.doc_id, 0)), d.doc_id] for d in ordered]


def document_html(doc: Document, chunks: int) -> str:
    """A document's metadata and its whole cleaned text, for the documents tab."""
    meta = _meta_line(doc.publisher, doc.date, doc.url)
    return (
        f'<div class="qa-doc"><div class="qa-title">{_esc(display_title(doc.title, doc.publisher, doc.doc_id))}</div>'
        f'<div class="qa-meta">{meta} · {chunks} chunks · <code>{_esc(doc.doc_id)}</code></div>'
        f"{article_html(doc)}</div>"
    )
