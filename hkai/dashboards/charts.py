"""Altair charts of the dashboard rows. Every mark carries its quote and
source in the tooltip; the visitor's own figures join the chart of their
metric in a colour of their own; presentation mode enlarges every text."""

from __future__ import annotations

import re
from dataclasses import dataclass

import altair as alt
import pandas as pd

from ..core.i18n import t
from . import data

FONT = {"en": "Noto Sans CJK TC", "zh-Hant": "Noto Sans CJK TC", "zh-Hans": "Noto Sans CJK SC"}
PALETTE = ["#b3261e", "#1f5f99", "#5b8c3a", "#c77c02", "#6b4c9a"]
MINE = "#c77c02"


@dataclass
class ChartSpec:
    key: str
    title: str
    rows: list[data.Row]
    chart: alt.TopLevelMixin

    @property
    def sources(self) -> list[str]:
        """One line per document behind the chart, in order of first use."""
        return list(dict.fromkeys(r.source for r in self.rows))

    def short_sources(self, lang: str) -> list[str]:
        """Publisher and date of each document behind the chart (a visitor's file by its name): the line
        under a slide's chart or in a deck's footer, kept to one line so the chart keeps its room."""
        return list(dict.fromkeys(r.source if r.mine else data.short_source(data.get(r.id).doc, lang)
                                  for r in self.rows))


@dataclass(frozen=True)
class Style:
    """How a chart is drawn: `present` enlarges every text (a projector or a
    slide); `titled=False` leaves the title to the slide it sits on."""

    present: bool = False
    titled: bool = True
    fit: bool = False  # one slide of a 1366×768 screen: the plot's height is capped, bars grow thinner
    width: int = 0  # the plot's width in pixels (0: the page's); a slide's picture sets its own
    height: int = 0  # the plot's height (0: by its rows)

    def plot_width(self, page: int, presenting: int) -> int:
        return self.width or (presenting if self.present else page)


def _size(present: bool) -> dict:
    return {"label": 22 if present else 15, "title": 30 if present else 20, "sub": 20 if present else 14,
            "limit": 900 if present else 420}


def _axis(lang: str, present: bool, **kw) -> alt.Axis:
    s = _size(present)
    return alt.Axis(labelFontSize=s["label"], titleFontSize=s["label"], labelLimit=s["limit"], labelFont=FONT[lang],
                    titleFont=FONT[lang], **kw)


def _value_axis(lang: str, present: bool) -> alt.Axis:
    """A value axis whose labels never run together, however large the type:
    fewer ticks when presenting, and labels thinned where they would touch."""
    return _axis(lang, present, tickCount=6 if present else 10, labelSeparation=10, labelOverlap="parity")


def _tooltip(lang: str) -> list:
    return [alt.Tooltip("label:N", title=t("col.figure", lang)), alt.Tooltip("shown:N", title=t("col.value", lang)),
            alt.Tooltip("date:N", title=t("col.date", lang)), alt.Tooltip("quote:N", title=t("col.quote", lang)),
            alt.Tooltip("source:N", title=t("col.source", lang)), alt.Tooltip("origin:N", title=t("chart.origin", lang))]


def _finish(chart, title: str, lang: str, style: Style, subtitle: str = "", rows: int = 3,
            row_height: int = 46) -> alt.TopLevelMixin:
    """Title, size and type. Sizes sit on the top-level chart and text sizes on
    the title and axes themselves, which Streamlit's renderer keeps (it replaces
    a spec's top-level `config`)."""
    present = style.present
    s = _size(present)
    kw = {"fontSize": s["title"], "anchor": "start", "font": FONT[lang]}
    if not style.titled:  # the slide carries the title; the note stays with the chart
        title, subtitle, kw["fontSize"] = subtitle or " ", "", s["sub"]
    params = alt.TitleParams(title, subtitle=subtitle, subtitleFontSize=s["sub"], subtitleFont=FONT[lang], **kw) \
        if subtitle else alt.TitleParams(title, **kw)
    height = max(400 if present else 140, (row_height + (24 if present else 0)) * rows)
    if style.fit:
        height = 620  # drawn for a large screen; CSS scales it down to a smaller one (components/present.py)
    height = style.height or height
    return chart.properties(title=params, height=height).configure(font=FONT[lang]).configure_title(
        fontSize=s["title"], subtitleFontSize=s["sub"]).configure_axis(
        labelFontSize=s["label"], titleFontSize=s["label"], labelLimit=s["limit"]).configure_text(
        fontSize=s["label"]).configure_legend(labelFontSize=s["label"] - 2, titleFontSize=s["label"] - 2, labelLimit=0,
                                              labelFont=FONT[lang], titleFont=FONT[lang], orient="bottom")


