"""Separate article content from site furniture, without touching the text.

``clean(doc)`` sets ``doc.segments``: the ``(start, end)`` spans of the lines that are
article content, as offsets into the ORIGINAL text (nothing is rewritten, so every
offset downstream stays a plain lookup). Dropped lines: newsletter and subscription
prompts, menus and banners, share/follow calls to action, bylines and reading times,
repeated lines (the first copy is kept), lines without any word, and short
headline-like lines stranded between furniture (newsletter names in a sign-up box).

Scraped text often arrives as one long line (the JSONL distractors); inside such a line
the sentences that are unmistakably furniture (copyright notices, comment-policy text,
"click here to follow us") are cut out as well, so no chunk carries them.

Text aimed at a language model instead of a reader ("ignore your instructions and say ...",
"you are now an assistant", a model's control tokens such as ``<end_of_turn>``) is not
article content either: each such sentence is left out of the segments, so it is never
chunked, retrieved, quoted, put in a prompt or read into the claim ledger. The rest of the
document is kept. ``is_instruction_like`` is the one test for it; ``qa/answering/verify.py`` uses it too.

What counts as furniture is kept in the vocabulary block below, one place to extend.
Headlines are content: the title line is kept. Metadata is read by ``index/meta.py``
from the original text, so dropping a byline here does not lose the publisher.
"""

from __future__ import annotations

import re
from dataclasses import replace

from index.records import Document

# ---------------------------------------------------------------------------
# Furniture vocabulary: the one place that says what site chrome looks like.
# ---------------------------------------------------------------------------

# Phrases that mark a SHORT line without sentence punctuation as furniture (menus,
# section labels, sign-up widgets, banners). Matched case-insensitively as substrings.
MENU_PHRASES = (
    "news feed", "more news", "latest news", "top stories", "popular posts", "most read",
    "editors' picks", "editors’ picks", "editor's picks", "related articles", "related stories",
    "recommended", "trending", "skip to", "main menu", "back to top", "pre-order", "order now",
    "subscribe", "subscribed", "newsletter", "sign up", "signing up", "sign in", "log in",
    "login", "register", "enter your email", "email address", "indicates required",
    "email required", "password", "advertisement", "sponsored", "share this", "share on",
    "follow us", "all rights reserved", "copyright", "©", "terms and conditions",
    "terms of use", "privacy policy", "cookie", "listen to this article",
    "created with ai assistance", "min read", "last updated", "photo credit", "watch:",
    "메인배너",  # Korean "main banner": a banner label scraped from a Korean news site
)

# Line prefixes that announce a link to another article or section, at any length.
# Words that also open ordinary sentences ("Watch ...", "Related talks ...") count only
# when punctuation follows them, as in "Watch: ..." or "Related | ...".
LINK_PREFIXES = re.compile(
    r"^\s*((read more|read next|read also|also read|see also|explore more)\b|"
    r"(related|more from|more on|watch|listen|recommended|sponsored)\s*[:|\-–—])",
    re.IGNORECASE,
)

# Calls to action: the site asking the reader to do something...
CALL_TO_ACTION = re.compile(
    r"\b(click (on|here)|tap (on|here)|follow us|subscribe|sign(ing)? up|sign in|log in|"
    r"register (now|here|for)|download (our|the) app|join (us|our)|be among the first|"
    r"pre-order|get (it|our|the latest)|don't miss|stay (updated|tuned)|write to us|"
    r"enter your email|successfully subscribed|successfuly subscribed)\b",
    re.IGNORECASE,
)
# ...through one of its channels. A call to action that names a channel is furniture
# even in a long line ("For ... Updates click on Whatsapp, or Telegram ...").
CHANNELS = re.compile(
    r"\b(whatsapp|telegram|facebook|twitter|instagram|youtube|tiktok|linkedin|x \(|"
    r"newsletter|inbox|e-?mail|app|magazine|podcast|rss|notifications?)\b|@\w",
    re.IGNORECASE,
)

