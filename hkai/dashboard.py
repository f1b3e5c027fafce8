"""Dashboard data, Altair charts, and exports (PNG, SVG, CSV, PowerPoint).

Every chart is built from curated figures only, and every mark carries its
quote and source in the tooltip; the same figures list under each chart.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

import altair as alt
import pandas as pd

from .text import to_script, to_simplified
from .figures import USD_HKD_PEG, CuratedFigure, load_curated

CJK_FONT_DIRS = [Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto")]
FONT = {"en": "Noto Sans CJK TC", "zh-Hant": "Noto Sans CJK TC", "zh-Hans": "Noto Sans CJK SC"}
PALETTE = ["#b3261e", "#1f5f99", "#5b8c3a", "#c77c02", "#6b4c9a"]

# Chart text in the three languages (Traditional given; Simplified derived by OpenCC).
TEXT = {
    "investment.title": ("Commitments to Hong Kong AI and Web3, in HK$ million", "香港人工智能及 Web3 資金承諾（港幣百萬元）"),
    "investment.note": ("US$ converted at the linked rate of HK$7.8 per US$", "美元按聯繫匯率 1 美元兌 7.8 港元換算"),
    "investment.axis": ("HK$ million", "港幣百萬元"),
    "compute.title": ("Computing power in Hong Kong (PFLOPS)", "香港算力（PFLOPS）"),
    "compute.axis": ("PFLOPS", "PFLOPS"),
    "compute.share": ("Cyberport's share of the total: {share:.0%}", "數碼港佔總算力：{share:.0%}"),
    "market.title": ("Share-price moves on the day Tongyi Qianwen launched (%)", "通義千問發布當日股價變動（%）"),
    "market.axis": ("Change (%)", "變動（%）"),
    "timeline.title": ("Milestones named in the documents", "文件所載的重要里程碑"),
    "ecosystem.title": ("Ecosystem and industry figures", "生態圈及產業數字"),
    "col.figure": ("Figure", "項目"),
    "col.value": ("Value", "數值"),
    "col.date": ("Date", "日期"),
    "col.quote": ("Quote", "引文"),
    "col.source": ("Source", "來源"),
    "col.category": ("Category", "類別"),
    "col.status": ("Status", "狀況"),
    "cat.funding": ("Funding", "資助"),
    "cat.compute": ("Compute", "算力"),
    "cat.ecosystem": ("Ecosystem", "生態圈"),
    "cat.industry": ("Industry", "產業"),
    "cat.market": ("Market", "市場"),
    "cat.milestone": ("Milestone", "里程碑"),
    "custom.title": ("Your figures (from your documents)", "你選取的數字（來自你的文件）"),
    "deck.title": ("Hong Kong AI briefing", "香港人工智能簡報"),
    "deck.subtitle": ("Figures from the HK AI Observatory library, each with its source",
                      "數據取自香港人工智能觀察站文件庫，每項均附出處"),
    "deck.sources": ("Sources", "資料來源"),
}


def tr(key: str, lang: str, **kw) -> str:
    en, hant = TEXT[key]
    text = en if lang == "en" else hant if lang == "zh-Hant" else to_simplified(hant)
    return text.format(**kw) if kw else text


@lru_cache(maxsize=1)
def curated() -> tuple[CuratedFigure, ...]:
    return tuple(load_curated())


@lru_cache(maxsize=1)
def seed_sources() -> dict[str, dict]:
    from .library import seed_manifest

    return {str(e["doc_id"]): e for e in seed_manifest().values()}


def source_line(doc_id: str, lang: str) -> str:
    e = seed_sources().get(doc_id, {})
    if lang == "en":
        return f"{e.get('publisher_en', e.get('publisher', ''))}, {e.get('date', '')}: {e.get('title_en', e.get('title', doc_id))}"
    return f"{e.get('publisher', '')}，{e.get('date', '')}：{to_script(e.get('title', doc_id), lang)}"


def by_category(*cats: str) -> list[CuratedFigure]:
    return [f for f in curated() if f.category in cats]


def get(fid: str) -> CuratedFigure:
    return next(f for f in curated() if f.id == fid)


def format_value(f: CuratedFigure, lang: str) -> str:
    """The figure as a reader would say it, e.g. HK$1,000m, US$10m, 5,000 PFLOPS, -5.39%."""
    if f.currency:
        symbol = {"HKD": "HK$", "USD": "US$"}.get(f.currency, f.currency + " ")
        if f.unit == "share price":
            return f"{symbol}{f.value:,.1f}"
        if lang != "en":  # 億 and 萬, as the documents write them
            text = f"{symbol}{f.value / 1e8:,.4g}億" if abs(f.value) >= 1e8 else f"{symbol}{f.value / 1e4:,.0f}萬"
            return to_script(text, lang)
        if abs(f.value) >= 1e9:
            return f"{symbol}{f.value / 1e9:,.4g}bn"
        return f"{symbol}{f.value / 1e6:,.0f}m"
    if f.unit == "%":
        return f"{f.value:+.2f}%".replace(".00%", "%")
    if f.unit == "year":
        return f.date
    unit = "" if f.unit in ("labs", "companies", "users", "models", "downloads") else f" {f.unit}"
    if lang != "en" and f.unit == "hectares":
        unit = to_script(" 公頃", lang)
    return f"{f.value:,.0f}{unit}"


def figures_frame(figs: list[CuratedFigure], lang: str) -> pd.DataFrame:
    """The data behind a chart, as shown under it and exported as CSV."""
    return pd.DataFrame([{
        "id": f.id, tr("col.category", lang): tr(f"cat.{f.category}", lang), tr("col.figure", lang): f.label(lang),
        tr("col.value", lang): format_value(f, lang), "value": f.value, "unit": f.unit, "currency": f.currency,
        tr("col.date", lang): f.date, tr("col.quote", lang): f.quote, tr("col.source", lang): source_line(f.doc, lang),
    } for f in figs])


def _base(df: pd.DataFrame) -> alt.Chart:
    return alt.Chart(df).properties(width=620)


def _axis(lang: str, **kw) -> alt.Axis:
    return alt.Axis(labelFontSize=15, titleFontSize=15, labelLimit=380, labelFont=FONT[lang], titleFont=FONT[lang], **kw)


def _tooltip(lang: str) -> list:
    return [alt.Tooltip("label:N", title=tr("col.figure", lang)), alt.Tooltip("shown:N", title=tr("col.value", lang)),
            alt.Tooltip("date:N", title=tr("col.date", lang)), alt.Tooltip("quote:N", title=tr("col.quote", lang)),
            alt.Tooltip("source:N", title=tr("col.source", lang))]


def _rows(figs: list[CuratedFigure], lang: str, **extra) -> pd.DataFrame:
    return pd.DataFrame([{"id": f.id, "label": f.label(lang), "value": f.value, "shown": format_value(f, lang),
                          "date": f.date, "quote": f.quote, "source": source_line(f.doc, lang),
                          "category": tr(f"cat.{f.category}", lang), **{k: v(f) for k, v in extra.items()}}
                         for f in figs])


def _finish(chart: alt.Chart, title: str, lang: str, subtitle: str = "", rows: int = 3,
            row_height: int = 46) -> alt.Chart:
    """Title, size and type for a chart. Sizes sit on the top-level chart and
    text sizes on the title and axes themselves, which Streamlit's renderer
    keeps (it replaces a spec's top-level `config`)."""
    kw = {"fontSize": 20, "anchor": "start", "font": FONT[lang]}
    params = alt.TitleParams(title, subtitle=subtitle, subtitleFontSize=14, subtitleFont=FONT[lang], **kw) \
        if subtitle else alt.TitleParams(title, **kw)
    return chart.properties(title=params, height=max(120, row_height * rows)).configure(
        font=FONT[lang]).configure_title(fontSize=20, subtitleFontSize=14).configure_axis(
        labelFontSize=15, titleFontSize=15, labelLimit=380).configure_text(fontSize=15)


def _labelled_bars(df: pd.DataFrame, field: str, axis_title: str, color: str, lang: str) -> alt.LayerChart:
    """Horizontal bars, largest first, each with its value as written."""
    bars = _base(df).mark_bar(color=color).encode(
        y=alt.Y("label:N", sort="-x", title=None, axis=_axis(lang)),
        x=alt.X(f"{field}:Q", title=axis_title, axis=_axis(lang)),
        tooltip=_tooltip(lang))
    text = _base(df).mark_text(align="left", dx=4, fontSize=15, font=FONT[lang]).encode(
        y=alt.Y("label:N", sort="-x"), x=f"{field}:Q", text="shown:N")
    return bars + text


def investment_chart(lang: str) -> alt.Chart:
    df = _rows(by_category("funding"), lang, hkd_m=lambda f: f.hkd_value / 1e6)
    chart = _labelled_bars(df, "hkd_m", tr("investment.axis", lang), PALETTE[0], lang)
    return _finish(chart, tr("investment.title", lang), lang, tr("investment.note", lang), rows=len(df))


def compute_share() -> float:
    return get("compute_cyberport").value / get("compute_total").value


def compute_chart(lang: str) -> alt.Chart:
    df = _rows([get("compute_total"), get("compute_cyberport")], lang)
    chart = _labelled_bars(df, "value", tr("compute.axis", lang), PALETTE[1], lang)
    return _finish(chart, tr("compute.title", lang), lang, tr("compute.share", lang, share=compute_share()),
                   rows=len(df), row_height=70)


def market_chart(lang: str) -> alt.Chart:
    df = _rows(by_category("market"), lang)
    df = df[df["id"].str.endswith("_change")]
    bars = _base(df).mark_bar().encode(
        y=alt.Y("label:N", sort="x", title=None, axis=_axis(lang)),
        x=alt.X("value:Q", title=tr("market.axis", lang), axis=_axis(lang)),
        color=alt.condition("datum.value > 0", alt.value(PALETTE[2]), alt.value(PALETTE[0])),
        tooltip=_tooltip(lang))
    text = _base(df).mark_text(dx=alt.expr("datum.value > 0 ? 30 : -30"), fontSize=15).encode(
        y=alt.Y("label:N", sort="x"), x="value:Q", text="shown:N")
    return _finish(bars + text, tr("market.title", lang), lang, rows=len(df))


def _milestone_date(f: CuratedFigure) -> str:
    m = re.match(r"(\d{4})(?:-(\d{2}))?", f.date)
    month = m.group(2) or ("01" if "early" in f.date else "07")
    return f"{m.group(1)}-{month}-01"


def timeline_chart(lang: str) -> alt.Chart:
    """One row per milestone, placed on a time axis, earliest first."""
    figs = sorted(by_category("milestone"), key=_milestone_date)
    df = _rows(figs, lang, when=_milestone_date)
    order = list(df["label"])
    base = alt.Chart(df).encode(x=alt.X("when:T", title=None, axis=_axis(lang, format="%Y", tickCount="year"),
                                              scale=alt.Scale(padding=14)),
                                y=alt.Y("label:N", sort=order, title=None, axis=_axis(lang)))
    rule = alt.Chart(df).mark_rule(color="#d0d7de").encode(y=alt.Y("label:N", sort=order))
    points = base.mark_circle(size=160, color=PALETTE[0]).encode(tooltip=_tooltip(lang))
    dates = base.mark_text(align="left", dx=10, fontSize=14, color="#57606a").encode(text="date:N")
    return _finish((rule + points + dates).properties(width=560), tr("timeline.title", lang), lang,
                   rows=len(df), row_height=36)


CHARTS = {"investment": investment_chart, "compute": compute_chart, "market": market_chart,
          "timeline": timeline_chart}
CHART_FIGURES = {
    "investment": lambda: by_category("funding"),
    "compute": lambda: [get("compute_total"), get("compute_cyberport")],
    "market": lambda: [f for f in by_category("market") if f.id.endswith("_change")],
    "timeline": lambda: sorted(by_category("milestone"), key=_milestone_date),
}


@lru_cache(maxsize=1)
def _register_fonts() -> None:
    import vl_convert as vlc

    for d in CJK_FONT_DIRS:
        if d.is_dir():
            vlc.register_font_directory(str(d))


def to_png(chart: alt.Chart, scale: float = 2.0) -> bytes:
    import vl_convert as vlc

    _register_fonts()
    return vlc.vegalite_to_png(chart.to_dict(), scale=scale)


def to_svg(chart: alt.Chart) -> str:
    import vl_convert as vlc

    _register_fonts()
    return vlc.vegalite_to_svg(chart.to_dict())


def to_csv(figs: list[CuratedFigure], lang: str) -> bytes:
    return figures_frame(figs, lang).to_csv(index=False).encode("utf-8-sig")


def build_deck(lang: str) -> bytes:
    """A PowerPoint briefing: title slide, one slide per chart with its key
    figures and source lines, and a sources slide."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    title = deck.slides.add_slide(deck.slide_layouts[0])
    title.shapes.title.text = tr("deck.title", lang)
    title.placeholders[1].text = tr("deck.subtitle", lang)
    used_docs: list[str] = []
    for key, build in CHARTS.items():
        figs = CHART_FIGURES[key]()
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        chart = build(lang)
        slide.shapes.title.text = chart.to_dict()["title"]["text"]
        slide.shapes.add_picture(io.BytesIO(to_png(chart, scale=2)), Inches(0.4), Inches(1.4), width=Inches(8.2))
        box = slide.shapes.add_textbox(Inches(8.8), Inches(1.4), Inches(4.2), Inches(5.6)).text_frame
        box.word_wrap = True
        for i, f in enumerate(figs):
            para = box.paragraphs[0] if i == 0 else box.add_paragraph()
            para.text = f"{f.label(lang)}: {format_value(f, lang)}"
            para.font.size = Pt(13)
            src = box.add_paragraph()
            src.text = f"“{f.quote}” ({source_line(f.doc, lang)})"
            src.font.size = Pt(9)
            if f.doc not in used_docs:
                used_docs.append(f.doc)
    sources = deck.slides.add_slide(deck.slide_layouts[1])
    sources.shapes.title.text = tr("deck.sources", lang)
    body = sources.placeholders[1].text_frame
    for i, doc in enumerate(used_docs):
        para = body.paragraphs[0] if i == 0 else body.add_paragraph()
        para.text = source_line(doc, lang)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


__all__ = ["USD_HKD_PEG", "CHARTS", "CHART_FIGURES", "build_deck", "to_png", "to_svg", "to_csv", "figures_frame",
           "format_value", "curated", "get", "by_category", "compute_share", "tr", "source_line"]


@lru_cache(maxsize=1)
def tables() -> dict:
    import yaml

    from .config import SEEDS_DIR

    return yaml.safe_load((SEEDS_DIR / "dashboard_tables.yaml").read_text(encoding="utf-8"))


def infrastructure_frame(lang: str) -> pd.DataFrame:
    rows = []
    for r in tables()["infrastructure"]:
        name = r["en"] if lang == "en" else to_script(r["zh-Hant"], lang)
        status = r["status_en"] if lang == "en" else to_script(r["status_zh"], lang)
        rows.append({tr("col.figure", lang): name, tr("col.status", lang): status, tr("col.quote", lang): r["quote"],
                     tr("col.source", lang): source_line(r["doc"], lang)})
    return pd.DataFrame(rows)


def models_frame(lang: str) -> pd.DataFrame:
    spec = tables()["models"]
    labels = spec["column_labels"]["en" if lang == "en" else "zh-Hant"]
    rows = []
    for r in spec["rows"]:
        row = {"": r["name_en"] if lang == "en" else to_script(r["name"], lang)}
        for col, label in zip(spec["columns"], labels):
            row[to_script(label, lang) if lang != "en" else label] = to_script(r[col], lang) if lang != "en" else r[col]
        rows.append(row)
    return pd.DataFrame(rows)


def custom_chart(rows: list[dict], lang: str) -> alt.Chart:
    """The visitor's own figures (picked on the Documents page): one panel per
    unit, since figures in different units share no scale."""
    df = pd.DataFrame([{**r, "unit_label": r.get("unit") or r.get("currency") or "—"} for r in rows])
    bars = alt.Chart(df).mark_bar(color=PALETTE[1]).encode(
        y=alt.Y("label:N", title=None, axis=_axis(lang)), x=alt.X("value:Q", title=None, axis=_axis(lang)),
        tooltip=[alt.Tooltip("label:N", title=tr("col.figure", lang)), alt.Tooltip("value:Q", title=tr("col.value", lang)),
                 alt.Tooltip("quote:N", title=tr("col.quote", lang)), alt.Tooltip("source:N", title=tr("col.source", lang))])
    chart = bars.properties(width=560).facet(row=alt.Row("unit_label:N", title=None)).resolve_scale(
        x="independent", y="independent")
    return chart.properties(title=alt.TitleParams(tr("custom.title", lang), anchor="start", fontSize=20,
                                                  font=FONT[lang])).configure(font=FONT[lang])
