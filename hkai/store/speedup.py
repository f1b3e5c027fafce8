"""Vectorised scoring and filtering for qdrant-client's local (embedded) mode.

Local mode is exact brute force written in Python: it scores a sparse query
with a merge loop over every stored vector, and evaluates a payload filter by
calling `check_filter` on every point. With 60,000 chunks in the store that is
seconds a query, and every query here carries a filter (owner and ready flag).

This module replaces two functions of `qdrant_client.local.local_collection`
with equivalents that keep incremental indexes over the same in-memory data:

* `calculate_distance_sparse`: an inverted index over the stored sparse
  vectors, extended (not rebuilt) when points are appended;
* `calculate_payload_mask`: integer-coded payload columns for the keys a
  filter names, updated only for the rows whose payload object changed; used
  for filters made of `must` / `must_not` keyword or bool matches, anything
  else goes to Qdrant's own function.

Both return exactly what Qdrant's functions return (tests compare them on real
data after inserts, payload updates and deletes). IDF, prefetch, RRF fusion and
persistence stay Qdrant's. It also turns on SQLite WAL for local mode's file.

These are private names: `TESTED` is the qdrant-client range this was tested
with (requirements.txt pins it), `install()` refuses other versions and
returns False, and `tests/test_store.py` fails when the patch no longer applies.
A Qdrant server (`QDRANT_URL`) does not use this path.
"""

from __future__ import annotations

import logging
import threading
from importlib.metadata import version

import numpy as np

logger = logging.getLogger(__name__)
TESTED = ((1, 20), (1, 21))  # [from, to) of qdrant-client's major.minor

try:
    from qdrant_client import models
    from qdrant_client.local import local_collection as _lc
    from qdrant_client.local import payload_filters as _pf
    from qdrant_client.local import persistence as _persistence
    from qdrant_client.local import sparse_distances as _sd
except ImportError:  # pragma: no cover - a qdrant-client without local mode
    _lc = _sd = _pf = _persistence = None

_original_sparse = getattr(_sd, "calculate_distance_sparse", None)
_original_mask = getattr(_pf, "calculate_payload_mask", None)
_lock = threading.Lock()


def _identities(items: list) -> np.ndarray:
    return np.fromiter((id(x) for x in items), dtype=np.int64, count=len(items))


# ---- sparse scoring -----------------------------------------------------------

class _Segment:
    """An inverted index over rows [start, start + n) of one vector list."""

    def __init__(self, vectors: list, start: int) -> None:
        self.start, self.n = start, len(vectors)
        rows, cols, vals = [], [], []
        for r, v in enumerate(vectors):
            if len(v.indices):
                rows.append(np.full(len(v.indices), r, dtype=np.int32))
                cols.append(np.asarray(v.indices, dtype=np.int64))
                vals.append(np.asarray(v.values, dtype=np.float64))
        if rows:
            r, c, x = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
            order = np.argsort(c, kind="stable")
            self.rows, self.cols, self.vals = r[order], c[order], x[order]
        else:
            self.rows, self.cols, self.vals = np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros(0)

    def add_scores(self, q_idx: np.ndarray, q_val: np.ndarray, total: np.ndarray, hit: np.ndarray) -> None:
        lo = np.searchsorted(self.cols, q_idx, side="left")
        hi = np.searchsorted(self.cols, q_idx, side="right")
        view_total = total[self.start:self.start + self.n]
        view_hit = hit[self.start:self.start + self.n]
        for a, b, w in zip(lo, hi, q_val):
            if b > a:
                rows = self.rows[a:b]
                np.add.at(view_total, rows, self.vals[a:b] * w)
                view_hit[rows] = True


