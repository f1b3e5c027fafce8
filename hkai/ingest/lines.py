"""A PDF's text as sentences: running headers, footers and page numbers out,
lines broken mid-sentence joined, each page's place in the repaired text.
"""

from __future__ import annotations

import bisect
import re
import statistics

from ..core.script import _CJK_CHAR
from ..core.sentences import SENTENCE_END

_LINE_END_PUNCT = SENTENCE_END + "」』”\"）)…：:"


def _is_cjk(ch: str) -> bool:
    return bool(_CJK_CHAR.match(ch))


def _joiner(left: str, right: str) -> str:
    """What goes between two joined line fragments: nothing next to CJK text or
    inside brackets and before punctuation, one space between Latin words."""
    if not left or not right:
        return ""
    a, b = left[-1], right[0]
    if _is_cjk(a) or _is_cjk(b) or a in "（(「『“" or b in "，。、）)」』”":
        return ""
    return " "


def repair_lines(text: str) -> str:
    """Join lines that PDF extraction broke mid-sentence; keep paragraph breaks.

    A line break is kept when the line before it ends a sentence, or when that
    line is clearly shorter than the page's usual line (a heading or the last
    line of a paragraph). Blank lines between two halves of one sentence, which
    interleaved newspaper columns produce, are removed the same way.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln.strip() for ln in text.split("\n")]
    widths = [len(ln) for ln in lines if len(ln) >= 8]
    typical = statistics.median(widths) if widths else 0
    out: list[str] = []
    current, last = "", ""
    for line in lines:
        if not line:
            continue
        if not current:
            current = last = line
            continue
        ends_sentence = current[-1] in _LINE_END_PUNCT
        # A short line ends a paragraph, unless the text is set in a narrow
        # column (a caption), where consecutive lines are equally short.
        narrow_column = abs(len(last) - len(line)) <= 2 and len(line) >= 4
        short = typical and len(last) < 0.7 * typical and not narrow_column
        bullet = line[0] in "◆•●■-–—*#" or bool(re.match(r"^\d+[.、)]", line))
        if ends_sentence or short or bullet:
            out.append(current)
            current = line
        else:
            current = current + _joiner(current, line) + line
        last = line
    if current:
        out.append(current)
    return "\n".join(out)


def _lines(page: str) -> list[str]:
    return page.replace("\r\n", "\n").replace("\r", "\n").split("\n")


_PAGE_NUMBER = re.compile(r"[-–—|\s]*(?:page|p\.)?\s*#(?:\s*(?:/|of)\s*#)?[-–—|\s]*|第\s*#\s*[頁页](?:\s*[，,]?\s*共\s*#\s*[頁页])?")


def strip_page_furniture(pages: list[str], edge: int = 2) -> list[str]:
    """Running headers and footers and page numbers out of a PDF's pages: a
    line among the first or last `edge` of a page that is a page number, or
    that (digits aside) stands at the edge of at least half the pages (three at
    least). They are not the document's sentences: left in, they cut sentences
    in two and read as figures."""
    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.strip().lower())

    split = [_lines(page) for page in pages]
    edges = []
    for lines in split:
        filled = [i for i, ln in enumerate(lines) if ln.strip()]
        edges.append(set(filled[:edge] + filled[-edge:]))
    counts: dict[str, int] = {}
    for lines, at in zip(split, edges):
        for k in {key(lines[i]) for i in at}:
            counts[k] = counts.get(k, 0) + 1
    repeated = {k for k, n in counts.items() if n >= max(3, len(pages) / 2)} if len(pages) >= 3 else set()
    out = []
    for lines, at in zip(split, edges):
        out.append("\n".join(ln for i, ln in enumerate(lines)
                             if i not in at or not (key(ln) in repeated or _PAGE_NUMBER.fullmatch(key(ln)))))
    return out


def page_starts(pages: list[str], clean: str) -> list[int]:
    """Where each PDF page begins in the repaired text: one of its first lines
    (repairing keeps a line's words; it only joins lines), found after the
    previous page's (a running header repeats on every page, so the search
    moves forward). Where no line is found, the previous page's length is the
    estimate; a page without text starts where the next one would."""
    starts: list[int] = []
    at = floor = 0
    previous = 0  # characters of the previous page's lines
    for page in pages:
        lines = [ln.strip() for ln in _lines(page) if ln.strip()]
        found, before = -1, 0
        window = floor + 2 * (previous + sum(len(ln) for ln in lines)) + 1000  # a hostile PDF: no long scans
        for line in lines[:3]:
            found = clean.find(line, floor, window)
            if found >= 0:
                found, floor = max(floor if starts else 0, found - before), found + len(line)
                break
            before += len(line)
        if found < 0 and lines:
            found = min(len(clean), at + previous) if starts else 0
            floor = max(floor, found)
        at = found if found >= 0 else at
        previous = sum(len(ln) for ln in lines) if lines else previous
        starts.append(at if lines else -1)
    following = len(clean)
    for i in range(len(starts) - 1, -1, -1):  # an empty page: where the next page begins
        starts[i] = following = starts[i] if starts[i] >= 0 else following
    return starts


def page_span(starts: list[int], start: int, end: int) -> list[int]:
    """The first and last page (1-based) of the text between two offsets; [] when pages are unknown."""
    if not starts:
        return []
    return [bisect.bisect_right(starts, start) or 1, bisect.bisect_right(starts, max(start, end - 1)) or 1]
