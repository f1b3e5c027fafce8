"""What kind of answer a question asks for, from its interrogative words.

The table names interrogatives of English and Chinese (how many / 多少, when /
何時, who / 誰, where / 哪裡), not the words of any document: it feeds one
feature of the sentence scorer (a sentence carrying a number for a "how many"
question), never a gate.
"""

from __future__ import annotations

import re

KINDS = ("number", "date", "person", "place")

_ASKS = {
    "date": re.compile(r"\bwhen\b|\bwhat (year|date|month|day|century|decade|time)\b|\bwhich (year|date|month|day|"
                       r"century|decade)\b|\bhow long ago\b|何時|何时|什麼時候|什么时候|甚麼時候|哪一?年|哪一?天|幾時|几时|何年|"
                       r"哪個(年代|朝代|世紀)|哪个(年代|朝代|世纪)|幾月|几月|幾年|几年|哪月", re.I),
    "number": re.compile(r"\bhow (many|much|large|big|long|far|old|tall|high|wide|deep|heavy|fast)\b|"
                         r"\bwhat (percentage|proportion|share|fraction|number|amount|size)\b|\bby how much\b|"
                         r"多少|幾多|几多|多大|多長|多长|多久|多高|多遠|多远|多重|多深|多寬|多宽|多少錢|幾(個|名|位|次|種|種|項|歲|倍|成)|"
                         r"几(个|名|位|次|种|项|岁|倍|成)|比例|百分之幾|百分之几", re.I),
    "person": re.compile(r"\bwho(m|se)?\b|誰|谁|哪位|何人|哪一位", re.I),
    "place": re.compile(r"\bwhere\b|\bwhich (country|city|place|region|province|state|district|island)\b|哪裡|哪里|"
                        r"何處|何处|何地|哪兒|哪儿|哪個(國家|城市|地方|地區|省)|哪个(国家|城市|地方|地区|省)", re.I),
}

_NUMBER = re.compile(r"\d|[零一二三四五六七八九十兩两百千萬万億亿]+\s*(?:[個个名位次種种項项人家所座條条倍歲岁成%％]|"
                     r"年|月|日|公里|米|元|港元|美元)")
_DATE = re.compile(r"\d{1,4}\s*(?:年|月|日|世紀|世纪|年代)|[一二三四五六七八九十〇零]{1,4}\s*(?:年|月|日|世紀|世纪)|"
                   r"\b(?:1[0-9]|20)\d{2}\b|\b(?:January|February|March|April|May|June|July|August|September|"
                   r"October|November|December)\b|(?:今年|去年|明年|昨天|昨日|今天|當日|当日|朝|時期|时期)", re.I)


def asks(question: str) -> str:
    """The kind of answer asked: "date", "number", "person", "place", or "" (anything)."""
    for kind, pattern in _ASKS.items():
        if pattern.search(question):
            return kind
    return ""


def carries(sentence: str, kind: str) -> bool | None:
    """Whether a sentence carries an answer of `kind`; None where no detector
    exists (persons and places are not recognised)."""
    if kind == "number":
        return bool(_NUMBER.search(sentence))
    if kind == "date":
        return bool(_DATE.search(sentence))
    return None


# A figure's change asked for ("How much did the shares rise?", "股價跌了多少？"): a percentage answers it
# before a level (the price the sentence also gives).
_CHANGE = re.compile(r"\b(?:ris(?:e|es|en|ing)|rose|f[ae]ll(?:s|en|ing)?|drop(?:s|ped)?|increas(?:e|es|ed)|"
                     r"decreas(?:e|es|ed)|gr[oe]w(?:n|s)?|gain(?:s|ed)?|climb(?:s|ed)?|jump(?:s|ed)?|declin(?:e|es|ed)|"
                     r"go(?:es)? up|went up|go(?:es)? down|went down|change[sd]?)\b|升|跌|漲|涨|增長|增长|增加|減少|减少|下降|上升",
                     re.I)


def asks_change(question: str) -> bool:
    """Whether a question asks by how much something changed, rather than how much it is."""
    return _CHANGE.search(question) is not None
