"""Presentation mode as slides: what each dashboard page shows in front of a
room, cut into views that each fit one screen (1366×768 and up). Headline
figures three at a time, one chart per slide, a table one row per slide (its
cells in large type, every cell with its column's label), so nothing scrolls.
The order runs across the pages: the last slide of one page is followed by the
first of the next."""

from __future__ import annotations

from dataclasses import dataclass

from . import data
from .layout import LAYOUT


@dataclass(frozen=True)
class Slide:
    page: str  # one of PAGES
    kind: str  # "kpis", "chart", "counts" (the visitor's counts), "infrastructure", "model"
    items: tuple = ()  # figure ids, a chart's key, or a table row's index

    @property
    def title_key(self) -> str:
        return f"dash.{self.page}_title"


def _kpis(page: str, ids: list[str], per_slide: int = 3) -> list[Slide]:
    """Headline figures, at most `per_slide` on one slide (four fit as two and two)."""
    if len(ids) == 4:
        per_slide = 4
    return [Slide(page, "kpis", tuple(ids[i:i + per_slide])) for i in range(0, len(ids), per_slide)]


def deck_slides(has_counts: bool = False) -> list[Slide]:
    """Every slide, in the layout's order (`layout.LAYOUT`); the visitor's counts get a slide when they have
    some, the models table one slide per model."""
    out: list[Slide] = []
    for page in LAYOUT:
        for block in page.blocks:
            if block.kind == "cards":
                out += _kpis(page.key, list(block.items))
            elif block.kind == "chart":
                out.append(Slide(page.key, "chart", block.items))
            elif block.kind == "counts" and has_counts:
                out.append(Slide(page.key, "counts"))
            elif block.kind == "infrastructure":
                out.append(Slide(page.key, "infrastructure"))
            elif block.kind == "models":
                out += [Slide(page.key, "model", (i,)) for i in range(len(data.tables()["models"]["rows"]))]
    return out


def first_of(slides: list[Slide], page: str) -> int:
    return next(i for i, s in enumerate(slides) if s.page == page)


def current(slides: list[Slide], page: str, asked: str | None) -> int:
    """The slide shown: `asked` (?slide=, counted across pages) when it is one
    of this page's, else the page's first."""
    try:
        n = int(asked or "")
    except ValueError:
        n = -1
    return n if 0 <= n < len(slides) and slides[n].page == page else first_of(slides, page)


def position(slides: list[Slide], n: int) -> tuple[int, int]:
    """(place of slide n on its page, slides on that page), both counted from 1."""
    same = [i for i, s in enumerate(slides) if s.page == slides[n].page]
    return same.index(n) + 1, len(same)
