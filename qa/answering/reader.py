"""The learned reader: P(this sentence answers the question), in numpy, no torch.

A cross-encoder (all-MiniLM-L6-v2 fine-tuned on SQuADShifts by ``scripts/train_reader.py``;
data, metrics and licences in ``qa/answering/reader_model/README.md``) reads each shortlisted
(question, sentence, previous sentence) triple together and gives one probability. The
extractive answerer chooses its sentences by it and declines when no sentence reaches the
calibrated threshold (``qa/answering/extractive.py``).

The weights are int8 per row (the model card gives the measured cost of that), turned back
into float32 once at load; the forward pass is the project's numpy BERT
(``index/embed_numpy.py``), given segment ids and read at [CLS].

The reader's probability is then combined with the hand-written evidence of the same sentence
(``Combiner``: a logistic regression on the reader's logit, the hand-written score, the
sentence's cosine to the question and its share of the question's terms), fitted with the
decline threshold on a calibration split by ``scripts/calibrate_reader.py``: the reader knows
what an answer looks like, the hand-written score what the corpus says about the question's
words, and neither is told how much to trust the other by hand.

What it leaves to others: which sentences to read (the answerer's shortlist), what the
probability means for answering (the threshold is the answerer's, fitted on a calibration
split) and everything exact (figures, dates, citations).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from index.embed_numpy import forward_hidden, prepare_weights
from qa.answering import reader_input
from qa.errors import ModelUnavailable

MODEL_DIR = Path(__file__).resolve().parent / "reader_model"
# Pairs per forward pass: inputs are sorted by length first so a batch pads little.
BATCH = 16


# The combiner's inputs, in the order of its weights (``calibration.json`` "combiner").
COMBINER_FEATURES = ("reader_logit", "prior", "dense", "coverage")
# Probabilities are clipped this far from 0 and 1 before the logit: the int8 model's
# probabilities agree with torch's to 0.001, so nothing closer to the ends carries meaning.
_P_CLIP = 1e-3


def features(probs, prior, dense, coverage) -> np.ndarray:
    """``(n, len(COMBINER_FEATURES))`` combiner inputs of n read sentences."""
    p = np.clip(np.asarray(probs, dtype=np.float64), _P_CLIP, 1.0 - _P_CLIP)
    cols = [np.log(p / (1.0 - p)), prior, dense, coverage]
    return np.column_stack([np.asarray(c, dtype=np.float64) for c in cols])


@dataclass(frozen=True, slots=True)
class Combiner:
    """P(answers) from the reader's logit and the hand-written evidence: logistic regression.

    Attributes:
        weights: one per ``COMBINER_FEATURES`` name, in that order.
        bias: the intercept.
    """

    weights: tuple[float, ...]
    bias: float

    def __call__(self, probs, prior, dense, coverage) -> np.ndarray:
        """The combined probabilities of n read sentences (each argument has n values)."""
        z = features(probs, prior, dense, coverage) @ np.asarray(self.weights) + self.bias
        return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)

    @classmethod
    def from_record(cls, record: dict | None) -> "Combiner | None":
        """The combiner of a ``calibration.json`` record (None when it has none)."""
        if not record:
            return None
        if tuple(record.get("features", ())) != COMBINER_FEATURES:
            raise ValueError(f"combiner features {record.get('features')} are not {list(COMBINER_FEATURES)}")
        return cls(tuple(float(w) for w in record["weights"]), float(record["bias"]))


def _dequantize(raw: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name, a in raw.items():
        if name.endswith(".q8"):
            base = name[: -len(".q8")]
            out[base] = a.astype(np.float32) * raw[base + ".scale"]
        elif not name.endswith(".scale"):
            out[name] = a.astype(np.float32)
    return out


class Reader:
    """Scores (question, sentence, context) triples; loads its weights on first use.

    Args:
        path: a folder written by ``scripts/train_reader.py --export``.
        calibration: the record of threshold and combiner to use instead of the folder's
            ``calibration.json`` (the calibration script passes the one it is fitting).

    Raises:
        ModelUnavailable: (on first use) the folder or one of its files is missing.
    """

    def __init__(self, path: str | Path = MODEL_DIR, calibration: dict | None = None) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._state = None
        self._calibration: tuple[float, Combiner | None, float | None] | None = None
        if calibration is not None:
            self._calibration = self._parse(calibration)

    @staticmethod
    def _parse(record: dict) -> tuple[float, Combiner | None, float | None]:
        veto = (record.get("veto") or {}).get("threshold")
        return (float(record["threshold"]), Combiner.from_record(record.get("combiner")),
                None if veto is None else float(veto))

    def _calibrated(self) -> tuple[float, Combiner | None, float | None]:
        if self._calibration is None:
            where = self.path / "calibration.json"
            try:
                self._calibration = self._parse(json.loads(where.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError) as e:
                raise ModelUnavailable(f"the reader's calibration {where} is missing or unreadable "
                                       f"({type(e).__name__}: {e}); reinstall the package") from e
        return self._calibration

    @property
    def threshold(self) -> float:
        """The calibrated decline threshold on ``combine``'s probability (``calibration.json``:
        its value, what it was fitted on and when; ``scripts/calibrate_reader.py`` writes it)."""
        return self._calibrated()[0]

    @property
    def veto_threshold(self) -> float:
        """The calibrated threshold under which the ``hybrid`` answerer declines the sentence the
        hand-written score chose (``calibration.json`` "veto", written by
        ``scripts/calibrate_veto.py``); 0 (never declines) when the calibration has none."""
        veto = self._calibrated()[2]
        return 0.0 if veto is None else veto

    def combine(self, probs, prior, dense, coverage) -> np.ndarray:
        """The probabilities the answerer ranks and declines by: the calibrated ``Combiner``
        of the reader's ``probs`` with the sentences' hand-written evidence, or ``probs``
        themselves when the calibration has no combiner."""
        combiner = self._calibrated()[1]
        if combiner is None:
            return np.asarray(probs, dtype=np.float32)
        return combiner(probs, prior, dense, coverage)

    def _load(self):
        with self._lock:
            if self._state is None:
                from safetensors.numpy import load_file
                from tokenizers import Tokenizer

                try:
                    config = json.loads((self.path / "config.json").read_text(encoding="utf-8"))
                    raw = load_file(str(self.path / "model.safetensors"))
                    tok = Tokenizer.from_file(str(self.path / "tokenizer.json"))
                except (OSError, ValueError) as e:
                    raise ModelUnavailable(f"the reader model in {self.path} is missing or unreadable "
                                           f"({type(e).__name__}: {e}); reinstall the package") from e
                tok.no_truncation()
                tok.no_padding()
                weights = prepare_weights(_dequantize(raw), int(config["num_hidden_layers"]))
                self._state = (config, weights, tok)
        return self._state

    def score(self, question: str, items: Sequence[tuple[str, str]]) -> np.ndarray:
        """``(len(items),)`` float32 probabilities that each ``(sentence, previous sentence)`` answers."""
        config, w, tok = self._load()
        out = np.zeros(len(items), dtype=np.float32)
        if not items:
            return out
        inputs = [reader_input.build(tok, question, s, c) for s, c in items]
        order = sorted(range(len(inputs)), key=lambda i: len(inputs[i].ids))
        for start in range(0, len(order), BATCH):
            part = order[start:start + BATCH]
            width = max(len(inputs[i].ids) for i in part)
            ids = np.zeros((len(part), width), dtype=np.int64)
            types = np.zeros_like(ids)
            mask = np.zeros((len(part), width), dtype=np.float32)
            for row, i in enumerate(part):
                n = len(inputs[i].ids)
                ids[row, :n] = inputs[i].ids
                types[row, :n] = inputs[i].types
                mask[row, :n] = 1.0
            cls = forward_hidden(w, config, ids, mask, types)[:, 0]  # (B, H) at [CLS]
            logits = cls @ w["head.weight"][0] + w["head.bias"][0]
            out[part] = 1.0 / (1.0 + np.exp(-logits))
        return out


@lru_cache(maxsize=4)
def reader(path: str | Path = MODEL_DIR) -> Reader:
    """The process-wide reader of ``path`` (weights load once, on first use)."""
    return Reader(path)
