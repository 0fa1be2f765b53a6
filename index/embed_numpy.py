"""A BERT sentence encoder in numpy: the query path's embedder, without torch.

Importing torch and sentence-transformers costs seconds and hundreds of MiB; a question needs
one forward pass of a 6-layer, 384-wide model. ``NumpyBertEncoder`` runs that forward pass
with ``tokenizers`` (the Rust tokenizer behind transformers' fast tokenizers) and weights read
from ``model.safetensors``, and pools and normalises as the model's sentence-transformers
modules say. It gives the same vectors as sentence-transformers (tested against the real
model: cosine >= 0.9999, long texts truncated at the same token).

It runs only what it can prove it runs: ``supported(path)`` reads the model directory and
says no (with the reason) unless it is a plain BERT encoder (absolute positions, GELU) with
mean pooling, optional normalisation and nothing else. ``index/embed.py`` falls back to
sentence-transformers for every other model.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

# sentence-transformers modules this encoder reproduces (modules.json "type" values).
_TRANSFORMER = "sentence_transformers.models.Transformer"
_POOLING = "sentence_transformers.models.Pooling"
_NORMALIZE = "sentence_transformers.models.Normalize"
_GELU = ("gelu", "gelu_python")  # exact erf GELU; the tanh variants would drift


class Unsupported(ValueError):
    """The model directory is not one this encoder can reproduce exactly."""


def _read_json(path: Path) -> dict | list:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise Unsupported(f"{path.name} is missing or unreadable ({type(e).__name__})") from e


def supported(path: str | Path) -> dict:
    """The model's settings when ``path`` is a model this encoder reproduces, else ``Unsupported``.

    Returns:
        ``{"config": config.json, "max_seq_length": int, "normalize": bool}``.

    Raises:
        Unsupported: the reason (not BERT, another pooling, extra modules, missing files).
    """
    root = Path(path)
    if not root.is_dir():
        raise Unsupported(f"{path} is not a local model directory")
    for name in ("model.safetensors", "tokenizer.json"):
        if not (root / name).is_file():
            raise Unsupported(f"no {name} in {root}")
    config = _read_json(root / "config.json")
    if config.get("model_type") != "bert" or config.get("position_embedding_type", "absolute") != "absolute":
        raise Unsupported(f"model type {config.get('model_type')!r} is not a plain BERT")
    if config.get("hidden_act") not in _GELU:
        raise Unsupported(f"activation {config.get('hidden_act')!r} is not exact GELU")
    modules = _read_json(root / "modules.json")
    types = [m.get("type", "") for m in modules]
    if types not in ([_TRANSFORMER, _POOLING], [_TRANSFORMER, _POOLING, _NORMALIZE]) or modules[0].get("path"):
        raise Unsupported(f"module stack {types} is not Transformer + Pooling (+ Normalize)")
    pooling = _read_json(root / modules[1]["path"] / "config.json")
    modes = sorted(k for k, v in pooling.items() if k.startswith("pooling_mode") and v)
    if modes != ["pooling_mode_mean_tokens"]:
        raise Unsupported(f"pooling {modes} is not mean pooling")
    st_config = _read_json(root / "sentence_bert_config.json")
    if st_config.get("do_lower_case"):
        raise Unsupported("do_lower_case in sentence_bert_config.json is not reproduced")
    max_len = min(int(st_config.get("max_seq_length") or 512), int(config.get("max_position_embeddings", 512)))
    return {"config": config, "max_seq_length": max_len, "normalize": len(types) == 3}


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


# Abramowitz & Stegun 7.1.26 for erf, max abs error 1.5e-7 (below float32 noise): numpy has no
# erf, and scipy.special's is no faster here and costs its import time.
_AS_P = np.float32(0.3275911)
_AS_A = tuple(np.float32(a) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592))
_SQRT_HALF = np.float32(0.7071067811865476)


# Rows of the (tokens, 4H) activations per GELU block: ~400 KB stays in cache across its ~20 passes.
_GELU_ROWS = 64


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, x * Phi(x), in place on ``x`` (a temporary of the caller), block by block.

    The elementwise passes are memory-bound on the large (B, L, 4H) activations; cache-sized
    blocks made it about twice as fast (measured 31 ms -> 16 ms for 1280 tokens).
    """
    flat = x.reshape(-1, x.shape[-1])
    for i in range(0, len(flat), _GELU_ROWS):
        block = flat[i:i + _GELU_ROWS]
        block[...] = _gelu_block(block)
    return x


def _gelu_block(x: np.ndarray) -> np.ndarray:
    # With a = |x|/sqrt(2) and y = poly(t) * exp(-a^2) (A&S), erf(a) = 1 - y, so
    # GELU = x - x*y/2 for x >= 0 and x*y/2 for x < 0.
    a = np.abs(x)
    a *= _SQRT_HALF
    t = a * _AS_P
    t += 1
    np.reciprocal(t, out=t)
    y = np.full_like(t, _AS_A[0])
    for coef in _AS_A[1:]:
        y *= t
        y += coef
    y *= t
    a *= a
    np.negative(a, out=a)
    np.exp(a, out=a)
    y *= a
    y *= x
    y *= 0.5  # y = x * (1 - erf(|x|/sqrt 2)) / 2
    return np.where(x >= 0, x - y, y)


