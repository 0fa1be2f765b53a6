"""The reader's input: (question, sentence, the sentence before it) as BERT token ids.

One function builds the ids for training (``scripts/train_reader.py``) and for answering
(``qa/answering/reader.py``), so the model reads at query time exactly what it was trained on:

    [CLS] question [SEP] sentence [SEP] previous sentence [SEP]
    type 0 ........... | type 1 ..........................

The previous sentence is the context a sentence most often leans on ("He was born in 1950":
who?). Inputs are cut short: the question to ``QUESTION_TOKENS``, then the sentence, then the
end of the previous sentence (the part nearest the sentence) to fill ``MAX_TOKENS``.
"""

from __future__ import annotations

from dataclasses import dataclass

# Fixed when the committed model was trained (qa/answering/reader_model/README.md); changing either
# means retraining. 96 tokens hold a median SQuADShifts sentence with its question and some
# context; longer inputs cost time quadratically in attention and linearly elsewhere.
MAX_TOKENS = 96
QUESTION_TOKENS = 32


@dataclass(frozen=True, slots=True)
class ReaderInput:
    """Token ids and segment ids of one (question, sentence, context) pair."""

    ids: tuple[int, ...]
    types: tuple[int, ...]


def build(tokenizer, question: str, sentence: str, context: str = "", max_tokens: int = MAX_TOKENS) -> ReaderInput:
    """The ids the reader scores, from a ``tokenizers.Tokenizer`` of the model.

    Args:
        tokenizer: the model's ``tokenizers.Tokenizer`` (no truncation or padding set needed).
        question: the question as asked.
        sentence: the candidate answer sentence.
        context: the sentence before it in its document ("" for the first).
        max_tokens: total length cap, special tokens included.
    """
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    q, s, c = (tokenizer.encode(t, add_special_tokens=False).ids if t else [] for t in (question, sentence, context))
    q = q[:QUESTION_TOKENS]
    room = max_tokens - len(q) - 4  # [CLS] q [SEP] s [SEP] c [SEP]
    s = s[:room]
    room -= len(s)
    c = c[max(0, len(c) - room):] if room > 0 else []
    first = [cls, *q, sep]
    second = [*s, sep, *c, sep]
    return ReaderInput(ids=tuple(first + second), types=(0,) * len(first) + (1,) * len(second))
