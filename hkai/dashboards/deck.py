"""The briefing deck: a 16:9 PowerPoint built shape by shape (python-pptx's
default template is 4:3, so no placeholder is used): a title slide, the
headline figures with their quotes, one slide per chart with its key figures,
the model comparison table and the sources, in fonts that render Chinese."""

from __future__ import annotations

import datetime as dt
import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from ..core.i18n import plural, t
from . import data
from .charts import CHARTS, FONT, ChartSpec, Style, counts
from .exports import to_png

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
RED, INK, GREY = RGBColor(0xB3, 0x26, 0x1E), RGBColor(0x1B, 0x1F, 0x24), RGBColor(0x57, 0x60, 0x6A)

HEADLINES = ["compute_total", "compute_cyberport", "rd_institute", "innohk_labs", "web3hub_fund", "modelscope_users"]


def _font(run, name: str) -> None:
    """Latin, East Asian and complex-script faces all set, so Chinese never
    falls back to a font without the glyphs."""
    run.font.name = name
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set("typeface", name)


def _box(slide, x, y, w, h, paragraphs: list[tuple[str, int, dict]], lang: str, anchor=MSO_ANCHOR.TOP):
    """A text box; each paragraph (text, size, options: bold, color, align, italic)."""
    frame = slide.shapes.add_textbox(x, y, w, h).text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.08)
    for i, (text, size, opts) in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = opts.get("align", PP_ALIGN.LEFT)
        para.space_after = Pt(opts.get("after", 4))
        run = para.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = opts.get("bold", False)
        run.font.italic = opts.get("italic", False)
        run.font.color.rgb = opts.get("color", INK)
        _font(run, FONT[lang])
    return frame


def _title(slide, text: str, lang: str) -> None:
    _box(slide, MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, Inches(0.9), [(text, 28, {"bold": True})], lang,
         anchor=MSO_ANCHOR.MIDDLE)
    bar = slide.shapes.add_shape(1, MARGIN, Inches(1.22), Inches(1.2), Inches(0.06))
    bar.fill.solid()
    bar.fill.fore_color.rgb = RED
    bar.line.fill.background()


def _footer(slide, text: str, lang: str) -> None:
    _box(slide, MARGIN, HEIGHT - Inches(0.6), WIDTH - 2 * MARGIN, Inches(0.45), [(text, 10, {"color": GREY})], lang)


