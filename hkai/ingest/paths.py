"""Paths to documents: the shipped seeds, folders expanded, each file loaded
or reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..core.config import PROJECT_ROOT, SEEDS_DIR, Limits
from .document import Document, doc_id_for
from .errors import LoadError
from .formats import BY_SUFFIX
from .loader import load_path
from .manifest import seed_manifest, seed_tables


def seed_paths() -> list[Path]:
    return [SEEDS_DIR / name for name in seed_manifest()]


def display_path(path: Path) -> str:
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
                (files if f.suffix.lower() in BY_SUFFIX else ignored).append(f)
        else:
            files.append(p)
    return files, [str(f) for f in ignored]


def load_file(path: Path, owner: str, limits: Limits) -> Document:
    """One file; a shipped seed gets its manifest's id and metadata."""
    entry = seed_manifest().get(path.name) if path.resolve().parent == SEEDS_DIR.resolve() else None
    kw = {"limits": limits, "owner": owner}
    if entry:
        meta = {k: entry[k] for k in ("title", "publisher", "date", "script", "title_en", "publisher_en",
                                      "date_note") if entry.get(k)}
        if tables := seed_tables(str(entry["doc_id"])):
            meta["tables"] = tables
        doc = load_path(path, doc_id=str(entry["doc_id"]), meta=meta, **kw)
    else:
        doc_id = doc_id_for(owner, str(path.resolve()))
        doc = load_path(path, doc_id=doc_id, **kw)
    doc.source = display_path(path)
    return doc


def load_files(paths: Iterable[str | Path], owner: str, limits: Limits
               ) -> tuple[list[Document], list[LoadError], list[str]]:
    """Documents, the files that failed (each with its reason) and the files of unsupported types skipped."""
    files, ignored = expand_paths(paths)
    docs, errors = [], []
    for path in files:
        try:
            docs.append(load_file(path, owner, limits))
        except LoadError as exc:
            errors.append(exc)
    return docs, errors, ignored
