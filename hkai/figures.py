"""Figures found in a document's text: money, compute, percentages, areas and
counts, each with its normalised value and the sentence it stands in as quote.

This is the extraction half of the dashboards work; the curated figures and
the charts build on it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from .text import split_sentences

_SCALE = {"萬": 1e4, "万": 1e4, "億": 1e8, "亿": 1e8, "千": 1e3, "百萬": 1e6, "百万": 1e6,
          "million": 1e6, "billion": 1e9, "thousand": 1e3, "": 1.0}
_NUM = r"(?<![A-Za-z\d.,])(\d[\d,]*(?:\.\d+)?)"
_MONEY = re.compile(
    r"(?P<pre>HK\$|US\$|RMB|港幣|港币)?\s?" + _NUM + r"\s?(?P<scale>百萬|百万|萬|万|億|亿|千|million|billion)?\s?"
    r"(?P<cur>港元|港幣|港币|美元|人民幣|人民币|元)", re.I)
_MONEY_EN = re.compile(r"(?P<pre>HK\$|US\$)\s?" + _NUM + r"\s?(?P<scale>million|billion|thousand)?", re.I)
_COMPUTE = re.compile(_NUM + r"\s?(?P<unit>PFLOPS|EFLOPS|TFLOPS)", re.I)
_PERCENT = re.compile(r"(?P<dir>升|跌|漲|涨|上升|下跌|收跌|up|down|rose|fell)?\s?" + _NUM + r"\s?(?:%|％)", re.I)
_AREA = re.compile(_NUM + r"\s?(?P<unit>公頃|公顷|hectares?|平方米|平方公里)", re.I)
_COUNT = re.compile(
    _NUM + r"\s?(?P<scale>萬|万|億|亿)?\s?(?:多)?\s?(?P<unit>所|個|个|家|名|位|間|间|款|次|項|项)?[^，。,；：\n]{0,16}?"
    r"(?P<what>實驗室|实验室|研發實驗室|研发实验室|企業|企业|公司|用戶|用户|活躍用戶|活跃用户|模型|下載量|下载量|下載|下载|labs?|companies|firms|users|models|downloads)",
    re.I)

# The noun first: "模型總下載量超1,600萬次".
_COUNT_BEFORE = re.compile(
    r"(?P<what>下載量|下载量|下載|下载|用戶|用户|downloads|users)\s?(?:超過|超过|超|逾|達|达|約|约|of|over)?\s?"
    + _NUM + r"\s?(?P<scale>萬|万|億|亿|million|billion)?\s?(?:次|個|个|名|人)?", re.I)

_CURRENCY = {"港元": "HKD", "港幣": "HKD", "港币": "HKD", "hk$": "HKD", "美元": "USD", "us$": "USD",
             "人民幣": "CNY", "人民币": "CNY", "rmb": "CNY", "元": ""}


@dataclass
class Figure:
    label: str
    value: float
    unit: str
    currency: str
    quote: str
    doc_id: str
    source: str
    kind: str = ""
    raw: str = ""

    def as_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k in
                ("label", "value", "unit", "currency", "quote", "doc_id", "source")}


def _number(s: str) -> float:
    return float(s.replace(",", ""))


def figures_in_sentence(sentence: str) -> list[tuple[str, float, str, str, str]]:
    """(kind, value, unit, currency, raw) for each figure in one sentence."""
    found, taken = [], []

    def free(m) -> bool:
        return not any(m.start() < e and s < m.end() for s, e in taken)

    def add(m, kind, value, unit, currency):
        taken.append((m.start(), m.end()))
        found.append((kind, value, unit, currency, m.group(0).strip()))

    for m in _COMPUTE.finditer(sentence):
        add(m, "compute", _number(m.group(1)), m.group("unit").upper(), "")
    for m in _MONEY.finditer(sentence):
        if free(m):
            cur = _CURRENCY.get((m.group("pre") or "").lower()) or _CURRENCY.get(m.group("cur").lower(), "")
            add(m, "money", _number(m.group(2)) * _SCALE[(m.group("scale") or "").lower()], "", cur)
    for m in _MONEY_EN.finditer(sentence):
        if free(m):
            add(m, "money", _number(m.group(2)) * _SCALE[(m.group("scale") or "").lower()], "",
                _CURRENCY[m.group("pre").lower()])
    for m in _PERCENT.finditer(sentence):
        if free(m):
            value = _number(m.group(2))
            if (m.group("dir") or "").lower() in ("跌", "下跌", "收跌", "down", "fell"):
                value = -value
            add(m, "percent", value, "%", "")
    for m in _AREA.finditer(sentence):
        if free(m):
            add(m, "area", _number(m.group(1)), m.group("unit"), "")
    for m in _COUNT.finditer(sentence):
        if free(m):
            value = _number(m.group(1)) * _SCALE[(m.group("scale") or "").lower()]
            add(m, "count", value, m.group("what"), "")
    for m in _COUNT_BEFORE.finditer(sentence):
        if free(m):
            value = _number(m.group(2)) * _SCALE[(m.group("scale") or "").lower()]
            add(m, "count", value, m.group("what"), "")
    return found


def extract_figures(text: str, doc_id: str = "", source: str = "") -> list[Figure]:
    out = []
    seen = set()
    for sentence in split_sentences(text):
        for kind, value, unit, currency, raw in figures_in_sentence(sentence):
            key = (kind, value, unit, currency, sentence)
            if key in seen:
                continue
            seen.add(key)
            out.append(Figure(label=raw, value=value, unit=unit, currency=currency, quote=sentence,
                              doc_id=doc_id, source=source, kind=kind, raw=raw))
    return out


def library_figures(lib, owners=("public",)) -> list[Figure]:
    figures = []
    for record in lib.documents(owners):
        doc = lib.document(record["doc_id"], owners)
        if doc is not None:
            figures.extend(extract_figures(doc.clean_text, doc.doc_id, doc.source))
    return figures


CURATED_FILE = "figures.yaml"


@dataclass
class CuratedFigure:
    """A figure chosen for the dashboards, with its labels and verbatim quote."""

    id: str
    category: str
    doc: str
    value: float
    unit: str
    currency: str
    date: str
    labels: dict
    quote: str
    date_basis: str = ""  # how a relative date ("this year") was resolved

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels["en"]

    @property
    def hkd_value(self) -> float | None:
        """Money in HK$, US$ at the 7.8 peg; None for non-money."""
        if self.currency == "HKD":
            return self.value
        if self.currency == "USD":
            return self.value * USD_HKD_PEG
        return None


USD_HKD_PEG = 7.8


def load_curated(seeds_dir=None) -> list[CuratedFigure]:
    import yaml

    from .config import SEEDS_DIR

    raw = yaml.safe_load(((seeds_dir or SEEDS_DIR) / CURATED_FILE).read_text(encoding="utf-8"))
    return [CuratedFigure(id=r["id"], category=r["category"], doc=str(r["doc"]), value=float(r["value"]),
                          unit=str(r.get("unit") or ""), currency=str(r.get("currency") or ""),
                          date=str(r.get("date") or ""),
                          labels={k: r[k] for k in ("en", "zh-Hant", "zh-Hans")}, quote=r["quote"],
                          date_basis=str(r.get("date_basis") or ""))
            for r in raw]
