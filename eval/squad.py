"""SQuAD-format benchmarks (SQuAD 1.1/2.0, SQuADShifts): loading and the fixed split by article.

The reader is trained on one part of these files, its abstention threshold is fitted on a
second and the product is reported on a third, and the three never share an article (a
question's neighbours in its own article are the easiest leak). ``split_of`` decides the
part from a hash of the file's stem and the article key, so training, calibration and the
eval agree without a stored list, on any machine.

The article key is the article's title; a file that holds one "article" of unrelated texts
(SQuADShifts' Reddit file: 2,035 posts under one title) is split by paragraph instead, since
each post is its own text by its own author.

Unanswerable questions: SQuAD 2.0's ``is_impossible``; for files without them (SQuADShifts),
``near_miss`` holds out a fixed share of paragraphs from the corpus, so their questions are
asked against a corpus that keeps the rest of their article: the near-miss case, where the
article's topic, names and vocabulary are all there and only the answer is not.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from eval.questions import EvalError

SPLITS = ("train", "calibrate", "report")
# Shares of articles per split, out of 20 hash buckets: 12 train, 4 calibrate, 4 report.
_SPLIT_BUCKETS = {"train": range(0, 12), "calibrate": range(12, 16), "report": range(16, 20)}
# Share of a file's paragraphs held out of the corpus so that their questions are unanswerable
# (about 40% of the questions, as the reader issue asks of the report).
HELD_OUT_SHARE = 0.4


@dataclass(frozen=True, slots=True)
class SquadQuestion:
    """One question with its gold answers (text, character start in ``context``)."""

    qid: str
    question: str
    answers: tuple[tuple[str, int], ...]
    impossible: bool = False


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph: the unit a gold answer cites."""

    pid: str
    article: str
    context: str
    questions: tuple[SquadQuestion, ...]


def _bucket(*parts: str, buckets: int = 20) -> int:
    digest = hashlib.sha1("\0".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % buckets


def split_of(stem: str, article: str) -> str:
    """The split (``train``, ``calibrate`` or ``report``) of one article of file ``stem``."""
    b = _bucket(stem, article)
    return next(name for name, r in _SPLIT_BUCKETS.items() if b in r)


def held_out(pid: str) -> bool:
    """Whether paragraph ``pid`` is left out of the corpus (its questions become unanswerable)."""
    return _bucket("held-out", pid, buckets=1000) < HELD_OUT_SHARE * 1000


def stem_of(path: str | Path) -> str:
    """The file's name without ``.json`` (or ``.jsonl``) and its version: ``new_wiki_v1.0.json`` -> ``new_wiki``.

    The split hashes it, so the same data under another version suffix splits the same way.
    """
    name = Path(path).name.removesuffix(".jsonl").removesuffix(".json")
    return re.sub(r"_v\d+(\.\d+)*$", "", name)


def load(path: str | Path) -> list[Paragraph]:
    """Every paragraph of a SQuAD-format JSON file, in file order.

    Raises:
        EvalError: the file is missing or not SQuAD-format JSON.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise EvalError(f"{path}: not a readable SQuAD-format JSON file ({type(e).__name__}: {e})") from e
    stem = stem_of(path)
    single = len(data) == 1  # one "article" of unrelated posts: split by paragraph
    out: list[Paragraph] = []
    for a, article in enumerate(data):
        title = str(article.get("title") or f"article-{a}")
        for p, para in enumerate(article.get("paragraphs", [])):
            pid = f"{stem}/{a}/{p}"
            qs = tuple(
                SquadQuestion(
                    qid=str(q.get("id", f"{pid}/{i}")),
                    question=str(q["question"]).strip(),
                    answers=tuple((str(x["text"]), int(x["answer_start"])) for x in q.get("answers", [])),
                    impossible=bool(q.get("is_impossible", False)),
                )
                for i, q in enumerate(para.get("qas", []))
            )
            out.append(Paragraph(pid=pid, article=f"{title}#{p}" if single else title,
                                 context=str(para["context"]), questions=qs))
    return out


def in_split(paragraphs: list[Paragraph], stem: str, split: str | None) -> list[Paragraph]:
    """The paragraphs whose article falls in ``split`` (all of them when ``split`` is None)."""
    if split is None:
        return paragraphs
    if split not in SPLITS:
        raise EvalError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    return [p for p in paragraphs if split_of(stem, p.article) == split]
