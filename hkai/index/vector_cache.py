"""Vectors cached by content in one SQLite file, behind LangChain's key-value
store interface (what `CacheBackedEmbeddings` reads and writes).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from langchain_core.stores import ByteStore


class SQLiteByteStore(ByteStore):
    """LangChain's key-value store interface over one SQLite file."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # Another process (the CLI beside the app, a second test worker) may be writing: wait for it.
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB)")

    def mget(self, keys: Sequence[str]) -> list[bytes | None]:
        found: dict[str, bytes] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = list(keys[i:i + 500])
                rows = self._db.execute(f"SELECT key, value FROM kv WHERE key IN ({','.join('?' * len(part))})",
                                        part).fetchall()
                found.update(rows)
        return [found.get(k) for k in keys]

    def mset(self, key_value_pairs: Sequence[tuple[str, bytes]]) -> None:
        with self._lock, self._db:
            self._db.executemany("INSERT OR REPLACE INTO kv VALUES (?, ?)", list(key_value_pairs))

    def mdelete(self, keys: Sequence[str]) -> None:
        with self._lock, self._db:
            self._db.executemany("DELETE FROM kv WHERE key = ?", [(k,) for k in keys])

    def yield_keys(self, *, prefix: str | None = None) -> Iterator[str]:
        with self._lock:
            rows = self._db.execute("SELECT key FROM kv WHERE key LIKE ?", ((prefix or "") + "%",)).fetchall()
        yield from (r[0] for r in rows)