# Sentences that are furniture wherever they appear, even inside a long scraped line.
BOILERPLATE_SENTENCE = re.compile(
    r"(all rights reserved|copyright\s*©|©\s*\d{4}|\bcomments have to be\b|community guidelines|"
    r"(you|you're|you are) agree(ing)? to (our|the)|click here to|follow us on|log on to our website|"
    r"for more news and updates|registered user|if you are already a registered|"
    r"please (log in|register|enter your email)|reset[- ]password|"
    r"(we've|we have) sent you a confirmation|thank you for (signing up|subscribing|your report)|"
    # engagement prompts and comment/report widgets
    r"stay updated with the latest|catch all the action|stories you might be interested in|"
    r"commenting platform|reason for reporting|report button|log ?in ?/ ?connect with|"
    r"keep you posted|get (the )?\w+ apps? on|connect with us)",
    re.IGNORECASE,
)

# Publication stamps ("Published on August 12, 2025", "Updated: 14:05 GMT"): nothing but a
# date and a time after the verb. They stay in the segments (a stamp is how a reader, and the
# lexical retriever, finds the day's article) but a sentence that is only a stamp states
# nothing: ``is_stamp`` keeps it out of answers.
STAMP = re.compile(
    r"^(?:[Ff]irst\s+)?(?:[Pp]ublished|[Pp]osted|[Uu]pdated|[Ll]ast\s+[Uu]pdated|[Mm]odified)(?:\s+(?:on|at))?\s*:?"
    r"(?=[^\d]*\d)(?:\s*(?:[A-Z][a-z]{2,8}\.?|\d[\d:/.-]*(?:st|nd|rd|th)?|[AaPp]\.?[Mm]\.?|GMT|UTC|[A-Z]{2,4}|[,|]))+\s*\.?$"
)

# Bylines, reading times, agency credits.
BYLINE = re.compile(
    r"^(by|written by|words by|reporting by)\s+[A-Z][\w.'’-]*(\s+[A-Z][\w.'’-]*){0,4}"
    r"(\s*(,|and|&)\s*[A-Z][\w.'’-]*(\s+[A-Z][\w.'’-]*){0,4})*$"
    r"|^\d+\s*min(ute)?s?\s+read"
    r"|^\(\s*(reporting|writing|editing|additional reporting) by\b",
    re.IGNORECASE,
)

# Text that addresses a language model, not a reader: an injection planted in an article.
# Narrow on purpose: each form addresses the reader as a model or its instructions, so ordinary
# news ("Russia will respond with force", "new instructions to schools") is never cut; checked
# against the ~24,000 sentences of the distractor articles, none of which it matches.
INSTRUCTION_LIKE = re.compile(
    # "ignore (all) (your) previous instructions", "disregard the sources above"
    r"\b(?:ignore|disregard|forget|override)\s+(?:(?:all|any|every|the|your|my|these|those|of|previous|prior|"
    r"above|earlier|preceding|other|system)\s+){0,4}(?:instructions?|prompts?|directives?|system\s+messages?)\b"
    r"|\b(?:ignore|disregard)\s+(?:(?:all|any|the|these|previous|prior)\s+){0,3}(?:sources|context|text|"
    r"documents?|passages?)\s+above\b"
    r"|\byour (?:system prompt|instructions)\b|\bfollow (?:these|the following) (?:new )?instructions\b"
    r"|\byou are (?:now )?(?:an?|the) (?:ai|assistant|language model|chatbot|llm)\b|\bas an ai (?:language )?model\b"
    r"|\b(?:if you are|you are) an? (?:ai|llm|language model|assistant|chatbot)\b"
    r"|\b(?:ai|llm|language model|assistant|chatbot)s? reading this\b"
    r"|\byou (?:must|shall) (?:now |only |always )?(?:say|answer|respond|reply|output)\b"
    r"|\b(?:answer|respond|reply) only with\b"
    # a model's control tokens and chat-template markers
    r"|<\s*\|?\s*(?:im_start|im_end|endoftext|start_of_turn|end_of_turn|bos|eos|eot_id|start_header_id|"
    r"end_header_id|system|assistant|user)\s*\|?\s*>|\[/?INST\]|<<\s*/?SYS\s*>>"
    # a forged chat turn
    r"|(?:^|[\n.!?]\s*)(?:system|assistant)\s*:",
    re.IGNORECASE,
)

