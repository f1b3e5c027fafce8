"""What the dashboards show: the curated seed figures, the visitor's own
figures found in their documents (normalised to the same units), and the
tables, as rows a chart, a table, a CSV or a slide can use alike."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import yaml

from ..core.amounts import common_measure
from ..core.config import SEEDS_DIR
from ..core.i18n import t
from ..core.script import to_script
from .curated import CuratedFigure, load_curated
from .found import extract_figures
from .labels import label_for


@lru_cache(maxsize=1)
def curated() -> tuple[CuratedFigure, ...]:
    return tuple(load_curated())


@lru_cache(maxsize=1)
def seed_sources() -> dict[str, dict]:
    from ..ingest.manifest import seed_manifest

    return {str(e["doc_id"]): e for e in seed_manifest().values()}


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def tables() -> dict:
    return yaml.safe_load((SEEDS_DIR / "dashboard_tables.yaml").read_text(encoding="utf-8"))


def source_line(doc_id: str, lang: str) -> str:
    e = seed_sources().get(doc_id, {})
    if lang == "en":
        return f"{e.get('publisher_en', e.get('publisher', ''))}, {e.get('date', '')}: " \
               f"{e.get('title_en', e.get('title', doc_id))}"
    return f"{to_script(e.get('publisher', ''), lang)}，{e.get('date', '')}：{to_script(e.get('title', doc_id), lang)}"


def short_source(doc_id: str, lang: str) -> str:
    """Publisher and date: what fits under a chart or a KPI."""
    e = seed_sources().get(doc_id, {})
    publisher = e.get("publisher_en", "") if lang == "en" else to_script(e.get("publisher", ""), lang)
    return f"{publisher}, {e.get('date', '')}" if lang == "en" else f"{publisher}，{e.get('date', '')}"


def by_category(*cats: str) -> list[CuratedFigure]:
    return [f for f in curated() if f.category in cats]


def get(fid: str) -> CuratedFigure:
    return next(f for f in curated() if f.id == fid)


def date_label(date: str, lang: str) -> str:
    """A curated date as the reader writes it: "2023 (early)" is 2023年初 in Chinese."""
    for key, pattern in (("date.early", r"(\d{4}) \(early\)"), ("date.launch_day", r"(\d{4}) \(launch day\)"),
                         ("date.budget", r"(\d{4}) Budget")):
        m = re.fullmatch(pattern, date)
        if m:
            return t(key, lang, year=m.group(1))
    return date


def format_value(f: CuratedFigure, lang: str) -> str:
    """The figure as a reader would say it, e.g. HK$1bn, US$10m, 5,000 PFLOPS, -5.39%."""
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
        return date_label(f.date, lang)
    unit = "" if f.unit in ("labs", "companies", "users", "models", "downloads") else f" {f.unit}"
    if lang != "en" and f.unit == "hectares":
        unit = to_script(" 公頃", lang)
    if f.value >= 1e6:  # 1 million users; 100萬 in Chinese, as the documents write it
        return f"{f.value / 1e6:g} million{unit}" if lang == "en" else to_script(f"{f.value / 1e4:g}萬{unit}", lang)
    return f"{f.value:,.0f}{unit}"


# ---- one row per plotted figure, curated or the visitor's -------------------------

@dataclass
class Row:
    id: str
    label: str
    value: float  # in the chart's unit (HK$ million, PFLOPS, the count)
    shown: str  # as the reader would write it
    date: str
    quote: str
    source: str
    mine: bool = False  # found in the visitor's own documents
    unit: str = ""

    def as_dict(self, lang: str) -> dict:
        return {"id": self.id, "label": self.label, "value": self.value, "shown": self.shown, "date": self.date,
                "quote": self.quote, "source": self.source, "unit": self.unit,
                "origin": t("chart.yours" if self.mine else "chart.curated", lang)}


def curated_rows(figs: list[CuratedFigure], lang: str, value=lambda f: f.value) -> list[Row]:
    return [Row(f.id, f.label(lang), value(f), format_value(f, lang), date_label(f.date, lang), f.quote,
                source_line(f.doc, lang), unit=f.unit) for f in figs]


@dataclass(frozen=True)
class VisitorFigure:
    """A figure from a visitor's document, normalised to a dashboard metric."""

    metric: str  # "money" (HK$), "compute" (PFLOPS), "count:<unit>"
    value: float
    label: str
    raw: str
    quote: str
    source: str
    doc_id: str


def visitor_figures(documents: list) -> list[VisitorFigure]:
    """Figures in the visitor's documents, one per value: the same amount
    written several ways ("HK$3.5bn (35億港元)") is one figure."""
    out: list[VisitorFigure] = []
    seen: set[tuple[str, float]] = set()
    for doc in documents:
        found = extract_figures(doc.clean_text, doc.doc_id, doc.source)
        # In reading order, so "HK$3.5bn (35億港元)" is shown as its first writing.
        for f in sorted(found, key=lambda f: (doc.clean_text.find(f.quote), f.quote.find(f.raw))):
            norm = common_measure(f.kind, f.value, f.unit, f.currency)
            if norm is None or (norm[0], round(norm[1], 6)) in seen:
                continue
            seen.add((norm[0], round(norm[1], 6)))
            out.append(VisitorFigure(norm[0], norm[1], label_for(f.quote, f.raw, f.kind), f.raw, f.quote,
                                     f"{doc.title} ({doc.source})", doc.doc_id))
    return out


def visitor_rows(figures: list[VisitorFigure], metric: str, scale: float = 1.0) -> list[Row]:
    return [Row(f"mine:{f.doc_id}:{i}", f.label, f.value / scale, f.raw, "", f.quote, f.source, mine=True,
                unit=f.metric.split(":")[-1]) for i, f in enumerate(figures) if f.metric == metric]


def rows_frame(rows: list[Row], lang: str) -> pd.DataFrame:
    return pd.DataFrame([r.as_dict(lang) for r in rows])


def figures_frame(rows: list[Row], lang: str) -> pd.DataFrame:
    """The data behind a chart, as shown under it and exported as CSV: one
    value column, headers in the reader's language."""
    return pd.DataFrame([{
        t("col.figure", lang): r.label, t("col.amount", lang): r.shown, t("col.value", lang): r.value,
        t("col.date", lang): r.date, t("col.quote", lang): r.quote, t("col.source", lang): r.source,
        t("chart.origin", lang): t("chart.yours" if r.mine else "chart.curated", lang),
    } for r in rows])


def infrastructure_frame(lang: str) -> pd.DataFrame:
    rows = []
    for r in tables()["infrastructure"]:
        name = r["en"] if lang == "en" else to_script(r["zh-Hant"], lang)
        status = r["status_en"] if lang == "en" else to_script(r["status_zh"], lang)
        rows.append({t("col.figure", lang): name, t("col.status", lang): status, t("col.quote", lang): r["quote"],
                     t("col.source", lang): source_line(r["doc"], lang)})
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