def prepare_weights(raw: dict[str, np.ndarray], layers: int) -> dict[str, np.ndarray]:
    """BERT weights as ``forward_hidden`` reads them: no ``bert.`` prefix, float32, linear layers
    transposed to (in, out), Q/K/V fused. Keys outside the encoder (a head) are kept as they are.

    Raises:
        Unsupported: a weight of the encoder is missing.
    """
    w = {k.removeprefix("bert."): np.ascontiguousarray(v, dtype=np.float32) for k, v in raw.items()}
    out = {k: w[k] for k in w if not k.startswith("encoder.")}
    for i in range(layers):
        p = f"encoder.layer.{i}."
        try:
            qkv_w = [w[f"{p}attention.self.{n}.weight"] for n in ("query", "key", "value")]
            qkv_b = [w[f"{p}attention.self.{n}.bias"] for n in ("query", "key", "value")]
            # One (hidden, 3*hidden) matmul instead of three.
            out[f"{i}.qkv.w"] = np.ascontiguousarray(np.concatenate(qkv_w, axis=0).T)
            out[f"{i}.qkv.b"] = np.concatenate(qkv_b)
            for name, key in (("attn_out", "attention.output.dense"), ("inter", "intermediate.dense"),
                              ("out", "output.dense")):
                out[f"{i}.{name}.w"] = np.ascontiguousarray(w[f"{p}{key}.weight"].T)
                out[f"{i}.{name}.b"] = w[f"{p}{key}.bias"]
            for name, key in (("ln1", "attention.output.LayerNorm"), ("ln2", "output.LayerNorm")):
                out[f"{i}.{name}.w"] = w[f"{p}{key}.weight"]
                out[f"{i}.{name}.b"] = w[f"{p}{key}.bias"]
        except KeyError as e:
            raise Unsupported(f"model.safetensors has no weight {e.args[0]!r}") from e
    return out


# Floats of attention scores computed at once (about 1 MB): the five passes of the softmax then
# stay in cache instead of streaming a (B, heads, L, L) array through memory (measured with the
# in-place biases: a forward pass of 32 texts of 128 tokens on one core 1,117 -> 994 ms).
_SCORES_FLOATS = 1 << 18


def _linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    out = x @ weight
    out += bias  # in place: no second (rows, out) temporary
    return out


