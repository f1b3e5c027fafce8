"""A thin layer over Qdrant: collections, aliases, upserts, queries, filters.

It stores and queries; it does not chunk or embed (that is `indexing`).
Three kinds of collection live under one prefix:

* `<prefix>_chunks`: an alias to the live chunk collection
  `<prefix>_chunks_<signature>` (named dense vector + sparse lexical vector);
  a rebuild fills a new one beside it and moves the alias in one step.
* `<prefix>_docs`: one payload-only record per document, holding its text and
  its state (indexing, ready, removing); the source of truth for rebuilds.
* `<prefix>_meta`: settings, rebuild progress, workspace last-seen times.

Who sees what is decided by Qdrant on every query: chunks carry `owner` and a
`ready` flag (set only after a document is completely written), both with
payload indexes. In local mode one writer at a time and no reads during a
write (a read-write lock around the one client); writes come in small batches
so a reader waits milliseconds. A Qdrant server needs no lock; the code is the same.

`Store` writes and reads points; `ChunkCollections` makes and switches the
chunk collections behind the alias; `ChunkQueries` runs the ranked queries.
"""

from __future__ import annotations

import threading
import uuid
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext

from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import UnexpectedResponse

from . import qdrant_speedup
from .config import Settings
from .workspaces import PUBLIC  # noqa: F401 - re-exported: the owner every visitor sees

DENSE, SPARSE, LATENT = "dense", "lexical", "latent"
BATCH = 64  # points per write: what a reader may have to wait for
_NS = uuid.UUID("2d0c4f7e-91b3-4a8e-b6f5-7e1a9c3d5b20")


class StoreLockedError(RuntimeError):
    """The local store folder is open in another process."""


class ReadWriteLock:
    """Many readers or one writer; a waiting writer holds off new readers."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


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


def open_client(settings: Settings) -> QdrantClient:
    """A Qdrant client for the configured store; a clear error when the local
    folder is held by another process."""
    if settings.is_server:
        return QdrantClient(url=settings.qdrant_url, api_key=settings.qdrant_api_key, timeout=30)
    settings.store_dir.mkdir(parents=True, exist_ok=True)
    qdrant_speedup.install()
    try:
        return QdrantClient(path=str(settings.store_dir / "qdrant"), force_disable_check_same_thread=True)
    except RuntimeError as exc:
        if "already accessed" in str(exc):
            raise StoreLockedError(
                f"The document store at {settings.store_dir} is in use by another program "
                "(local Qdrant allows one process at a time). Close the other app or CLI, "
                "point HKAI_STORE at another folder, or use a Qdrant server (QDRANT_URL).") from exc
        raise


class ChunkCollections:
    """The chunk collections behind the `<prefix>_chunks` alias: made, given
    their payload indexes, and switched in one step."""

    def __init__(self, store: Store) -> None:
        self.store, self.client, self.alias = store, store.client, store.chunks

    def live(self) -> str | None:
        """The collection the alias points at (None before the first build)."""
        with self.store.reading():
            for alias in self.client.get_aliases().aliases:
                if alias.alias_name == self.alias:
                    return alias.collection_name
            return self.alias if self.client.collection_exists(self.alias) else None  # before aliases

    def create(self, name: str, dense_dim: int, latent: bool = False) -> None:
        with self.store.writing():
            if self.client.collection_exists(name):
                return
            vectors = {DENSE: models.VectorParams(size=dense_dim, distance=models.Distance.COSINE)} if dense_dim else {}
            sparse = {SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)}
            if latent:
                sparse[LATENT] = models.SparseVectorParams()
            self.client.create_collection(name, vectors_config=vectors, sparse_vectors_config=sparse)
        self.add_indexes(name)

    def add_indexes(self, name: str) -> None:
        """The payload indexes every chunk filter uses (idempotent: a collection
        made by an earlier version gets the ones added since; a server in strict
        mode refuses filters on fields without one)."""
        with self.store.writing():
            for key, kind in (("owner", models.PayloadSchemaType.KEYWORD), ("doc_id", models.PayloadSchemaType.KEYWORD),
                              ("ready", models.PayloadSchemaType.BOOL), ("embedded", models.PayloadSchemaType.BOOL),
                              ("embed_failed", models.PayloadSchemaType.BOOL)):
                payload_index(self.client, name, key, kind)

    def switch(self, name: str) -> str | None:
        """Point the alias at `name` in one step; drop and return the old collection."""
        old = self.live()
        with self.store.writing():
            if old == self.alias:  # a store from before aliases: its collection holds the alias's name
                self.client.delete_collection(old)
            ops = [models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=self.alias))] \
                if old not in (None, self.alias) else []
            ops.append(models.CreateAliasOperation(create_alias=models.CreateAlias(
                collection_name=name, alias_name=self.alias)))
            self.client.update_collection_aliases(ops)
            if old not in (None, name, self.alias):
                self.client.delete_collection(old)
        return old

    def drop(self, name: str) -> None:
        with self.store.writing():
            if self.client.collection_exists(name):
                self.client.delete_collection(name)


def payload_index(client: QdrantClient, collection: str, key: str, kind: models.PayloadSchemaType) -> None:
    """A payload index; local mode warns that it has none (the speed-up module
    gives its filters an index of its own), so the warning is dropped."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        client.create_payload_index(collection, key, kind)


