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

import warnings
from collections.abc import Iterator
from contextlib import nullcontext

from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import UnexpectedResponse

from .collections import ChunkCollections, payload_index
from .filters import point_id
from .locks import ReadWriteLock
from .queries import ChunkQueries

BATCH = 64  # points per write: what a reader may have to wait for


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
        self.collections = ChunkCollections(client, self.chunks, self.reading, self.writing)
        self.queries = ChunkQueries(client, self.chunks, self.reading, self.writing)

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


