"""Questions to ranked passages.

A question is folded like the index, expanded with the bilingual glossary when
it is in English, and sent to Qdrant as one hybrid query (fused there, by the
per-language policy of `fusion`). Whether a passage answers is the reader's to say (`answer`).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.script import to_simplified
from ..core.types import Hit
from ..store.filters import sparse_vector, visible
from .fusion import FUSION, LATENT_WEIGHT
from .planner import QueryPlan


class Retriever:
    """A question's plan to ranked, visible passages: one hybrid query in Qdrant."""

    def __init__(self, store, sparse, dense, dense_weight: float | None = None, reranker=None):
        self.store, self.sparse, self.dense, self.reranker = store, sparse, dense, reranker
        self.fusion = dict(FUSION)
        self.latent_weight = LATENT_WEIGHT
        if dense_weight is not None:  # HKAI_DENSE_WEIGHT: one weight for every language
            self.fusion = {lang: (1.0, dense_weight) for lang in FUSION}

    def weights(self, plan: QueryPlan) -> tuple[float, float]:
        if plan.script == "en" and plan.expansions:
            return self.fusion.get("en+glossary", self.fusion["en"])
        return self.fusion[plan.script]

    def search(self, plan: QueryPlan, k: int, owners: Iterable[str]) -> list[Hit]:
        """The top k visible passages; with a reranker, it reorders a wider first cut."""
        if self.reranker is None:
            return self._search(plan, k, owners)
        return self.reranker.rerank(plan.question, self._search(plan, max(3 * k, 20), owners), k)

    def _waiting(self, owners: list[str]) -> bool:
        """Some visible passages are still without their dense vectors."""
        return self.store.count(self.store.chunks, visible(owners, ready=True, embedded=False)) > 0

    def _search(self, plan: QueryPlan, k: int, owners: Iterable[str]) -> list[Hit]:
        owners = list(owners)
        sparse = self.sparse.embed_query_terms(plan.terms)
        dense = None
        if self.dense is not None and plan.script in self.dense.languages:
            dense = self.dense.embed_query(to_simplified(plan.question))
        weights = self.weights(plan) if dense is not None else (1.0, 0.0)
        waiting = plan.script == "en" and dense is not None and bool(sparse.indices) and self._waiting(owners)
        if dense is not None and weights[0] == 0.0 and self.latent_weight and self.dense.has_latent:
            idx, val = self.dense.latent_query(to_simplified(plan.question))
            lexical = sparse_vector(sparse.indices, sparse.values) if waiting else None
            points = self.store.queries.summed(dense, sparse_vector(idx, val),
                                               flt=visible(owners, ready=True), limit=k,
                                               latent_weight=self.latent_weight, lexical=lexical,
                                               weights=self.fusion.get("en+waiting", (1.0, 0.5)))
            return [to_hit(p) for p in points]
        if waiting:
            weights = self.fusion.get("en+waiting", (1.0, 0.5))
        if not sparse.indices:
            weights = (0.0, weights[1])
        if not any(weights):
            return []
        points = self.store.queries.fused(sparse_vector(sparse.indices, sparse.values), dense,
                                          flt=visible(owners, ready=True), limit=k, weights=weights)
        return [to_hit(p) for p in points]


def to_hit(point) -> Hit:
    p = point.payload
    return Hit(doc_id=p["doc_id"], title=p.get("title", ""), source=p.get("source", ""), text=p["text"],
               score=float(point.score), publisher=p.get("publisher", ""), date=p.get("date", ""),
               title_en=p.get("title_en", ""), publisher_en=p.get("publisher_en", ""),
               script=p.get("script", ""), ordinal=p.get("ordinal", 0), start=p.get("start", 0),
               pages=list(p.get("pages") or []))
