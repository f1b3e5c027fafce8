"""Configuration, read in one place.

Every setting comes from the environment (the app also copies `st.secrets` into
it before calling `load_settings`), so the CLI, the app and the tests agree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
DATA_DIR = Path(__file__).resolve().parent / "data"

DEFAULT_EMBEDDING_MODEL = "intfloat/multilingual-e5-small"
# Bumped whenever chunking or the lexical vectoriser changes meaning, so an old
# index is rebuilt rather than silently mixed with new vectors.
PIPELINE_VERSION = "4"


@dataclass(frozen=True)
class Settings:
    store_dir: Path
    embedding_model: str
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
    collection: str = "hkai"
    max_file_bytes: int = 20 * 1024 * 1024
    chunk_size: int = 320
    chunk_overlap: int = 60
    feedback_file: Path | None = None
    llm: dict = field(default_factory=dict)

    @property
    def lexical_only(self) -> bool:
        return self.embedding_model.strip().lower() in {"", "none", "off"}

    @property
    def is_server(self) -> bool:
        return bool(self.qdrant_url)


def load_settings(env: dict | None = None, **overrides) -> Settings:
    """Build settings from an environment mapping (default: os.environ)."""
    env = os.environ if env is None else env
    store = Path(env.get("HKAI_STORE") or PROJECT_ROOT / ".hkai-store").expanduser()
    max_mb = float(env.get("HKAI_MAX_FILE_MB") or 20)
    values = dict(
        store_dir=store,
        embedding_model=env.get("HKAI_EMBEDDING_MODEL", DEFAULT_EMBEDDING_MODEL),
        qdrant_url=env.get("QDRANT_URL") or None,
        qdrant_api_key=env.get("QDRANT_API_KEY") or None,
        collection=env.get("HKAI_COLLECTION") or "hkai",
        max_file_bytes=int(max_mb * 1024 * 1024),
        feedback_file=Path(env.get("HKAI_FEEDBACK_FILE") or store / "feedback.jsonl"),
    )
    values.update(overrides)
    return Settings(**values)