def _attention(qkv: np.ndarray, bias: np.ndarray, scale: np.float32) -> np.ndarray:
    """Softmax attention of a few texts: ``qkv`` (3, G, heads, L, d) -> (G, heads, L, d)."""
    q, k, v = qkv[0], qkv[1], qkv[2]
    scores = q @ k.transpose(0, 1, 3, 2)  # (G, heads, L, L)
    scores *= scale
    scores += bias
    scores -= scores.max(-1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(-1, keepdims=True)
    return scores @ v


def forward_hidden(w: dict[str, np.ndarray], cfg: dict, ids: np.ndarray, mask: np.ndarray,
                   types: np.ndarray | None = None) -> np.ndarray:
    """The last hidden states, ``(B, L, H)`` float32, of BERT weights from ``prepare_weights``.

    Args:
        w: prepared weights.
        cfg: the model's config.json.
        ids: ``(B, L)`` token ids, padded with 0.
        mask: ``(B, L)`` float32, 1 on real tokens.
        types: ``(B, L)`` segment ids; None means every token is segment 0.
    """
    eps = np.float32(cfg.get("layer_norm_eps", 1e-12))
    heads = int(cfg["num_attention_heads"])
    b, n = ids.shape
    hidden = int(cfg["hidden_size"])
    d = hidden // heads
    seg = w["embeddings.token_type_embeddings.weight"]
    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
         + (seg[0] if types is None else seg[types]))  # (B, L, H)
    # (B*L, H): each linear layer is one matrix product, not one per text (measured ~20% faster).
    x = _layer_norm(x.reshape(b * n, hidden), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    # Padded keys get the most negative float, as transformers does: softmax gives them 0.
    bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]  # (B, 1, 1, L)
    scale = np.float32(1.0 / np.sqrt(d))
    group = max(1, _SCORES_FLOATS // (heads * n * n))  # texts whose attention scores fit in cache
    for i in range(int(cfg["num_hidden_layers"])):
        qkv = _linear(x, w[f"{i}.qkv.w"], w[f"{i}.qkv.b"])  # (B*L, 3H)
        qkv = qkv.reshape(b, n, 3, heads, d).transpose(2, 0, 3, 1, 4)  # (3, B, heads, L, d)
        ctx = np.empty((b, n, heads, d), dtype=np.float32)
        for g in range(0, b, group):
            ctx[g:g + group] = _attention(qkv[:, g:g + group], bias[g:g + group], scale).transpose(0, 2, 1, 3)
        h = _linear(ctx.reshape(b * n, hidden), w[f"{i}.attn_out.w"], w[f"{i}.attn_out.b"])
        h += x
        x = _layer_norm(h, w[f"{i}.ln1.w"], w[f"{i}.ln1.b"], eps)
        h = _linear(_gelu(_linear(x, w[f"{i}.inter.w"], w[f"{i}.inter.b"])), w[f"{i}.out.w"], w[f"{i}.out.b"])
        h += x
        x = _layer_norm(h, w[f"{i}.ln2.w"], w[f"{i}.ln2.b"], eps)
    return x.reshape(b, n, hidden)


# Padded token slots per forward pass: time per slot is flat from about 160 slots to 4,096 on
# this model (measured 3,500-4,300 slots/s on one core), so this only bounds memory.
_BATCH_SLOTS = 4096


def batches(lengths: Sequence[int], batch_size: int, workers: int = 1) -> list[list[int]]:
    """Indices of texts grouped into forward passes, costliest first.

    Texts are taken shortest first, and a batch closes when one more text would pass
    ``batch_size`` texts or its padded size (texts times the longest) would pass
    ``_BATCH_SLOTS`` or a quarter of one worker's share of the tokens. So a long sentence never
    pads twenty short ones to its length, and a call of a few dozen sentences is cut fine
    enough that, costliest first, every worker finishes at about the same time (measured: 22
    sentences of 11-195 tokens took 1.17 s as one padded batch on one thread).
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    share = min(_BATCH_SLOTS, max(1, -(-sum(lengths) // (4 * workers))))
    out: list[list[int]] = []
    for i in order:
        if out and len(out[-1]) < batch_size and (len(out[-1]) + 1) * lengths[i] <= share:
            out[-1].append(i)
        else:
            out.append([i])
    # The costliest first, so the last batch a worker starts is a short one.
    return sorted(out, key=lambda part: -len(part) * max(lengths[j] for j in part))


class NumpyBertEncoder:
    """Mean-pooled BERT sentence vectors computed in numpy; weights load on first use.

    Args:
        path: a model directory that ``supported`` accepts.
        batch_size: at most this many texts per forward pass (see ``batches``).
        workers: batches run at once, each in its own thread with one BLAS thread (numpy releases
            the GIL in its kernels). Unlike a multi-threaded BLAS, idle workers block instead of
            spinning, so a busy machine loses nothing; one query is one batch either way.
    """

    def __init__(self, path: str | Path, batch_size: int = 32, workers: int = 1) -> None:
        if workers < 1:
            raise ValueError(f"workers={workers} must be 1 or more")
        self.path = Path(path)
        self.spec = supported(self.path)  # Unsupported before anything is loaded
        self.batch_size = batch_size
        self.workers = workers
        self._weights: dict[str, np.ndarray] | None = None
        self._tokenizer = None
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        """Vector dimension (from config.json; loads nothing)."""
        return int(self.spec["config"]["hidden_size"])

    def load(self):
        """Read the tokenizer and the weights (once); returns ``(weights, tokenizer)``."""
        with self._lock:
            if self._weights is None:
                from safetensors.numpy import load_file
                from tokenizers import Tokenizer

                tok = Tokenizer.from_file(str(self.path / "tokenizer.json"))
                # tokenizer.json may carry its own fixed padding/truncation (128 here); the
                # sentence-transformers limit and padding to the longest text are what count.
                tok.enable_truncation(max_length=self.spec["max_seq_length"])
                tok.no_padding()
                self._weights = prepare_weights(load_file(str(self.path / "model.safetensors")),
                                                int(self.spec["config"]["num_hidden_layers"]))
                self._tokenizer = tok
        return self._weights, self._tokenizer

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dim)`` float32 sentence vectors (unit rows when the model normalises)."""
        weights, tok = self.load()
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not len(texts):
            return out
        # sentence-transformers strips each text before tokenising it.
        encodings = tok.encode_batch([str(t).strip() for t in texts])
        parts = batches([len(e.ids) for e in encodings], self.batch_size, self.workers)

        def run(part: list[int]) -> None:
            width = max(len(encodings[i].ids) for i in part)
            ids = np.zeros((len(part), width), dtype=np.int64)  # (B, L), padded with [PAD]=0
            mask = np.zeros((len(part), width), dtype=np.float32)
            for row, i in enumerate(part):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1.0
            out[part] = self._forward(weights, ids, mask)

        if self.workers == 1 or len(parts) == 1:
            for part in parts:
                run(part)
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=min(self.workers, len(parts))) as pool:
                list(pool.map(run, parts))  # list() re-raises a worker's exception here
        return out

    def _forward(self, w: dict[str, np.ndarray], ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        x = forward_hidden(w, self.spec["config"], ids, mask)  # (B, L, H)
        summed = (x * mask[:, :, None]).sum(1)
        pooled = summed / np.maximum(mask.sum(1, keepdims=True), 1e-9)  # (B, H) mean over real tokens
        if self.spec["normalize"]:
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return pooled.astype(np.float32)