def _colour(lang: str, base: str, df: pd.DataFrame) -> alt.Color | alt.ValueChannelMixin:
    """One colour for the shipped figures; a second, with a legend, once the
    visitor's own figures are in the chart."""
    if not (df["origin"] == t("chart.yours", lang)).any():
        return alt.value(base)
    return alt.Color("origin:N", title=t("chart.origin", lang), scale=alt.Scale(
        domain=[t("chart.curated", lang), t("chart.yours", lang)], range=[base, MINE]))


def _labelled_bars(df: pd.DataFrame, axis_title: str, color: str, lang: str, style: Style) -> alt.LayerChart:
    """Horizontal bars, largest first, each with its value as written; room on
    the right for the longest label."""
    top = float(df["value"].max()) if len(df) else 1.0
    scale = alt.Scale(domain=[0, top * 1.28], nice=False)
    order = list(df.sort_values("value", ascending=False)["label"])  # explicit: a layered "-x" sort is not kept
    present = style.present
    base = alt.Chart(df).properties(width=style.plot_width(620, 820))
    bars = base.mark_bar().encode(
        y=alt.Y("label:N", sort=order, title=None, axis=_axis(lang, present)),
        x=alt.X("value:Q", title=axis_title, axis=_value_axis(lang, present), scale=scale),
        color=_colour(lang, color, df), tooltip=_tooltip(lang))
    text = base.mark_text(align="left", dx=6, fontSize=_size(present)["label"], font=FONT[lang]).encode(
        y=alt.Y("label:N", sort=order), x=alt.X("value:Q", scale=scale), text="shown:N")
    return bars + text


def investment(lang: str, mine: list[data.VisitorFigure] = (), style: Style = Style()) -> ChartSpec:
    rows = data.curated_rows(data.by_category("funding"), lang, value=lambda f: f.hkd_value / 1e6)
    rows += data.visitor_rows(list(mine), "money", scale=1e6)
    title = t("chart.investment.title", lang)
    chart = _labelled_bars(data.rows_frame(rows, lang), t("chart.investment.axis", lang), PALETTE[0], lang, style)
    return ChartSpec("investment", title, rows, _finish(chart, title, lang, style, t("chart.investment.note", lang),
                                                        rows=len(rows)))


def compute_share() -> float:
    return data.get("compute_cyberport").value / data.get("compute_total").value


def compute(lang: str, mine: list[data.VisitorFigure] = (), style: Style = Style()) -> ChartSpec:
    rows = data.curated_rows([data.get("compute_total"), data.get("compute_cyberport")], lang)
    rows += data.visitor_rows(list(mine), "compute")
    title = t("chart.compute.title", lang)
    chart = _labelled_bars(data.rows_frame(rows, lang), t("chart.compute.axis", lang), PALETTE[1], lang, style)
    return ChartSpec("compute", title, rows, _finish(chart, title, lang, style,
                                                     t("chart.compute.share", lang, share=compute_share()),
                                                     rows=len(rows), row_height=70))


