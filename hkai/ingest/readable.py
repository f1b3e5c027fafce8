"""A document's text as a reader should see it, with what points into it kept.

After the line repair (`lines.repair_lines`), two kinds of noise go from the
text that is shown, quoted and indexed: page furniture (a byline with its
timestamp, "中国基金报· 2026-01-18 11:24"; credits, "製表：記者馬翠媚", "責任編輯：…";
a newspaper's spaced page header, "文 匯 要 聞A5"), and the spaces a PDF's line
breaks leave inside Chinese words ("扬 帆时"). Footnote markers ("支柱 [4]") stay
in the text, where they end a digest's items (a quote never carries one, and
the page never shows one: `components`). A space between two Han characters is a line break's
when such spaces recur at the page's line width (the same distance apart, give
or take a few characters, three times or more in a paragraph); a space a
writer put between clauses, at no such period, stays. Every change comes with
an offset map, so page starts found in the repaired text point at the same
characters after it.
"""

from __future__ import annotations

import re
from collections import Counter

from ..core.script import CJK

_BYLINE = re.compile(r"[^\s·,，。]{2,20}·\s*\d{4}-\d{2}-\d{2}(?:\s+\d{1,2}:\d{2})?")
_CREDIT = re.compile(r"◆?\s*(?:製表|制表|責任編輯|责任编辑|攝影|摄影)\s*[：:]\s*(?:記者|记者)?\s*[" + CJK + r"]{2,3}"
                     r"(?=\s|$|[^" + CJK + r"])|◆?\s*(?:製表|制表)\s*[：:]\s*(?:記者|记者)\s*[" + CJK + r"]{3}")
# A newspaper's page header: its section's characters spaced out, then the page ("文 匯 要 聞 A5").
_PAGE_HEADER = re.compile(r"(?:[" + CJK + r"]\s){2,}[" + CJK + r"]\s*[A-Z]\d{1,2}(?![\d.])")
_CJK_MARKS = "\u3000-\u303f\uff00-\uffef·—…“”‘’\"'"  # CJK punctuation, fullwidth forms, quotes
_HAN_SPACE = re.compile(f"(?<=[{CJK}{_CJK_MARKS}])[ \u3000](?=[{CJK}{_CJK_MARKS}])")
MIN_LINE, SLACK, MIN_BREAKS = 20, 3, 3
WORD_SPLITS = 0.2  # of a paragraph's spaces between Han characters inside a word: its lines were broken


def _splits_a_word(paragraph: str, i: int) -> bool:
    """Whether the space at i stands inside a word (jieba reads the characters around it, joined, as one word
    across it): a line break falls anywhere, a writer's space between words."""
    from ..core.words import segmenter

    left, right = paragraph[max(0, i - 3):i], paragraph[i + 1:i + 4]
    cut, at = set(), 0
    for word in segmenter().lcut(left + right, HMM=False):
        at += len(word)
        cut.add(at)
    return len(left) not in cut


def line_break_spaces(paragraph: str) -> list[int]:
    """Where a paragraph has spaces between Han characters at its line width; none where its spaces fall
    between words (a writer's, not a line break's: a digest that spaces its clauses)."""
    at = [m.start() for m in _HAN_SPACE.finditer(paragraph)]
    if len(at) < MIN_BREAKS or sum(_splits_a_word(paragraph, i) for i in at) < WORD_SPLITS * len(at):
        return []
    gaps = Counter(b - a for i, a in enumerate(at) for b in at[i + 1:i + 6] if b - a >= MIN_LINE)
    if not gaps:
        return []
    width = max(gaps, key=lambda g: sum(n for w, n in gaps.items() if abs(w - g) <= SLACK))
    near = lambda d: abs(d - width) <= SLACK  # noqa: E731
    breaks = [a for a in at if any(near(abs(b - a)) for b in at if b != a)]
    return breaks if len(breaks) >= MIN_BREAKS else []


def readable(text: str) -> tuple[str, list[int]]:
    """The text without bylines, credits, footnote markers and line-break spaces, and for each offset of
    `text` (and its end) the offset of the same place in the result."""
    drop = [False] * len(text)
    for pattern in (_BYLINE, _CREDIT, _PAGE_HEADER):
        for m in pattern.finditer(text):
            drop[m.start():m.end()] = [True] * (m.end() - m.start())
    start = 0
    for paragraph in text.split("\n"):
        for i in line_break_spaces(paragraph):
            drop[start + i] = True
        start += len(paragraph) + 1
    out, where = [], []
    for ch, gone in zip(text, drop):
        where.append(len(out))
        if not gone:
            out.append(ch)
    where.append(len(out))
    return "".join(out), where