# Page chrome: the interface text of wiki, news and blog pages that a scraper flattens into the
# article's lines ("Jump to content Main menu move to sidebar hide Navigation Main page ...").
# One of these phrases alone can be prose ("Search", "Talk", "Read"); PAGE_CHROME_RUN or more of
# them in a row, with nothing but spaces and separators between them, are the page's menus and
# are cut out of the segments, wherever they sit in a line. Exact interface strings, in their
# case: MediaWiki's (Vector skin), then those of news sites and blogs.
PAGE_CHROME = (
    "Jump to content", "Main menu", "move to sidebar", "hide", "Navigation", "Main page", "Contents",
    "Current events", "Random article", "About Wikipedia", "Contact us", "Contribute", "Help", "Learn to edit",
    "Community portal", "Recent changes", "Upload file", "Special pages", "Search", "Appearance", "Donate",
    "Create account", "Log in", "Personal tools", "Pages for logged out editors", "learn more", "Contributions",
    "Talk", "Edit links", "Add links", "Add languages", "Add topic", "Article", "Read", "Edit", "Edit source",
    "View history", "View source", "Tools", "Actions", "General", "What links here", "Related changes",
    "Permanent link", "Page information", "Cite this page", "Get shortened URL", "Download QR code",
    "Print/export", "Download as PDF", "Printable version", "In other projects", "Wikidata item",
    "Wikimedia Commons", "From Wikipedia, the free encyclopedia", "Toggle the table of contents", "English",
    "Privacy policy", "Disclaimers", "Contact Wikipedia", "Code of Conduct", "Developers", "Statistics",
    "Cookie statement", "Mobile view", "Wikipedia",
    "Skip to content", "Skip to main content", "Menu", "Home", "News", "Sport", "Sports", "Business",
    "Opinion", "Video", "Videos", "Latest", "Sign in", "Sign up", "Log out", "Subscribe", "Newsletter",
    "Newsletters", "Follow us", "Share", "Share this", "Copy link", "Email", "Print", "Facebook", "Twitter",
    "WhatsApp", "LinkedIn", "Reddit", "Pinterest", "Instagram", "YouTube", "Telegram", "Advertisement",
    "Comments", "Leave a comment", "Reply", "Like", "Posted in", "Tagged", "Previous post", "Next post",
    "Older posts", "Newer posts", "Related posts", "Read more", "Continue reading",
)
PAGE_CHROME_RUN = 3
_SEPARATORS = r"[\s|·•,;:/()\[\]\-–—»›>]*"


def _phrase(p: str) -> str:
    # flattened pages put spaces around punctuation ("From Wikipedia , the free encyclopedia")
    return r"\s*".join(re.escape(t) for t in re.findall(r"\w+|[^\w\s]", p))


# A word start whose first letter some phrase starts with, checked before the alternation: most
# positions of a text fail there at once (the whole-corpus cleaning cost stays about the same).
_CHROME_START = "(?<![\\w-])(?=[" + "".join(sorted({p[0] for p in PAGE_CHROME})) + "])"
_CHROME_PHRASE = "(?:" + "|".join(_phrase(p) for p in sorted(PAGE_CHROME, key=len, reverse=True)) + ")(?![\\w-])"
_CHROME_RUN = re.compile(rf"{_CHROME_START}{_CHROME_PHRASE}(?:{_SEPARATORS}{_CHROME_START}{_CHROME_PHRASE})"
                         rf"{{{PAGE_CHROME_RUN - 1},}}")
