"""Qdrant: one chunk collection with a named dense vector and a sparse lexical
vector, one payload-only collection holding each document's original text, and
one holding the index's settings.

The document collection is what makes a rebuild possible: when the embedding
model or the chunker changes, chunks are dropped and re-made from it, uploads
included. Local mode (a folder) and a server (`QDRANT_URL`) share this code.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from qdrant_client import QdrantClient, models

from . import qdrant_speedup
from .chunking import Chunk, chunk_document, make_splitter
from .config import PIPELINE_VERSION, Settings
from .documents import Document, LoadError
from .sparse import BM25SparseEmbeddings, terms

DENSE, SPARSE = "dense", "lexical"
_DOC_NS = uuid.UUID("2d0c4f7e-91b3-4a8e-b6f5-7e1a9c3d5b20")
PUBLIC = "public"


class StoreLockedError(RuntimeError):
    """The local store folder is open in another process."""


@dataclass
class IndexReport:
    documents: int = 0  # documents whose chunks were written
    chunks: int = 0  # chunks written
    skipped: int = 0  # documents already indexed unchanged
    seconds: float = 0.0
    errors: list[LoadError] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"documents": self.documents, "chunks": self.chunks, "skipped": self.skipped,
                "seconds": round(self.seconds, 3),
                "errors": [{"file": e.name, "reason": e.reason, "code": e.code} for e in self.errors]}


def _doc_point_id(doc_id: str) -> str:
    return str(uuid.uuid5(_DOC_NS, doc_id))


def open_client(settings: Settings) -> QdrantClient:
    """A Qdrant client for the configured store; a clear error when the local
    folder is held by another process."""
    if settings.is_server:
        return QdrantClient(url=settings.qdrant_url, api_key=settings.qdrant_api_key, timeout=30)
    settings.store_dir.mkdir(parents=True, exist_ok=True)
    qdrant_speedup.install()
    try:
        return QdrantClient(path=str(settings.store_dir / "qdrant"))
    except RuntimeError as exc:
        if "already accessed" in str(exc):
            raise StoreLockedError(
                f"The document store at {settings.store_dir} is in use by another program "
                "(local Qdrant allows one process at a time). Close the other app or CLI, "
                "point HKAI_STORE at another folder, or use a Qdrant server (QDRANT_URL).") from exc
        raise


class Store:
    def __init__(self, settings: Settings, client: QdrantClient, dense=None,
                 sparse: BM25SparseEmbeddings | None = None):
        self.settings = settings
        self.client = client
        self.dense = dense
        self.sparse = sparse or BM25SparseEmbeddings()
        self.chunks_name = f"{settings.collection}_chunks"
        self.docs_name = f"{settings.collection}_docs"
        self.meta_name = f"{settings.collection}_meta"
        self._splitter = make_splitter(settings.chunk_size, settings.chunk_overlap)
        self.rebuilt = False
        self._owners: set[str] | None = None  # owners with documents, cached between writes
        self._ensure_collections()

    # ---- set-up -------------------------------------------------------------
    def signature(self) -> dict:
        return {"pipeline": PIPELINE_VERSION,
                "dense_model": getattr(self.dense, "name", None),
                "dense_dim": getattr(self.dense, "dim", 0),
                "chunk_size": self.settings.chunk_size,
                "chunk_overlap": self.settings.chunk_overlap,
                "bm25": [self.sparse.k1, self.sparse.b, self.sparse.avg_len]}

    def _create_chunks(self) -> None:
        vectors = {}
        if self.dense is not None:
            vectors[DENSE] = models.VectorParams(size=self.dense.dim, distance=models.Distance.COSINE)
        self.client.create_collection(
            self.chunks_name, vectors_config=vectors,
            sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)})
        for key in ("doc_id", "owner") if self.settings.is_server else ():
            self.client.create_payload_index(self.chunks_name, key, models.PayloadSchemaType.KEYWORD)

    def _ensure_collections(self) -> None:
        for name in (self.docs_name, self.meta_name):
            if not self.client.collection_exists(name):
                self.client.create_collection(name, vectors_config={})
        stored = self.client.retrieve(self.meta_name, [1])
        signature = self.signature()
        if self.client.collection_exists(self.chunks_name):
            if stored and stored[0].payload == signature:
                return
            # The model or the chunker changed: old vectors mean something else now.
            self.client.delete_collection(self.chunks_name)
            self.rebuilt = True
        self._create_chunks()
        self.client.upsert(self.meta_name, [models.PointStruct(id=1, vector={}, payload=signature)])
        if self.rebuilt:
            docs = [self.get_document(d["doc_id"]) for d in self.list_documents(owners=None)]
            self._write(docs, force=True)

    # ---- documents ----------------------------------------------------------
    def add_documents(self, docs: Iterable[Document],
                      progress: Callable[[int, int, Document], None] | None = None) -> IndexReport:
        return self._write(list(docs), progress=progress)

    def _existing_chunk_ids(self, doc_id: str) -> set[str]:
        ids: set[str] = set()
        offset = None
        flt = models.Filter(must=[models.FieldCondition(key="doc_id", match=models.MatchValue(value=doc_id))])
        while True:
            points, offset = self.client.scroll(self.chunks_name, scroll_filter=flt, limit=1000,
                                                offset=offset, with_payload=False, with_vectors=False)
            ids.update(str(p.id) for p in points)
            if offset is None:
                return ids

    def _write(self, docs: list[Document], force: bool = False,
               progress: Callable[[int, int, Document], None] | None = None) -> IndexReport:
        """Write the chunks of changed or new documents. A document whose
        content hash is already stored is skipped without touching the index."""
        started = time.perf_counter()
        report = IndexReport()
        known = {p.payload["doc_id"]: p.payload for p in self.client.retrieve(
            self.docs_name, [_doc_point_id(d.doc_id) for d in docs], with_payload=True)} if docs else {}
        pending: list[tuple[Document, Chunk]] = []
        stale: list[str] = []
        records = []
        for i, doc in enumerate(docs):
            old = known.get(doc.doc_id)
            if old and old.get("content_hash") == doc.content_hash and not force:
                report.skipped += 1
            else:
                chunks = chunk_document(doc, splitter=self._splitter)
                if old:  # a changed file: its old chunks go
                    stale.extend(self._existing_chunk_ids(doc.doc_id) - {c.chunk_id for c in chunks})
                pending.extend((doc, c) for c in chunks)
                report.documents += 1
                report.doc_ids.append(doc.doc_id)
                records.append(self._document_point(doc, len(chunks)))
            if progress:
                progress(i + 1, len(docs), doc)
        if stale:
            self.client.delete(self.chunks_name, models.PointIdsList(points=stale))
        for start in range(0, len(pending), 512):
            self._upsert_chunks(pending[start:start + 512])
        if records:
            self._owners = None
            self.client.upsert(self.docs_name, records)
        report.chunks = len(pending)
        report.seconds = time.perf_counter() - started
        return report

    def _upsert_chunks(self, batch: list[tuple[Document, Chunk]]) -> None:
        texts = [c.text for _, c in batch]
        sparse = [self.sparse.embed_document_terms(terms(t)) for t in texts]
        dense = self.dense.embed_documents(texts) if self.dense is not None else None
        points = []
        for j, (doc, chunk) in enumerate(batch):
            vector = {SPARSE: models.SparseVector(indices=sparse[j].indices, values=sparse[j].values)}
            if dense is not None:
                vector[DENSE] = dense[j]
            points.append(models.PointStruct(id=chunk.chunk_id, vector=vector, payload={
                "doc_id": doc.doc_id, "ordinal": chunk.ordinal, "text": chunk.text, "start": chunk.start,
                "title": doc.title, "source": doc.source, "date": doc.date, "publisher": doc.publisher,
                "script": doc.script, "language": doc.language, "owner": doc.owner}))
        self.client.upsert(self.chunks_name, points, wait=True)

    def owners_present(self) -> set[str]:
        if self._owners is None:
            self._owners = {d.get("owner", PUBLIC) for d in self.list_documents(owners=None)}
        return self._owners

    @staticmethod
    def _document_point(doc: Document, n_chunks: int) -> models.PointStruct:
        payload = asdict(doc)
        payload["chunks"] = n_chunks
        payload["added"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        return models.PointStruct(id=_doc_point_id(doc.doc_id), vector={}, payload=payload)

    def remove_document(self, doc_id: str) -> None:
        self._owners = None
        flt = models.Filter(must=[models.FieldCondition(key="doc_id", match=models.MatchValue(value=doc_id))])
        self.client.delete(self.chunks_name, models.FilterSelector(filter=flt))
        self.client.delete(self.docs_name, models.PointIdsList(points=[_doc_point_id(doc_id)]))

    @staticmethod
    def owner_filter(owners: Iterable[str] | None) -> models.Filter | None:
        if owners is None:
            return None
        return models.Filter(must=[models.FieldCondition(key="owner", match=models.MatchAny(any=list(owners)))])

    def list_documents(self, owners: Iterable[str] | None = (PUBLIC,)) -> list[dict]:
        """Document records without their text, oldest first."""
        out, offset = [], None
        while True:
            points, offset = self.client.scroll(self.docs_name, scroll_filter=self.owner_filter(owners),
                                                limit=256, offset=offset, with_payload=True)
            out.extend({k: v for k, v in p.payload.items() if k != "text"} for p in points)
            if offset is None:
                break
        return sorted(out, key=lambda d: (d.get("owner") != PUBLIC, d.get("added", ""), d["doc_id"]))

    def get_document(self, doc_id: str) -> Document | None:
        found = self.client.retrieve(self.docs_name, [_doc_point_id(doc_id)], with_payload=True)
        if not found:
            return None
        payload = {k: v for k, v in found[0].payload.items() if k not in ("chunks", "added")}
        return Document(**payload)

    def find_by_content(self, content_hash: str, owners: Iterable[str] | None) -> dict | None:
        for d in self.list_documents(owners):
            if d.get("content_hash") == content_hash:
                return d
        return None

    def count_chunks(self, owners: Iterable[str] | None = None) -> int:
        return self.client.count(self.chunks_name, count_filter=self.owner_filter(owners), exact=True).count

    def doc_chunks(self, doc_id: str) -> list[dict]:
        flt = models.Filter(must=[models.FieldCondition(key="doc_id", match=models.MatchValue(value=doc_id))])
        points, _ = self.client.scroll(self.chunks_name, scroll_filter=flt, limit=10000, with_payload=True)
        return sorted((p.payload for p in points), key=lambda p: p["ordinal"])

    # ---- search -------------------------------------------------------------
    def query(self, sparse, dense: list[float] | None, *, limit: int,
              owners: Iterable[str] | None, dense_weight: float = 1.0,
              prefetch_limit: int = 40) -> list[models.ScoredPoint]:
        """Hybrid query fused with weighted RRF inside Qdrant; lexical alone
        when there is no dense vector. The owner filter is left out when every
        document in the store is visible anyway: local mode evaluates filters
        point by point in Python."""
        if owners is not None and self.owners_present() <= set(owners):
            owners = None
        flt = self.owner_filter(owners)
        sparse = models.SparseVector(indices=sparse.indices, values=sparse.values)
        if dense is None or self.dense is None:
            return self.client.query_points(self.chunks_name, query=sparse, using=SPARSE, limit=limit,
                                            query_filter=flt, with_payload=True).points
        prefetch = [models.Prefetch(query=sparse, using=SPARSE, limit=prefetch_limit, filter=flt),
                    models.Prefetch(query=dense, using=DENSE, limit=prefetch_limit, filter=flt)]
        return self.client.query_points(
            self.chunks_name, prefetch=prefetch, limit=limit, with_payload=True,
            query=models.RrfQuery(rrf=models.Rrf(weights=[1.0, dense_weight]))).points

    def close(self) -> None:
        self.client.close()
