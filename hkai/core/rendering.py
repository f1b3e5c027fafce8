"""A parsed figure written for a reader: HK$1 billion, 10億港元, 3,000 PFLOPS.
"""

from __future__ import annotations

import re

from .script import to_script

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