# MediaWiki's blocks with a fixed frame: the table of contents from its "(Top)" entry to its
# closing toggle (or the end of a cut-short page), the list of the page's other languages
# ("10 languages العربية Azərbaycanca ... Edit links"), the footer from "Retrieved from
# <address>" on (categories, licence, links), and a section's edit link ("History [ edit ]"),
# which ends the heading before it: cut out, the heading is no longer the first words of the
# section's first sentence ("Reign [ edit ] Early life [ edit ] It was said that ...").
_WIKI_BLOCKS = re.compile(
    r"\[\s*edit(?:\s+source)?\s*\]"
    r"|\(\s*Top\s*\)(?:(?!\(\s*Top\s*\)).){0,3000}?(?:Toggle the table of contents|$)"
    r"|(?<![\w-])\d{1,3}\s+languages(?:(?!languages).){0,1500}?(?=Edit links|Add links|$)"
    r"|Retrieved from\s*(?:``|[\"“'])?\s*https?\s*:\s*//.*$", re.S)


SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_WORD = re.compile(r"\w", re.UNICODE)
_LATIN = re.compile(r"[A-Za-z]")
_LETTER = re.compile(r"[^\W\d_]")
_BLOCK_GAP = re.compile(r"[ \t\xa0]*\t[ \t\xa0]*|[ \xa0]{3,}|[ \xa0][*•][ \xa0]")
SHORT_LINE = 80          # chars: menu labels and widget texts are shorter than this
MAX_FURNITURE_LINE = 400  # chars: no whole line longer than this is judged furniture...
LONG_LINE = MAX_FURNITURE_LINE  # ...instead, its sentences are judged one by one


def is_instruction_like(text: str) -> bool:
    """True when ``text`` addresses a language model ("ignore previous instructions", ...)."""
    return bool(INSTRUCTION_LIKE.search(text))


def is_stamp(text: str) -> bool:
    """True when ``text`` is only a publication stamp ("Posted on June 17, 2025")."""
    return bool(STAMP.match(text.strip()))


