"""Documents to points, and an index that is never seen half-written.

Adding a document: its record (with its text) is written first in state
`indexing`; its chunks follow in small batches with `ready: false`, invisible to
every query; then the chunks are flipped to ready and the record to `ready`. A
process killed anywhere leaves a record in `indexing`, which `recover()`
finishes on the next start from the record's own text: nothing is lost and no
chunk is ever visible without its record.

Rebuilding (the model, chunker or vectoriser changed): a new chunk collection
is filled beside the live one from the records, its progress kept in the meta
collection so an interrupted rebuild resumes, and the alias moves in one step.
It is written with the passages' words only (seconds, not the hours a model
takes over a large store); the model's vectors follow in the background
(`LaterEmbedding`), as for uploads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from itertools import islice

from qdrant_client import models

from .chunking import Chunk, chunk_document
from .config import PIPELINE_VERSION
from .documents import Document, DocumentInfo, LoadError
from .embeddings import DenseEncoder
from .sparse import BM25SparseEmbeddings, terms
from .store import BATCH, DENSE, LATENT, SPARSE, Store, match, point_id
from .text import to_simplified

logger = logging.getLogger(__name__)
Progress = Callable[[int, int, Document], None]
Written = Callable[[int, int], None]  # passages written so far, of how many
_DOC_FIELDS = {f.name for f in fields(Document)}
NO_TEXT = models.PayloadSelectorExclude(exclude=["text"])


@dataclass
class IndexReport:
    documents: int = 0  # documents whose chunks were written
    chunks: int = 0  # chunks written
    skipped: int = 0  # documents already indexed unchanged
    seconds: float = 0.0
    errors: list[LoadError] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # files of unsupported types found in folders
    doc_ids: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"documents": self.documents, "chunks": self.chunks, "skipped": self.skipped,
                "seconds": round(self.seconds, 3),
                "failed": [{"file": e.name, "reason": e.reason, "code": e.code} for e in self.errors],
                "ignored": self.ignored}


@dataclass
class DocumentRecord(DocumentInfo):
    """A document as the store keeps it, without its text, and how far it is indexed."""

    state: str = "ready"  # "indexing" and "removing" while a process is at it
    chunks: int = 0
    added: str = ""
    updated: str = ""

    @classmethod
    def from_payload(cls, payload: dict) -> DocumentRecord:
        return cls(**{k: v for k, v in payload.items() if k in _RECORD_FIELDS})


_RECORD_FIELDS = {f.name for f in fields(DocumentRecord)}


def record_to_document(payload: dict) -> Document:
    return Document(**{k: v for k, v in payload.items() if k in _DOC_FIELDS})


class Indexer:
    def __init__(self, store: Store, sparse: BM25SparseEmbeddings, dense: DenseEncoder | None, splitter,
                 signature: dict):
        self.store, self.sparse, self.dense, self.splitter = store, sparse, dense, splitter
        digest = hashlib.sha1(json.dumps({**signature, "pipeline": PIPELINE_VERSION}, sort_keys=True).encode())
        self.target = f"{store.chunks}_{digest.hexdigest()[:10]}"
        self.rebuilt = False

    # ---- chunk -> embed -> points ------------------------------------------
    def chunk(self, doc: Document) -> list[Chunk]:
        return chunk_document(doc, splitter=self.splitter)

    def _model_vectors(self, texts: list[str]) -> list[dict]:
        """The dense model's vectors of passages (dense, and latent terms where
        it has them). It reads Simplified Chinese better than Traditional
        (multilingual-e5 on XQuAD: hit@1 0.765 folded against 0.755 as written),
        so it gets the folded script."""
        folded = [to_simplified(t) for t in texts]
        dense = self.dense.embed_documents(folded)
        latent = self.dense.latent(folded) if self.dense.has_latent else None
        return [{DENSE: dense[j], **({LATENT: models.SparseVector(indices=latent[j][0], values=latent[j][1])}
                                     if latent is not None else {})} for j in range(len(texts))]

    def _points(self, doc: Document, batch: list[Chunk], ready: bool, embed: bool = True) -> list[models.PointStruct]:
        texts = [c.text for c in batch]
        sparse = [self.sparse.embed_document_terms(terms(t)) for t in texts]
        later = self.dense is not None and not embed
        model = self._model_vectors(texts) if self.dense is not None and embed else [{} for _ in texts]
        points = []
        for j, chunk in enumerate(batch):
            vector = {SPARSE: models.SparseVector(indices=sparse[j].indices, values=sparse[j].values), **model[j]}
            payload = {"doc_id": doc.doc_id, "ordinal": chunk.ordinal, "text": chunk.text, "start": chunk.start,
                       "title": doc.title, "source": doc.source, "date": doc.date, "publisher": doc.publisher,
                       "script": doc.script, "language": doc.language, "owner": doc.owner, "ready": ready}
            if later:
                payload["embedded"] = False  # the dense model's vectors follow (`embed_pending`)
            points.append(models.PointStruct(id=chunk.chunk_id, vector=vector, payload=payload))
        return points

    def _write_chunks(self, collection: str, doc: Document, chunks: list[Chunk], ready: bool,
                      written: Written | None = None, embed: bool = True) -> None:
        if written:
            written(0, len(chunks))
        for start in range(0, len(chunks), BATCH):  # embedding happens outside the store's lock
            self.store.upsert(collection, self._points(doc, chunks[start:start + BATCH], ready, embed))
            if written:
                written(min(start + BATCH, len(chunks)), len(chunks))

    def embed_pending(self, limit: int = 16) -> int:
        """Fill in the dense model's vectors of up to `limit` passages written
        without them; returns how many (0: nothing left)."""
        if self.dense is None:
            return 0
        todo = list(islice(self.store.scroll(self.store.chunks, self._todo(), payload=["text"], page=limit), limit))
        if not todo:
            return 0
        try:
            vectors = self._model_vectors([p.payload["text"] for p in todo])
        except Exception:  # the model failed on this batch: try each passage alone, so one cannot block the rest
            logger.exception("the dense model failed on a batch of %d passages; trying them one by one", len(todo))
            for point in todo:
                try:
                    vector = self._model_vectors([point.payload["text"]])[0]
                except Exception:
                    logger.exception("passage %s stays searchable by its words only", point.id)
                    self.store.set_payload(self.store.chunks, {"embed_failed": True}, [str(point.id)])
                else:
                    self.store.fill_vectors(self.store.chunks, {str(point.id): vector}, {"embedded": True})
            return len(todo)
        self.store.fill_vectors(self.store.chunks, {str(p.id): v for p, v in zip(todo, vectors)}, {"embedded": True})
        return len(todo)

    @staticmethod
    def _todo(owners: list[str] | None = None) -> models.Filter:
        """Passages without the model's vectors that it has not failed on (those
        stay `embedded: false`, so queries keep their lexical leg for them)."""
        must = [match("embedded", False)] + ([match("owner", list(owners))] if owners is not None else [])
        return models.Filter(must=must, must_not=[match("embed_failed", True)])

    def pending(self, owners: list[str] | None = None) -> int:
        """Passages (of these owners) still waiting for the dense model's vectors."""
        return self.store.count(self.store.chunks, self._todo(owners))

    # ---- records ----------------------------------------------------------------
    def _put_record(self, doc: Document, state: str, n_chunks: int, added: str | None = None) -> None:
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        payload = {**asdict(doc), "state": state, "chunks": n_chunks, "added": added or now, "updated": now}
        self.store.upsert(self.store.docs, [models.PointStruct(id=point_id(doc.doc_id), vector={}, payload=payload)])

    def read(self, doc_id: str) -> tuple[DocumentRecord, Document] | None:
        """A document's record and the document with its text, whatever its state."""
        found = self.store.retrieve(self.store.docs, [point_id(doc_id)])
        return (DocumentRecord.from_payload(found[0].payload), record_to_document(found[0].payload)) if found else None

    def record(self, doc_id: str) -> DocumentRecord | None:
        return found[0] if (found := self.read(doc_id)) else None

    def document(self, doc_id: str) -> Document | None:
        return found[1] if (found := self.read(doc_id)) else None

    def records(self, flt: models.Filter | None) -> list[DocumentRecord]:
        return [DocumentRecord.from_payload(p.payload) for p in self.store.scroll(self.store.docs, flt, payload=NO_TEXT)]

    # ---- add, remove, recover ------------------------------------------------------
    def add(self, docs: list[Document], progress: Progress | None = None, force: bool = False) -> IndexReport:
        """Write new or changed documents; a document whose content is already
        stored under its id is skipped without touching the index."""
        started = time.perf_counter()
        report = IndexReport()
        for i, doc in enumerate(docs):
            old = self.record(doc.doc_id)
            if old and old.content_hash == doc.content_hash and old.state == "ready" and not force:
                report.skipped += 1
            else:
                report.chunks += self.index_one(doc, old)
                report.documents += 1
                report.doc_ids.append(doc.doc_id)
            if progress:
                progress(i + 1, len(docs), doc)
        report.seconds = time.perf_counter() - started
        return report

    def index_one(self, doc: Document, old: DocumentRecord | None = None, chunks: list[Chunk] | None = None,
                  written: Written | None = None, later: bool = False) -> int:
        """Write a document (see the module's note). With `later`, its passages
        are searchable by their words as soon as they are written, and the
        dense model's vectors are filled in afterwards (`embed_pending`)."""
        chunks = chunks if chunks is not None else self.chunk(doc)
        previous = set(self.store.ids(self.store.chunks, models.Filter(must=[match("doc_id", doc.doc_id)]))) \
            if old else set()
        added = old.added if old else None
        self._put_record(doc, "indexing", len(chunks), added=added)
        self._write_chunks(self.store.chunks, doc, chunks, ready=False, written=written, embed=not later)
        ids = [c.chunk_id for c in chunks]
        self.store.set_payload(self.store.chunks, {"ready": True}, ids)
        self.store.delete(self.store.chunks, sorted(previous - set(ids)))
        self._put_record(doc, "ready", len(chunks), added=added)
        return len(chunks)

    def remove(self, doc_id: str) -> None:
        self.store.set_payload(self.store.docs, {"state": "removing"}, [point_id(doc_id)])
        self.store.delete(self.store.chunks, self.store.ids(self.store.chunks, models.Filter(
            must=[match("doc_id", doc_id)])))
        self.store.delete(self.store.docs, [point_id(doc_id)])

    def recover(self) -> int:
        """Finish what a killed process left: documents half-indexed or
        half-removed, and chunks whose record is gone. Returns how many."""
        fixed = 0
        for rec in self.records(models.Filter(must=[match("state", ["indexing", "removing"])])):
            if rec.state == "removing":
                self.remove(rec.doc_id)
            elif (doc := self.document(rec.doc_id)) is not None:  # words now, the model's vectors later
                self.index_one(doc, rec, later=self.dense is not None)
            logger.warning("recovered document %s left %s by an interrupted process", rec.doc_id, rec.state)
            fixed += 1
        known = {r.doc_id for r in self.records(None)}
        for doc_id in set(self.store.distinct(self.store.chunks, "doc_id")) - known:
            self.store.delete(self.store.chunks, self.store.ids(self.store.chunks, models.Filter(
                must=[match("doc_id", doc_id)])))
            logger.warning("removed chunks of %s, which has no document record", doc_id)
            fixed += 1
        return fixed

    # ---- rebuild ---------------------------------------------------------------------
    def open(self) -> None:
        """Make the alias point at a complete index for the current signature,
        building (or resuming) one beside the live index when needed; then recover."""
        if self.store.live_chunks() != self.target:
            self.rebuild()
        self.store.index_chunks(self.target)
        self.recover()

    def rebuild(self) -> None:
        dim = self.dense.dim if self.dense is not None else 0
        self.store.create_chunks(self.target, dim, latent=self.dense is not None and self.dense.has_latent)
        key = f"build:{self.target}"
        done = set((self.store.get_meta(key) or {}).get("done", []))
        while pending := [r for r in self.records(None) if r.doc_id not in done and r.state != "removing"]:
            for rec in pending:  # records added meanwhile (another process) are caught by the next pass
                doc = self.document(rec.doc_id)
                if doc is not None:  # else removed meanwhile; words now, the model's vectors after the switch
                    self._write_chunks(self.target, doc, self.chunk(doc), ready=rec.state == "ready", embed=False)
                done.add(rec.doc_id)
                self.store.put_meta(key, {"done": sorted(done)})
        old = self.store.switch_chunks(self.target)
        self.store.delete_meta(key)
        self.rebuilt = old is not None
        logger.info("chunk index %s is live (was %s, %d documents)", self.target, old, len(done))


class LaterEmbedding:
    """A daemon thread that fills in the dense model's vectors of passages
    written without them (uploads: searchable by their words at once), a small
    batch at a time, so it stops within seconds. What it has not done when the
    process ends is done after the next start."""

    def __init__(self, indexer: Indexer, batch: int = 16) -> None:
        self.indexer, self.batch = indexer, batch
        self._lock = threading.Lock()
        self._wake, self._stop, self._idle = threading.Event(), threading.Event(), threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None

    def kick(self) -> None:
        """There is work: start (or wake) the thread."""
        with self._lock:
            if self._stop.is_set():
                return
            self._idle.clear()
            self._wake.set()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="hkai-embed-later", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            try:
                while not self._stop.is_set() and self.indexer.embed_pending(self.batch):
                    pass
            except Exception:  # the store closed under it, or the model failed: say so, retry on the next kick
                if not self._stop.is_set():
                    logger.exception("filling in dense vectors failed; the passages stay searchable by their words")
            with self._lock:
                if not self._wake.is_set():
                    self._idle.set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once nothing is left to do (for the CLI and tests)."""
        return self._idle.wait(timeout)

    def stop(self, timeout: float = 30.0) -> None:
        with self._lock:
            self._stop.set()
            self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
