"""`python -m hkai`: the same engine without the browser.

--json prints one JSON object per line; a query of `-` (or none) reads one
query per line from standard input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from .core import logs
from .core.config import load_settings
from .core.i18n import pages as page_label
from .core.types import PUBLIC
from .library import StoreLockedError


def _pages(pages: list[int]) -> str:
    """", p. 3" for a PDF passage (the app's wording)."""
    return f", {page_label(pages)}" if pages else ""


def _queries(args: list[str]) -> Iterator[str]:
    if not args or args == ["-"]:
        for line in sys.stdin:
            if line.strip():
                yield line.strip()
    else:
        yield " ".join(args)


def _emit(obj: dict, as_json: bool, human: str) -> None:
    print(json.dumps(obj, ensure_ascii=False) if as_json else human, flush=True)


def _open(args):
    from .library import Library

    overrides = {"store_dir": Path(args.store)} if args.store else {}
    lib = Library(load_settings(**overrides))
    if not lib.dense_status.loaded:
        print(f"note: retrieval is lexical only: {lib.dense_status.reason}", file=sys.stderr)
    return lib


EMPTY = ("the library is empty: run `python -m hkai index` for the shipped documents, "
         "or `python -m hkai index PATH` for your own")


def _empty(lib) -> bool:
    """Say so when there is nothing to search, rather than "the documents do not answer"."""
    if lib.status().documents:
        return False
    print(f"note: {EMPTY}", file=sys.stderr)
    return True


def cmd_index(args) -> int:
    """Exit code 0 when every file was indexed (or already was), 1 when some
    failed (the rest are indexed), 2 when the store is held by another process."""
    lib = _open(args)
    if args.reset:
        lib.reset()
    if args.paths:
        report = lib.index_paths(args.paths)
    else:
        report = lib.ensure_seeds()
    lib.finish_embedding()  # documents recovered from an interrupted run get their dense vectors too
    for err in report.errors:
        print(f"failed {err.name}: {err.reason}", file=sys.stderr)
    for name in report.ignored:
        print(f"ignored {name}: not a supported file type", file=sys.stderr)
    out = report.as_json()
    _emit(out, args.json, f"indexed {out['documents']} documents ({out['chunks']} chunks), "
          f"{out['skipped']} unchanged, {len(out['failed'])} failed, {out['seconds']:.2f}s")
    return 1 if report.errors else 0


def cmd_search(args) -> int:
    lib = _open(args)
    _empty(lib)
    for q in _queries(args.query):
        hits = lib.search(q, k=args.k)
        human = "\n".join(f"{i}. [{h.score:.4f}] {h.title} ({h.source}{_pages(h.pages)})\n   {h.text[:160]}"
                          for i, h in enumerate(hits, 1)) or "no results"
        _emit({"query": q, "hits": [h.as_json() for h in hits]}, args.json, f"# {q}\n{human}")
    return 0


def cmd_ask(args) -> int:
    lib = _open(args)
    empty = _empty(lib)
    for q in _queries(args.question):
        answer = lib.ask(q, generate=args.mode == "llm")
        if empty and not answer.notice:
            answer.notice = EMPTY  # already said on stderr
        elif answer.notice and not args.json:
            print(f"note: {answer.notice}", file=sys.stderr)
        cites = "\n".join(f"[{c.n}] {c.title} ({c.source}{_pages(c.pages)})" for c in answer.citations)
        shown = q if len(q) <= 200 else q[:80] + "…"  # an over-long question is refused, not echoed
        _emit(answer.as_json(), args.json, f"Q: {shown}\n{answer.answer}\n{cites}\n")
    return 0


def cmd_facts(args) -> int:
    from .dashboards.found import figures_of

    lib = _open(args)
    _empty(lib)
    for fig in figures_of(lib.document(r.doc_id) for r in lib.documents()):
        _emit(fig.as_json(), args.json, f"{fig.label}: {fig.value:g} {fig.unit} — “{fig.quote}” ({fig.source})")
    return 0


def cmd_purge(args) -> int:
    lib = _open(args)
    purged = lib.purge(idle_hours=args.idle_hours, dry_run=args.dry_run)
    hours = lib.settings.workspace_ttl_hours if args.idle_hours is None else args.idle_hours
    _emit({"purged": purged, "idle_hours": hours, "dry_run": args.dry_run}, args.json,
          f"{'would purge' if args.dry_run else 'purged'} {len(purged)} workspaces idle for over {hours:g} hours")
    return 0


def cmd_deck(args) -> int:
    """The briefing deck from the command line: the curated figures, plus the
    figures of any shared (non-seed) document in the library."""
    from .dashboards.data import seed_sources, visitor_figures
    from .dashboards.deck import build_deck

    seeds = set(seed_sources())
    records, extra = [], []
    try:
        lib = _open(args)
    except StoreLockedError:  # the app holds the store: the curated figures need none
        print("note: the store is open in another process (the app?); this deck has the shipped documents' "
              "figures only (stop the app, or give --store a copy, for the library's own)", file=sys.stderr)
    else:
        records = lib.documents([PUBLIC])
        extra = [lib.document(r.doc_id) for r in records if r.doc_id not in seeds]
        lib.close()
    out = Path(args.out or f"hkai-briefing-{args.lang}.pptx")
    # The curated figures come from the seeds, indexed or not (an empty store still has them).
    documents = len(seeds | {r.doc_id for r in records})
    settings = load_settings()
    out.write_bytes(build_deck(args.lang, mine=visitor_figures([d for d in extra if d]), documents=documents,
                               base_url=settings.app_url))
    _emit({"deck": str(out), "lang": args.lang, "bytes": out.stat().st_size}, args.json, f"wrote {out}")
    return 0


def cmd_bench(args) -> int:
    """The benchmarks live beside the package, in the checkout's bench/ (not shipped): run there as
    `python -m bench`, in a process of its own (the package never imports them)."""
    import subprocess

    from .core.config import PROJECT_ROOT

    if not (PROJECT_ROOT / "bench" / "__main__.py").exists():
        print("python -m hkai bench runs from a checkout of the project (bench/ is not part of the package)",
              file=sys.stderr)
        return 2
    argv = [*(["--quick"] if args.quick else []), *(["--no-dense"] if args.no_dense else []),
            *(["--json"] if args.json else []), *(["--sections", *args.sections] if args.sections else [])]
    return subprocess.call([sys.executable, "-m", "bench", *argv], cwd=PROJECT_ROOT)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m hkai", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--store", help="store folder (default: HKAI_STORE or .hkai-store)")
        p.add_argument("--json", action="store_true", help="one JSON object per line")
        p.add_argument("--verbose", action="store_true",
                       help="every log record with its traceback (also HKAI_LOG_LEVEL=DEBUG)")
        return p

    p = common(sub.add_parser("index", help="index files or folders (default: seeds/)"))
    p.add_argument("paths", nargs="*")
    p.add_argument("--reset", action="store_true", help="remove every indexed document first")
    p.set_defaults(func=cmd_index)
    p = common(sub.add_parser("search", help="ranked passages for a query"))
    p.add_argument("query", nargs="*")
    p.add_argument("--k", type=int, default=5)
    p.set_defaults(func=cmd_search)
    p = common(sub.add_parser("ask", help="a cited answer"))
    p.add_argument("question", nargs="*")
    p.add_argument("--mode", choices=["extractive", "llm"], default="extractive")
    p.set_defaults(func=cmd_ask)
    p = common(sub.add_parser("facts", help="figures found in the indexed documents"))
    p.set_defaults(func=cmd_facts)
    p = common(sub.add_parser("deck", help="the briefing deck (PowerPoint, 16:9)"))
    p.add_argument("--lang", choices=["en", "zh-Hant", "zh-Hans"], default="en")
    p.add_argument("--out", help="file to write (default: hkai-briefing-LANG.pptx)")
    p.set_defaults(func=cmd_deck)
    p = common(sub.add_parser("purge", help="remove workspaces nobody opened for a while, with their documents"))
    p.add_argument("--idle-hours", type=float, help="default: HKAI_WORKSPACE_TTL_HOURS (168)")
    p.add_argument("--dry-run", action="store_true", help="list what would go, remove nothing")
    p.set_defaults(func=cmd_purge)
    p = common(sub.add_parser("bench", help="speed, memory and retrieval quality"))
    p.add_argument("--quick", action="store_true", help="subsample the public benchmarks")
    p.add_argument("--no-dense", action="store_true", help="skip the dense-model runs")
    p.add_argument("--sections", nargs="*", help="some of: seeds public xquad answers scale budget app llm (default: all); "
                   "edge (Qdrant Edge as a candidate store, needs qdrant-edge-py) only when named")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    summary = logs.setup(args.verbose, load_settings().log_level)
    try:
        return args.func(args)
    except StoreLockedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    finally:
        if summary is not None and (line := summary.line()):
            print(line, file=sys.stderr)
