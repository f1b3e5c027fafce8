"""The span reader over a question's candidate sentences: the sentences the
reader without spans ranks best, each read with its neighbours (the best
first, within a budget of windows), every sentence read given its best span,
placed in the sentence's quotable part."""

from __future__ import annotations

import logging
import threading

from ..signals import Candidate
from .reader import ReaderUnavailable, Span, SpanReader

logger = logging.getLogger(__name__)


class Spans:
    """The span reader, loaded once per process on first use (off the first paint) or never when switched off;
    a reader that cannot load is logged once, with its reason, and the answers go on without it."""

    def __init__(self, enabled: bool = True, windows: int = 6, threads: int = 2) -> None:
        self.enabled, self.windows, self.threads = enabled, windows, threads
        self._reader: SpanReader | None = None
        self.status = "not loaded" if enabled else "off"
        self._lock = threading.Lock()
        self._tried = False

    def reader(self) -> SpanReader | None:
        if not self.enabled:
            return None
        with self._lock:
            if not self._tried:
                self._tried = True
                try:
                    self._reader = SpanReader(threads=self.threads)
                    self.status = "loaded"
                except ReaderUnavailable as exc:
                    self.status = str(exc)
                    logger.warning("the span reader is off: %s", exc)
            return self._reader

    def read(self, question: str, pool: list[Candidate]) -> list[Span | None] | None:
        """Each candidate's best span (characters of its `quote`), None for one not read; None when there is
        no reader. It reads the sentences the reader without it ranks best (`Candidate.p`, set before), each
        with the sentence either side, best first, within the budget of windows."""
        reader = self.reader()
        if reader is None or not pool:
            return None
        segments = focus(pool, TOP_SENTENCES)
        texts = [p.text[a:b] for p, a, b in segments]
        sentences = [[(x - a, y - a) for x, y in p.spans if x >= a and y <= b] for p, a, b in segments]
        read = reader.read(question, texts, sentences, budget=self.windows)
        found: dict[tuple[int, int], Span] = {}  # (passage, sentence start) -> its span, in passage characters
        for (p, a, _), spans, got in zip(segments, sentences, read):
            for (x, _), span in zip(spans, got):
                if span is not None:
                    found[(id(p), a + x)] = Span(a + span.start, a + span.end, span.score, span.null)
        in_cells = self._cells(reader, question, pool)
        return [in_cells.get(id(c)) if c.cell
                else _in_quote(c, found.get((id(c.passage), c.passage.spans[c.index][0]))) for c in pool]

    @staticmethod
    def _cells(reader: SpanReader, question: str, pool: list[Candidate]) -> dict[int, Span]:
        """The best table cells ("Talent scheme · Budget：HK$120 million") read as lines of one text of their
        own, in one window of its own run (int8 activations are scaled per run: the sentences' scores stay
        what they are without cells); unread, a cell would count as the reader's floor against sentences it
        did read. Each cell's span, in the cell's quote."""
        cells = sorted((c for c in pool if c.cell), key=lambda c: -c.p)[:TOP_CELLS]
        if not cells:
            return {}
        starts = [sum(len(c.quote) + 1 for c in cells[:i]) for i in range(len(cells))]
        text = "\n".join(c.quote for c in cells)
        got = reader.read(question, [text], [[(a, a + len(c.quote)) for a, c in zip(starts, cells)]], budget=1)[0]
        return {id(c): Span(span.start - a, span.end - a, span.score, span.null)
                for c, a, span in zip(cells, starts, got) if span is not None}


TOP_SENTENCES = 8  # the sentences read, the best of the reader without spans (with one either side of each)
TOP_CELLS = 4  # the table cells read, the best of the reader without spans


def focus(pool: list[Candidate], n: int) -> list[tuple[object, int, int]]:
    """(passage, start, end) of the text around the `n` best sentences, one sentence either side, those of one
    passage that touch merged, the best first."""
    best = sorted((c for c in pool if not c.cell), key=lambda c: -c.p)[:n]
    spans: dict[int, list[tuple[int, int, float]]] = {}
    passages = {}
    for c in best:
        p = c.passage
        lo, hi = max(0, c.index - 1), min(len(p.spans) - 1, c.index + 1)
        spans.setdefault(id(p), []).append((p.spans[lo][0], p.spans[hi][1], c.p))
        passages[id(p)] = p
    out = []
    for key, parts in spans.items():
        parts.sort()
        merged = [list(parts[0])]
        for a, b, score in parts[1:]:
            if a <= merged[-1][1] + 1:
                merged[-1][1], merged[-1][2] = max(merged[-1][1], b), max(merged[-1][2], score)
            else:
                merged.append([a, b, score])
        out += [(passages[key], a, b, score) for a, b, score in merged]
    out.sort(key=lambda x: -x[3])
    return [(p, a, b) for p, a, b, _ in out]


def _in_quote(c: Candidate, span: Span | None) -> Span | None:
    """The span in the candidate's quote's characters (the quote is a piece of its sentence), or None outside it."""
    if span is None:
        return None
    a, _ = c.passage.spans[c.index]
    offset = a + max(0, c.sentence.find(c.quote))
    start, end = max(0, span.start - offset), min(len(c.quote), span.end - offset)
    if end <= start:
        return None
    return Span(start, end, span.score, span.null)
