"""Helpers for browser tests: a real `streamlit run` on a free port and Chromium."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from bench.serving import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, free_port, spawn, start_streamlit, wait_until_up

__all__ = ["ARTIFACTS", "CHROMIUM", "CHROMIUM_ARGS", "free_port", "spawn", "start_app", "wait_until_up"]



def start_app(store: Path, port: int, model: str | None = None, env_extra: dict | None = None) -> subprocess.Popen:
    model = model or os.environ.get("HKAI_TEST_APP_MODEL", "none")
    env = {**os.environ, "HKAI_STORE": str(store), "HKAI_EMBEDDING_MODEL": model, "HF_HUB_OFFLINE": "1",
           **(env_extra or {})}
    return start_streamlit(port, env, f"app-{port}", every=0.5)


def settle(page, text: str, timeout: float = 120) -> None:
    """Wait for `text`, then for the page's script run to finish (Streamlit's
    status widget shows while it runs)."""
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout * 1000)
    page.locator("[data-testid=stStatusWidget]").wait_for(state="detached", timeout=timeout * 1000)
    page.locator("[data-testid=stSidebar]").get_by_text(re.compile("Retrieval|檢索模式|检索模式")).first.wait_for(
        state="attached", timeout=timeout * 1000)


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def ask(page, question: str) -> None:
    box = page.locator("[data-testid=stChatInputTextArea]")
    box.click()
    page.keyboard.insert_text(question)
    page.keyboard.press("Enter")
