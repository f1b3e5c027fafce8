"""A named span scored as the CMRC 2018 evaluation scores answers: punctuation
removed, Chinese split into characters and English and digits kept as words
("mixed segmentation"), then F1 over those tokens and exact match, the best
against any gold answer. Script-folded first (a Traditional span against a
Simplified gold is the same answer)."""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter

from hkai.core.script import fold

_PUNCT = set(string.punctuation) | set("，。：？！“”—…、《》「」『』（）〈〉【】·；～‘’﹁﹂〔〕　 ")


def _strip(text: str) -> str:
    return "".join(ch for ch in text if ch not in _PUNCT and not unicodedata.category(ch).startswith("P"))


def segment(text: str) -> list[str]:
    """CMRC 2018's mixed segmentation: each Han character a token, runs of Latin letters and digits one token."""
    out, run = [], ""
    for ch in fold(text):
        if re.match(r"[\u4e00-\u9fff\u3400-\u4dbf]", ch) or ch in _PUNCT or ch.isspace():
            if run:
                out.append(run)
                run = ""
            if not (ch in _PUNCT or ch.isspace()):
                out.append(ch)
        else:
            run += ch
    if run:
        out.append(run)
    return [t for t in (_strip(t) for t in out) if t]


def f1(prediction: str, gold: str) -> float:
    p, g = segment(prediction), segment(gold)
    common = sum((Counter(p) & Counter(g)).values())
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def exact(prediction: str, gold: str) -> bool:
    return _strip(fold(prediction)).replace(" ", "") == _strip(fold(gold)).replace(" ", "")


def best(prediction: str | None, golds: list[str]) -> tuple[float, float]:
    """(F1, exact match) against the best gold; (0, 0) for no span."""
    if not prediction:
        return 0.0, 0.0
    return max(f1(prediction, g) for g in golds), float(any(exact(prediction, g) for g in golds))
