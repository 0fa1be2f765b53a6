"""What a chat message may be, and follow-ups made self-contained before retrieval.

``check_question`` and ``check_history`` are the one gate for user input from every edge (the
``answer()`` API, the CLI, the app's handlers): they refuse what cannot be answered (empty,
over-long, not text, invalid Unicode, a history of the wrong shape) with a ``BadQuestion`` that
says what is wrong, and tidy what can (control characters, runs of whitespace, compatibility
forms). Nothing past them sees raw input.

No model is needed for follow-ups. A question that leans on the conversation (a pronoun with nothing to point
to, an opening "and"/"what about", or too few content words of its own) gets the subject of the
previous user turn: pronouns that stand for a person are replaced by the last named person, and
the previous question's content words are appended (in brackets) so retrieval finds the
same topic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from lang.names import name_runs
from lang.questions import ASKING_WORDS, FOLLOW_UP
from lang.references import PERSON_REFERENCE, THING_REFERENCE
from lang.text import STOPWORDS, words
from qa.errors import BadQuestion

# Invisible characters that only get in the way: C0/C1 controls (NUL, escape sequences, ...),
# zero-width spaces and byte-order marks, and the bidirectional embedding/override/isolate
# controls that can make a question display differently from what it says. Joiners (ZWJ, ZWNJ)
# are kept: Persian, Indic scripts and emoji need them.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
ROLES = ("user", "assistant")
# Follow-ups use the last turns only; a longer history is an API misuse, not a conversation.
MAX_HISTORY_MESSAGES = 200
MAX_MESSAGE_CHARS = 20_000



def clean_text(text: str, what: str = "the question") -> str:
    """``text`` with invisible characters removed, whitespace runs made one space, NFKC-normalised.

    Raises:
        BadQuestion: ``text`` holds an unpaired surrogate (invalid Unicode, e.g. half an emoji
            cut by a client), which no later stage could encode.
    """
    bad = _SURROGATE.search(text)
    if bad:
        raise BadQuestion(f"{what} contains invalid Unicode (an unpaired surrogate at character "
                          f"{bad.start() + 1}); paste it again as plain text")
    # NFKC folds compatibility forms (full-width digits, ligatures) into what the index holds.
    return " ".join(unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).split())


def check_question(question: object, max_chars: int) -> str:
    """The question tidied for answering, or ``BadQuestion`` saying why it cannot be.

    The length is checked first, on the text as sent, so a pasted megabyte is refused before
    any work is done on it.

    Args:
        question: what the user sent; anything but a ``str`` is refused.
        max_chars: the longest question accepted (``QA_MAX_QUESTION_CHARS``).

    Raises:
        BadQuestion: not text, empty or only whitespace/invisible characters, longer than
            ``max_chars``, or invalid Unicode.
    """
    if not isinstance(question, str):
        raise BadQuestion(f"the question must be text, not {type(question).__name__}")
    stripped = question.strip()
    if len(stripped) > max_chars:
        raise BadQuestion(f"the question is {len(stripped):,} characters long; the limit is "
                          f"{max_chars:,} (QA_MAX_QUESTION_CHARS)")
    cleaned = clean_text(stripped)
    if not cleaned:
        raise BadQuestion("the question is empty; type a question about the articles")
    return cleaned


def check_history(history: object) -> list[dict]:
    """The chat history as ``[{"role", "content"}, ...]`` with tidied text, or ``BadQuestion``.

    Args:
        history: None, or a list of messages, each a mapping with ``role`` ("user" or
            "assistant") and ``content`` (text); other keys are ignored.

    Raises:
        BadQuestion: naming the first message that is not of that shape, or a history or
            message over the limits (``MAX_HISTORY_MESSAGES``, ``MAX_MESSAGE_CHARS``).
    """
    if history is None:
        return []
    if isinstance(history, (str, bytes, Mapping)) or not isinstance(history, Sequence):
        raise BadQuestion(f"history must be a list of {{role, content}} messages, not {type(history).__name__}")
    if len(history) > MAX_HISTORY_MESSAGES:
        raise BadQuestion(f"history has {len(history):,} messages; the limit is {MAX_HISTORY_MESSAGES}")
    out = []
    for i, message in enumerate(history):
        where = f"history[{i}]"
        if not isinstance(message, Mapping):
            raise BadQuestion(f"{where} must be a {{role, content}} message, not {type(message).__name__}")
        role, content = message.get("role"), message.get("content")
        if role not in ROLES:
            raise BadQuestion(f"{where} has role {str(role)[:40]!r}; use one of {', '.join(ROLES)}")
        if content is None:
            raise BadQuestion(f"{where} has no content")
        if not isinstance(content, str):
            raise BadQuestion(f"{where} content must be text, not {type(content).__name__}")
        if len(content) > MAX_MESSAGE_CHARS:
            raise BadQuestion(f"{where} is {len(content):,} characters long; the limit is {MAX_MESSAGE_CHARS:,}")
        out.append({"role": role, "content": clean_text(content, what=where)})
    return out


def _user_turns(history: Sequence[dict] | None) -> list[str]:
    return [str(m.get("content", "")) for m in (history or []) if m.get("role") == "user" and m.get("content")]


def _last_person(history: Sequence[dict]) -> str | None:
    """Who a "he"/"she" of the next question most likely means: the first name of the latest
    answer (its subject), else the last name of the latest user question that has one."""
    for message in reversed(history):
        names = name_runs(str(message.get("content", "")))
        if names:
            return names[0] if message.get("role") == "assistant" else names[-1]
    return None


def needs_context(question: str) -> bool:
    """Whether ``question`` reads as a follow-up that cannot stand alone."""
    content = [w for w in words(question) if w.lower() not in STOPWORDS]
    return bool(FOLLOW_UP.search(question) or PERSON_REFERENCE.search(question)
                or THING_REFERENCE.search(question) or len(content) < 3)


def condense(question: str, history: Sequence[dict] | None) -> str:
    """The question made self-contained using the previous turns; unchanged without history.

    Args:
        question: the latest user message.
        history: earlier messages ``{"role": "user"|"assistant", "content": str}``, oldest first.

    Returns:
        A question retrieval can use on its own.

    Raises:
        BadQuestion: ``history`` is not a list of ``{role, content}`` messages (``check_history``).
    """
    history = check_history(history)
    turns = _user_turns(history)
    if not turns or not needs_context(question):
        return question
    previous = turns[-1]
    standalone = question.strip()
    person = _last_person(history or [])
    if person and PERSON_REFERENCE.search(standalone) and person not in standalone:
        # "where did he meet Shoigu?" -> "where did Kim Jong Un meet Shoigu?"
        standalone = PERSON_REFERENCE.sub(lambda m: person + ("'s" if m.group(0).lower() in ("his", "hers") else ""),
                                         standalone, count=1)
    standalone = FOLLOW_UP.sub("", standalone).strip() or standalone
    # The previous question's content words, not its wording: its "how many"/"when" must not
    # change what this question asks for.
    context = " ".join(w for w in words(previous) if w.lower() not in STOPWORDS and w.lower() not in ASKING_WORDS)
    # The previous answer's names are what "they"/"he" most often point to ("Ri Chang-dae").
    answers = [m for m in (history or []) if m.get("role") == "assistant"]
    if answers and (THING_REFERENCE.search(question) or PERSON_REFERENCE.search(question)):
        names = name_runs(str(answers[-1].get("content", "")))
        context = " ".join(dict.fromkeys([*names, context])).strip()
    return f"{standalone} ({context})" if context else standalone
