"""Hostile files: a clear message each, nothing else lost, memory bounded."""

import io
import json
import os
import random
import subprocess
import sys
import zipfile

import pytest

from hkai.core.config import PROJECT_ROOT
from hkai.ingest.errors import LoadError
from hkai.ingest.loader import load_bytes

from .conftest import SEED_002, make_docx, make_pdf, seed_paragraphs

BODY_OPEN = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
PARAGRAPH = b"<w:p><w:r><w:t>" + b"A" * 4000 + b"</w:t></w:r></w:p>"


@pytest.fixture(scope="module")
def docx_bomb(tmp_path_factory) -> object:
    """A real .docx whose document.xml inflates to 1.1 GB (a few MB on disk)."""
    folder = tmp_path_factory.mktemp("bomb")
    good = make_docx(folder / "good.docx", ["正常的段落。"])
    bomb = folder / "bomb.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != "word/document.xml":
                dst.writestr(item, src.read(item.filename))
        with dst.open("word/document.xml", "w", force_zip64=True) as out:
            out.write(BODY_OPEN)
            block = PARAGRAPH * 256
            for _ in range(1_100_000_000 // len(block)):
                out.write(block)
            out.write(b"</w:body></w:document>")
    return bomb


def run_cli(args: list[str], store) -> subprocess.CompletedProcess:
    env = {**os.environ, "HKAI_STORE": str(store), "HKAI_EMBEDDING_MODEL": "none", "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "hkai", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_docx_bomb_is_refused_before_it_is_inflated(docx_bomb, tmp_path):
    assert docx_bomb.stat().st_size < 20 * 1024 * 1024
    with zipfile.ZipFile(docx_bomb) as z:
        assert z.getinfo("word/document.xml").file_size > 1_000_000_000
    good = tmp_path / "good.md"
    good.write_text("# 筆記\n\n港話通是香港的人工智能應用。", encoding="utf-8")
    script = ("import resource, subprocess, sys, json;"
              "p = subprocess.run([sys.executable, '-m', 'hkai', 'index', '--json', *sys.argv[1:]],"
              " capture_output=True, text=True);"
              "print(json.dumps({'rc': p.returncode, 'out': p.stdout, 'err': p.stderr,"
              " 'peak_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))")
    env = {**os.environ, "HKAI_STORE": str(tmp_path / "store"), "HKAI_EMBEDDING_MODEL": "none", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", script, str(docx_bomb), str(good)], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    result = json.loads(done.stdout)
    report = json.loads(result["out"])
    assert result["rc"] == 1 and report["documents"] == 1  # the good file is indexed, the bomb is named
    assert "over the 60 MB limit" in report["failed"][0]["reason"] and "bomb.docx" in report["failed"][0]["file"]
    assert result["peak_mb"] < 600, result["peak_mb"]  # measured: about 250 MB, all of it the CLI itself


def mutants(data: bytes, n: int, seed: int = 11):
    rng = random.Random(seed)
    for _ in range(n):
        b = bytearray(data)
        kind = rng.random()
        if kind < 0.5:  # flip bytes
            for _ in range(rng.randint(1, 20)):
                b[rng.randrange(len(b))] = rng.randrange(256)
        elif kind < 0.75:  # truncate
            b = b[:rng.randrange(len(b) // 4, len(b))]
        else:  # splice a slice elsewhere
            i, j = sorted(rng.randrange(len(b)) for _ in range(2))
            k = rng.randrange(len(b))
            b[k:k] = b[i:j][:2000]
        yield bytes(b)


@pytest.mark.slow
def test_malformed_pdfs_only_ever_raise_load_errors(tmp_path):
    good = make_pdf(tmp_path / "good.pdf", seed_paragraphs(SEED_002, 4), "文匯報").read_bytes()
    outcomes = {"loaded": 0, "refused": 0}
    for i, data in enumerate(mutants(good, 300)):
        try:
            load_bytes(data, f"mutant-{i}.pdf")
            outcomes["loaded"] += 1
        except LoadError as exc:
            assert exc.reason and exc.code in ("corrupt", "encrypted", "empty", "too_large"), exc
            outcomes["refused"] += 1
    assert outcomes["loaded"] + outcomes["refused"] == 300 and outcomes["refused"] > 20


@pytest.mark.slow
def test_cli_names_each_bad_pdf_and_indexes_the_good_file(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    good = make_pdf(folder / "good.pdf", seed_paragraphs(SEED_002, 4), "文匯報")
    bad = []
    for i, data in enumerate(mutants(good.read_bytes(), 400, seed=5)):
        try:
            load_bytes(data, "probe.pdf")
        except LoadError:
            (folder / f"bad-{i}.pdf").write_bytes(data)
            bad.append(f"bad-{i}.pdf")
            if len(bad) == 6:
                break
    out = run_cli(["index", str(folder), "--json"], tmp_path / "store")
    report = json.loads(out.stdout)
    assert out.returncode == 1 and report["documents"] == 1
    assert sorted(os.path.basename(f["file"]) for f in report["failed"]) == sorted(bad)
    assert all(name in out.stderr for name in bad) and "Traceback" not in out.stderr


def test_encrypted_pdf_is_named_as_such(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(tmp_path / "plain.pdf", seed_paragraphs(SEED_002, 2))
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(LoadError) as err:
        load_bytes(buf.getvalue(), "locked.pdf")
    assert err.value.code == "encrypted" and "password-protected" in err.value.reason


def test_markdown_links_images_and_html_become_plain_text():
    source = ("# Notice\n\n[Session expired - log in again](https://evil.example/login) "
              "![tracking pixel](http://127.0.0.1:9/pixel.png)\n\n<script>alert('x')</script>\n\n"
              "<img src=x onerror=alert(1)> 數碼港今年撥款一百萬元。 <https://evil.example/auto>")
    doc = load_bytes(source.encode(), "notice.md")
    assert doc.title == "Notice"
    assert "Session expired - log in again" in doc.text and "tracking pixel" in doc.text
    assert "數碼港今年撥款一百萬元" in doc.text
    for live in ("https://evil.example/login", "127.0.0.1:9", "<script", "<img", "onerror"):
        assert live not in doc.text


def test_zip_that_is_not_a_docx_and_deep_html_are_refused_cleanly(tmp_path):
    bad = io.BytesIO()
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("hello.txt", "not a word document")
    with pytest.raises(LoadError) as err:
        load_bytes(bad.getvalue(), "bad.docx")
    assert err.value.code == "corrupt"
    deep = ("<div>" * 50_000 + "深層" + "</div>" * 50_000).encode()
    try:
        assert "深層" in load_bytes(deep, "deep.html").text
    except LoadError as exc:
        assert exc.code == "corrupt"


def test_html_with_too_many_tags_is_refused_before_parsing():
    data = b"<html><body>" + b"<p>a</p>" * 110_000 + b"</body></html>"
    with pytest.raises(LoadError) as err:
        load_bytes(data, "dense.html")
    assert err.value.code == "too_large" and "200,000-tag limit" in err.value.reason


def test_a_copy_of_a_shipped_document_is_named_as_the_reader_reads_it(lexical_library):
    """A seed uploaded again adds nothing; the message names the seed by its English title for an English
    reader and by its own (Chinese) title, in the reader's script, for a Chinese one."""
    from hkai.core.config import SEEDS_DIR

    data = (SEEDS_DIR / "002_230320e1d8897bab.txt").read_bytes()
    before = lexical_library.status(["ws:copy"]).documents
    en = lexical_library.upload(data, "copy.txt", "ws:copy", "en")
    hant = lexical_library.upload(data, "copy.txt", "ws:copy", "zh-Hant")
    assert en.ok and en.message == ("copy.txt is already in the library as "
                                    "“John Lee: HK dares to lead the Web3.0 wave; Alibaba's Tongyi Qianwen launches "
                                    "(Wen Wei Po page A5)”."), en.message
    assert hant.ok and "李家超：港敢當Web3.0浪潮引領者" in hant.message
    assert lexical_library.status(["ws:copy"]).documents == before


def test_upload_failures_are_explained_in_the_readers_language(fresh_library):

    zh = fresh_library.upload(b"%PDF-1.7 not really", "broken.pdf", "ws:x", "zh-Hant")
    en = fresh_library.upload(b"%PDF-1.7 not really", "broken.pdf", "ws:x", "en")
    assert not zh.ok and zh.message.startswith("未能加入 broken.pdf：") and "已損壞" in zh.message
    assert "damaged" in en.message
    hans = fresh_library.upload(b"x", "a.xlsx", "ws:x", "zh-Hans").message
    assert hans.startswith("未能加入 a.xlsx：") and "文件类型" in hans  # Simplified characters
