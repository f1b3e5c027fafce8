"""The briefing deck, made for a room: a 16:9 PowerPoint (typed screen16x9,
10 × 5.625 in) built shape by shape, in fonts that render Chinese.

A title slide; the headline figures, three to a slide, each with its value, an
English (or Chinese) label, its quote upright in the source's language and its
source; one slide per chart, the chart taking most of the slide with its
figures listed beside it; the model comparison one model to a slide (column
labels and product names in the reader's language, the cells quoted as
printed); the sources. No text is under 12 pt (source lines 11 pt). Every
content slide has speaker notes: each figure's quote, source and date, and a
link back to the app at what the slide shows."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import urlencode

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from ..core.i18n import plural, t
from ..core.script import to_script
from . import data, layout, vega
from .charts import CHARTS, FONT, ChartSpec, Style, counts
from .exports import to_png

WIDTH, HEIGHT = Inches(10), Inches(5.625)
MARGIN = Inches(0.4)
RED, INK, GREY, CARD = (RGBColor(0xB3, 0x26, 0x1E), RGBColor(0x1B, 0x1F, 0x24), RGBColor(0x42, 0x4A, 0x53),
                        RGBColor(0xF3, 0xF5, 0xF8))
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
MIN_PT, SOURCE_PT = 12, 11
CHART_PLOT = (470, 340)  # the plot's first width and its height, in pixels (labels and axis come on top)
BODY_TOP = Inches(1.05)


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
    """A text box; each paragraph (text, size, options: bold, color, align, after)."""
    frame = slide.shapes.add_textbox(x, y, w, h).text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.06)
    for i, (text, size, opts) in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = opts.get("align", PP_ALIGN.LEFT)
        para.space_after = Pt(opts.get("after", 3))
        run = para.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = opts.get("bold", False)
        run.font.italic = False  # quotes stand upright: italic Chinese is slanted glyphs, hard to read
        run.font.color.rgb = opts.get("color", INK)
        _font(run, FONT[lang])
    return frame


def _slide(deck, title: str, lang: str):
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    size = 24 if len(title) <= (40 if lang == "en" else 24) else 19  # one line above the rule
    _box(slide, MARGIN, Inches(0.22), WIDTH - 2 * MARGIN, Inches(0.62), [(title, size, {"bold": True})], lang,
         anchor=MSO_ANCHOR.MIDDLE)
    bar = slide.shapes.add_shape(1, MARGIN, Inches(0.86), Inches(0.9), Inches(0.05))
    bar.fill.solid()
    bar.fill.fore_color.rgb = RED
    bar.line.fill.background()
    return slide


FOOTER_GAP, BOTTOM = Inches(0.08), Inches(0.1)


def text_lines(text: str, width, size: float) -> int:
    """How many lines `text` takes in a box `width` wide at `size` pt: a Han character or a full-width sign is
    as wide as the type is high, a Latin one about half of it (the box's own margins taken off)."""
    room = (width - Inches(0.12)) / Pt(1)
    line, lines = 0.0, 1
    for word in re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+", text):
        wide = sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in word) * size
        if line + wide > room and line > 0:
            lines, line = lines + 1, 0.0
        line += wide
    return lines


def footer_top(text: str) -> int:
    """Where a slide's source footer starts: as many lines as it takes, its last line clear of the edge."""
    return HEIGHT - BOTTOM - _footer_height(text)


def _footer_height(text: str) -> int:
    return int(Pt(SOURCE_PT * 1.25) * text_lines(text, WIDTH - 2 * MARGIN, SOURCE_PT) + Inches(0.12))


def _footer(slide, text: str, lang: str) -> None:
    _box(slide, MARGIN, footer_top(text), WIDTH - 2 * MARGIN, _footer_height(text), [(text, SOURCE_PT, {"color": GREY,
                                                                                                         "after": 0})],
         lang)


def _notes(slide, lines: list[str]) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(lines)


def _link(base: str, page: str, lang: str, **params) -> str:
    """The app at what a slide shows (a shared link, the language in it)."""
    return f"{base.rstrip('/')}/{page}?{urlencode({'lang': lang, **params})}"


def _figure_note(f, lang: str, base: str) -> str:
    return (f"{f.label(lang)}: {data.format_value(f, lang)}. 「{f.quote}」 {data.source_line(f.doc, lang)}; "
            f"{data.date_label(f.date, lang)}. {_link(base, 'documents', lang, doc=f.doc, quote=f.quote)}")


