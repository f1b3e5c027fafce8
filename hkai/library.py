"""The engine in one object, built once per process and shared by every
visitor: loading files, the indexer, the retriever, and the visibility rules
(who may list, search or remove what). The CLI and the app call only this."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .answers import Answer
from .chunking import make_splitter
from .config import PROJECT_ROOT, SEEDS_DIR, Settings, load_settings
from .documents import SUPPORTED, Document, LoadError, load_bytes, load_path
from .embeddings import DenseStatus, load_dense
from .extractive import extractive_answer
from .indexing import DocumentRecord, Indexer, IndexReport, LaterEmbedding, Progress, Written
from .rerank import load_reranker
from .session import question_refusal
from .retrieval import Hit, QueryPlan, Retriever, followup_plan, is_followup, plan_query
from .sparse import BM25SparseEmbeddings
from .store import PUBLIC, Store, not_owned_by, open_client, visible
from .text import detect_script
from .workspaces import Workspaces

logger = logging.getLogger(__name__)
Owners = Iterable[str]


def seed_manifest() -> dict[str, dict]:
    """Manifest entries by file name."""
    data = yaml.safe_load((SEEDS_DIR / "manifest.yaml").read_text(encoding="utf-8"))
    return {d["file"]: d for d in data["documents"]}


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Files to index, and the files of unsupported types found in folders (named, not indexed)."""
    files, ignored = [], []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file() and not x.name.startswith(".")):
                (files if f.suffix.lower() in SUPPORTED else ignored).append(f)
        else:
            files.append(p)
    return files, [str(f) for f in ignored]


@dataclass
class LibraryStatus:
    documents: int
    chunks: int
    dense: DenseStatus

    @property
    def retrieval_mode(self) -> str:
        return "hybrid" if self.dense.loaded else "lexical"


@dataclass
class UploadResult:
    status: str  # "added", "unchanged" or "duplicate"
    document: Document
    chunks: int = 0
    duplicate_of: str = ""  # the title of the visible document with the same text


