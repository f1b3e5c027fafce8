"""A visitor's file into their private workspace: parsed once, checked
against the per-file, per-workspace and site-wide passage budgets, written
words-first (searchable at once; the model's vectors follow)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from ..core.config import Limits
from ..core.types import PUBLIC
from ..index.background import LaterEmbedding
from ..index.indexer import Indexer, Written
from ..index.records import DocumentRecord
from ..ingest.document import Document, doc_id_for
from ..ingest.errors import LoadError
from ..ingest.loader import load_bytes
from ..store.filters import not_owned_by, visible
from ..store.store import Store
from .workspaces import Workspaces

logger = logging.getLogger(__name__)


@dataclass
class UploadResult:
    status: str  # "added", "unchanged" or "duplicate"
    document: Document
    chunks: int = 0
    duplicate_of: DocumentRecord | None = None  # the visible document with the same text


class Uploads:
    def __init__(self, store: Store, indexer: Indexer, later: LaterEmbedding | None, workspaces: Workspaces,
                 limits: Limits) -> None:
        self.store, self.indexer, self.later, self.workspaces, self.limits = store, indexer, later, workspaces, limits
        # Each upload is held under ~600 MB while it is read; many visitors uploading at once are not
        # allowed to multiply that: the others wait their turn.
        self._slots = threading.BoundedSemaphore(limits.parallel_uploads)
        self._budget_lock = threading.Lock()

    def add(self, data: bytes, name: str, owner: str, written: Written | None = None) -> UploadResult:
        """Add one visitor's file; raises LoadError (with a reason fit to show)
        for a bad file or one over a budget. `written` hears how many passages
        are stored so far."""
        if owner == PUBLIC:
            raise ValueError("uploads belong to a workspace, not to everyone")
        with self._slots:
            return self._add(data, name, owner, written)

    def _add(self, data: bytes, name: str, owner: str, written: Written | None) -> UploadResult:
        doc_id = doc_id_for(owner, name)
        doc = load_bytes(data, name, limits=self.limits, owner=owner, doc_id=doc_id)
        twin = self.find_content(doc.content_hash, [PUBLIC, owner])
        if twin and twin.doc_id != doc_id:
            return UploadResult("duplicate", doc, duplicate_of=twin)
        if twin:
            return UploadResult("unchanged", doc, chunks=twin.chunks)
        chunks = self.indexer.chunk(doc)
        if len(chunks) > self.limits.file_chunks:
            raise LoadError(name, f"it makes {len(chunks):,} passages, over the {self.limits.file_chunks:,}-passage "
                            "limit for one file", "too_large")
        with self._budget_lock:  # the budgets are checked and the passages written as one step
            self._check_budgets(name, owner, len(chunks))
            n = self.indexer.index_one(doc, self.indexer.records.get(doc_id), chunks, written=written,
                                       later=self.later is not None)
        if self.later is not None:
            self.later.kick()
        self.workspaces.touch(owner)
        return UploadResult("added", doc, chunks=n)

    def _check_budgets(self, name: str, owner: str, n: int) -> None:
        used = self.store.count(self.store.chunks, visible([owner]))
        if used + n > self.limits.owner_chunks:
            raise LoadError(name, f"your workspace would hold {used + n:,} passages, over its limit of "
                            f"{self.limits.owner_chunks:,}; remove a document first", "over_budget")
        everyone = self.store.count(self.store.chunks, not_owned_by(PUBLIC))
        if everyone + n > self.limits.private_chunks:  # many visitors together: the site stays fast for all
            logger.warning("private passages at %d of %d: upload of %d refused", everyone,
                           self.limits.private_chunks, n)
            raise LoadError(name, f"the site holds {self.limits.private_chunks:,} passages of visitors' uploads at "
                            "most and is full; try again after idle workspaces expire", "site_full")

    def find_content(self, content_hash: str, owners: Iterable[str]) -> DocumentRecord | None:
        """A ready document with this text that these owners see."""
        found = self.indexer.records.find(visible(owners, content_hash=content_hash, state="ready"))
        return found[0] if found else None