class _SparseIndex:
    """Segments over one collection's vector list. Appended points become a new
    segment (the newest ones merge when there are too many, the large old ones
    stay); a changed vector object (a replaced point, vectors filled in later)
    rebuilds only the segments holding it; a shorter list means a rebuild."""

    MAX_SEGMENTS = 12

    def __init__(self) -> None:
        self.ids = np.zeros(0, np.int64)
        self.refs: list = []  # held, so an identity can never be reused by a new object
        self.segments: list[_Segment] = []

    def sync(self, vectors: list) -> None:
        ids = _identities(vectors)
        n = len(self.ids)
        if len(ids) < n:
            self.segments = [_Segment(vectors, 0)]
        else:
            changed = np.nonzero(ids[:n] != self.ids)[0]
            if len(changed):
                self.segments = [_Segment(vectors[g.start:g.start + g.n], g.start)
                                 if np.any((changed >= g.start) & (changed < g.start + g.n)) else g
                                 for g in self.segments]
            if len(ids) > n:
                if len(self.segments) >= self.MAX_SEGMENTS:
                    keep = self.segments[:self.MAX_SEGMENTS // 2]
                    start = keep[-1].start + keep[-1].n
                    self.segments = keep + [_Segment(vectors[start:], start)]
                else:
                    self.segments.append(_Segment(vectors[n:], n))
        self.ids, self.refs = ids, list(vectors)

    def scores(self, query, empty_is_zero: bool) -> np.ndarray:
        q_idx = np.asarray(query.indices, dtype=np.int64)
        q_val = np.asarray(query.values, dtype=np.float64)
        total = np.zeros(len(self.ids))
        hit = np.zeros(len(self.ids), dtype=bool)
        for seg in self.segments:
            seg.add_scores(q_idx, q_val, total, hit)
        if not empty_is_zero:
            total[~hit] = -np.inf
        return total.astype(np.float32)


# One index per stored vector list; local mode passes a fresh slice of that list
# on every query, so the index is found by the identity of its first element.
_sparse_indexes: dict[int, _SparseIndex] = {}


def fast_calculate_distance_sparse(query, vectors: list, empty_is_zero: bool = False) -> np.ndarray:
    if len(vectors) < 64:
        return _original_sparse(query, vectors, empty_is_zero)
    with _lock:
        key = id(vectors[0])
        index = _sparse_indexes.get(key)
        if index is None:
            if len(_sparse_indexes) > 16:
                _sparse_indexes.clear()
            index = _sparse_indexes[key] = _SparseIndex()
        index.sync(vectors)
        return index.scores(query, empty_is_zero)


# ---- payload filters ----------------------------------------------------------

_SCALARS = (str, bool, int)


def _code_key(value) -> tuple:
    return (type(value).__name__, value)  # keeps True and 1 apart


class _Column:
    """One payload key as integer codes: -1 missing, -2 a value the fast path
    does not handle (a list, a float, a nested object)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.codes = np.zeros(0, np.int32)
        self.dictionary: dict[tuple, int] = {}

    def code(self, value) -> int:
        if value is None:
            return -1
        if not isinstance(value, _SCALARS):
            return -2
        return self.dictionary.setdefault(_code_key(value), len(self.dictionary))

    def update(self, payloads: list, rows: np.ndarray, size: int) -> None:
        if len(self.codes) != size:
            grown = np.full(size, -1, np.int32)
            keep = min(size, len(self.codes))
            grown[:keep] = self.codes[:keep]
            self.codes = grown
        for r in rows:
            payload = payloads[r]
            self.codes[r] = self.code(payload.get(self.key)) if isinstance(payload, dict) else -1

    def lookup(self, values: list) -> np.ndarray:
        return np.array([self.dictionary.get(_code_key(v), -3) for v in values], dtype=np.int32)


class _PayloadColumns:
    def __init__(self, payloads: list) -> None:
        self.payloads = payloads  # the list itself, so its identity stays this collection's
        self.ids = np.zeros(0, np.int64)
        self.refs: list = []
        self.columns: dict[str, _Column] = {}

    def sync(self, payloads: list, keys: set[str]) -> None:
        ids = _identities(payloads)
        n = min(len(ids), len(self.ids))
        changed = np.nonzero(ids[:n] != self.ids[:n])[0]
        rows = np.concatenate([changed, np.arange(n, len(ids))]).astype(np.int64)
        for column in self.columns.values():
            column.update(payloads, rows, len(ids))
        for key in keys - set(self.columns):
            column = self.columns[key] = _Column(key)
            column.update(payloads, np.arange(len(ids)), len(ids))
        self.ids, self.refs = ids, list(payloads)

    def matches(self, condition) -> np.ndarray | None:
        column = self.columns[condition.key]
        if (column.codes == -2).any():
            return None
        match = condition.match
        values = [match.value] if isinstance(match, models.MatchValue) else list(match.any)
        return np.isin(column.codes, column.lookup(values))


def _simple_conditions(flt) -> tuple[list, list] | None:
    """(must, must_not) keyword/bool matches, or None when the filter has any
    other shape (should clauses, ranges, nested keys, has_id, ...)."""
    if flt.should or flt.min_should:
        return None
    parts = []
    for clause in (flt.must, flt.must_not):
        clause = [] if clause is None else clause if isinstance(clause, list) else [clause]
        for cond in clause:
            if not isinstance(cond, models.FieldCondition) or not isinstance(cond.match, (models.MatchValue, models.MatchAny)):
                return None
            if any(ch in cond.key for ch in ".[]") or cond.range or cond.geo_bounding_box or cond.geo_radius \
                    or cond.geo_polygon or cond.values_count or cond.is_empty or cond.is_null:
                return None
            if isinstance(cond.match, models.MatchValue) and not isinstance(cond.match.value, _SCALARS):
                return None
        parts.append(clause)
    return parts[0], parts[1]


_payload_columns: dict[int, _PayloadColumns] = {}


def fast_calculate_payload_mask(payloads: list, payload_filter, ids_inv, deleted_per_vector) -> np.ndarray:
    if payload_filter is None:
        return np.ones(len(payloads), dtype=bool)
    simple = _simple_conditions(payload_filter) if len(payloads) >= 64 else None
    if simple is None:
        return _original_mask(payloads, payload_filter, ids_inv, deleted_per_vector)
    must, must_not = simple
    with _lock:
        columns = _payload_columns.get(id(payloads))
        if columns is None:
            if len(_payload_columns) > 16:
                _payload_columns.clear()
            columns = _payload_columns[id(payloads)] = _PayloadColumns(payloads)
        columns.sync(payloads, {c.key for c in must + must_not})
        mask = np.ones(len(payloads), dtype=bool)
        for cond in must:
            part = columns.matches(cond)
            if part is None:
                break
            mask &= part
        else:
            for cond in must_not:
                part = columns.matches(cond)
                if part is None:
                    break
                mask &= ~part
            else:
                return mask
    return _original_mask(payloads, payload_filter, ids_inv, deleted_per_vector)


# ---- persistence ----------------------------------------------------------------

def _wal_init(original):
    """Local mode commits every point on its own; in SQLite's default rollback
    journal each commit is an fsync. WAL with synchronous=NORMAL keeps every
    commit atomic and survives a killed process; only a power cut can lose the
    last commits, which the indexer's recovery re-writes."""

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.storage.execute("PRAGMA journal_mode=WAL")
        self.storage.execute("PRAGMA synchronous=NORMAL")

    __init__._hkai_wal = True
    return __init__


def tested_version() -> bool:
    try:
        major, minor = (int(x) for x in version("qdrant-client").split(".")[:2])
    except (ValueError, ImportError):
        return False
    return TESTED[0] <= (major, minor) < TESTED[1]


def applies() -> bool:
    """Whether the private names this module replaces are where it expects them."""
    return (_lc is not None and _original_sparse is not None and _original_mask is not None
            and hasattr(_lc, "calculate_distance_sparse") and hasattr(_lc, "calculate_payload_mask")
            and hasattr(_persistence, "CollectionPersistence"))


def install() -> bool:
    """Patch local mode; False (and local mode runs unpatched, slowly) when this
    qdrant-client is outside the tested range or its internals moved."""
    if not (tested_version() and applies()):
        logger.warning("qdrant-client %s is outside the range hkai's local-mode speed-ups were tested with; "
                       "local mode runs unpatched (slow with many chunks)", version("qdrant-client"))
        return False
    _lc.calculate_distance_sparse = fast_calculate_distance_sparse
    _lc.calculate_payload_mask = fast_calculate_payload_mask
    init = _persistence.CollectionPersistence.__init__
    if not getattr(init, "_hkai_wal", False):
        _persistence.CollectionPersistence.__init__ = _wal_init(init)
    return True
