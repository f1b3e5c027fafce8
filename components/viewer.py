"""The document viewer's HTML: the text, escaped, with the cited sentences
marked (the first is the scroll target) and, for a PDF, where each page begins."""

from __future__ import annotations

import re

from components.safe import html_text
from hkai.core.sentences import FOOTNOTE, sentence_spans


def cited_spans(text: str, at: int, sentences: list[str]) -> list[tuple[int, int]]:
    """Where the cited sentences stand (the occurrence nearest the passage),
    or the one sentence at the passage's start."""
    spans = []
    for s in sentences:
        found = [m.start() for m in re.finditer(re.escape(s), text)] if s else []
        if found:
            best = min(found, key=lambda i: abs(i - at)) if at >= 0 else found[0]
            spans.append((best, best + len(s)))
    if not spans and at >= 0:
        spans = [(a, b) for a, b in sentence_spans(text) if a <= at < b or a >= at][:1]
    return spans


def marked(text: str, spans: list[tuple[int, int]], page_starts: list[int] = (), page_label=None) -> str:
    """The document as HTML. `page_label(n)` names page n where it begins
    (pages without text share the next page's start: the last is named)."""
    pages = {at: n for n, at in enumerate(page_starts, 1)} if page_label else {}
    marks, pos = [], 0
    for a, b in sorted(set(spans)):
        if a >= pos:
            marks.append((a, b))
            pos = b
    opens = {a: i for i, (a, _) in enumerate(marks)}
    closes = {b for _, b in marks}
    cuts = sorted({0, len(text), *pages, *opens, *closes})
    out = []
    for a, b in zip(cuts, cuts[1:] + [None]):
        if a in closes:
            out.append("</mark>")
        if a in pages:
            out.append(f"<span class='hkai-page'>{html_text(page_label(pages[a]))}</span>")
        if a in opens:
            out.append(f"<mark{' id=hkai-at' if opens[a] == 0 else ''}>")
        if b is not None:
            out.append(html_text(FOOTNOTE.sub("", text[a:b])))  # the source's footnote markers are not shown
    return "".join(out)
