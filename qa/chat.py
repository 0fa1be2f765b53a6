"""Follow-up questions: make a question self-contained from the chat history before retrieval.

No model is needed. A question that leans on the conversation (a pronoun with nothing to point
to, an opening "and"/"what about", or too few content words of its own) gets the subject of the
previous user turn: pronouns that stand for a person are replaced by the last named person, and
the previous question's content words are appended (in brackets) so retrieval finds the
same topic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.text import STOPWORDS, words

_PERSON_PRONOUN = re.compile(r"\b(he|him|his|she|her|hers)\b", re.I)
_THING_PRONOUN = re.compile(r"\b(it|its|they|them|their|that|this|those|these|there)\b", re.I)
_CONTINUATION = re.compile(r"^\s*(and|but|also|so|then|what about|how about|and what|what else)\b", re.I)
_NAME = re.compile(r"\b([A-Z][a-z]+(?:[- ][A-Z][a-z]+|-[a-z]+)+)\b")  # "Ri Chang-dae" too
# Capitalised words that start a name-shaped run but are titles, places or question words:
# "Security Council Secretary Sergei Shoigu" is the name "Sergei Shoigu".
_NOT_NAMES = frozenset({"How", "What", "When", "Where", "Who", "Why", "Which", "And", "The", "Did", "Does",
                        "Is", "Was", "Were", "Are", "In", "On", "At", "North", "South", "Russian", "Russia",
                        "Security", "Council", "Secretary", "President", "Minister", "Defence", "Defense",
                        "Foreign", "Deputy", "State", "Prime", "Chancellor", "General", "Leader", "Supreme",
                        "Korean", "Korea", "Ukrainian", "American", "Chinese", "Indonesian", "Lawmaker"})


_ASKING = frozenset({"how", "many", "much", "what", "when", "where", "who", "whom", "whose", "which", "why"})


def _user_turns(history: Sequence[dict] | None) -> list[str]:
    return [str(m.get("content", "")) for m in (history or []) if m.get("role") == "user" and m.get("content")]


def _names(text: str) -> list[str]:
    """Multi-word capitalised names in ``text``, leading titles removed, in order."""
    out = []
    for run in _NAME.findall(text):
        words_ = run.replace("-", " - ").split()
        while words_ and (words_[0] in _NOT_NAMES or words_[0] == "-"):
            words_.pop(0)
        name = " ".join(words_).replace(" - ", "-")
        if len(name.split()) >= 2 or "-" in name:
            out.append(name)
    return out


def _last_person(history: Sequence[dict]) -> str | None:
    """Who a "he"/"she" of the next question most likely means: the first name of the latest
    answer (its subject), else the last name of the latest user question that has one."""
    for message in reversed(history):
        names = _names(str(message.get("content", "")))
        if names:
            return names[0] if message.get("role") == "assistant" else names[-1]
    return None


def needs_context(question: str) -> bool:
    """Whether ``question`` reads as a follow-up that cannot stand alone."""
    content = [w for w in words(question) if w.lower() not in STOPWORDS]
    return bool(_CONTINUATION.search(question) or _PERSON_PRONOUN.search(question)
                or _THING_PRONOUN.search(question) or len(content) < 3)


def condense(question: str, history: Sequence[dict] | None) -> str:
    """The question made self-contained using the previous turns; unchanged without history.

    Args:
        question: the latest user message.
        history: earlier messages ``{"role": "user"|"assistant", "content": str}``, oldest first.

    Returns:
        A question retrieval can use on its own.
    """
    turns = _user_turns(history)
    if not turns or not needs_context(question):
        return question
    previous = turns[-1]
    standalone = question.strip()
    person = _last_person(history or [])
    if person and _PERSON_PRONOUN.search(standalone) and person not in standalone:
        # "where did he meet Shoigu?" -> "where did Kim Jong Un meet Shoigu?"
        standalone = _PERSON_PRONOUN.sub(lambda m: person + ("'s" if m.group(0).lower() in ("his", "hers") else ""),
                                         standalone, count=1)
    standalone = _CONTINUATION.sub("", standalone).strip() or standalone
    # The previous question's content words, not its wording: its "how many"/"when" must not
    # change what this question asks for.
    context = " ".join(w for w in words(previous) if w.lower() not in STOPWORDS and w.lower() not in _ASKING)
    # The previous answer's names are what "they"/"he" most often point to ("Ri Chang-dae").
    answers = [m for m in (history or []) if m.get("role") == "assistant"]
    if answers and (_THING_PRONOUN.search(question) or _PERSON_PRONOUN.search(question)):
        names = _names(str(answers[-1].get("content", "")))
        context = " ".join(dict.fromkeys([*names, context])).strip()
    return f"{standalone} ({context})" if context else standalone
