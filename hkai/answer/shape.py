"""The shape of answer a question asks for: one answer, a number of points
("Summarise … in three points", "列出三個要點"), or sides to compare
("Compare A and B", "A與B有何不同"). Recognised by the asking words of English
and Chinese, never by a document's; what is left of the question (its topic,
or each side) is what is searched and ranked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "兩": 2, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5}
_SUMMARISE = re.compile(r"\b(summari[sz]e|sum up|outline|list|give (?:me )?(?:the )?(?:main|key) points of|"
                        r"what are the (?:main|key) points of|key points of|main points of)\b|總結|总结|概括|歸納|归纳|"
                        r"列出|列舉|列举|扼要", re.I)
_COUNT = re.compile(r"\b(\d|two|three|four|five)\s+(?:main\s+|key\s+)?(?:points?|things|ways|reasons|bullets|items|"
                    r"sentences|parts)\b|([2-5二兩两三四五])\s*(?:個|个|項|项|點|点)(?:要點|要点|重點|重点)?", re.I)
_FILLER = re.compile(r"\b(?:in|into|with|as)\s+(?:\d|two|three|four|five)\s+(?:main\s+|key\s+)?(?:points?|things|"
                     r"ways|reasons|bullets|items|sentences|parts)\b|(?:以|用)?[2-5二兩两三四五]\s*(?:個|个|項|项|點|点)"
                     r"(?:要點|要点|重點|重点)?|要點|要点|重點|重点|please", re.I)
_COMPARE = (
    re.compile(r"\bcompare\s+(?P<a>.+?)\s+(?:and|with|to|against)\s+(?P<b>[^?.]+)", re.I),
    re.compile(r"\b(?:difference|differences)\s+between\s+(?P<a>.+?)\s+and\s+(?P<b>[^?.]+)", re.I),
    re.compile(r"^(?:how (?:does|do|did)\s+)?(?P<a>[^?.]+?)\s+(?:vs\.?|versus|compare to|compare with)\s+(?P<b>[^?.]+)",
               re.I),
    re.compile(r"(?:比較|比较|對比|对比)(?P<a>[^，。？?]+?)(?:和|與|与|跟|及|同)(?P<b>[^，。？?]+)"),
    re.compile(r"(?P<a>[^，。？?]+?)(?:和|與|与|跟|同)(?P<b>[^，。？?]+?)(?:有何|有甚麼|有什麼|有什么|的)?"
               r"(?:不同|分別|分别|區別|区别|異同|异同|差異|差异)"),
)


@dataclass
class Shape:
    kind: str = "one"  # "one", "points" or "sides"
    n: int = 1  # sentences asked for
    topic: str = ""  # the question without its asking words (what is searched for points)
    sides: list[str] = field(default_factory=list)


_EN_TOPIC = re.compile(r"^(?P<topic>.+?\s(?:of|for|at|in|by|from))\s+(?P<side>\S.*)$", re.I)
_ZH_TOPIC = re.compile(r"^(?P<side>[^的]+?)(?P<topic>的.+)$")


def _sides(a: str, b: str) -> list[str]:
    """Both sides with the topic they share: "the share price moves of Alibaba and Baidu" compares the share
    price moves of each; "阿里巴巴和百度的股價" the share price of each (the topic is said once, on one side)."""
    if (m := _EN_TOPIC.match(a)) and len(b.split()) <= 3 and not _EN_TOPIC.match(b):
        return [a, f"{m.group('topic')} {b}"]
    if (m := _ZH_TOPIC.match(b)) and "的" not in a and len(a) <= 8:
        return [a + m.group("topic"), b]
    return [a, b]


def shape_of(question: str) -> Shape:
    for pattern in _COMPARE:
        if m := pattern.search(question):
            a, b = m.group("a").strip(" ,，"), m.group("b").strip(" ,，?？")
            if a and b:
                return Shape("sides", 2, question, _sides(a, b))
    if _SUMMARISE.search(question):
        m = _COUNT.search(question)
        n = 3
        if m:
            word = (m.group(1) or m.group(2)).lower()
            n = int(word) if word.isdigit() else _NUMBERS.get(word, 3)
        topic = _FILLER.sub(" ", _SUMMARISE.sub(" ", question))
        topic = re.sub(r"\s+", " ", topic).strip(" .。,，:：?？")
        return Shape("points", max(2, min(n, 5)), topic or question)
    return Shape(topic=question)
