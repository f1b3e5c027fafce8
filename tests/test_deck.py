"""The briefing deck: 16:9 with every shape on its slide, the slides a
presenter needs, Chinese fonts; rendered to PNG by LibreOffice."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from PIL import Image, ImageStat
from pptx import Presentation
from pptx.util import Inches

from hkai.core.config import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "deck"


@pytest.fixture(scope="module", params=["en", "zh-Hant"])
def deck(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("deck")
    env = {**os.environ, "HKAI_STORE": str(folder / "store"), "HKAI_EMBEDDING_MODEL": "none"}
    subprocess.run([sys.executable, "-m", "hkai", "index"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
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


def test_slides_are_16_by_9_with_every_shape_inside(deck):
    _, path = deck
    prs = Presentation(str(path))
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
    for i, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (i, shape.name)
            assert shape.left + shape.width <= prs.slide_width and shape.top + shape.height <= prs.slide_height, \
                (i, shape.name)
        footer = [sh for sh in slide.shapes if sh.top == prs.slide_height - Inches(0.6)]
        for shape in slide.shapes:  # the source line overlaps nothing above it
            if footer and shape not in footer:
                assert shape.top + shape.height <= footer[0].top, (i, shape.name)


def test_the_deck_has_title_headlines_charts_models_and_sources(deck):
    lang, path = deck
    slides = list(Presentation(str(path)).slides)
    assert len(slides) == 8  # title, headlines, four charts, the model table, sources
    title, headlines, *charts, models, sources = [texts(s) for s in slides]
    assert ("Hong Kong AI briefing" if lang == "en" else "香港人工智能簡報") in title
    assert "5,000 PFLOPS" in headlines and "香港总算力目前已达5000 PFLOPS" in headlines  # value with its quote
    assert sum(1 for s in slides[2:6] for sh in s.shapes if sh.shape_type == 13) == 4  # one chart picture each
    table = next(sh for sh in slides[6].shapes if sh.has_table).table
    assert len(table.rows) == 4 and len(table.columns) == 7
    assert "文匯報" in sources or "Wen Wei Po" in sources


def test_every_run_names_a_chinese_capable_font(deck):
    _, path = deck
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else \
                [c.text_frame for row in shape.table.rows for c in row.cells] if shape.has_table else []
            for frame in frames:
                for para in frame.paragraphs:
                    for run in para.runs:
                        ea = run._r.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}ea")
                        assert run.font.name.startswith("Noto Sans CJK") and ea is not None


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftoppm"),
                    reason="LibreOffice and poppler-utils render the deck (apt-get install libreoffice-impress "
                           "poppler-utils)")
def test_deck_renders_to_one_picture_per_slide(deck, tmp_path):
    lang, path = deck
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp_path / (path.stem + ".pdf")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / lang)], check=True, timeout=120)
    pages = sorted(ARTIFACTS.glob(f"{lang}-*.png"))
    assert len(pages) == 8
    for page in pages:
        image = Image.open(page).convert("L")
        assert image.size[0] / image.size[1] == pytest.approx(16 / 9, rel=0.02)
        assert ImageStat.Stat(image).stddev[0] > 10  # not blank: something is drawn
