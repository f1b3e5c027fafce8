"""Sentences of a display text: where each begins and ends, and when two say
the same thing.
"""

from __future__ import annotations

import re

from .script import CJK, fold

# Characters that end a sentence or a clause that can stand alone.
SENTENCE_END = "。！？；!?;"


# A sentence runs to a terminator (with any closing quotes after it) or a line end.
_SENTENCE = re.compile(f"[^{SENTENCE_END}\n]*(?:[{SENTENCE_END}]+[」』”\"’）)]*|\n|$)")


# Inside a piece: an English full stop before a capital or before Chinese (a
# bilingual page: "…each morning.數碼港…"), a digest's " - " bullet, or the end
# of a footnote marker such as "[5]".
_EN_SENTENCE_BREAK = re.compile(f"(?<=[a-z0-9%)][.])\\s+(?=[A-Z])|(?<=[a-z%)][.])\\s*(?=[{CJK}])|\\s+-\\s+|"
                                r"(?<=\d\])\s*(?=[^\s\[\]\d])")


FOOTNOTE_MARKERS = re.compile(r"(?:\s*\[\d+\])+\s*$")
FOOTNOTE = re.compile(r"\s?\[\d{1,3}\](?!\()")  # a source's footnote marker anywhere ("支柱 [4] -"), not a link


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of a display text: after 。！？； (and a
    closing quote), at line ends, after an English full stop before a capital,
    at a digest's " - " bullet and after a footnote marker such as "[5]"."""
    spans: list[tuple[int, int]] = []
    for piece in _SENTENCE.finditer(text):
        cuts = [piece.start()]
        cuts += [piece.start() + m.start() for m in _EN_SENTENCE_BREAK.finditer(piece.group(0))]
        ends = [piece.start() + m.end() for m in _EN_SENTENCE_BREAK.finditer(piece.group(0))]
        bounds = list(zip(cuts, [c for c in cuts[1:]] + [piece.end()]))
        for (a, b), resume in zip(bounds, [piece.start()] + ends):
            a = max(a, resume)
            raw = text[a:b]
            if raw.strip():
                lead = len(raw) - len(raw.lstrip())
                spans.append((a + lead, a + len(raw.rstrip())))
    return spans


def split_sentences(text: str) -> list[str]:
    """Sentences of a display text (see `sentence_spans`)."""
    return [text[a:b] for a, b in sentence_spans(text)]


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)}


def similar(a: str, b: str) -> bool:
    """Two sentences sharing most of their character bigrams (one says the other again)."""
    x, y = _bigrams(fold(a)), _bigrams(fold(b))
    return bool(x and y) and len(x & y) / min(len(x), len(y)) > 0.6
