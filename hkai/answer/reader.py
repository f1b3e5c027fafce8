"""The fitted reader: which candidate sentences answer, and whether any does.

A conditional logit over `signals.FEATURES`: each candidate's logit is a
weighted sum of its features, beside a "no answer" option of logit 0, as
SQuAD 2.0 readers score a null span; a softmax over them gives each sentence's
probability of holding the answer. Fitted on the public sets' gold answers,
no-answer probes (one set's questions asked of another set's library) and the
seed questions together (`bench/fit_answers.py` writes `hkai/data/reader.json`):
one weight vector with the dense model's sentence similarity, one for
lexical-only mode. The threshold on the probability that some sentence
answers is calibrated on the probes: below it the library does not answer.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..core.config import DATA_DIR
from .signals import FEATURES, Candidate

READER_FILE = DATA_DIR / "reader.json"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReaderWeights:
    weights: np.ndarray
    threshold: float  # the probability that some candidate answers, below which the library does not answer
    second: float  # a second sentence is quoted when its probability is at least this share of the first's
    third: float = 2.0  # and a third when its probability is at least this share of the first's


# Until fitted (a fresh checkout whose reader.json was removed): the lexical match alone.
_UNFITTED = ReaderWeights(np.array([-3.0, 6.0] + [0.0] * (len(FEATURES) - 2)), 0.5, 0.8)


@lru_cache(maxsize=1)
def load_weights() -> dict[str, ReaderWeights]:
    if not READER_FILE.exists():
        return {"dense": _UNFITTED, "lexical": _UNFITTED}
    raw = json.loads(READER_FILE.read_text(encoding="utf-8"))
    if tuple(raw["features"]) != FEATURES:  # a test fails on this; answers go on with the lexical match alone
        logger.error("%s was fitted on other features; run bench/fit_answers.py", READER_FILE)
        return {"dense": _UNFITTED, "lexical": _UNFITTED}
    return {mode: ReaderWeights(np.array([m["weights"][f] for f in FEATURES]), m["threshold"], m["second"],
                                m.get("third", 2.0))
            for mode, m in raw["modes"].items()}


def probabilities(logits: np.ndarray) -> np.ndarray:
    """Each candidate's probability beside the no-answer option (logit 0)."""
    top = max(0.0, float(logits.max())) if len(logits) else 0.0
    e = np.exp(logits - top)
    return e / (np.exp(-top) + e.sum())


def score(pool: list[Candidate], mode: str) -> tuple[ReaderWeights, float]:
    """Set every candidate's probability; `mode` is "dense" or "lexical".
    Returns the weights used and the probability that some candidate answers."""
    w = load_weights()[mode]
    if not pool:
        return w, 0.0
    p = probabilities(np.stack([c.features for c in pool]) @ w.weights)
    for c, x in zip(pool, p):
        c.p = float(x)
    return w, float(p.sum())
