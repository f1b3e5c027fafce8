"""The engine in one object: a store, its embedders, and the operations the
CLI and the app share (index files, search, ask). Built once per process."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .answers import Answer, extractive_answer
from .config import PROJECT_ROOT, SEEDS_DIR, Settings, load_settings
from .documents import SUPPORTED, Document, LoadError, load_bytes, load_path
from .embeddings import DenseStatus, load_dense
from .retrieval import Hit, QueryPlan, plan_query, to_hit
from .store import PUBLIC, IndexReport, Store, open_client


def seed_manifest() -> dict[str, dict]:
    """Manifest entries by file name."""
    data = yaml.safe_load((SEEDS_DIR / "manifest.yaml").read_text(encoding="utf-8"))
    return {d["file"]: d for d in data["documents"]}


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED))
        else:
            out.append(p)
    return out


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
        self.settings = settings or load_settings()
        dense, self.dense_status = load_dense(self.settings.embedding_model,
                                              self.settings.store_dir / "embedding-cache.sqlite")
        self.dense = dense
        self.store = Store(self.settings, open_client(self.settings), dense=dense)
        self.dense_weight = float(os.environ.get("HKAI_DENSE_WEIGHT", "0.5"))

    # ---- indexing -----------------------------------------------------------
    def load_file(self, path: Path, owner: str = PUBLIC) -> Document:
        manifest = seed_manifest()
        entry = manifest.get(path.name) if path.resolve().parent == SEEDS_DIR.resolve() else None
        source = _display_path(path)
        if entry:
            meta = {k: entry[k] for k in ("title", "publisher", "date", "script") if entry.get(k)}
            meta.update({k: entry[k] for k in ("title_en", "publisher_en", "date_note") if entry.get(k)})
            doc = load_path(path, max_bytes=self.settings.max_file_bytes, owner=owner,
                            doc_id=str(entry["doc_id"]), meta=meta)
        else:
            doc_id = hashlib.sha1(f"{owner}\n{path.resolve()}".encode()).hexdigest()[:12]
            doc = load_path(path, max_bytes=self.settings.max_file_bytes, owner=owner, doc_id=doc_id)
        doc.source = source
        return doc

    def index_paths(self, paths: Iterable[str | Path], owner: str = PUBLIC,
                    progress: Callable[[int, int, Document], None] | None = None) -> IndexReport:
        """Index files and folders; a bad file is reported and the rest go on."""
        docs, errors = [], []
        for path in expand_paths(paths):
            try:
                docs.append(self.load_file(path, owner))
            except LoadError as exc:
                errors.append(exc)
        report = self.store.add_documents(docs, progress=progress)
        report.errors = errors + report.errors
        return report

    def ensure_seeds(self, progress: Callable[[int, int, Document], None] | None = None) -> IndexReport:
        return self.index_paths([SEEDS_DIR], progress=progress)

    def add_upload(self, data: bytes, name: str, owner: str) -> tuple[Document, IndexReport]:
        """Add one uploaded file for `owner`; raises LoadError for a bad file."""
        doc_id = hashlib.sha1(f"{owner}\n{name}".encode()).hexdigest()[:12]
        doc = load_bytes(data, name, max_bytes=self.settings.max_file_bytes, owner=owner, doc_id=doc_id)
        return doc, self.store.add_documents([doc])

    # ---- questions ----------------------------------------------------------
    def status(self, owners: Iterable[str] | None = (PUBLIC,)) -> LibraryStatus:
        owners = list(owners) if owners is not None else None
        return LibraryStatus(len(self.store.list_documents(owners)), self.store.count_chunks(owners),
                             self.dense_status)

    def search_plan(self, plan: QueryPlan, k: int = 5, owners: Iterable[str] | None = (PUBLIC,)) -> list[Hit]:
        sparse = self.store.sparse.embed_query_terms(plan.terms)
        dense_vec = None
        if self.dense is not None and plan.script in self.dense.languages:
            dense_vec = self.dense.embed_query(plan.question)
        if not sparse.indices and dense_vec is None:
            return []
        points = self.store.query(sparse, dense_vec, limit=k, owners=owners, dense_weight=self.dense_weight)
        return [to_hit(p, plan) for p in points]

    def search(self, question: str, k: int = 5, owners: Iterable[str] | None = (PUBLIC,)) -> list[Hit]:
        return self.search_plan(plan_query(question), k=k, owners=owners)

    def ask(self, question: str, owners: Iterable[str] | None = (PUBLIC,), k: int = 5) -> Answer:
        plan = plan_query(question)
        return extractive_answer(question, plan, self.search_plan(plan, k=k, owners=owners))

    def close(self) -> None:
        self.store.close()
