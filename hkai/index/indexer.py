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
(`background.LaterEmbedding`), as for uploads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..core.config import PIPELINE_VERSION
from ..ingest.document import Document
from ..ingest.errors import LoadError
from ..store.filters import where
from ..store.store import BATCH, Store
from .chunking import Chunk, chunk_document
from .points import PointMaker
from .records import DocumentRecord, Records

logger = logging.getLogger(__name__)
Progress = Callable[[int, int, Document], None]
Written = Callable[[int, int], None]  # passages written so far, of how many


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


class Indexer:
    def __init__(self, store: Store, records: Records, points: PointMaker, splitter, signature: dict):
        self.store, self.records, self.points, self.splitter = store, records, points, splitter
        digest = hashlib.sha1(json.dumps({**signature, "pipeline": PIPELINE_VERSION}, sort_keys=True).encode())
        self.target = f"{store.chunks}_{digest.hexdigest()[:10]}"
        self.rebuilt = False

    @property
    def later(self) -> bool:
        """Whether passages are written words-first, the model's vectors to follow."""
        return self.points.dense is not None

    def chunk(self, doc: Document) -> list[Chunk]:
        return chunk_document(doc, splitter=self.splitter)

    def _write_chunks(self, collection: str, doc: Document, chunks: list[Chunk], ready: bool,
                      written: Written | None = None, embed: bool = True) -> None:
        if written:
            written(0, len(chunks))
        for start in range(0, len(chunks), BATCH):  # embedding happens outside the store's lock
            self.store.upsert(collection, self.points.points(doc, chunks[start:start + BATCH], ready, embed))
            if written:
                written(min(start + BATCH, len(chunks)), len(chunks))

    def _chunk_ids(self, doc_id: str) -> list[str]:
        return self.store.ids(self.store.chunks, where(doc_id=doc_id))

    # ---- add, remove, recover ------------------------------------------------------
    def add(self, docs: list[Document], progress: Progress | None = None, force: bool = False) -> IndexReport:
        """Write new or changed documents; a document whose content is already
        stored under its id is skipped without touching the index."""
        started = time.perf_counter()
        report = IndexReport()
        for i, doc in enumerate(docs):
            old = self.records.get(doc.doc_id)
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
        dense model's vectors are filled in afterwards."""
        chunks = chunks if chunks is not None else self.chunk(doc)
        previous = set(self._chunk_ids(doc.doc_id)) if old else set()
        added = old.added if old else None
        self.records.put(doc, "indexing", len(chunks), added=added)
        self._write_chunks(self.store.chunks, doc, chunks, ready=False, written=written, embed=not later)
        ids = [c.chunk_id for c in chunks]
        self.store.set_payload(self.store.chunks, {"ready": True}, ids)
        self.store.delete(self.store.chunks, sorted(previous - set(ids)))
        self.records.put(doc, "ready", len(chunks), added=added)
        return len(chunks)

    def remove(self, doc_id: str) -> None:
        self.records.set_state(doc_id, "removing")
        self.store.delete(self.store.chunks, self._chunk_ids(doc_id))
        self.records.delete(doc_id)

    def recover(self) -> int:
        """Finish what a killed process left: documents half-indexed or
        half-removed, and chunks whose record is gone. Returns how many."""
        fixed = 0
        for rec in self.records.find(where(state=["indexing", "removing"])):
            if rec.state == "removing":
                self.remove(rec.doc_id)
            elif (doc := self.records.document(rec.doc_id)) is not None:  # words now, the model's vectors later
                self.index_one(doc, rec, later=self.later)
            logger.warning("recovered document %s left %s by an interrupted process", rec.doc_id, rec.state)
            fixed += 1
        known = {r.doc_id for r in self.records.find(None)}
        for doc_id in set(self.store.distinct(self.store.chunks, "doc_id")) - known:
            self.store.delete(self.store.chunks, self._chunk_ids(doc_id))
            logger.warning("removed chunks of %s, which has no document record", doc_id)
            fixed += 1
        return fixed

    # ---- rebuild ---------------------------------------------------------------------
    def open(self) -> None:
        """Make the alias point at a complete index for the current signature,
        building (or resuming) one beside the live index when needed; then recover."""
        if self.store.collections.live() != self.target:
            self.rebuild()
        self.store.collections.add_indexes(self.target)
        self.recover()

    def rebuild(self) -> None:
        dense = self.points.dense
        self.store.collections.create(self.target, dense.dim if dense is not None else 0,
                                      latent=dense is not None and dense.has_latent)
        key = f"build:{self.target}"
        done = set((self.store.get_meta(key) or {}).get("done", []))
        while pending := [r for r in self.records.find(None) if r.doc_id not in done and r.state != "removing"]:
            for rec in pending:  # records added meanwhile (another process) are caught by the next pass
                doc = self.records.document(rec.doc_id)
                if doc is not None:  # else removed meanwhile; words now, the model's vectors after the switch
                    self._write_chunks(self.target, doc, self.chunk(doc), ready=rec.state == "ready", embed=False)
                done.add(rec.doc_id)
                self.store.put_meta(key, {"done": sorted(done)})
        old = self.store.collections.switch(self.target)
        self.store.delete_meta(key)
        self.rebuilt = old is not None
        logger.info("chunk index %s is live (was %s, %d documents)", self.target, old, len(done))
