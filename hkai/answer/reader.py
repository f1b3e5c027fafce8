"""The fitted reader: which candidate sentences answer, and whether any does.

A conditional logit over `signals.FEATURES`: each candidate's logit is a
weighted sum of its features, beside a "no answer" option of logit 0, as
SQuAD 2.0 readers score a null span; a softmax over them gives each sentence's
probability of holding the answer. Fitted on the public sets' gold answers,
no-answer probes (one set's questions asked of another set's library) and the
seed questions together (`bench/fit_answers.py` writes `hkai/data/reader.json`):
one weight vector with the dense model's sentence similarity, one for
lexical-only mode, each for Chinese and for English questions, and each for a
question whose best passage is in its own language or in the other (an English
question over Chinese passages is answered from the dense model's
cross-lingual similarity, and its signals sit elsewhere). The threshold on the probability
that some sentence answers is calibrated on the probes: below it the library
does not answer.
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
    threshold: float  # how likely the best candidate answers (`answerable`), below which the library does not answer
    second: float  # a second sentence is quoted when its probability is at least this share of the first's
    third: float = 2.0  # and a third when its probability is at least this share of the first's


# Until fitted (a fresh checkout whose reader.json was removed): the lexical match alone.
_UNFITTED = ReaderWeights(np.array([-3.0, 6.0] + [0.0] * (len(FEATURES) - 2)), 0.5, 0.8)


MODES = tuple(f"{kind}-{asker}{across}{span}" for kind in ("dense", "lexical") for asker in ("zh", "en")
              for across in ("", "-across") for span in ("-span", ""))


def mode_of(dense: bool, asker: str, across: bool = False, span: bool = False) -> str:
    """The weights for a question: with the model's sentence vectors or not, asked
    in English or Chinese, its best passage in the asker's language or `across`
    languages (Chinese over an English upload, English over a Chinese source):
    signals sit elsewhere across languages, and so does the threshold; with the
    trained span reader's scores or without them (switched off, or it could not load)."""
    return (f"{'dense' if dense else 'lexical'}-{'en' if asker == 'en' else 'zh'}{'-across' if across else ''}"
            f"{'-span' if span else ''}")


@lru_cache(maxsize=1)
def load_weights() -> dict[str, ReaderWeights]:
    """The fitted weights, by feature name: a feature the file does not name weighs nothing (until the next
    fit), a mode it lacks takes its twin without the span reader; both are logged (a test holds the shipped
    file to every feature and mode)."""
    unfitted = dict.fromkeys(MODES, _UNFITTED)
    if not READER_FILE.exists():
        return unfitted
    raw = json.loads(READER_FILE.read_text(encoding="utf-8"))
    if missing := [f for f in FEATURES if f not in raw["features"]]:
        logger.warning("%s has no weights for %s; run python -m bench.fit_answers", READER_FILE, ", ".join(missing))
    fitted = {mode: ReaderWeights(np.array([m["weights"].get(f, 0.0) for f in FEATURES]), m["threshold"],
                                  m["second"], m.get("third", 2.0))
              for mode, m in raw["modes"].items()}
    out = {}
    for mode in MODES:
        out[mode] = fitted.get(mode) or fitted.get(mode.removesuffix("-span")) or _UNFITTED
        if mode not in fitted:
            logger.info("%s has no mode %s: its weights without the span reader answer", READER_FILE, mode)
    return out


def probabilities(logits: np.ndarray) -> np.ndarray:
    """Each candidate's probability beside the no-answer option (logit 0)."""
    top = max(0.0, float(logits.max())) if len(logits) else 0.0
    e = np.exp(logits - top)
    return e / (np.exp(-top) + e.sum())


def answerable(logits: np.ndarray) -> float:
    """Whether the library answers: the best candidate against the "no answer"
    option alone (as SQuAD 2.0 readers compare the best span with the null
    score), so that many middling candidates (a long table's cells) do not
    add up to an answer."""
    return float(1 / (1 + np.exp(-logits.max()))) if len(logits) else 0.0


def score(pool: list[Candidate], mode: str) -> tuple[ReaderWeights, float]:
    """Set every candidate's probability; `mode` is one of MODES (`mode_of`).
    Returns the weights used and how likely the best candidate answers (`answerable`)."""
    w = load_weights()[mode]
    if not pool:
        return w, 0.0
    logits = np.stack([c.features for c in pool]) @ w.weights
    for c, x in zip(pool, probabilities(logits)):
        c.p = float(x)
    return w, answerable(logits)
