"""`python -m hkai bench --sections app`: the app as a visitor meets it, in
headless Chromium against `streamlit run`, for each dense option.

For each model: the store is built first (the seeds indexed), then a fresh
`streamlit run` is started and timed: the server answering, the first page's
title painted, a question from the link (`?q=`) answered, a dashboard painted,
a question another visitor types once the library is loaded; then the server's
resident memory. Needs Playwright and Chromium (the test dependencies).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from hkai.core.config import PROJECT_ROOT, load_settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUESTION = "How much has the government reserved for the Hong Kong AI R&D Institute?"
LATER = "How many InnoHK labs has the government funded?"  # typed by another visitor once loaded


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):  # peak resident set
            return int(line.split()[1]) / 1024
    return 0.0


def measure(model: str, tmp: Path) -> dict:
    from playwright.sync_api import sync_playwright

    from hkai.library import Library

    store = tmp / f"store-{model.replace('/', '_')}"
    lib = Library(load_settings(store_dir=store, embedding_model=model))  # the store is present, as in use
    lib.ensure_seeds()
    lib.close()
    port = _port()
    env = {**os.environ, "HKAI_STORE": str(store), "HKAI_EMBEDDING_MODEL": model, "HF_HUB_OFFLINE": "1"}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        server = time.perf_counter() - started
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            asked = time.perf_counter()
            page.goto(f"{url}/?lang=en&q={quote(QUESTION)}")
            page.get_by_role("heading", name="Ask the documents").wait_for(timeout=120_000)
            painted = time.perf_counter()
            page.locator(".hkai-answer").first.wait_for(timeout=120_000)
            answered = time.perf_counter()
            second = browser.new_page()
            t0 = time.perf_counter()
            second.goto(f"{url}/overview?lang=zh-Hant")
            second.locator(".hkai-kpi").first.wait_for(timeout=60_000)
            dashboard = time.perf_counter() - t0
            third = browser.new_page()  # a visitor who types a question once the library is there
            third.goto(f"{url}/?lang=en")
            third.locator("[data-testid=stChatInputTextArea]").click()
            third.keyboard.insert_text(LATER)
            t0 = time.perf_counter()
            third.keyboard.press("Enter")
            third.locator(".hkai-answer").first.wait_for(timeout=60_000)
            later = time.perf_counter() - t0
            browser.close()
        return {"server_s": server, "first_paint_s": painted - asked, "first_answer_s": answered - asked,
                "first_answer_from_start_s": answered - started, "dashboard_paint_s": dashboard,
                "typed_answer_s": later, "rss_mb": _rss_mb(proc.pid)}
    finally:
        proc.kill()
        proc.wait()


def app_rows(models: list[str]) -> list:
    from .run import Row

    if not Path(CHROMIUM).exists():
        print(f"note: Chromium not found at {CHROMIUM}; skipping the app section", file=sys.stderr)
        return []
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for model in models:
            rows.append(Row("app", f"streamlit run, dense: {model}", measure(model, Path(tmp))))
    return rows