class Store:
    """Points in, points out; reads and writes under the lock in local mode."""

    def __init__(self, client: QdrantClient, prefix: str, *, local: bool):
        self.client = client
        self.chunks = f"{prefix}_chunks"  # the alias every query goes through
        self.docs, self.meta = f"{prefix}_docs", f"{prefix}_meta"
        self.lock = ReadWriteLock()
        self.reading = self.lock.read if local else nullcontext
        self.writing = self.lock.write if local else nullcontext
        with self.writing():
            for name in (self.docs, self.meta):
                if not self.client.collection_exists(name):
                    self.client.create_collection(name, vectors_config={})
            for key in ("owner", "doc_id", "content_hash", "state"):
                payload_index(self.client, self.docs, key, models.PayloadSchemaType.KEYWORD)
        self.collections = ChunkCollections(self)
        self.queries = ChunkQueries(self)

    # ---- points ---------------------------------------------------------------
    def upsert(self, collection: str, points: list[models.PointStruct]) -> None:
        for start in range(0, len(points), BATCH):
            with self.writing(), warnings.catch_warnings():
                # local mode advises a server past 20,000 points; hkai's speed-ups are measured to 60,000
                warnings.filterwarnings("ignore", "Local mode is not recommended", UserWarning)
                self.client.upsert(collection, points[start:start + BATCH], wait=True)

    def fill_vectors(self, collection: str, vectors: dict[str, dict], payload: dict) -> int:
        """Add vectors to points already stored (and set `payload` on them),
        skipping points removed meanwhile; returns how many were filled."""
        items = list(vectors.items())
        filled = 0
        for start in range(0, len(items), BATCH):
            part = dict(items[start:start + BATCH])
            for attempt in (1, 2):  # a server has no lock: a point removed between the two calls means once more
                try:
                    with self.writing():
                        alive = [str(p.id) for p in self.client.retrieve(collection, list(part), with_payload=False)]
                        if alive:
                            self.client.update_vectors(collection, points=[
                                models.PointVectors(id=i, vector=part[i]) for i in alive], wait=True)
                            self.client.set_payload(collection, payload, points=alive, wait=True)
                    break
                except (UnexpectedResponse, KeyError):
                    if attempt == 2:
                        raise
            filled += len(alive)
        return filled

    def set_payload(self, collection: str, payload: dict, ids: list[str]) -> None:
        for start in range(0, len(ids), BATCH * 4):
            with self.writing():
                self.client.set_payload(collection, payload, points=ids[start:start + BATCH * 4], wait=True)

    def delete(self, collection: str, ids: list[str]) -> None:
        for start in range(0, len(ids), BATCH * 4):
            with self.writing():
                self.client.delete(collection, models.PointIdsList(points=ids[start:start + BATCH * 4]), wait=True)

    def ids(self, collection: str, flt: models.Filter | None) -> list[str]:
        return [str(p.id) for p in self.scroll(collection, flt, payload=False)]

    def scroll(self, collection: str, flt: models.Filter | None, payload: bool | list[str] = True,
               page: int = 512) -> Iterator[models.Record]:
        """Every matching point, a page per read lock."""
        offset = None
        while True:
            with self.reading():
                points, offset = self.client.scroll(collection, scroll_filter=flt, limit=page, offset=offset,
                                                    with_payload=payload, with_vectors=False)
            yield from points
            if offset is None:
                return

    def retrieve(self, collection: str, ids: list[str]) -> list[models.Record]:
        with self.reading():
            return self.client.retrieve(collection, ids, with_payload=True)

    def count(self, collection: str, flt: models.Filter | None) -> int:
        with self.reading():
            return self.client.count(collection, count_filter=flt, exact=True).count

    def distinct(self, collection: str, key: str, flt: models.Filter | None = None) -> dict[str, int]:
        with self.reading():
            hits = self.client.facet(collection, key, facet_filter=flt, limit=1_000_000, exact=True).hits
        return {str(h.value): h.count for h in hits}

    # ---- small records --------------------------------------------------------
    def get_meta(self, key: str) -> dict | None:
        found = self.retrieve(self.meta, [point_id(key)])
        return dict(found[0].payload) if found else None

    def put_meta(self, key: str, payload: dict) -> None:
        self.upsert(self.meta, [models.PointStruct(id=point_id(key), vector={}, payload=payload)])

    def delete_meta(self, key: str) -> None:
        self.delete(self.meta, [point_id(key)])

    def close(self) -> None:
        with self.writing():
            self.client.close()


class ChunkQueries:
    """Queries over the live chunks (through the alias): one leg, or legs fused
    inside Qdrant; the caller's visibility filter goes on every leg."""

    def __init__(self, store: Store) -> None:
        self.store, self.client, self.alias = store, store.client, store.chunks

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
        with self.store.reading():
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
        with self.store.reading():
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
