"""The one door: the engine in one object, built once per process and shared
by every visitor. Pages, components and the CLI call only this (with the
shared types and translation of `hkai.core` and the dashboards' pure chart
and deck functions): asking, whole or streamed; uploading, removing and
listing documents and the formats read; status, purge and reset. Results and
errors are typed. Behind it, `_Parts` wires the stages (files, indexer,
background vectors, uploads, retriever, the answer service) and the door holds
the visibility rules (who may list, search or remove what)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from .answer.budget import CallBudget
from .answer.context import Asked
from .answer.glosses import says_by_pinyin, says_in_english
from .answer.reference import reference_vectors
from .answer.service import AnswerService
from .answer.span.pool import Spans
from .answer.stream import AnswerStream
from .answer.unavailable import LLMUnavailable
from .core.config import Settings, load_settings
from .core.types import PUBLIC, Answer, Hit
from .index.background import LaterEmbedding
from .index.chunking import make_splitter
from .index.embeddings import DenseStatus, load_dense
from .index.indexer import Indexer, IndexReport, Progress, Written
from .index.points import PointMaker
from .index.records import DocumentRecord, Records
from .index.shipped import prefill
from .index.sparse import BM25SparseEmbeddings
from .ingest.document import Document
from .ingest.errors import LoadError
from .ingest.formats import FORMATS, Format
from .ingest.paths import load_files, seed_paths
from .retrieve.planner import QueryPlan, plan_query
from .retrieve.rerank import load_reranker
from .retrieve.retriever import Retriever
from .store.client import open_client
from .store.filters import visible
from .store.locks import StoreLockedError
from .store.store import Store
from .workspace import visitor
from .workspace.feedback import record_feedback
from .workspace.uploads import UploadResult, Uploads
from .workspace.visitor import UploadOutcome
from .workspace.workspaces import Workspaces

logger = logging.getLogger(__name__)
Owners = Iterable[str]


@dataclass
class LibraryStatus:
    documents: int
    chunks: int
    dense: DenseStatus
    span_reader: str = "off"  # "loaded", "not loaded" (yet), "off", or why it cannot load

    @property
    def retrieval_mode(self) -> str:
        return "hybrid" if self.dense.loaded else "lexical"


@dataclass
class _Parts:
    """The stages, wired once (the composition root)."""

    settings: Settings
    dense: object
    dense_status: DenseStatus
    store: Store
    records: Records
    indexer: Indexer
    later: LaterEmbedding | None
    retriever: Retriever
    workspaces: Workspaces
    uploads: Uploads
    answers: AnswerService
    reranker_status: str
    spans: Spans

    @classmethod
    def build(cls, s: Settings, search, read) -> _Parts:
        dense, dense_status = load_dense(s.embedding_model, s.embedding_cache_file, languages=s.dense_languages,
                                         offline=s.hf_offline, endpoint=s.hf_endpoint, threads=s.threads)
        sparse = BM25SparseEmbeddings()
        store = Store(open_client(s), s.collection, local=not s.is_server)
        records = Records(store)
        points = PointMaker(sparse, dense)
        signature = {"dense_model": dense_status.model if dense else None,
                     "latent": bool(dense and dense.has_latent), "dense_dim": dense_status.dim,
                     "chunk_size": s.chunk_size, "chunk_overlap": s.chunk_overlap,
                     "bm25": [sparse.k1, sparse.b, sparse.avg_len]}
        indexer = Indexer(store, records, points, make_splitter(s.chunk_size, s.chunk_overlap), signature)
        indexer.open()
        later = LaterEmbedding(store, points) if dense is not None else None
        if later is not None and later.pending():
            later.kick()  # vectors an earlier process did not get to
        reranker, reranker_status = load_reranker(s.reranker)
        retriever = Retriever(store, sparse, dense, s.dense_weight, reranker)
        workspaces = Workspaces(store, records, indexer, s.workspace_ttl_hours)
        uploads = Uploads(store, indexer, later, workspaces, s.limits)
        spans = Spans(s.span_reader, s.span_windows, s.threads)
        answers = AnswerService(search, read, dense, s.limits, s.llm, spans=spans)
        return cls(s, dense, dense_status, store, records, indexer, later, retriever, workspaces, uploads, answers,
                   reranker_status, spans)


class Library:
    """`parts` are the stages behind the door, for the engine's own tests and the bench; pages, components and
    the CLI never touch them (tests/test_architecture.py)."""

    def __init__(self, settings: Settings | None = None):
        self.parts = _Parts.build(settings or load_settings(), self._search_plan, self.document)

    @property
    def settings(self) -> Settings:
        return self.parts.settings

    @property
    def dense_status(self) -> DenseStatus:
        return self.parts.dense_status

    # ---- asking ---------------------------------------------------------------------------------------
    def ask(self, question: str, owners: Owners = (PUBLIC,), *, previous: str | None = None,
            history: list[tuple[str, str]] | None = None, generate: bool | None = None,
            budget: CallBudget | None = None, lang: str = "en") -> Answer:
        """The answer for a visitor who sees `owners`' documents (see `answer.service.AnswerService.answer`):
        refused (`Answer.refused`), extractive, or generated and checked, falling back with its reason."""
        return self.parts.answers.answer(question, owners=owners, previous=previous, history=history,
                                      generate=generate, budget=budget, lang=lang)

    def ask_stream(self, question: str, owners: Owners = (PUBLIC,), **kw) -> AnswerStream:
        """The same answer as an iterator of the generated text's pieces; `.answer` once it is exhausted."""
        return self.parts.answers.stream(question, owners=owners, **kw)

    def budget(self) -> CallBudget:
        """A visitor's allowance of generated answers (HKAI_LLM_MAX_CALLS), kept in their session."""
        return CallBudget(self.settings.llm.max_calls if self.settings.llm else 0)

    def translate(self, passage: str, lang: str, budget: CallBudget | None = None) -> tuple[str, dict]:
        """A quote machine-translated for the reader, its figures checked; raises `LLMUnavailable`."""
        return self.parts.answers.translate(passage, lang, budget)

    def using(self, *, llm=None, model=None) -> Library:
        """The same library answered by another model (its settings, or a LangChain chat model)."""
        other = object.__new__(Library)
        other.parts = replace(self.parts, answers=self.parts.answers.using(llm=llm, model=model))
        return other

    def search(self, question: str, k: int = 5, owners: Owners = (PUBLIC,)) -> list[Hit]:
        if not question.strip():
            return []  # a blank query would rank passages by the model's idea of nothing
        return self._search_plan(plan_query(question), k, list(owners))

    def _search_plan(self, plan: QueryPlan, k: int, owners: list[str]) -> list[Hit]:
        return self.parts.retriever.search(plan, k, owners)

    def prepare(self, question: str, owners: Owners = (PUBLIC,), k: int = 8, previous: str | None = None) -> Asked:
        """What answering starts from (the plan, hits and their documents): the reader's fit reads it."""
        return self.parts.answers.gather(question, owners, k, previous)

    def feedback(self, question: str, answer: str, score: int, lang: str) -> None:
        record_feedback(self.settings.feedback_file, question, answer, score, lang)

    # ---- documents --------------------------------------------------------------------------------------
    @staticmethod
    def formats() -> tuple[Format, ...]:
        """The formats a file may be in (`ingest.formats`: the one table)."""
        return FORMATS

    def index_paths(self, paths: Iterable[str | Path], owner: str = PUBLIC, progress: Progress | None = None
                    ) -> IndexReport:
        """Index files and folders; each bad file is reported and the rest go on."""
        docs, errors, ignored = load_files(paths, owner, self.settings.limits)
        report = self.parts.indexer.add(docs, progress=progress)
        report.errors, report.ignored = errors + report.errors, ignored
        return report

    def index_documents(self, docs: list[Document], progress: Progress | None = None) -> IndexReport:
        """Documents already loaded (the benchmarks' public sets: every paragraph one document)."""
        return self.parts.indexer.add(docs, progress=progress)

    def ensure_seeds(self, progress: Progress | None = None) -> IndexReport:
        """The shipped documents, indexed once: with their shipped vectors where they are the loaded model's
        (`index.shipped`), so that a host starting on an empty disk encodes none of them."""
        prefill(self.parts.dense)
        return self.index_paths(seed_paths(), progress=progress)

    def upload(self, data: bytes, name: str, owner: str, lang: str = "en", written: Written | None = None
               ) -> UploadOutcome:
        """One visitor's file into their workspace, parsed once; every failure is a sentence in `lang`."""
        try:
            result = self.add_upload(data, name, owner, written)
        except LoadError as exc:
            return visitor.refused(exc, name, lang)
        except Exception:  # unexpected: the operator gets the traceback, the visitor a sentence
            logger.exception("upload of %r failed", name)
            return visitor.failed(name, lang)
        return visitor.added(result, name, lang)

    def add_upload(self, data: bytes, name: str, owner: str, written: Written | None = None) -> UploadResult:
        """The same, raising `LoadError` (see `uploads.Uploads.add`)."""
        return self.parts.uploads.add(data, name, owner, written)

    def remove(self, doc_id: str, owner: str) -> DocumentRecord | None:
        """Remove a document of `owner`'s and return its record; None (nothing done) for anyone else's."""
        record = self.parts.records.get(doc_id)
        if record is None or owner == PUBLIC or record.owner != owner:
            return None
        self.parts.indexer.remove(doc_id)
        return record

    def reset(self) -> int:
        """Remove every document (the CLI's `index --reset`); returns how many."""
        found = self.parts.records.find(None)
        for d in found:
            self.parts.indexer.remove(d.doc_id)
        return len(found)

    def documents(self, owners: Owners = (PUBLIC,)) -> list[DocumentRecord]:
        """Records (without text) of the documents the owners may see, shipped ones first."""
        records = self.parts.records.find(visible(owners, state="ready"))
        return sorted(records, key=lambda d: (d.owner != PUBLIC, d.added, d.doc_id))

    def document(self, doc_id: str, owners: Owners = (PUBLIC,)) -> Document | None:
        found = self.parts.records.read(doc_id)
        if found is None or found[0].owner not in set(owners) or found[0].state != "ready":
            return None
        return found[1]

    # ---- workspaces and the process -----------------------------------------------------------------------
    def touch(self, owner: str) -> None:
        """An open workspace is not idle."""
        self.parts.workspaces.touch(owner)

    def purge(self, idle_hours: float | None = None, dry_run: bool = False) -> list[str]:
        """Remove workspaces nobody opened for `idle_hours` (default: the TTL) with their documents."""
        return self.parts.workspaces.purge(idle_hours=idle_hours, dry_run=dry_run)

    def purge_if_due(self) -> None:
        """The same, hourly at most, in a thread of its own."""
        self.parts.workspaces.purge_if_due()

    def status(self, owners: Owners = (PUBLIC,)) -> LibraryStatus:
        owners, store = list(owners), self.parts.store
        return LibraryStatus(store.count(store.docs, visible(owners, state="ready")),
                             store.count(store.chunks, visible(owners, ready=True)), self.parts.dense_status,
                             self.parts.spans.status)

    def warm(self) -> None:
        """Load what the first question would otherwise wait for: jieba's
        dictionary (about a second), CC-CEDICT (about two), the dense model's
        question engine and its reference sentences, the span reader."""
        plan_query("預熱 warm-up")
        says_in_english("預熱詞典")
        says_by_pinyin("預熱", "Yu Re")
        self.parts.spans.reader()
        if self.parts.dense is not None:
            self.parts.dense.embed_query("warm-up")
            reference_vectors(self.parts.dense.name)

    def pending(self, owners: Owners | None = None) -> int:
        """Passages searchable by their words whose dense vectors are still being computed."""
        later = self.parts.later
        return later.pending(list(owners) if owners is not None else None) if later is not None else 0

    def finish_embedding(self, timeout: float | None = None) -> bool:
        """Wait until every passage has its dense vectors (the CLI, tests)."""
        later = self.parts.later
        if later is None:
            return True
        if later.pending():
            later.kick()
        return later.wait(timeout)

    def close(self) -> None:
        if self.parts.later is not None:
            self.parts.later.stop()
        self.parts.store.close()


__all__ = ["Library", "LibraryStatus", "UploadOutcome", "UploadResult", "LoadError", "LLMUnavailable",
           "StoreLockedError", "CallBudget", "Format"]
