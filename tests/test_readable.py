"""Passages a stakeholder can read: page furniture and the spaces a PDF's line breaks leave inside Chinese
words are not in the text that is shown and quoted; a writer's own spaces stay, and offsets into the text
(a PDF's pages) still point at the same words."""

from hkai.ingest.loader import load_path
from hkai.ingest.readable import line_break_spaces, readable

from .conftest import SEED_000, SEED_002, make_pdf


def test_a_seeds_bylines_credits_and_page_header_are_not_shown():
    news = load_path(SEED_000, max_bytes=1 << 30).clean_text
    paper = load_path(SEED_002, max_bytes=1 << 30).clean_text
    for furniture in ("人民日报海外版· 2026-01-23 06:36", "中国基金报· 2026-01-18 11:24"):
        assert furniture not in news
    assert "製表：記者馬翠媚" not in paper and "責任編輯" not in paper and "文 匯 要 聞A5" not in paper
    assert "香港文匯報訊（記者 曾業俊）香港Web3.0協會" in paper  # the article itself stays


def test_spaces_left_by_line_breaks_inside_words_are_gone_and_a_writers_stay():
    news = load_path(SEED_000, max_bytes=1 << 30).clean_text
    assert "超级增值人" in news and "风好正是扬帆时" in news and "扬 帆" not in news
    # The digest spaces its clauses itself: those spaces are between words, and stay.
    assert "成立“AI效能提升组” 旨在统筹各部门应用人工智能技术 探索流程再造" in news


def test_a_pdf_whose_chinese_lines_broke_reads_as_whole_words(tmp_path):
    """A real paragraph (DRCD's first), its lines broken every 31 characters as a PDF's column would."""
    import json

    from hkai.core.config import PROJECT_ROOT

    data = json.loads((PROJECT_ROOT / "bench" / "DRCD_dev.json").read_text(encoding="utf-8"))
    paragraph = data["data"][0]["paragraphs"][0]["context"].replace(" ", "")
    broken = " ".join(paragraph[i:i + 31] for i in range(0, len(paragraph), 31))
    assert line_break_spaces(broken)
    assert readable(broken)[0] == paragraph
    pdf = make_pdf(tmp_path / "broken.pdf", [broken])
    assert paragraph[:200] in load_path(pdf).clean_text.replace("\n", "")


def test_every_offset_still_points_at_the_same_character():
    text = "人民日报海外版· 2026-01-23 06:36主题演讲、圆桌讨论等 议题建言献策,分享观点。"
    clean, where = readable(text)
    assert clean.startswith("主题演讲")
    for i, ch in enumerate(text):
        if where[i] < len(clean) and where[i + 1] > where[i]:  # a kept character
            assert clean[where[i]] == ch
