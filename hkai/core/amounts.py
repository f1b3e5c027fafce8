"""Figures in a sentence: money, compute, percentages, areas and counts, each
with its normalised value, unit and currency.
"""

from __future__ import annotations

import re

from .rendering import EN_UNITS

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


_PERCENT = re.compile(r"(?P<dir>升|跌|漲|涨|上升|下跌|收跌|up|down|rose|fell)?\s?" + _NUM
                      + r"(?:\s?(?:%|％)|\s(?:percent|per cent)\b)", re.I)


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


# Any English count: a number, up to three words that describe, and the plural noun it counts ("12 local AI
# start-ups", "40 new data scientists"); a year, a percentage or an amount is none (matched before, or refused).
_COUNT_EN = re.compile(r"(?<![\w$.,])(?P<n>\d{1,3}(?:,\d{3})*|\d+)(?:\s(?P<scale>million|billion|thousand))?"
                       r"\s(?P<what>(?:[A-Za-z][\w-]*\s){0,3}?[a-z][a-z-]*[a-rt-z]s)\b")
_NOT_COUNTED = {"years", "months", "days", "weeks", "hours", "minutes", "seconds", "times", "percent", "dollars",
                "cents", "yuan", "points", "pflops", "eflops", "tflops", "hectares", "metres", "meters", "kilometres",
                "kilometers", "miles", "decades", "centuries", "others", "ones", "is", "was", "has", "does"}

_CURRENCY = {"港元": "HKD", "港幣": "HKD", "港币": "HKD", "hk$": "HKD", "hkd": "HKD", "hk dollar": "HKD",
             "hk dollars": "HKD", "hong kong dollar": "HKD", "hong kong dollars": "HKD",
             "美元": "USD", "us$": "USD", "usd": "USD", "us dollar": "USD", "us dollars": "USD",
             "人民幣": "CNY", "人民币": "CNY", "rmb": "CNY", "cny": "CNY", "renminbi": "CNY", "元": "", "yuan": "",
             "$": ""}


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
    for m in _COUNT_EN.finditer(sentence):
        head = m.group("what").split()[-1].lower()
        year = len(m.group("n")) == 4 and m.group("n")[:2] in ("19", "20")
        if free(m) and head not in _NOT_COUNTED and not year:
            add(m, "count", _number(m.group("n")) * _SCALE[(m.group("scale") or "").lower()], head, "")
    order = {raw: i for i, (_, _, _, _, raw) in enumerate(found)}
    return sorted(found, key=lambda f: (sentence.find(f[4]), order[f[4]]))  # in reading order


USD_HKD_PEG = 7.8  # HK$ per US$: the peg, the only conversion the dashboards and answers make
_COMPUTE_SCALE = {"PFLOPS": 1.0, "EFLOPS": 1000.0, "TFLOPS": 0.001}


def common_measure(kind: str, value: float, unit: str, currency: str) -> tuple[str, float] | None:
    """(metric, value in that metric's unit), or None where no honest
    conversion exists (RMB: no exchange rate in the documents)."""
    if kind == "money":
        if currency == "HKD":
            return "money", value
        if currency == "USD":
            return "money", value * USD_HKD_PEG
        return None
    if kind == "compute":
        return "compute", value * _COMPUTE_SCALE.get(unit.upper(), 1.0)
    if kind in ("count", "area"):
        word = EN_UNITS.get(unit, unit).lower().replace("active ", "")
        word = {"lab": "labs", "firms": "companies", "company": "companies", "user": "users", "model": "models",
                "download": "downloads", "hectare": "hectares"}.get(word, word)
        return f"count:{word}", value
    return None
