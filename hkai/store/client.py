"""The one Qdrant client of a process: a local folder or a server.
"""

from __future__ import annotations

from qdrant_client import QdrantClient

from ..core.config import Settings
from . import speedup as qdrant_speedup
from .locks import StoreLockedError


def open_client(settings: Settings) -> QdrantClient:
    """A Qdrant client for the configured store; a clear error when the local
    folder is held by another process."""
    if settings.is_server:
        return QdrantClient(url=settings.qdrant_url, api_key=settings.qdrant_api_key, timeout=30)
    settings.store_dir.mkdir(parents=True, exist_ok=True)
    qdrant_speedup.install()
    try:
        return QdrantClient(path=str(settings.store_dir / "qdrant"), force_disable_check_same_thread=True)
    except RuntimeError as exc:
        if "already accessed" in str(exc):
            raise StoreLockedError(
                f"The document store at {settings.store_dir} is in use by another program "
                "(local Qdrant allows one process at a time). Close the other app or CLI, "
                "point HKAI_STORE at another folder, or use a Qdrant server (QDRANT_URL).") from exc
        raise
