"""Private workspaces: capabilities, not names.

A workspace is an unguessable token (192 bits from `secrets.token_urlsafe`)
that travels in the visitor's link (`?ws=`). The store never sees the token,
only a hash of it as the documents' owner, so the store's contents do not
reveal anyone's link. Without the token nothing in the workspace can be
listed, searched or removed. Workspaces nobody opened for
`Settings.workspace_ttl_hours` are purged with their documents.
"""

from __future__ import annotations

import calendar
import logging
import threading
import time
from typing import TYPE_CHECKING

from ..core.types import PUBLIC
from ..store.filters import where

if TYPE_CHECKING:
    from ..index.indexer import Indexer
    from ..index.records import DocumentRecord, Records
    from ..store.store import Store

logger = logging.getLogger(__name__)
class Workspaces:
    """When each workspace was last opened, and the purge of idle ones."""

    def __init__(self, store: Store, records: Records, indexer: Indexer, ttl_hours: float):
        self.store, self.records, self.indexer, self.ttl_hours = store, records, indexer, ttl_hours
        self._touched: dict[str, float] = {}  # a write throttle only: who sees what is never decided here
        self._purged_at = 0.0
        self._purging = threading.Lock()

    def purge_if_due(self, every: float = 3600.0) -> threading.Thread | None:
        """A process that runs for weeks purges too: at most once per `every`
        seconds, in a thread of its own so no visitor waits for it. Returns
        the thread when one was started."""
        now = time.time()
        if now - self._purged_at < every or not self._purging.acquire(blocking=False):
            return None
        self._purged_at = now

        def run() -> None:
            try:
                if purged := self.purge():
                    logger.info("purged %d idle workspaces", len(purged))
            except Exception:  # the store closed under it, say; the next run tries again
                logger.exception("purging idle workspaces failed")
            finally:
                self._purging.release()

        thread = threading.Thread(target=run, name="hkai-purge", daemon=True)
        thread.start()
        return thread

    def touch(self, owner: str, every: float = 600.0) -> None:
        """Note that a workspace is in use (at most once per `every` seconds)."""
        now = time.time()
        if owner != PUBLIC and now - self._touched.get(owner, 0.0) > every:
            self._touched[owner] = now
            self.store.put_meta(f"seen:{owner}", {"owner": owner, "last_seen": now})

    def _records(self, owner: str) -> list[DocumentRecord]:

        return self.records.find(where(owner=owner))

    def purge(self, idle_hours: float | None = None, now: float | None = None, dry_run: bool = False) -> list[str]:
        """Remove every workspace not opened for `idle_hours` (default: the
        configured TTL), with its documents. Returns the owners purged."""
        cutoff = (now or time.time()) - 3600 * (self.ttl_hours if idle_hours is None else idle_hours)
        stale = []
        for owner in sorted(set(self.store.distinct(self.store.docs, "owner")) - {PUBLIC}):
            seen = (self.store.get_meta(f"seen:{owner}") or {}).get("last_seen")
            if seen is None:  # never touched (an upload from before workspaces): its newest record's age
                added = [r.added for r in self._records(owner)]
                seen = calendar.timegm(time.strptime(max(added), "%Y-%m-%dT%H:%M:%SZ")) if any(added) else 0
            if seen < cutoff:
                stale.append(owner)
        for owner in [] if dry_run else stale:
            for record in self._records(owner):
                self.indexer.remove(record.doc_id)
            self.store.delete_meta(f"seen:{owner}")
            self._touched.pop(owner, None)
        return stale
