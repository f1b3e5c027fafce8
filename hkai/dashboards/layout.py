"""The dashboards' layout, declared once: each page, its blocks in order (figure
cards, a chart, the visitor's counts, the infrastructure table, the models
table). The pages draw it (`components.dashboard.page`), presentation mode cuts
it into slides (`slides.deck_slides`), the deck takes its headline cards and
charts from it (`deck.build_deck`). A new chart or card is an entry here (and
the chart's builder in `charts.CHARTS`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    kind: str  # "cards", "chart", "counts", "infrastructure", "models"
    items: tuple[str, ...] = ()  # figure ids (cards), a chart's key
    heading: str = ""  # an i18n key drawn above it
    note: str = ""  # an i18n key drawn under the heading


@dataclass(frozen=True)
class Page:
    key: str  # the page's url path, and its slides' page
    blocks: tuple[Block, ...]
    intro: str = ""

    @property
    def title(self) -> str:
        return f"dash.{self.key}_title"


LAYOUT: tuple[Page, ...] = (
    Page("overview", (
        Block("cards", ("compute_total", "compute_cyberport", "rd_institute")),
        Block("cards", ("innohk_labs", "nm_land", "modelscope_users")),
        Block("chart", ("timeline",)),
        Block("counts"),
    ), intro="dash.overview_intro"),
    Page("investment", (
        Block("cards", ("rd_institute", "cyberport_web3", "web3hub_fund", "web3hub_phase1")),
        Block("chart", ("investment",)),
    )),
    Page("compute", (
        Block("cards", ("compute_total", "compute_cyberport")),
        Block("chart", ("compute",)),
        Block("infrastructure", heading="dash.infrastructure"),
    )),
    Page("market", (
        Block("models", heading="dash.models_table", note="dash.models_note"),
        Block("cards", ("modelscope_users", "modelscope_models", "modelscope_downloads"), heading="dash.modelscope"),
        Block("chart", ("market",)),
        Block("cards", ("alibaba_close", "alibaba_turnover")),
    )),
)
PAGES = tuple(p.key for p in LAYOUT)


def page(key: str) -> Page:
    return next(p for p in LAYOUT if p.key == key)


def charts() -> list[tuple[str, str]]:
    """(chart key, its page) in the order the pages show them."""
    return [(b.items[0], p.key) for p in LAYOUT for b in p.blocks if b.kind == "chart"]


def headlines() -> list[list[str]]:
    """The deck's headline slides: the first page's figure cards, a slide per row."""
    return [list(b.items) for b in LAYOUT[0].blocks if b.kind == "cards"]
