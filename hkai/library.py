"""The engine in one object, built once per process and shared by every
visitor: it wires the steps (files, indexer, later embedding, uploads,
retriever, answerer) and holds the visibility rules (who may list, search or
remove what). The CLI and the app call only this."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .answer.budget import question_refusal
from .answer.extractive import compose, extractive_answer, not_found, rank
from .answer.shape import shape_of
from .core.config import Settings, load_settings
from .core.script import detect_script
from .core.types import PUBLIC, Answer, Hit
from .index.background import LaterEmbedding
from .index.chunking import make_splitter
from .index.embeddings import DenseStatus, load_dense
from .index.indexer import Indexer, IndexReport, Progress, Written
from .index.points import PointMaker
from .index.quotes import table_quotes
from .index.records import DocumentRecord, Records
from .index.sparse import BM25SparseEmbeddings
from .ingest.document import Document
from .ingest.manifest import seed_manifest
from .ingest.paths import expand_paths, load_files, seed_paths
from .retrieve.followups import followup_plan, is_followup
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


@dataclass
class Asked:
    """What answering a question starts from."""

    plan: QueryPlan  # what is searched (a follow-up: with its earlier question)
    own: QueryPlan  # the question alone
    previous: QueryPlan | None  # the earlier question a follow-up leans on
    hits: list[Hit]
    texts: dict[str, str]  # the cited documents' clean texts
    page_starts: dict[str, list[int]]
    tables: dict[str, list[tuple[int, str, str]]]  # their table cells (`sentences.table_quotes`)


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
        self._texts: dict[str, str] = {}  # repaired document texts by content hash, most recent last
        self._lock = threading.Lock()

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
        return self.retriever.search(plan, k, owners)

    def search(self, question: str, k: int = 5, owners: Owners = (PUBLIC,)) -> list[Hit]:
        if not question.strip():
            return []  # a blank query would rank passages by the model's idea of nothing
        return self.search_plan(plan_query(question), k=k, owners=owners)

    def refusal(self, question: str) -> Answer | None:
        """A question not to answer (empty, or over HKAI_MAX_QUESTION_CHARS), as
        an answer saying why in the asker's language; None for a fine question."""
        lang = detect_script(question)
        refused = question_refusal(question, self.settings.limits.question_chars, lang)
        return Answer(question, refused[1], "extractive", [], lang, answered=False) if refused else None

    def ask(self, question: str, owners: Owners = (PUBLIC,), k: int = 8, previous: str | None = None) -> Answer:
        """The extractive answer; `previous` (the last question, or what it
        searched) carries its topic into a follow-up."""
        if (refused := self.refusal(question)) is not None:
            return refused
        shape = shape_of(question)
        if shape.kind == "sides":
            return self._compare(question, shape.sides, owners, k)
        topic = shape.topic if shape.kind == "points" else question
        asked = self.prepare(topic, owners, k, previous)
        answer = extractive_answer(topic, asked.plan, asked.hits, asked.texts, own=asked.own,
                                   previous=asked.previous, dense=self.dense, page_starts=asked.page_starts,
                                   tables=asked.tables, points=shape.n if shape.kind == "points" else 0)
        answer.question = question
        answer.searched = asked.plan.question if asked.previous is not None else ""
        return answer

    def _compare(self, question: str, sides: list[str], owners: Owners, k: int) -> Answer:
        """"Compare A and B": the best answering sentence about each side, each cited."""
        chosen, starts, confidence = [], {}, 1.0
        for side in sides:
            asked = self.prepare(side, owners, k)
            ranked = rank(side, asked.plan, asked.hits, asked.texts, own=asked.own, dense=self.dense,
                          tables=asked.tables)
            best = [c for c in ranked.chosen(1) if not any(c.quote == x.quote for x in chosen)]
            chosen += best
            starts.update(asked.page_starts)
            confidence = min(confidence, ranked.answers)
        plan = plan_query(question)
        if len(chosen) < len(sides):
            return not_found(question, plan.script)
        answer = compose(question, plan.script, plan, chosen, page_starts=starts, numbered=True)
        answer.confidence = confidence
        return answer

    def prepare(self, question: str, owners: Owners = (PUBLIC,), k: int = 8, previous: str | None = None) -> Asked:
        """A question's plan (a follow-up's with its earlier question), its hits
        and the texts of the documents they come from, each read once."""
        own = plan_query(question)
        plan, before = own, None
        if previous and is_followup(question):
            plan, _ = followup_plan(question, previous)
            before = plan_query(previous)
        hits = self.search_plan(plan, k=k, owners=owners)
        docs = {d: self.document(d, owners) for d in dict.fromkeys(h.doc_id for h in hits)}
        docs = {d: doc for d, doc in docs.items() if doc is not None}
        texts = {d: self.clean_text(doc) for d, doc in docs.items()}
        return Asked(plan, own, before, hits, texts, {d: doc.extra.get("page_starts") or [] for d, doc in docs.items()},
                     {d: table_quotes(doc.extra["tables"], texts[d]) for d, doc in docs.items() if doc.extra.get("tables")})

    def clean_text(self, doc: Document) -> str:
        """A document's repaired text (what chunk offsets point into), cached by content."""
        with self._lock:
            text = self._texts.pop(doc.content_hash, None)
        text = text if text is not None else doc.clean_text
        with self._lock:
            self._texts[doc.content_hash] = text
            while len(self._texts) > 64:
                self._texts.pop(next(iter(self._texts)))
        return text

    def warm(self) -> None:
        """Load what the first question would otherwise wait for: jieba's
        dictionary (about a second) and the dense model's question engine."""
        plan_query("預熱 warm-up")
        if self.dense is not None:
            self.dense.embed_query("warm-up")

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