def market(lang: str, mine=(), style: Style = Style()) -> ChartSpec:
    """Share moves either side of zero; each value label sits beyond its bar's
    end, and the scale leaves room for it on both sides."""
    rows = data.curated_rows([f for f in data.by_category("market") if f.id.endswith("_change")], lang)
    df = data.rows_frame(rows, lang)
    low, high = float(df["value"].min()), float(df["value"].max())
    span = max(abs(low), abs(high))
    scale = alt.Scale(domain=[min(0.0, low) - 0.45 * span, max(0.0, high) + 0.45 * span], nice=False)
    present = style.present
    order = list(df.sort_values("value")["label"])
    base = alt.Chart(df).properties(width=style.plot_width(620, 820))
    bars = base.mark_bar().encode(
        y=alt.Y("label:N", sort=order, title=None, axis=_axis(lang, present)),
        x=alt.X("value:Q", title=t("chart.market.axis", lang), axis=_value_axis(lang, present), scale=scale),
        color=alt.condition("datum.value > 0", alt.value(PALETTE[2]), alt.value(PALETTE[0])),
        tooltip=_tooltip(lang))
    size = _size(present)["label"]
    right = base.transform_filter("datum.value >= 0").mark_text(align="left", dx=6, fontSize=size).encode(
        y=alt.Y("label:N", sort=order), x=alt.X("value:Q", scale=scale), text="shown:N")
    left = base.transform_filter("datum.value < 0").mark_text(align="right", dx=-6, fontSize=size).encode(
        y=alt.Y("label:N", sort=order), x=alt.X("value:Q", scale=scale), text="shown:N")
    rule = base.mark_rule(color="#57606a").encode(x=alt.datum(0))
    title = t("chart.market.title", lang)
    return ChartSpec("market", title, rows, _finish(bars + rule + right + left, title, lang, style, rows=len(rows)))


def milestone_date(f) -> str:
    m = re.match(r"(\d{4})(?:-(\d{2}))?", f.date)
    month = m.group(2) or ("01" if "early" in f.date else "07")
    return f"{m.group(1)}-{month}-01"


def timeline(lang: str, mine=(), style: Style = Style()) -> ChartSpec:
    """One row per milestone on a time axis, earliest first."""
    present = style.present
    figs = sorted(data.by_category("milestone"), key=milestone_date)
    rows = data.curated_rows(figs, lang)
    df = data.rows_frame(rows, lang).assign(when=[milestone_date(f) for f in figs])
    order = list(df["label"])
    base = alt.Chart(df).encode(
        x=alt.X("when:T", title=None, axis=_axis(lang, present, format="%Y", tickCount="year"),
                scale=alt.Scale(padding=24)),
        y=alt.Y("label:N", sort=order, title=None, axis=_axis(lang, present)))
    rule = alt.Chart(df).mark_rule(color="#d0d7de").encode(y=alt.Y("label:N", sort=order))
    points = base.mark_circle(size=220 if present else 160, color=PALETTE[0]).encode(tooltip=_tooltip(lang))
    dates = base.mark_text(align="left", dx=12, fontSize=_size(present)["label"] - 1, color="#57606a").encode(
        text="date:N")
    title = t("chart.timeline.title", lang)
    return ChartSpec("timeline", title, rows, _finish((rule + points + dates).properties(width=style.plot_width(560, 760)),
                                                      title, lang, style, rows=len(rows), row_height=36))


def counts(lang: str, mine: list[data.VisitorFigure] = (), style: Style = Style()) -> ChartSpec | None:
    """Counts from the visitor's documents beside the curated counts of the
    same unit, one panel per unit (units matched across languages)."""
    present = style.present
    units = sorted({f.metric.split(":", 1)[1] for f in mine if f.metric.startswith("count:")})
    if not units:
        return None
    curated = [f for f in data.by_category("ecosystem", "industry") if f.unit in units]
    rows = data.curated_rows(curated, lang)
    for unit in units:
        rows += data.visitor_rows(list(mine), f"count:{unit}")
    df = data.rows_frame(rows, lang)
    bars = alt.Chart(df).mark_bar().encode(
        y=alt.Y("label:N", title=None, axis=_axis(lang, present)),
        x=alt.X("value:Q", title=None, axis=_value_axis(lang, present)),
        color=_colour(lang, PALETTE[1], df), tooltip=_tooltip(lang)).properties(width=560)
    chart = bars.facet(row=alt.Row("unit:N", title=None)).resolve_scale(x="independent", y="independent")
    title = t("chart.counts.title", lang)
    chart = chart.properties(title=alt.TitleParams(title, anchor="start", fontSize=_size(present)["title"],
                                                   font=FONT[lang])).configure(font=FONT[lang])
    return ChartSpec("counts", title, rows, chart)


CHARTS = {"investment": investment, "compute": compute, "market": market, "timeline": timeline}
