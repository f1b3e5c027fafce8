"""The dense model's vectors, added after a passage is already searchable by its words.

Uploads and rebuilds write passages with their lexical vector only
(`embedded: false`): seconds, not the minutes a model takes on two cores. A
daemon thread then fills in the model's vectors a small batch at a time, so
each write holds the store's lock for milliseconds and the thread stops within
seconds. What it has not done when the process ends is done after the next start.
"""

from __future__ import annotations

import logging
import threading
from itertools import islice

from ..core.memory import give_back_freed_memory
from ..store.filters import where
from ..store.store import Store
from .points import PointMaker

logger = logging.getLogger(__name__)


class LaterEmbedding:
    def __init__(self, store: Store, points: PointMaker, batch: int = 16) -> None:
        self.store, self.points, self.batch = store, points, batch
        self._lock = threading.Lock()
        self._wake, self._stop, self._idle = threading.Event(), threading.Event(), threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None

    # ---- the work ------------------------------------------------------------------
    @staticmethod
    def _todo(owners: list[str] | None = None):
        """Passages without the model's vectors that it has not failed on (those
        stay `embedded: false`, so queries keep their lexical leg for them)."""
        mine = {"owner": list(owners)} if owners is not None else {}
        return where(embedded=False, **mine, exclude={"embed_failed": True})

    def pending(self, owners: list[str] | None = None) -> int:
        """Passages (of these owners) still waiting for the dense model's vectors."""
        return self.store.count(self.store.chunks, self._todo(owners))

    def embed_pending(self, limit: int = 16) -> int:
        """Fill in the model's vectors of up to `limit` passages; returns how many (0: nothing left)."""
        todo = list(islice(self.store.scroll(self.store.chunks, self._todo(), payload=["text", "sentences"], page=limit), limit))
        if not todo:
            return 0
        try:
            vectors = self.points.model_vectors([p.payload["text"] for p in todo],
                                                [p.payload.get("sentences") or [] for p in todo])
        except Exception:  # the model failed on this batch: try each passage alone, so one cannot block the rest
            logger.exception("the dense model failed on a batch of %d passages; trying them one by one", len(todo))
            for point in todo:
                try:
                    vector = self.points.model_vectors([point.payload["text"]], [point.payload.get("sentences") or []])[0]
                except Exception:
                    logger.exception("passage %s stays searchable by its words only", point.id)
                    self.store.set_payload(self.store.chunks, {"embed_failed": True}, [str(point.id)])
                else:
                    self.store.fill_vectors(self.store.chunks, {str(point.id): vector}, {"embedded": True})
            return len(todo)
        self.store.fill_vectors(self.store.chunks, {str(p.id): v for p, v in zip(todo, vectors)}, {"embedded": True})
        return len(todo)

    # ---- the thread ----------------------------------------------------------------
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
                while not self._stop.is_set() and self.embed_pending(self.batch):
                    pass
            except Exception:  # the store closed under it, or the model failed: say so, retry on the next kick
                if not self._stop.is_set():
                    logger.exception("filling in dense vectors failed; the passages stay searchable by their words")
            self.points.rest()  # the passages' engines, until passages come again
            give_back_freed_memory()  # and their work buffers, freed in their threads' arenas
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