def _picture(slide, png: bytes, x, y, w, h) -> None:
    """The chart image, as large as fits the box, its proportions kept."""
    from PIL import Image

    iw, ih = Image.open(io.BytesIO(png)).size
    ratio = min(w / iw, h / ih)
    pw, ph = int(iw * ratio), int(ih * ratio)
    slide.shapes.add_picture(io.BytesIO(png), x + (w - pw) // 2, y, Emu(pw), Emu(ph))


def _headlines(deck, lang: str) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _title(slide, t("deck.headlines", lang), lang)
    cols, gap = 3, Inches(0.3)
    cw = (WIDTH - 2 * MARGIN - gap * (cols - 1)) // cols
    ch = Inches(2.4)  # two rows end above the footer at 6.9 in
    for i, fid in enumerate(HEADLINES):
        f = data.get(fid)
        x, y = MARGIN + (cw + gap) * (i % cols), Inches(1.55) + (ch + gap) * (i // cols)
        card = slide.shapes.add_shape(1, x, y, cw, ch)
        card.fill.solid()
        card.fill.fore_color.rgb = RGBColor(0xF3, 0xF5, 0xF8)
        card.line.fill.background()
        _box(slide, x + Inches(0.1), y + Inches(0.08), cw - Inches(0.2), ch - Inches(0.16), [
            (data.format_value(f, lang), 30, {"bold": True, "color": RED, "after": 2}),
            (f.label(lang), 15, {"bold": True}),
            (f.quote, 12, {"italic": True, "color": INK}),
            (data.short_source(f.doc, lang), 11, {"color": GREY}),
        ], lang)
    _footer(slide, t("chart.source", lang, sources="; ".join(
        dict.fromkeys(data.source_line(data.get(fid).doc, lang) for fid in HEADLINES))), lang)


def _chart_slide(deck, spec: ChartSpec, lang: str) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _title(slide, spec.title, lang)
    _picture(slide, to_png(spec, lang, scale=2), MARGIN, Inches(1.45), Inches(8.6), Inches(5.4))
    side_x = MARGIN + Inches(8.8)
    paras = []
    for r in spec.rows[:7]:
        paras.append((f"{r.label}: {r.shown}", 12, {"bold": True, "after": 0}))
        paras.append((r.quote if len(r.quote) <= 90 else r.quote[:89] + "…", 9, {"color": GREY, "after": 6}))
    _box(slide, side_x, Inches(1.5), WIDTH - MARGIN - side_x, Inches(5.3), paras, lang)


def _models(deck, lang: str) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _title(slide, t("deck.models", lang), lang)
    frame = data.models_frame(lang)
    rows, cols = len(frame) + 1, len(frame.columns)
    shape = slide.shapes.add_table(rows, cols, MARGIN, Inches(1.5), WIDTH - 2 * MARGIN, Inches(5.2))
    table = shape.table
    widths = [1.5, 1.4, 2.2, 2.6, 1.5, 1.6, 1.53]
    for j, w in enumerate(widths[:cols]):
        table.columns[j].width = Inches(w)
    for j, name in enumerate(frame.columns):
        _cell(table.cell(0, j), str(name), lang, 11, bold=True)
    for i, (_, row) in enumerate(frame.iterrows(), start=1):
        for j, value in enumerate(row):
            _cell(table.cell(i, j), str(value), lang, 9, bold=(j == 0))
    _footer(slide, t("chart.source", lang, sources=data.source_line("002", lang)), lang)


def _cell(cell, text: str, lang: str, size: int, bold: bool = False) -> None:
    cell.text = ""
    para = cell.text_frame.paragraphs[0]
    run = para.add_run()
    run.text = text.replace("◆", "\n◆").strip()
    run.font.size = Pt(size)
    run.font.bold = bold
    _font(run, FONT[lang])
    cell.margin_left = cell.margin_right = Inches(0.05)


def build_deck(lang: str, mine: list[data.VisitorFigure] = (), documents: int = 2) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    first = deck.slides.add_slide(deck.slide_layouts[6])
    band = first.shapes.add_shape(1, 0, Inches(2.3), WIDTH, Inches(2.6))
    band.fill.solid()
    band.fill.fore_color.rgb = RED
    band.line.fill.background()
    _box(first, MARGIN, Inches(2.45), WIDTH - 2 * MARGIN, Inches(1.3),
         [(t("deck.title", lang), 44, {"bold": True, "color": RGBColor(0xFF, 0xFF, 0xFF), "align": PP_ALIGN.CENTER})],
         lang, anchor=MSO_ANCHOR.MIDDLE)
    _box(first, MARGIN, Inches(3.75), WIDTH - 2 * MARGIN, Inches(0.9),
         [(t("deck.subtitle", lang), 20, {"color": RGBColor(0xFF, 0xFF, 0xFF), "align": PP_ALIGN.CENTER})], lang)
    _box(first, MARGIN, Inches(5.4), WIDTH - 2 * MARGIN, Inches(0.6),
         [(plural("deck.made", documents, lang, date=dt.date.today().isoformat()), 14,
           {"color": GREY, "align": PP_ALIGN.CENTER})], lang)
    _headlines(deck, lang)
    sources: list[str] = []
    style = Style(present=True, titled=False)
    specs = [build(lang, mine=list(mine), style=style) for build in CHARTS.values()]
    extra = counts(lang, mine=list(mine), style=style)
    for spec in specs + ([extra] if extra else []):
        _chart_slide(deck, spec, lang)
        sources += spec.sources
    _models(deck, lang)
    last = deck.slides.add_slide(deck.slide_layouts[6])
    _title(last, t("deck.sources", lang), lang)
    _box(last, MARGIN, Inches(1.55), WIDTH - 2 * MARGIN, Inches(5.4),
         [(f"• {s}", 14, {"after": 8}) for s in dict.fromkeys(sources + [data.source_line("002", lang)])], lang)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
