"""Ranked queries of the chunk collection: fused in Qdrant (RRF), or a formula
adding latent terms to the dense score.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from qdrant_client import QdrantClient, models

from .names import DENSE, LATENT, SPARSE


class ChunkQueries:
    """Queries over the live chunks (through the alias): one leg, or legs fused
    inside Qdrant; the caller's visibility filter goes on every leg."""

    def __init__(self, client: QdrantClient, alias: str, reading: Callable[[], AbstractContextManager],
                 writing: Callable[[], AbstractContextManager]) -> None:
        self.client, self.alias, self.reading, self.writing = client, alias, reading, writing

    def summed(self, dense: list[float], latent: models.SparseVector, *, flt: models.Filter, limit: int,
                     latent_weight: float, prefetch: int = 100, lexical: models.SparseVector | None = None,
                     weights: tuple[float, float] = (1.0, 2.0)) -> list[models.ScoredPoint]:
        """Dense and latent legs added by score inside Qdrant (a formula query):
        cosine + weight x latent dot product, missing scores counted as 0. With
        `lexical`, that sum is fused with the lexical leg by weighted RRF
        (lexical, sum), for passages that have no dense vector yet."""
        formula = models.SumExpression(sum=["$score[0]", models.MultExpression(mult=[latent_weight, "$score[1]"])])
        legs = [models.Prefetch(query=dense, using=DENSE, limit=prefetch, filter=flt),
                models.Prefetch(query=latent, using=LATENT, limit=prefetch, filter=flt)]
        summed = models.FormulaQuery(formula=formula, defaults={"$score[0]": 0.0, "$score[1]": 0.0})
        with self.reading():
            if lexical is None:
                return self.client.query_points(self.alias, prefetch=legs, limit=limit, with_payload=True,
                                                query=summed).points
            fused = [models.Prefetch(query=lexical, using=SPARSE, limit=prefetch, filter=flt),
                     models.Prefetch(prefetch=legs, query=summed, limit=prefetch)]
            return self.client.query_points(self.alias, prefetch=fused, limit=limit, with_payload=True,
                                            query=models.RrfQuery(rrf=models.Rrf(weights=list(weights)))).points

    def fused(self, sparse: models.SparseVector, dense: list[float] | None, *, flt: models.Filter,
              limit: int, weights: tuple[float, float] = (1.0, 1.0), prefetch: int = 40) -> list[models.ScoredPoint]:
        """One leg alone (a weight of 0, or no dense vector), or both fused with
        weighted RRF inside Qdrant; the visibility filter goes on every leg."""
        with self.reading():
            if dense is None or not weights[1]:
                return self.client.query_points(self.alias, query=sparse, using=SPARSE, limit=limit,
                                                query_filter=flt, with_payload=True).points
            if not weights[0]:
                return self.client.query_points(self.alias, query=dense, using=DENSE, limit=limit,
                                                query_filter=flt, with_payload=True).points
            legs = [models.Prefetch(query=sparse, using=SPARSE, limit=prefetch, filter=flt),
                    models.Prefetch(query=dense, using=DENSE, limit=prefetch, filter=flt)]
            return self.client.query_points(self.alias, prefetch=legs, limit=limit, with_payload=True,
                                            query=models.RrfQuery(rrf=models.Rrf(weights=list(weights)))).points
