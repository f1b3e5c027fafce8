"""`python -m hkai` follows the command-line contract in DESIGN.md."""

import json
import os
import re
import subprocess
import sys

import pytest

from hkai.core.config import PROJECT_ROOT

pytestmark = pytest.mark.slow  # every test starts `python -m hkai` in a process of its own



def run(*args, store, stdin=None):
    env = {**os.environ, "HKAI_STORE": str(store), "HKAI_EMBEDDING_MODEL": "none", "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "hkai", *args], cwd=PROJECT_ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli")
    out = run("index", "--json", store=path)
    assert out.returncode == 0, out.stderr
    first = json.loads(out.stdout)
    assert first["documents"] == 2 and first["chunks"] > 20 and first["failed"] == [] and first["ignored"] == []
    assert {"documents", "chunks", "skipped", "seconds"} <= set(first)
    return path


def test_index_again_skips_unchanged(store):
    again = json.loads(run("index", "--json", store=store).stdout)
    assert again["documents"] == 0 and again["chunks"] == 0 and again["skipped"] == 2


def test_index_names_each_failed_file_indexes_the_rest_and_says_so(store, tmp_path):
    (tmp_path / "ok.md").write_text("# 筆記\n\n港話通是香港的人工智能應用。", encoding="utf-8")
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 broken")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    out = run("index", str(tmp_path), "--json", store=store)
    assert out.returncode == 1  # some failed
    result = json.loads(out.stdout)
    assert result["documents"] == 1 and [f["file"].endswith("bad.pdf") for f in result["failed"]] == [True]
    assert result["ignored"][0].endswith("photo.jpg")
    assert "failed" in out.stderr and "bad.pdf" in out.stderr and "photo.jpg" in out.stderr
    assert "Traceback" not in out.stderr


def test_search_reads_queries_from_stdin(store):
    out = run("search", "-", "--json", "--k", "2", store=store, stdin="數碼港\n百度股价\n")
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert [x["query"] for x in lines] == ["數碼港", "百度股价"]
    hit = lines[1]["hits"][0]
    assert set(hit) == {"doc_id", "title", "source", "text", "score"} and "5.39%" in hit["text"]
    assert "lexical only" in out.stderr


def test_ask_json_contract(store):
    out = run("ask", "香港的總算力有多少？", "--json", store=store)
    answer = json.loads(out.stdout)
    assert answer["mode"] == "extractive" and "5000 PFLOPS" in answer["answer"]
    assert answer["citations"][0]["n"] == 1 and answer["citations"][0]["source"].startswith("seeds/")
    assert answer["grounding"]["supported"] is True and answer["grounding"]["unsupported_figures"] == []
    # The span reader's shortest answer, verbatim from the sentence its citation quotes; none when it declines.
    assert "5000" in answer["span"]["text"] and answer["span"]["source"] == 1
    assert answer["span"]["text"] in answer["citations"][0]["text"]
    declined = json.loads(run("ask", "Who won the 2018 World Cup final?", "--json", store=store).stdout)
    assert declined["span"] is None and declined["citations"] == []


def test_facts_lists_figures_with_quotes(store):
    facts = [json.loads(x) for x in run("facts", "--json", store=store).stdout.splitlines()]
    compute = [f for f in facts if f["unit"] == "PFLOPS"]
    assert {f["value"] for f in compute} == {5000.0, 3000.0}
    assert all(f["quote"] and f["doc_id"] and f["source"] for f in facts)


def test_locked_store_gives_a_clear_message(store):
    from hkai.core.config import load_settings
    from hkai.store.client import open_client

    client = open_client(load_settings(store_dir=store))
    try:
        out = run("search", "數碼港", store=store)
    finally:
        client.close()
    assert out.returncode == 2 and "in use by another program" in out.stderr and "Traceback" not in out.stderr


def test_empty_and_over_long_questions_are_said_not_searched(store):
    out = run("ask", "", "--json", store=store)
    assert json.loads(out.stdout)["answer"] == "Please type a question first."
    long = json.loads(run("ask", "數碼港" * 200, "--json", store=store).stdout)
    assert long["answer"] == "問題太長（600 字；上限為 500 字），請精簡後再問。" and long["citations"] == []
    blank = json.loads(run("search", "   ", "--json", store=store).stdout)
    assert blank["hits"] == []


def test_an_empty_library_says_so(tmp_path):
    out = run("ask", "What is HKChat?", "--json", store=tmp_path / "empty")
    assert "the library is empty" in json.loads(out.stdout)["notice"]
    assert "python -m hkai index" in out.stderr


def test_a_deck_from_an_empty_store_counts_the_seeds_it_quotes(tmp_path):
    from pptx import Presentation

    out = run("deck", "--out", str(tmp_path / "d.pptx"), store=tmp_path / "empty")
    assert out.returncode == 0, out.stderr
    title = "\n".join(s.text_frame.text for s in Presentation(str(tmp_path / "d.pptx")).slides[0].shapes
                      if s.has_text_frame)
    assert "from 2 documents" in title, title  # the curated figures' two seeds, indexed or not


def test_answers_from_a_pdf_name_the_page(tmp_path):
    from .conftest import SURVEY_PAGES, make_paged_pdf

    pdf = make_paged_pdf(tmp_path / "survey.pdf", SURVEY_PAGES)
    store = tmp_path / "store"
    assert run("index", str(pdf), store=store).returncode == 0
    out = run("ask", "When did the survey team publish its findings?", store=store)
    assert "March 2024" in out.stdout and re.search(r"survey\.pdf, pp?\. (2–)?3\)", out.stdout), out.stdout
    answer = json.loads(run("ask", "When did the survey team publish its findings?", "--json", store=store).stdout)
    assert answer["citations"][0]["pages"][1] == 3  # the quote's page (the sentence before it may be quoted too)


def test_index_of_malformed_pdfs_says_one_line_per_file_and_no_traceback(tmp_path):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    (folder / "truncated.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\nxref\ntrailer\n")
    (folder / "noise.pdf").write_bytes(bytes(range(256)) * 2)
    (folder / "header.pdf").write_bytes(b"%PDF-1.7 broken")
    env = {**os.environ, "HKAI_EMBEDDING_MODEL": "none"}
    out = subprocess.run([sys.executable, "-m", "hkai", "index", str(folder), "--store", str(tmp_path / "s")],
                         cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "Traceback" not in out.stderr and "WARNING pypdf" not in out.stderr
    failed = [ln for ln in out.stderr.splitlines() if ln.startswith("failed ")]
    assert len(failed) == 3 and all(": the PDF is damaged and cannot be read" in ln for ln in failed), out.stderr
    assert "--verbose shows them" in out.stderr
    loud = subprocess.run([sys.executable, "-m", "hkai", "index", str(folder), "--store", str(tmp_path / "t"),
                           "--verbose"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert "WARNING pypdf" in loud.stderr and "held back" not in loud.stderr
