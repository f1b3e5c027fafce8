"""Qdrant filters, vectors and points, built in one place: who may see what
(owner, ready), and the objects the rest of the engine hands the store.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from qdrant_client import models

_NS = uuid.UUID("2d0c4f7e-91b3-4a8e-b6f5-7e1a9c3d5b20")


def point_id(key: str) -> str:
    return str(uuid.uuid5(_NS, key))


def match(key: str, value) -> models.FieldCondition:
    if isinstance(value, (list, tuple, set)):
        return models.FieldCondition(key=key, match=models.MatchAny(any=list(value)))
    return models.FieldCondition(key=key, match=models.MatchValue(value=value))


def visible(owners: Iterable[str], **extra) -> models.Filter:
    """Chunks or records a visitor may see: their owners', completely written."""
    owners = list(owners)
    if not owners:
        raise ValueError("a query must name the owners whose documents it may see")
    return models.Filter(must=[match("owner", owners), *(match(k, v) for k, v in extra.items())])


def not_owned_by(owner: str) -> models.Filter:
    """Everything but `owner`'s (for budgets across every visitor, not for queries)."""
    return models.Filter(must_not=[match("owner", owner)])


def where(*, exclude: dict | None = None, **conditions) -> models.Filter:
    """Points whose payload matches every condition (a list matches any of
    its values) and none of `exclude`'s."""
    return models.Filter(must=[match(k, v) for k, v in conditions.items()] or None,
                         must_not=[match(k, v) for k, v in (exclude or {}).items()] or None)


def sparse_vector(indices: list[int], values: list[float]) -> models.SparseVector:
    return models.SparseVector(indices=list(indices), values=list(values))


def point(key: str, vectors: dict, payload: dict) -> models.PointStruct:
    """A point to store; `key` is its id (a UUID string)."""
    return models.PointStruct(id=key, vector=vectors, payload=payload)


def without(*fields: str) -> models.PayloadSelectorExclude:
    """A payload selector leaving out large fields."""
    return models.PayloadSelectorExclude(exclude=list(fields))
