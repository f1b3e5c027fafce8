"""The briefing deck, made for a room: 16:9 typed as such, every shape on its
slide, no text under 12 pt (source lines 11 pt), quotes upright, the charts
filling most of their slides, the model table in the reader's language with
its cells quoted, speaker notes on every content slide; rendered to PNG by
LibreOffice and looked at."""

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from PIL import Image, ImageStat
from pptx import Presentation
from pptx.util import Pt

from hkai.core.config import PROJECT_ROOT

pytestmark = [pytest.mark.xdist_group("deck"),  # the two decks are built once, on one worker
              pytest.mark.slow]  # building them takes a dozen seconds each

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "deck"
SLIDES = 11  # title, two of headlines, four charts, three models, sources


@pytest.fixture(scope="module", params=["en", "zh-Hant"])
def deck(request, tmp_path_factory):
    """The deck as the CLI writes it from an empty store (the curated figures need none)."""
    folder = tmp_path_factory.mktemp("deck")
    env = {**os.environ, "HKAI_STORE": str(folder / "store"), "HKAI_EMBEDDING_MODEL": "none",
           "HKAI_APP_URL": "https://hkai.example"}
    out = folder / f"briefing-{request.param}.pptx"
    done = subprocess.run([sys.executable, "-m", "hkai", "deck", "--lang", request.param, "--out", str(out), "--json"],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["deck"] == str(out)
    return request.param, out


def texts(slide) -> str:
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out.extend(c.text for row in shape.table.rows for c in row.cells)
    return "\n".join(out)


def runs(slide):
    for shape in slide.shapes:
        frames = [shape.text_frame] if shape.has_text_frame else \
            [c.text_frame for row in shape.table.rows for c in row.cells] if shape.has_table else []
        for frame in frames:
            for para in frame.paragraphs:
                yield from para.runs


def test_the_slide_size_is_typed_16_by_9(deck):
    _, path = deck
    xml = zipfile.ZipFile(path).read("ppt/presentation.xml").decode()
    size = re.search(r"<p:sldSz\b[^>]*>", xml).group(0)
    assert 'type="screen16x9"' in size and 'cx="9144000"' in size and 'cy="5143500"' in size, size


def test_every_shape_is_on_its_slide_and_the_footer_overlaps_nothing(deck):
    _, path = deck
    prs = Presentation(str(path))
    for i, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (i, shape.name)
            assert shape.left + shape.width <= prs.slide_width and shape.top + shape.height <= prs.slide_height, \
                (i, shape.name)
        footer = [sh for sh in slide.shapes if sh.has_text_frame and sh.top > prs.slide_height * 0.85]
        for shape in slide.shapes:
            if footer and shape not in footer and shape.top < footer[0].top:
                assert shape.top + shape.height <= footer[0].top, (i, shape.name)


def test_every_text_box_holds_its_lines_and_the_footer_ends_inside_the_slide(deck):
    """A box as tall as its text needs (Han characters as wide as the type is high, Latin about half): a
    two-source footer wraps onto a second line inside the slide, not past its bottom edge."""
    from hkai.dashboards.deck import text_lines

    _, path = deck
    prs = Presentation(str(path))
    for i, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            if not shape.has_text_frame or shape.top < prs.slide_height * 0.8:
                continue
            frame = shape.text_frame
            needed = sum(text_lines(p.text, shape.width, (p.runs[0].font.size or Pt(11)).pt) * p.runs[0].font.size
                         * 1.2 for p in frame.paragraphs if p.runs and p.text.strip())
            assert shape.top + needed <= prs.slide_height, (i, frame.text[:60])
            assert needed <= shape.height, (i, frame.text[:60], needed, shape.height)


def test_no_text_is_small_or_slanted(deck):
    _, path = deck
    prs = Presentation(str(path))
    for i, slide in enumerate(prs.slides, 1):
        for run in runs(slide):
            if not run.text.strip():
                continue
            assert run.font.size is not None and run.font.size >= Pt(11), (i, run.text[:40], run.font.size)
            footer_ish = run.font.size == Pt(11)
            assert not footer_ish or run.font.color.rgb != run.font.color.rgb.__class__.from_string("1B1F24") \
                or run.text.startswith(("People", "Wen", "人民", "文匯", "文汇")), (i, run.text[:40])
            assert not run.font.italic, (i, run.text[:40])  # quotes stand upright


def test_charts_fill_their_boxes_with_legible_labels(deck):
    """Each chart picture covers at least 45% of its slide, and its 22 px labels come out at 12 pt or more."""
    import io

    _, path = deck
    prs = Presentation(str(path))
    area = prs.slide_width * prs.slide_height
    pictures = [sh for slide in prs.slides for sh in slide.shapes if sh.shape_type == 13]
    assert len(pictures) == 4
    for pic in pictures:
        assert pic.width * pic.height >= 0.45 * area, pic.width * pic.height / area
        width_px = Image.open(io.BytesIO(pic.image.blob)).size[0] / 2  # drawn at scale 2
        assert 22 * (pic.width / Pt(1)) / width_px >= 11.9, 22 * (pic.width / Pt(1)) / width_px


def test_the_deck_has_its_slides_and_the_model_table_reads_in_the_readers_language(deck):
    lang, path = deck
    slides = list(Presentation(str(path)).slides)
    assert len(slides) == SLIDES
    words = [texts(s) for s in slides]
    assert ("Hong Kong AI briefing" if lang == "en" else "香港人工智能簡報") in words[0]
    assert "5,000 PFLOPS" in words[1] and "「香港总算力目前已达5000 PFLOPS」" in words[1]  # value and its quote
    models = words[7:10]
    if lang == "en":
        assert "Alibaba Tongyi Qianwen" in models[0] and "Testing" in models[0]
        assert "「已面向中國內地企業客戶開放邀測」" in models[0]  # the cell quoted as printed
        assert "大模型類別" not in "".join(models)  # no Chinese column labels for an English reader
    else:
        assert "阿里「通義千問」" in models[0] and "測試" in models[0]
    assert "文匯報" in words[-1] or "Wen Wei Po" in words[-1]


def test_every_content_slide_has_notes_with_quotes_sources_and_a_link_back(deck):
    lang, path = deck
    slides = list(Presentation(str(path)).slides)
    for i, slide in enumerate(slides[1:], 2):
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        assert "https://hkai.example/" in notes and f"lang={lang}" in notes, (i, notes[:200])
    headline = slides[1].notes_slide.notes_text_frame.text
    assert "香港总算力目前已达5000 PFLOPS" in headline and "2026-01-23" in headline
    assert "documents?lang=" in headline and "quote=" in headline


def test_the_deck_is_made_while_the_app_holds_the_store(tmp_path):
    """Another process holding the store (the app) no longer stops the deck: the curated figures need none."""
    from hkai.core.config import load_settings
    from hkai.store.client import open_client

    env = {**os.environ, "HKAI_STORE": str(tmp_path / "store"), "HKAI_EMBEDDING_MODEL": "none"}
    client = open_client(load_settings(store_dir=tmp_path / "store"))  # held, as a running app holds it
    try:
        done = subprocess.run([sys.executable, "-m", "hkai", "deck", "--out", str(tmp_path / "d.pptx")],
                              cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    finally:
        client.close()
    assert done.returncode == 0 and (tmp_path / "d.pptx").stat().st_size > 10_000, done.stderr
    assert "another process" in done.stderr


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftoppm"),
                    reason="LibreOffice and poppler-utils render the deck (apt-get install libreoffice-impress "
                           "poppler-utils)")
def test_deck_renders_to_one_picture_per_slide(deck, tmp_path):
    lang, path = deck
    # A profile of its own: two LibreOffice processes on one profile (parallel test workers) hand work to each other.
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp_path / (path.stem + ".pdf")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{lang}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / lang)], check=True, timeout=120)
    pages = sorted(ARTIFACTS.glob(f"{lang}-*.png"))
    assert len(pages) == SLIDES
    for page in pages:
        image = Image.open(page).convert("L")
        assert image.size[0] / image.size[1] == pytest.approx(16 / 9, rel=0.02)
        assert ImageStat.Stat(image).stddev[0] > 10  # not blank: something is drawn
        edge = image.crop((0, image.size[1] - 3, image.size[0], image.size[1]))  # the last rows of pixels
        assert ImageStat.Stat(edge).extrema[0][0] > 140 or page.name.endswith("-01.png"), page.name  # no text cut
