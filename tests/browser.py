"""Helpers for browser tests: a real `streamlit run` on a free port and Chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from hkai.core.config import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(store: Path, port: int, model: str | None = None, env_extra: dict | None = None) -> subprocess.Popen:
    model = model or os.environ.get("HKAI_TEST_APP_MODEL", "none")
    env = {**os.environ, "HKAI_STORE": str(store), "HKAI_EMBEDDING_MODEL": model, "HF_HUB_OFFLINE": "1",
           **(env_extra or {})}
    return wait_until_up(spawn([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                "--server.address", "127.0.0.1", "--server.headless", "true"], env, f"app-{port}"),
                         f"http://127.0.0.1:{port}/_stcore/health", 90, "streamlit")


def spawn(command: list[str], env: dict | None, name: str) -> subprocess.Popen:
    """A server process whose output goes to a log file (a pipe nobody reads fills up and stops the server)."""
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    proc.log_path = Path(log.name)
    return proc


def wait_until_up(proc: subprocess.Popen, url: str, seconds: float, what: str) -> subprocess.Popen:
    """Poll `url` until the server `proc` answers; say what it printed if it dies or never does."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    proc.kill()
    proc.wait()
    said = proc.log_path.read_text(errors="replace")[-2000:] if getattr(proc, "log_path", None) else ""
    raise RuntimeError(f"{what} did not start: {said}")


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
