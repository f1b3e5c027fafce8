"""How near a question stands to any text: its similarity floor.

A multilingual model's question-to-sentence similarity has a floor that
depends on the question (one about Tokyo's weather is as near the seeds'
sentences as an answerable one is to its answer, because it is that near to
almost any sentence). The reader reads similarity above the question's floor:
the mean similarity of its ten nearest reference sentences, sentences of a
public reading-comprehension set that no library holds (`bench/reference.py`
writes them, per model), as margin-based scoring does for cross-lingual
matching. A model without reference sentences has no calibrated similarity:
the reader uses its lexical weights.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..core.config import DATA_DIR

logger = logging.getLogger(__name__)
NEAREST = 10


def reference_file(model: str) -> Path:
    return DATA_DIR / f"reference-{re.sub(r'[^A-Za-z0-9._-]+', '-', model)}.npz"


@lru_cache(maxsize=4)
def reference_vectors(model: str) -> np.ndarray | None:
    path = reference_file(model)
    if not path.exists():
        return None
    with np.load(path) as data:
        return data["vectors"].astype(np.float32)


def floor(model: str, q_vector: np.ndarray) -> float | None:
    """The question's similarity floor for `model`, or None without reference sentences."""
    bank = reference_vectors(model)
    if bank is None or bank.shape[1] != q_vector.shape[0]:
        return None
    sims = bank @ q_vector
    return float(np.sort(sims)[-NEAREST:].mean())