class Library:
    def __init__(self, settings: Settings | None = None):
        self.settings = s = settings or load_settings()
        self.dense, self.dense_status = load_dense(
            s.embedding_model, s.store_dir / "embedding-cache.sqlite", languages=s.dense_languages,
            offline=s.hf_offline, endpoint=s.hf_endpoint)
        self.sparse = BM25SparseEmbeddings()
        self.store = Store(open_client(s), s.collection, local=not s.is_server)
        signature = {"dense_model": self.dense_status.model if self.dense else None,
                     "latent": bool(self.dense and self.dense.has_latent),
                     "dense_dim": self.dense_status.dim, "chunk_size": s.chunk_size,
                     "chunk_overlap": s.chunk_overlap, "bm25": [self.sparse.k1, self.sparse.b, self.sparse.avg_len]}
        self.indexer = Indexer(self.store, self.sparse, self.dense, make_splitter(s.chunk_size, s.chunk_overlap),
                               signature)
        self.indexer.open()
        self.later = LaterEmbedding(self.indexer) if self.dense is not None else None
        if self.later is not None and self.indexer.pending():
            self.later.kick()  # vectors an earlier process did not get to
        reranker, self.reranker_status = load_reranker(s.reranker)
        self.retriever = Retriever(self.store, self.sparse, self.dense, s.dense_weight, reranker)
        self.workspaces = Workspaces(self.store, self.indexer, s.workspace_ttl_hours)
        self._texts: dict[str, str] = {}  # repaired document texts by content hash, most recent last
        self._lock = threading.Lock()
        # Each upload is held under ~600 MB while it is read; many visitors uploading at once are not
        # allowed to multiply that: the others wait their turn.
        self._upload_slots = threading.BoundedSemaphore(s.limits.parallel_uploads)
        self._budget_lock = threading.Lock()

    # ---- indexing -----------------------------------------------------------
    def load_file(self, path: Path, owner: str = PUBLIC) -> Document:
        entry = seed_manifest().get(path.name) if path.resolve().parent == SEEDS_DIR.resolve() else None
        kw = {"limits": self.settings.limits, "owner": owner}
        if entry:
            meta = {k: entry[k] for k in ("title", "publisher", "date", "script", "title_en", "publisher_en",
                                          "date_note") if entry.get(k)}
            doc = load_path(path, doc_id=str(entry["doc_id"]), meta=meta, **kw)
        else:
            doc_id = hashlib.sha1(f"{owner}\n{path.resolve()}".encode()).hexdigest()[:12]
            doc = load_path(path, doc_id=doc_id, **kw)
        doc.source = _display_path(path)
        return doc

    def index_paths(self, paths: Iterable[str | Path], owner: str = PUBLIC, progress: Progress | None = None
                    ) -> IndexReport:
        """Index files and folders; each bad file is reported and the rest go on."""
        files, ignored = expand_paths(paths)
        docs, errors = [], []
        for path in files:
            try:
                docs.append(self.load_file(path, owner))
            except LoadError as exc:
                errors.append(exc)
        report = self.indexer.add(docs, progress=progress)
        report.errors, report.ignored = errors + report.errors, ignored
        return report

    def ensure_seeds(self, progress: Progress | None = None) -> IndexReport:
        return self.index_paths([SEEDS_DIR / name for name in seed_manifest()], progress=progress)

    def add_upload(self, data: bytes, name: str, owner: str, written: Written | None = None) -> UploadResult:
        """Add one visitor's file, parsed once; raises LoadError (with a reason
        fit to show) for a bad file or one over the visitor's budget. `written`
        hears how many passages are stored so far."""
        if owner == PUBLIC:
            raise ValueError("uploads belong to a workspace, not to everyone")
        with self._upload_slots:
            return self._add_upload(data, name, owner, written)

    def _add_upload(self, data: bytes, name: str, owner: str, written: Written | None) -> UploadResult:
        doc_id = hashlib.sha1(f"{owner}\n{name}".encode()).hexdigest()[:12]
        doc = load_bytes(data, name, limits=self.settings.limits, owner=owner, doc_id=doc_id)
        twin = self._find_content(doc.content_hash, [PUBLIC, owner])
        if twin and twin.doc_id != doc_id:
            return UploadResult("duplicate", doc, duplicate_of=twin.title)
        if twin:
            return UploadResult("unchanged", doc, chunks=twin.chunks)
        chunks = self.indexer.chunk(doc)
        limits = self.settings.limits
        if len(chunks) > limits.file_chunks:
            raise LoadError(name, f"it makes {len(chunks):,} passages, over the {limits.file_chunks:,}-passage "
                            "limit for one file", "too_large")
        with self._budget_lock:  # the budgets are checked and the passages written as one step
            self._check_budgets(name, owner, len(chunks))
            n = self.indexer.index_one(doc, self.indexer.record(doc_id), chunks, written=written,
                                       later=self.later is not None)
        if self.later is not None:
            self.later.kick()
        self.workspaces.touch(owner)
        return UploadResult("added", doc, chunks=n)

    def _check_budgets(self, name: str, owner: str, n: int) -> None:
        limits = self.settings.limits
        used = self.store.count(self.store.chunks, visible([owner]))
        if used + n > limits.owner_chunks:
            raise LoadError(name, f"your workspace would hold {used + n:,} passages, over its limit of "
                            f"{limits.owner_chunks:,}; remove a document first", "over_budget")
        everyone = self.store.count(self.store.chunks, not_owned_by(PUBLIC))
        if everyone + n > limits.private_chunks:  # many visitors together: the site stays fast for all
            logger.warning("private passages at %d of %d: upload of %d refused", everyone, limits.private_chunks, n)
            raise LoadError(name, f"the site holds {limits.private_chunks:,} passages of visitors' uploads at most "
                            "and is full; try again after idle workspaces expire", "site_full")

    def _find_content(self, content_hash: str, owners: Owners) -> DocumentRecord | None:
        found = self.indexer.records(visible(owners, content_hash=content_hash, state="ready"))
        return found[0] if found else None

    def remove(self, doc_id: str, owner: str) -> bool:
        """Remove a document of `owner`'s; False (nothing done) for anyone else's."""
        record = self.indexer.record(doc_id)
        if record is None or owner == PUBLIC or record.owner != owner:
            return False
        self.indexer.remove(doc_id)
        return True

    # ---- reading --------------------------------------------------------------
    def documents(self, owners: Owners = (PUBLIC,)) -> list[DocumentRecord]:
        """Records (without text) of the documents the owners may see, shipped ones first."""
        records = self.indexer.records(visible(owners, state="ready"))
        return sorted(records, key=lambda d: (d.owner != PUBLIC, d.added, d.doc_id))

    def document(self, doc_id: str, owners: Owners = (PUBLIC,)) -> Document | None:
        found = self.indexer.read(doc_id)
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

    def ask(self, question: str, owners: Owners = (PUBLIC,), k: int = 5, previous: str | None = None) -> Answer:
        """The extractive answer; `previous` (the last question, or what it
        searched) carries its topic into a follow-up."""
        if (refused := self.refusal(question)) is not None:
            return refused
        context: list[str] = []
        if previous and is_followup(question):
            plan, context = followup_plan(question, previous)
        else:
            plan = plan_query(question)
        hits = self.search_plan(plan, k=k, owners=owners)
        texts = {h.doc_id: self.clean_text(h.doc_id, owners) for h in hits}
        answer = extractive_answer(question, plan, hits, {d: t for d, t in texts.items() if t}, context=context)
        answer.searched = plan.question if context else ""
        return answer

    def clean_text(self, doc_id: str, owners: Owners) -> str | None:
        """A visible document's repaired text (what chunk offsets point into), cached by content."""
        doc = self.document(doc_id, owners)
        if doc is None:
            return None
        with self._lock:
            text = self._texts.pop(doc.content_hash, None)
        text = text if text is not None else doc.clean_text
        with self._lock:
            self._texts[doc.content_hash] = text
            while len(self._texts) > 64:
                self._texts.pop(next(iter(self._texts)))
        return text

    def pending(self, owners: Owners | None = None) -> int:
        """Passages searchable by their words whose dense vectors are still being computed."""
        return self.indexer.pending(list(owners) if owners is not None else None) if self.later is not None else 0

    def finish_embedding(self, timeout: float | None = None) -> bool:
        """Wait until every passage has its dense vectors (the CLI, tests)."""
        if self.later is None:
            return True
        if self.indexer.pending():
            self.later.kick()
        return self.later.wait(timeout)

    def close(self) -> None:
        if self.later is not None:
            self.later.stop()
        self.store.close()


__all__ = ["Library", "LibraryStatus", "UploadResult", "seed_manifest", "expand_paths"]
