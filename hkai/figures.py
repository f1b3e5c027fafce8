"""Figures found in a document's text: money, compute, percentages, areas and
counts, each with its normalised value and the sentence it stands in as quote.

This is the extraction half of the dashboards work; the curated figures and
the charts build on it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from .text import split_sentences, to_script

_SCALE = {"萬億": 1e12, "万亿": 1e12, "萬": 1e4, "万": 1e4, "億": 1e8, "亿": 1e8, "千": 1e3, "百萬": 1e6, "百万": 1e6,
          "trillion": 1e12, "tn": 1e12, "million": 1e6, "billion": 1e9, "thousand": 1e3, "bn": 1e9, "b": 1e9,
          "mn": 1e6, "m": 1e6, "k": 1e3, "": 1.0}
_NUM = r"(?<![A-Za-z\d.,])(\d[\d,]*(?:\.\d+)?)"
# Chinese amounts: the currency before the number (港幣35億, 人民幣100億元) or after it (35億港元);
# one of the two must be there (checked where it is matched).
_MONEY = re.compile(
    r"(?P<pre>HK\$|US\$|RMB|港幣|港币|港元|人民幣|人民币|美元)?\s?" + _NUM
    + r"\s?(?P<scale>萬億|万亿|百萬|百万|萬|万|億|亿|千|million|billion)?\s?"
    r"(?P<cur>港元|港幣|港币|美元|人民幣|人民币|元|yuan\b)?", re.I)
_MONEY_EN = re.compile(r"(?P<pre>HK\$|US\$|RMB|CNY|HKD|USD|\$)\s?" + _NUM
                       + r"\s?(?P<scale>trillion|million|billion|thousand|tn|bn|mn|[bmk](?![a-z]))?", re.I)
# The currency written after the number: "20 million US dollars", "HK$" spelt "HKD 5m" above.
_MONEY_EN_AFTER = re.compile(_NUM + r"\s?(?P<scale>trillion|million|billion|thousand|tn|bn|mn|[bmk](?![a-z]))?\s?"
                             r"(?P<cur>(?:US|HK|Hong Kong) dollars?|HKD|USD|RMB|CNY|renminbi|yuan)(?![a-z])", re.I)
_COMPUTE = re.compile(_NUM + r"\s?(?P<unit>PFLOPS|EFLOPS|TFLOPS)", re.I)
_PERCENT = re.compile(r"(?P<dir>升|跌|漲|涨|上升|下跌|收跌|up|down|rose|fell)?\s?" + _NUM + r"\s?(?:%|％)", re.I)
_AREA = re.compile(_NUM + r"\s?(?P<unit>公頃|公顷|hectares?|平方米|平方公里)", re.I)
_COUNT = re.compile(
    _NUM + r"\s?(?P<scale>萬|万|億|亿|million|billion|thousand)?\s?(?:多)?\s?(?P<unit>所|個|个|家|名|位|間|间|款|次|項|项)?"
    r"[^，。,；：\n]{0,16}?"
    r"(?P<what>實驗室|实验室|研發實驗室|研发实验室|企業|企业|公司|用戶|用户|活躍用戶|活跃用户|模型|下載量|下载量|下載|下载|labs?|companies|firms|users|models|downloads)",
    re.I)

# The noun first: "模型總下載量超1,600萬次".
_COUNT_BEFORE = re.compile(
    r"(?P<what>下載量|下载量|下載|下载|用戶|用户|downloads|users)\s?(?:超過|超过|超|逾|達|达|約|约|of|over)?\s?"
    + _NUM + r"\s?(?P<scale>萬|万|億|亿|million|billion)?\s?(?:次|個|个|名|人)?", re.I)

_CURRENCY = {"港元": "HKD", "港幣": "HKD", "港币": "HKD", "hk$": "HKD", "hkd": "HKD", "hk dollar": "HKD",
             "hk dollars": "HKD", "hong kong dollar": "HKD", "hong kong dollars": "HKD",
             "美元": "USD", "us$": "USD", "usd": "USD", "us dollar": "USD", "us dollars": "USD",
             "人民幣": "CNY", "人民币": "CNY", "rmb": "CNY", "cny": "CNY", "renminbi": "CNY", "元": "", "yuan": "",
             "$": ""}


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
        pre, cur = (m.group("pre") or "").lower(), (m.group("cur") or "").lower()
        if (cur or (pre and m.group("scale"))) and free(m):  # 港幣35億, 35億港元; not a bare 港元 then a number
            add(m, "money", _number(m.group(2)) * _SCALE[(m.group("scale") or "").lower()], "",
                _CURRENCY.get(pre) or _CURRENCY.get(cur, ""))
    for m in _MONEY_EN.finditer(sentence):
        if free(m):
            add(m, "money", _number(m.group(2)) * _SCALE[(m.group("scale") or "").lower()], "",
                _CURRENCY[m.group("pre").lower()])
    for m in _MONEY_EN_AFTER.finditer(sentence):
        if free(m):
            add(m, "money", _number(m.group(1)) * _SCALE[(m.group("scale") or "").lower()], "",
                _CURRENCY[" ".join(m.group("cur").lower().split())])
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
    order = {raw: i for i, (_, _, _, _, raw) in enumerate(found)}
    return sorted(found, key=lambda f: (sentence.find(f[4]), order[f[4]]))  # in reading order


# ---- dates --------------------------------------------------------------------

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
_RELATIVE = {"今年": "this year", "去年": "last year", "明年": "next year"}
_DATE_ZH = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年\s*(?:(?P<month>1[0-2]|0?[1-9])\s*月)?"
                      r"|(?P<rel>今年|去年|明年)\s*(?P<rmonth>1[0-2]|0?[1-9])\s*月")
_DATE_EN = re.compile(r"(?:(?P<month>" + "|".join(MONTHS) + r")\s+)?(?P<year>(?:19|20)\d{2})\b"
                      r"|(?P<rmonth>" + "|".join(MONTHS) + r")\s+(?P<rel>this year|last year|next year)")


@dataclass(frozen=True)
class DateMention:
    raw: str
    year: int | None  # None for a year named relative to the document ("this year")
    month: int | None
    relative: str = ""  # "this year", "last year", "next year"

    def key(self) -> tuple:
        return (self.year, self.month, self.relative)


def dates_in(sentence: str) -> list[DateMention]:
    out = []
    for m in _DATE_ZH.finditer(sentence):
        if m.group("rel"):
            out.append(DateMention(m.group(0), None, int(m.group("rmonth")), _RELATIVE[m.group("rel")]))
        else:
            out.append(DateMention(m.group(0), int(m.group("year")), int(m.group("month")) if m.group("month") else None))
    for m in _DATE_EN.finditer(sentence):
        if m.group("rel"):
            out.append(DateMention(m.group(0), None, MONTHS.index(m.group("rmonth")) + 1, m.group("rel")))
        else:
            month = MONTHS.index(m.group("month")) + 1 if m.group("month") else None
            out.append(DateMention(m.group(0), int(m.group("year")), month))
    return out


def render_date(d: DateMention, lang: str) -> str:
    if lang == "en":
        if d.relative:
            return f"{MONTHS[d.month - 1]} {d.relative}"
        return f"{MONTHS[d.month - 1]} {d.year}" if d.month else str(d.year)
    if d.relative:
        rel = {v: k for k, v in _RELATIVE.items()}[d.relative]
        return to_script(f"{rel}{d.month}月", lang)
    return f"{d.year}年{d.month}月" if d.month else f"{d.year}年"


# ---- a figure as a reader would write it ------------------------------------------

EN_UNITS = {"实验室": "labs", "實驗室": "labs", "研發實驗室": "labs", "研发实验室": "labs", "企業": "companies",
            "企业": "companies", "公司": "companies", "用戶": "users", "用户": "users", "活躍用戶": "active users",
            "活跃用户": "active users", "模型": "models", "下載量": "downloads", "下载量": "downloads",
            "下載": "downloads", "下载": "downloads", "公頃": "hectares", "公顷": "hectares", "平方米": "square metres",
            "平方公里": "square kilometres"}
ZH_UNITS = {"labs": "所實驗室", "lab": "所實驗室", "companies": "家企業", "firms": "家企業", "users": "名用戶",
            "models": "個模型", "downloads": "次下載", "hectares": "公頃", "hectare": "公頃"}
_SYMBOL = {"HKD": "HK$", "USD": "US$", "CNY": "RMB "}
_ZH_CURRENCY = {"HKD": "港元", "USD": "美元", "CNY": "人民幣"}


def _scaled_en(value: float) -> str:
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            return f"{value / size:,.4g} {word}"
    return f"{value:,.6g}"


def _scaled_zh(value: float) -> str:
    for size, word in ((1e12, "萬億"), (1e8, "億"), (1e4, "萬")):
        if abs(value) >= size and (abs(value) / size) < 1e4:
            return f"{value / size:,.6g}{word}"
    return f"{value:,.6g}"


_OVER = re.compile(r"多|超過|超过|逾|超|over|more than", re.I)
_UP = re.compile(r"升|漲|涨|上升|up|rose", re.I)


def render_figure(kind: str, value: float, unit: str, currency: str, lang: str, raw: str = "",
                  before: str = "", source_script: str = "") -> str:
    """A parsed figure in words a reader of `lang` uses: HK$1 billion, 5,000
    PFLOPS, 16 labs, US$10 million; 10億港元, 1,000萬美元 in Chinese. `raw` and the
    few characters `before` it say whether it was "over" a number or a rise. A
    bare 元 is written as its source's readers write it in English: "$" where
    the source is Traditional (Hong Kong's dollar, as its government writes
    "$50 million"), "yuan" where it is Simplified."""
    over = bool(_OVER.search(raw) or _OVER.search(before[-3:]))
    if lang == "en":
        prefix = "over " if over and kind in ("count", "money", "compute", "area") else ""
        if kind == "percent":
            return f"{'down' if value < 0 else 'up' if _UP.search(raw) else ''} {abs(value):g}%".strip()
        return prefix + _render_en(kind, value, unit, currency, source_script)
    if kind == "percent":
        return to_script(f"{'下跌' if value < 0 else '上升' if _UP.search(raw) else ''}{abs(value):g}%", lang)
    return to_script(("超過" if over else "") + _render_zh(kind, value, unit, currency), lang)


def _render_en(kind: str, value: float, unit: str, currency: str, source_script: str = "") -> str:
    if kind == "money":
        symbol = _SYMBOL.get(currency) or ("$" if source_script == "zh-Hant" else "")
        return f"{symbol}{_scaled_en(value)}" if symbol else f"{_scaled_en(value)} yuan"
    if kind == "compute":
        return f"{value:,.6g} {unit}"
    if kind in ("area", "count"):
        return f"{_scaled_en(value)} {EN_UNITS.get(unit, unit)}".strip()
    return f"{value:,.6g}"


def _render_zh(kind: str, value: float, unit: str, currency: str) -> str:
    if kind == "money":
        return f"{_scaled_zh(value)}{_ZH_CURRENCY.get(currency, '元')}"
    if kind == "compute":
        return f"{value:,.6g} {unit}"
    if kind in ("area", "count"):
        return f"{_scaled_zh(value)}{ZH_UNITS.get(unit.lower(), unit)}"
    return f"{value:,.6g}"


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
        doc = lib.document(record.doc_id, owners)
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
