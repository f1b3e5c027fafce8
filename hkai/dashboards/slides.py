"""Presentation mode as slides: what each dashboard page shows in front of a
room, cut into views that each fit one screen (1366×768 and up). Headline
figures three at a time, one chart per slide, a table one row per slide (its
cells in large type, every cell with its column's label), so nothing scrolls.
The order runs across the pages: the last slide of one page is followed by the
first of the next."""

from __future__ import annotations

from dataclasses import dataclass

from . import data

PAGES = ("overview", "investment", "compute", "market")


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
    """Every slide, in order; the visitor's counts get a slide when they have some."""
    out = _kpis("overview", ["compute_total", "compute_cyberport", "rd_institute"])
    out += _kpis("overview", ["innohk_labs", "nm_land", "modelscope_users"])
    out.append(Slide("overview", "chart", ("timeline",)))
    if has_counts:
        out.append(Slide("overview", "counts"))
    out += _kpis("investment", ["rd_institute", "cyberport_web3", "web3hub_fund", "web3hub_phase1"])
    out.append(Slide("investment", "chart", ("investment",)))
    out += _kpis("compute", ["compute_total", "compute_cyberport"])
    out.append(Slide("compute", "chart", ("compute",)))
    out.append(Slide("compute", "infrastructure"))
    out += [Slide("market", "model", (i,)) for i in range(len(data.tables()["models"]["rows"]))]
    out += _kpis("market", ["modelscope_users", "modelscope_models", "modelscope_downloads"])
    out.append(Slide("market", "chart", ("market",)))
    out += _kpis("market", ["alibaba_close", "alibaba_turnover"])
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
