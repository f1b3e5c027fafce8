"""The composition root: the engine in one object, built once per process and
shared by every visitor. It wires the steps (files, indexer, background
vectors, uploads, retriever, the answer service) and holds the visibility
rules (who may list, search or remove what). The CLI and the app call only this."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .answer.context import Asked
from .answer.glosses import says_in_english
from .answer.reference import reference_vectors
from .answer.service import AnswerService
from .core.config import Settings, load_settings
from .core.types import PUBLIC, Answer, Hit
from .index.background import LaterEmbedding
from .index.chunking import make_splitter
from .index.embeddings import DenseStatus, load_dense
from .index.indexer import Indexer, IndexReport, Progress, Written
from .index.points import PointMaker
from .index.records import DocumentRecord, Records
from .index.sparse import BM25SparseEmbeddings
from .ingest.document import Document
from .ingest.manifest import seed_manifest
from .ingest.paths import expand_paths, load_files, seed_paths
from .retrieve.planner import QueryPlan, plan_query
from .retrieve.rerank import load_reranker
from .retrieve.retriever import Retriever
from .store.client import open_client
from .store.filters import visible
from .store.store import Store
from .workspace.uploads import UploadResult, Uploads
from .workspace.workspaces import Workspaces

logger = logging.getLogger(__name__)
Owners = Iterable[str]


@dataclass
class LibraryStatus:
    documents: int
    chunks: int
    dense: DenseStatus

    @property
    def retrieval_mode(self) -> str:
        return "hybrid" if self.dense.loaded else "lexical"


class Library:
    def __init__(self, settings: Settings | None = None):
        self.settings = s = settings or load_settings()
        self.dense, self.dense_status = load_dense(
            s.embedding_model, s.embedding_cache_file, languages=s.dense_languages,
            offline=s.hf_offline, endpoint=s.hf_endpoint)
        self.sparse = BM25SparseEmbeddings()
        self.store = Store(open_client(s), s.collection, local=not s.is_server)
        self.records = Records(self.store)
        points = PointMaker(self.sparse, self.dense)
        signature = {"dense_model": self.dense_status.model if self.dense else None,
                     "latent": bool(self.dense and self.dense.has_latent),
                     "dense_dim": self.dense_status.dim, "chunk_size": s.chunk_size,
                     "chunk_overlap": s.chunk_overlap, "bm25": [self.sparse.k1, self.sparse.b, self.sparse.avg_len]}
        self.indexer = Indexer(self.store, self.records, points, make_splitter(s.chunk_size, s.chunk_overlap),
                               signature)
        self.indexer.open()
        self.later = LaterEmbedding(self.store, points) if self.dense is not None else None
        if self.later is not None and self.later.pending():
            self.later.kick()  # vectors an earlier process did not get to
        reranker, self.reranker_status = load_reranker(s.reranker)
        self.retriever = Retriever(self.store, self.sparse, self.dense, s.dense_weight, reranker)
        self.workspaces = Workspaces(self.store, self.records, self.indexer, s.workspace_ttl_hours)
        self.uploads = Uploads(self.store, self.indexer, self.later, self.workspaces, s.limits)
        self.answers = AnswerService(self.search_plan, self.document, self.dense, s.limits, s.llm)

    # ---- indexing -----------------------------------------------------------
    def index_paths(self, paths: Iterable[str | Path], owner: str = PUBLIC, progress: Progress | None = None
                    ) -> IndexReport:
        """Index files and folders; each bad file is reported and the rest go on."""
        docs, errors, ignored = load_files(paths, owner, self.settings.limits)
        report = self.indexer.add(docs, progress=progress)
        report.errors, report.ignored = errors + report.errors, ignored
        return report

    def ensure_seeds(self, progress: Progress | None = None) -> IndexReport:
        return self.index_paths(seed_paths(), progress=progress)

    def add_upload(self, data: bytes, name: str, owner: str, written: Written | None = None) -> UploadResult:
        """Add one visitor's file, parsed once (see `uploads.Uploads.add`)."""
        return self.uploads.add(data, name, owner, written)

    def remove(self, doc_id: str, owner: str) -> bool:
        """Remove a document of `owner`'s; False (nothing done) for anyone else's."""
        record = self.records.get(doc_id)
        if record is None or owner == PUBLIC or record.owner != owner:
            return False
        self.indexer.remove(doc_id)
        return True

    # ---- reading --------------------------------------------------------------
    def documents(self, owners: Owners = (PUBLIC,)) -> list[DocumentRecord]:
        """Records (without text) of the documents the owners may see, shipped ones first."""
        records = self.records.find(visible(owners, state="ready"))
        return sorted(records, key=lambda d: (d.owner != PUBLIC, d.added, d.doc_id))

    def document(self, doc_id: str, owners: Owners = (PUBLIC,)) -> Document | None:
        found = self.records.read(doc_id)
        if found is None or found[0].owner not in set(owners) or found[0].state != "ready":
            return None
        return found[1]

    def status(self, owners: Owners = (PUBLIC,)) -> LibraryStatus:
        owners = list(owners)
        return LibraryStatus(self.store.count(self.store.docs, visible(owners, state="ready")),
                             self.store.count(self.store.chunks, visible(owners, ready=True)), self.dense_status)

    def search_plan(self, plan: QueryPlan, k: int = 5, owners: Owners = (PUBLIC,)) -> list[Hit]:
        return self.retriever.search(plan, k, list(owners))

    def search(self, question: str, k: int = 5, owners: Owners = (PUBLIC,)) -> list[Hit]:
        if not question.strip():
            return []  # a blank query would rank passages by the model's idea of nothing
        return self.search_plan(plan_query(question), k=k, owners=owners)

    def refusal(self, question: str) -> Answer | None:
        return self.answers.refusal(question)

    def ask(self, question: str, owners: Owners = (PUBLIC,), k: int = 8, previous: str | None = None) -> Answer:
        """The extractive answer (see `answer.service.AnswerService.extractive`)."""
        return self.answers.extractive(question, owners, k, previous)

    def prepare(self, question: str, owners: Owners = (PUBLIC,), k: int = 8, previous: str | None = None) -> Asked:
        return self.answers.gather(question, owners, k, previous)

    def warm(self) -> None:
        """Load what the first question would otherwise wait for: jieba's
        dictionary (about a second), CC-CEDICT (about two), the dense model's
        question engine and its reference sentences."""
        plan_query("預熱 warm-up")
        says_in_english("預熱詞典")
        if self.dense is not None:
            self.dense.embed_query("warm-up")
            reference_vectors(self.dense.name)

    def pending(self, owners: Owners | None = None) -> int:
        """Passages searchable by their words whose dense vectors are still being computed."""
        return self.later.pending(list(owners) if owners is not None else None) if self.later is not None else 0

    def finish_embedding(self, timeout: float | None = None) -> bool:
        """Wait until every passage has its dense vectors (the CLI, tests)."""
        if self.later is None:
            return True
        if self.later.pending():
            self.later.kick()
        return self.later.wait(timeout)

    def close(self) -> None:
        if self.later is not None:
            self.later.stop()
        self.store.close()


__all__ = ["Library", "LibraryStatus", "UploadResult", "expand_paths", "seed_manifest"]
