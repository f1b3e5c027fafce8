"""Dates in a sentence (2023年3月, March 2023, 今年) and how a reader's language
writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .script import to_script

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
