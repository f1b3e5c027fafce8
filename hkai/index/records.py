"""Document records: one payload-only point per document in `<prefix>_docs`,
holding the document with its text and how far it is indexed. They are the
source of truth: recovery and rebuilds work from them, and a chunk without its
record is an orphan to remove."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, fields

from ..ingest.document import Document, DocumentInfo
from ..store.filters import point, point_id, without
from ..store.store import Store

_DOC_FIELDS = {f.name for f in fields(Document)}
NO_TEXT = without("text", "clean_text")


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


class Records:
    """Reading and writing document records (no visibility rules: callers pass the filter)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def put(self, doc: Document, state: str, n_chunks: int, added: str | None = None) -> None:
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        payload = {**asdict(doc), "state": state, "chunks": n_chunks, "added": added or now, "updated": now}
        self.store.upsert(self.store.docs, [point(point_id(doc.doc_id), {}, payload)])

    def set_state(self, doc_id: str, state: str) -> None:
        self.store.set_payload(self.store.docs, {"state": state}, [point_id(doc_id)])

    def delete(self, doc_id: str) -> None:
        self.store.delete(self.store.docs, [point_id(doc_id)])

    def read(self, doc_id: str) -> tuple[DocumentRecord, Document] | None:
        """A document's record and the document with its text, whatever its state."""
        found = self.store.retrieve(self.store.docs, [point_id(doc_id)])
        return (DocumentRecord.from_payload(found[0].payload), record_to_document(found[0].payload)) if found else None

    def get(self, doc_id: str) -> DocumentRecord | None:
        return found[0] if (found := self.read(doc_id)) else None

    def document(self, doc_id: str) -> Document | None:
        return found[1] if (found := self.read(doc_id)) else None

    def find(self, flt) -> list[DocumentRecord]:
        """Records (without their text) matching `flt`; None: every record."""
        return [DocumentRecord.from_payload(p.payload) for p in self.store.scroll(self.store.docs, flt, payload=NO_TEXT)]
