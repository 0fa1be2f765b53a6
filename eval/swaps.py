"""Entity-swap unanswerable questions, the way SQuAD 2.0's crowdworkers wrote many of theirs.

SQuAD 2.0 (Rajpurkar, Jia, Liang 2018) asked people to write, beside a paragraph, questions
that look answerable from it and are not; the most common kind swaps one entity of an
answerable question for another ("What year did the *Vikings* conquer England?" beside a
paragraph on the Normans). SQuADShifts has no such questions, so they are made here from its
answerable ones: a proper name (or a year) of the question that its paragraph states is
replaced by another name (or year) of the same article that the paragraph never mentions.
The paragraph stays in the corpus, so the product must see that the sentence which fits every
other word of the question is about something else, and decline.

Used by ``scripts/train_reader.py --swaps`` (the *train* split: negatives for the reader) and
by ``python -m eval --benchmark squad FILE --swaps`` (any split: a measure of declining).
Deterministic for a given seed; the replacement is drawn from a sorted list.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable

from eval import squad

# Capitalised words in a row, "of"/"de" allowed between them: a proper name as text writes it.
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:of\s+|de\s+)?[A-Z][a-z]+)*\b")
_YEAR = re.compile(r"\b(?:1[5-9]\d\d|20[0-2]\d)\b")
# Capitalised only because a sentence or question starts with them: never a name to swap.
_NOT_NAMES = frozenset("""
    A An And According After Also As At Before But By Did Do Does During For From He Her His How
    However If In Is It Its Of On She That The Their There These They This Those To Was Were What
    When Where Which While Who Whom Whose Why With
""".split())


def names(text: str) -> set[str]:
    """The proper names ``text`` writes inside a sentence (a capitalised run that follows a
    lower-case word or a comma; a sentence's first word is capitalised whatever it is)."""
    found = set()
    for m in _NAME.finditer(text):
        name = m.group(0)
        if m.start() >= 2 and re.match(r"[a-z,]", text[m.start() - 2]) and _is_name(name):
            found.add(name)
    return found


def _is_name(name: str) -> bool:
    return len(name) > 3 and name.split()[0] not in _NOT_NAMES


def _unrelated(a: str, b: str) -> bool:
    # "United States" for "States", "Feyenoord Rotterdam" for "Feyenoord": the same thing.
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return not wa & wb


def swap(question: str, context: str, article_names: Iterable[str], article_years: Iterable[str],
         rng: random.Random) -> str | None:
    """``question`` with one name or year that ``context`` states replaced by one of the
    article's that ``context`` never mentions, or None when there is nothing to swap."""
    places: list[tuple[int, int, list[str]]] = []
    for m in _NAME.finditer(question):
        name = m.group(0)
        if m.start() == 0 or not _is_name(name) or name not in context:
            continue
        alts = sorted(n for n in article_names if n not in context and n.lower() not in question.lower()
                      and _unrelated(n, name))
        if alts:
            places.append((m.start(), m.end(), alts))
    for m in _YEAR.finditer(question):
        if m.group(0) in context:
            alts = sorted(y for y in article_years if y not in context)
            if alts:
                places.append((m.start(), m.end(), alts))
    if not places:
        return None
    start, end, alts = rng.choice(places)
    return question[:start] + rng.choice(alts) + question[end:]


def swapped(paragraphs: list[squad.Paragraph], seed: int) -> list[tuple[squad.Paragraph, squad.SquadQuestion]]:
    """For each answerable question of ``paragraphs`` that has a name or year to swap: its
    paragraph and the swapped question (unanswerable, id ``<id>-swap``), in file order.
    A question's alternatives come from its whole article (all of a one-title file such as
    SQuADShifts' Reddit posts)."""
    rng = random.Random(seed)
    by_article: dict[str, list[squad.Paragraph]] = {}
    for p in paragraphs:
        by_article.setdefault(p.article.split("#")[0], []).append(p)
    pool = {a: (set().union(*(names(p.context) for p in ps)),
                {y for p in ps for y in _YEAR.findall(p.context)}) for a, ps in by_article.items()}
    out = []
    for p in paragraphs:
        article_names, article_years = pool[p.article.split("#")[0]]
        for q in p.questions:
            if q.impossible or not q.answers:
                continue
            text = swap(q.question, p.context, article_names, article_years, rng)
            if text is not None:
                out.append((p, squad.SquadQuestion(qid=f"{q.qid}-swap", question=text, answers=(), impossible=True)))
    return out
