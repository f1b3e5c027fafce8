"""An optional second stage: a sentence-transformers `CrossEncoder` reads the
question with each candidate passage and reorders them. Named like the
embedding model (`HKAI_RERANKER`: a name, a folder or a package shipping
`model/`); off by default, and off with a reason when it cannot load."""

from __future__ import annotations

import logging

from ..core.config import is_off
from ..index.models import resolve_model_path

logger = logging.getLogger(__name__)


class Reranker:
    def __init__(self, name: str):
        from sentence_transformers import CrossEncoder

        self.name = name
        self.model = CrossEncoder(resolve_model_path(name), device="cpu", local_files_only=True)

    def rerank(self, question: str, hits: list, k: int) -> list:
        if len(hits) < 2:
            return hits[:k]
        scores = self.model.predict([(question, h.text) for h in hits], show_progress_bar=False)
        order = sorted(range(len(hits)), key=lambda i: -float(scores[i]))
        return [hits[i] for i in order[:k]]


def load_reranker(name: str) -> tuple[Reranker | None, str]:
    """The reranker, or None and why not ("off", or the load failure)."""
    if is_off(name):
        return None, "off"
    try:
        return Reranker(name), ""
    except Exception as exc:  # any failure to load: retrieval goes on without it, and says why
        logger.warning("reranker %s could not be loaded", name, exc_info=True)
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        return None, f"the reranker '{name}' could not be loaded ({first})"
