"""The learned reader: P(this sentence answers the question), in numpy, no torch.

A cross-encoder (all-MiniLM-L6-v2 fine-tuned on SQuADShifts by ``scripts/train_reader.py``;
data, metrics and licences in ``qa/reader_model/README.md``) reads each shortlisted
(question, sentence, previous sentence) triple together and gives one probability. The
extractive answerer chooses its sentences by it and declines when no sentence reaches the
calibrated threshold (``qa/extractive.py``).

The weights are int8 per row (the model card gives the measured cost of that), turned back
into float32 once at load; the forward pass is the project's numpy BERT
(``index/embed_numpy.py``), given segment ids and read at [CLS].

What it leaves to others: which sentences to read (the answerer's shortlist), what the
probability means for answering (the threshold is the answerer's, fitted on a calibration
split) and everything exact (figures, dates, citations).
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from index.embed_numpy import forward_hidden, prepare_weights
from qa import reader_input
from qa.errors import ModelUnavailable

MODEL_DIR = Path(__file__).resolve().parent / "reader_model"
# Pairs per forward pass: inputs are sorted by length first so a batch pads little.
BATCH = 16


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

    Raises:
        ModelUnavailable: (on first use) the folder or one of its files is missing.
    """

    def __init__(self, path: str | Path = MODEL_DIR) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._state = None
        self._threshold: float | None = None

    @property
    def threshold(self) -> float:
        """The calibrated decline threshold on this reader's probability (``calibration.json``:
        its value, what it was fitted on and when; ``scripts/calibrate_reader.py`` writes it)."""
        if self._threshold is None:
            try:
                self._threshold = float(json.loads((self.path / "calibration.json").read_text(encoding="utf-8"))["threshold"])
            except (OSError, ValueError, KeyError, TypeError) as e:
                raise ModelUnavailable(f"the reader's calibration {self.path / 'calibration.json'} is missing or "
                                       f"unreadable ({type(e).__name__}: {e}); reinstall the package") from e
        return self._threshold

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