def _picture(slide, png: bytes, x, y, w, h) -> None:
    """The chart image, as large as fits the box, its proportions kept."""
    from PIL import Image

    iw, ih = Image.open(io.BytesIO(png)).size
    ratio = min(w / iw, h / ih)
    pw, ph = int(iw * ratio), int(ih * ratio)
    slide.shapes.add_picture(io.BytesIO(png), x + (w - pw) // 2, y + (h - ph) // 2, Emu(pw), Emu(ph))


def _headlines(deck, ids: list[str], lang: str, base: str) -> None:
    slide = _slide(deck, t("deck.headlines", lang), lang)
    source = t("chart.source", lang, sources="; ".join(
        dict.fromkeys(data.source_line(data.get(fid).doc, lang) for fid in ids)))
    gap = Inches(0.2)
    cw = (WIDTH - 2 * MARGIN - gap * (len(ids) - 1)) // len(ids)
    ch = footer_top(source) - FOOTER_GAP - BODY_TOP
    for i, fid in enumerate(ids):
        f = data.get(fid)
        x = MARGIN + (cw + gap) * i
        card = slide.shapes.add_shape(1, x, BODY_TOP, cw, ch)
        card.fill.solid()
        card.fill.fore_color.rgb = CARD
        card.line.fill.background()
        _box(slide, x + Inches(0.08), BODY_TOP + Inches(0.06), cw - Inches(0.16), ch - Inches(0.12), [
            (data.format_value(f, lang), 26, {"bold": True, "color": RED, "after": 2}),
            (f.label(lang), 14, {"bold": True, "after": 6}),
            (f"「{f.quote}」", MIN_PT, {"after": 6}),
            (data.short_source(f.doc, lang), SOURCE_PT, {"color": GREY}),
        ], lang)
    _footer(slide, source, lang)
    _notes(slide, [_figure_note(data.get(fid), lang, base) for fid in ids]
           + [_link(base, "overview", lang, present="1")])


def _chart_slide(deck, make, lang: str, base: str) -> ChartSpec:
    """`make(plot_width, plot_height)` builds the chart; it fills the box left of its figures (over 45% of
    the slide)."""
    chart_w = Inches(6.55)
    first = make(*CHART_PLOT)  # its sources set the footer, and so the room above it
    source = t("chart.source", lang, sources="; ".join(first.short_sources(lang)))
    chart_h = footer_top(source) - FOOTER_GAP - BODY_TOP
    spec, png = _chart_png(make, lang, chart_w, chart_h)
    slide = _slide(deck, spec.title, lang)
    _picture(slide, png, MARGIN, BODY_TOP, chart_w, chart_h)
    side_x = MARGIN + chart_w + Inches(0.15)
    paras = [(f"{r.label}: {r.shown}", MIN_PT, {"bold": not r.mine, "after": 5}) for r in spec.rows[:8]]
    if len(spec.rows) > 8:
        paras.append((t("deck.more", lang, n=len(spec.rows) - 8), MIN_PT, {"color": GREY}))
    _box(slide, side_x, BODY_TOP, WIDTH - MARGIN - side_x, chart_h, paras, lang)
    _footer(slide, source, lang)
    notes = [f"{r.label}: {r.shown}. 「{r.quote}」 {r.source}{'; ' + r.date if r.date else ''}." for r in spec.rows]
    _notes(slide, notes + [_link(base, dict(layout.charts()).get(spec.key, layout.PAGES[0]), lang)])
    return spec


def _chart_png(make, lang: str, w, h, scale: float = 2.0) -> tuple[ChartSpec, bytes]:
    """`make(plot_width, plot_height)`'s chart drawn to fill a w × h box, its 22 px labels at 12 pt or
    more: where the whole (labels, axis, values) is wider than that allows the plot is drawn narrower,
    then as tall as the box's proportions ask."""
    from PIL import Image

    def size(png: bytes) -> tuple[float, float]:
        return tuple(x / scale for x in Image.open(io.BytesIO(png)).size)

    plot_w, plot_h = CHART_PLOT
    spec = make(plot_w, plot_h)
    png = to_png(spec, lang, scale=scale, source=False)
    if spec.key == "counts":  # a facet: its panels keep their own size
        return spec, png
    for _ in range(3):
        width, height = size(png)
        if 22 * (w / Pt(1)) / width >= MIN_PT or plot_w <= 200:
            break
        plot_w = max(200, int(plot_w - (width - (w / Pt(1)) * 22 / MIN_PT)) - 10)
        spec = make(plot_w, plot_h)
        png = to_png(spec, lang, scale=scale, source=False)
    width, height = size(png)
    plot_h = max(160, int(plot_h + width * (h / w) - height))  # the box's proportions: the picture fills it
    spec = make(plot_w, plot_h)
    return spec, to_png(spec, lang, scale=scale, source=False)


def _model(deck, row: dict, lang: str, base: str) -> None:
    """One model of the comparison table: each cell under its column's label, quoted as printed."""
    spec = data.tables()["models"]
    name = row["name_en"] if lang == "en" else to_script(row["name"], lang)
    slide = _slide(deck, f"{t('deck.models', lang)}: {name}", lang)
    labels = spec["column_labels"]["en" if lang == "en" else "zh-Hant"]
    cells = [(to_script(label, lang), row[col]) for col, label in zip(spec["columns"], labels)
             if row[col].strip() not in ("", "—")]
    shape = slide.shapes.add_table(len(cells), 2, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, Inches(0.4) * len(cells))
    table = shape.table
    table.columns[0].width = Inches(1.9)
    table.columns[1].width = WIDTH - 2 * MARGIN - Inches(1.9)
    for i, (label, text) in enumerate(cells):
        _cell(table.cell(i, 0), label, lang, MIN_PT + 1, bold=True)
        shown = f"「{(to_script(text, lang) if lang != 'en' else text).replace('◆', ' ◆').strip()}」"
        _cell(table.cell(i, 1), shown, lang, MIN_PT)
        # Rows as tall as their text (a renderer does not always grow them): a Chinese character is about
        # as wide as the type is high.
        per_line = int(table.columns[1].width / Pt(MIN_PT)) - 2
        table.rows[i].height = Inches(0.12) + Pt(MIN_PT * 1.35) * max(1, -(-len(shown) // per_line))
    _footer(slide, t("chart.source", lang, sources=data.source_line(spec["doc"], lang)), lang)
    _notes(slide, [f"{label}: 「{text}」" for label, text in cells]
           + [data.source_line(spec["doc"], lang), _link(base, "market", lang)])


def _cell(cell, text: str, lang: str, size: int, bold: bool = False) -> None:
    cell.text = ""
    run = cell.text_frame.paragraphs[0].add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = INK
    _font(run, FONT[lang])
    cell.fill.solid()
    cell.fill.fore_color.rgb = CARD if bold else WHITE
    cell.margin_left = cell.margin_right = Inches(0.06)


def _typed_sixteen_nine(pptx: bytes) -> bytes:
    """The file's slide size typed as PowerPoint's 16:9 (python-pptx keeps its 4:3 template's
    `type="screen4x3"` whatever the size): presentation.xml's sldSz rewritten in the package."""
    import re
    import zipfile

    src, out = zipfile.ZipFile(io.BytesIO(pptx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "ppt/presentation.xml":
                body = re.sub(rb'(<p:sldSz\b[^>]*?)\s+type="[^"]*"', rb"\1", body)
                body = body.replace(b"<p:sldSz ", b'<p:sldSz type="screen16x9" ', 1)
            dst.writestr(item, body)
    return out.getvalue()


def build_deck(lang: str, mine: list[data.VisitorFigure] = (), documents: int = 2,
               base_url: str = "http://localhost:8501") -> bytes:
    """The deck in `lang`; `mine`: the visitor's figures (they join the charts);
    `base_url`: where the notes' links open the app."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    first = deck.slides.add_slide(deck.slide_layouts[6])
    band = first.shapes.add_shape(1, 0, Inches(1.7), WIDTH, Inches(2.0))
    band.fill.solid()
    band.fill.fore_color.rgb = RED
    band.line.fill.background()
    _box(first, MARGIN, Inches(1.8), WIDTH - 2 * MARGIN, Inches(1.0),
         [(t("deck.title", lang), 36, {"bold": True, "color": WHITE, "align": PP_ALIGN.CENTER})],
         lang, anchor=MSO_ANCHOR.MIDDLE)
    _box(first, MARGIN, Inches(2.8), WIDTH - 2 * MARGIN, Inches(0.8),
         [(t("deck.subtitle", lang), 16, {"color": WHITE, "align": PP_ALIGN.CENTER})], lang)
    _box(first, MARGIN, Inches(4.1), WIDTH - 2 * MARGIN, Inches(0.5),
         [(plural("deck.made", documents, lang, date=dt.date.today().isoformat()), 14,
           {"color": GREY, "align": PP_ALIGN.CENTER})], lang)
    for ids in layout.headlines():
        _headlines(deck, ids, lang, base_url)
    sources: list[str] = []
    def maker(build):
        return lambda plot_w, plot_h: build(lang, mine=list(mine),
                                            style=Style(present=True, titled=False, width=plot_w, height=plot_h))

    makers = [maker(CHARTS[key]) for key, _ in layout.charts()]
    if counts(lang, mine=list(mine)) is not None:
        makers.append(maker(counts))
    with vega.worker():  # every chart of the deck drawn by one vl-convert process, gone with the deck
        for make in makers:
            sources += _chart_slide(deck, make, lang, base_url).sources
    for row in data.tables()["models"]["rows"]:
        _model(deck, row, lang, base_url)
    last = _slide(deck, t("deck.sources", lang), lang)
    _box(last, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, HEIGHT - BODY_TOP - Inches(0.3),
         [(f"• {s}", 13, {"after": 6}) for s in dict.fromkeys(sources + [data.source_line("002", lang)])], lang)
    _notes(last, [_link(base_url, "documents", lang)])
    out = io.BytesIO()
    deck.save(out)
    return _typed_sixteen_nine(out.getvalue())