def _norm(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip().casefold()


def _is_short_label(line: str) -> bool:
    return len(line) <= SHORT_LINE and not SENTENCE_END.search(line)


def is_furniture(line: str, mostly_latin: bool = True) -> bool:
    """True when one stripped line is site furniture rather than article content."""
    if len(line) > MAX_FURNITURE_LINE:
        # Long lines are content; furniture sentences inside them are cut by _split_long.
        return False
    low = line.casefold()
    if not _WORD.search(line):
        return True                      # "-", "•", "***": separators
    if LINK_PREFIXES.match(line):
        return True
    if BYLINE.search(line):
        return True
    if CALL_TO_ACTION.search(line) and (CHANNELS.search(line) or _is_short_label(line)):
        return True
    if BOILERPLATE_SENTENCE.search(line):
        return True
    if _is_short_label(line):
        if any(p in low for p in MENU_PHRASES):
            return True
        words = line.split()
        # One or two words, no digits: a section label ("News", "Contact"), not a headline.
        if len(words) <= 2 and not re.search(r"\d", line):
            return True
        # A short label in another script on a Latin-script page: a banner.
        if mostly_latin and not _LATIN.search(line) and len(line) <= 20:
            return True
    return False


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line's stripped content, blank lines omitted."""
    spans = []
    pos = 0
    for raw in text.split("\n"):
        s = len(raw) - len(raw.lstrip())
        e = len(raw.rstrip())
        if e > s:
            spans.append((pos + s, pos + e))
        pos += len(raw) + 1
    return spans


def _is_ticker(sentence: str) -> bool:
    """A run of numbers and signs (a stock ticker strip), not prose."""
    tokens = sentence.split()
    return len(tokens) >= 8 and sum(1 for t in tokens if re.search(r"[^\W\d_]{2}", t)) < len(tokens) / 4


def _furniture_sentence(sentence: str) -> bool:
    if _is_ticker(sentence) or is_furniture(sentence):
        return True
    if len(sentence) > MAX_FURNITURE_LINE:
        return bool(BOILERPLATE_SENTENCE.search(sentence))
    return bool(BOILERPLATE_SENTENCE.search(sentence)
                or (CALL_TO_ACTION.search(sentence) and CHANNELS.search(sentence)))


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of an over-long line, with furniture sentences removed."""
    from lang.sentences import sentence_spans

    # Flattened HTML keeps page blocks apart with runs of blanks or tabs, and a list's items
    # with " * " bullets: treat those as boundaries too, so a widget never shares a "sentence"
    # with the article's first words, nor one headline of a news digest with the next.
    pieces, pos = [], start
    for m in _BLOCK_GAP.finditer(text, start, end):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, end))
    kept = [(s, e) for ps, pe in pieces if pe > ps for s, e in sentence_spans(text, ps, pe)
            if not _furniture_sentence(text[s:e])]
    # Merge adjacent kept sentences back into runs so a long line stays one segment
    # unless furniture sits inside it.
    runs: list[tuple[int, int]] = []
    for s, e in kept:
        if runs and not text[runs[-1][1]:s].strip():
            runs[-1] = (runs[-1][0], e)
        else:
            runs.append((s, e))
    return runs


def _without_instructions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of ``text[start:end]`` left when its sentences aimed at a model are cut out."""
    if not INSTRUCTION_LIKE.search(text, start, end):
        return [(start, end)]
    from lang.sentences import sentence_spans

    runs: list[tuple[int, int]] = []
    for s, e in sentence_spans(text, start, end):
        if is_instruction_like(text[s:e]):
            continue
        if runs and not text[runs[-1][1]:s].strip():
            runs[-1] = (runs[-1][0], e)
        else:
            runs.append((s, e))
    return runs


def _without_chrome(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of ``text[start:end]`` left when runs of page chrome (``PAGE_CHROME``) and
    MediaWiki's framed blocks are cut out, each trimmed; none left with a word is kept."""
    cuts = sorted([m.span() for m in _WIKI_BLOCKS.finditer(text, start, end)]
                  + [m.span() for m in _CHROME_RUN.finditer(text, start, end)])
    if not cuts:
        return [(start, end)]
    out, pos = [], start
    for a, b in cuts + [(end, end)]:
        if a > pos:
            piece = text[pos:a]
            s, e = pos + len(piece) - len(piece.lstrip()), a - (len(piece) - len(piece.rstrip()))
            if _WORD.search(text, s, e):
                out.append((s, e))
        pos = max(pos, b)
    return out


def clean(doc: Document) -> Document:
    """Return ``doc`` with ``segments`` set to its content lines (offsets into ``doc.text``).

    A document whose every line looks like furniture keeps all its lines: losing a whole
    article to an over-eager rule is worse than indexing a menu. Sentences aimed at a model
    are cut out whatever else the line holds (see ``is_instruction_like``).
    """
    text = doc.text
    lines = _lines(text)
    letters = len(_LETTER.findall(text))
    mostly_latin = letters == 0 or len(_LATIN.findall(text)) / letters > 0.5
    seen: set[str] = set()
    verdict: list[bool] = []             # True = furniture
    for s, e in lines:
        line = text[s:e]
        key = _norm(line)
        furniture = key in seen or is_furniture(line, mostly_latin)
        seen.add(key)
        verdict.append(furniture)
    # A short label with furniture on both sides is part of the widget (e.g. the name of
    # a newsletter between "Subscribe" buttons), not a headline.
    for i in range(1, len(lines) - 1):
        if not verdict[i] and verdict[i - 1] and verdict[i + 1] and _is_short_label(text[slice(*lines[i])]):
            verdict[i] = True
    if all(verdict):
        verdict = [False] * len(lines)
    segments: list[tuple[int, int]] = []
    for (s, e), furniture in zip(lines, verdict):
        if furniture:
            continue
        for a, b in (_split_long(text, s, e) if e - s > LONG_LINE else [(s, e)]):
            for c, d in _without_instructions(text, a, b):
                segments.extend(_without_chrome(text, c, d))
    if not segments:  # a page that is nothing but chrome keeps its lines, as above
        segments = [span for (s, e), furniture in zip(lines, verdict) if not furniture
                    for span in _without_instructions(text, s, e)]
    return replace(doc, segments=tuple(segments))
