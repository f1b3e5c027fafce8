"""Which sentences of a text may stand as an answer, and their quotable part.

Shared by indexing (each passage's quotable sentences get the dense model's
vectors with the passage) and the answerer (which ranks them). Page furniture
(bylines, "搜索文档", credits), headings and table cells without a sentence end,
and snippets cut with "..." are never quoted.
"""

from __future__ import annotations

import re

from ..core.script import contains_cjk
from ..core.sentences import FOOTNOTE_MARKERS, sentence_spans

_BULLET = re.compile(r"^[\s\-–—•◆●■*]+")
_FURNITURE_PREFIX = re.compile(
    # A paper's dateline ends its page's headlines, which a PDF's text runs into the lead sentence.
    r"^.{0,120}?(?:文匯報訊|文汇报讯|本報訊|本报讯)\s*(?:（[^）]{0,20}）|\([^)]{0,20}\))?"
    # An agency's dateline ("新華社香港1月18日電", "中新社（記者…）"), not "據新華社報道".
    r"|^.{0,40}?(?:新華社|新华社|中新社)(?:[^，。\s]{0,12}?[電电]|\s*(?:（[^）]{0,20}）|\([^)]{0,20}\)))"
    r"|^[^\s·]{2,20}·\s*\d{4}-\d{2}-\d{2}(?:\s+\d{1,2}:\d{2})?"
    r"|^[^（()）。，]{1,12}[）)]")  # the tail of a byline that began on the line before: "岑健樂）"
_FURNITURE = re.compile(r"責任編輯|责任编辑|製表|制表|記者.{0,8}攝|记者.{0,8}摄|搜索文[档檔]|^\s*記者|^\s*记者|"
                        r"點擊|点击|閱讀全文|阅读全文|Read more|Click here", re.I)
_ENDS = "。！？!?；;.」』”\"）)"
_TRUNCATED = re.compile(r"\s\.\.\.|\.\.\.\s|…$")


def quotable(sentence: str) -> str | None:
    """The part of a source sentence that may stand as an answer, or None.
    Always a contiguous piece of the sentence: bullets, a byline or agency
    prefix and trailing footnote markers are cut, nothing is added."""
    core = _BULLET.sub("", sentence)
    had_marker = bool(FOOTNOTE_MARKERS.search(core))
    core = FOOTNOTE_MARKERS.sub("", core).strip()
    core = _FURNITURE_PREFIX.sub("", core).strip()
    if not core or _FURNITURE.search(core) or _TRUNCATED.search(core):
        return None
    if not (core[-1] in _ENDS or had_marker):
        return None  # a heading, a table cell, or a sentence cut by a column break
    cjk = contains_cjk(core)
    if (cjk and len(core) < 10) or (not cjk and len(core.split()) < 5):
        return None
    words = sum(ch.isalnum() for ch in core)  # a table row of dashes and symbols is not a sentence
    return core if words >= 0.6 * len(core.replace(" ", "")) else None


def quotes_between(text: str, start: int, end: int) -> list[str]:
    """The quotable parts of the whole sentences of `text` that overlap
    [start, end): what a passage there can be answered with."""
    out = []
    for a, b in sentence_spans(text):
        if a < end and b > start and (q := quotable(text[a:b])):
            out.append(q)
    return out


def _loose(text: str, n: int = 8) -> re.Pattern:
    """The first `n` non-space characters of `text`, matched across line breaks and spaces."""
    chars = [c for c in text if not c.isspace()][:n]
    return re.compile(r"\s*".join(re.escape(c) for c in chars))


def table_quotes(rows: list[dict], text: str) -> list[tuple[int, str, str]]:
    """(where in `text`, the cell, the quote) of every cell of a document's
    table rows (`documents.table_rows`): the quote names the row and the
    column ("百度「文心一言」 · 測試：需先透過…獲得邀請碼"). A cell stands where its
    first characters stand in the text, after its row's label, else at the label."""
    out = []
    for row in rows:
        label = row["label"]
        found = _loose(label, 40).search(text)
        at = found.start() if found else -1
        for header, cell in row["cells"]:
            m = _loose(cell).search(text, max(at, 0))
            where = m.start() if m else at
            if where >= 0:
                out.append((where, cell, f"{label} · {header}：{cell}"))
    return out
