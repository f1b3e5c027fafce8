"""The chunk collections behind the `<prefix>_chunks` alias: made, switched
in one step, and indexed.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager

from qdrant_client import QdrantClient, models

from .names import DENSE, LATENT, SPARSE


class ChunkCollections:
    """The chunk collections behind the `<prefix>_chunks` alias: made, given
    their payload indexes, and switched in one step."""

    def __init__(self, client: QdrantClient, alias: str, reading: Callable[[], AbstractContextManager],
                 writing: Callable[[], AbstractContextManager]) -> None:
        self.client, self.alias, self.reading, self.writing = client, alias, reading, writing

    def live(self) -> str | None:
        """The collection the alias points at (None before the first build)."""
        with self.reading():
            for alias in self.client.get_aliases().aliases:
                if alias.alias_name == self.alias:
                    return alias.collection_name
            return self.alias if self.client.collection_exists(self.alias) else None  # before aliases

    def create(self, name: str, dense_dim: int, latent: bool = False) -> None:
        with self.writing():
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
        with self.writing():
            for key, kind in (("owner", models.PayloadSchemaType.KEYWORD), ("doc_id", models.PayloadSchemaType.KEYWORD),
                              ("ready", models.PayloadSchemaType.BOOL), ("embedded", models.PayloadSchemaType.BOOL),
                              ("embed_failed", models.PayloadSchemaType.BOOL)):
                payload_index(self.client, name, key, kind)

    def switch(self, name: str) -> str | None:
        """Point the alias at `name` in one step; drop and return the old collection."""
        old = self.live()
        with self.writing():
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
        with self.writing():
            if self.client.collection_exists(name):
                self.client.delete_collection(name)


def payload_index(client: QdrantClient, collection: str, key: str, kind: models.PayloadSchemaType) -> None:
    """A payload index; local mode warns that it has none (the speed-up module
    gives its filters an index of its own), so the warning is dropped."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        client.create_payload_index(collection, key, kind)
