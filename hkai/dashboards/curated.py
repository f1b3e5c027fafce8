"""The curated figures of the shipped documents, with their labels and
verbatim quotes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.amounts import USD_HKD_PEG

CURATED_FILE = "figures.yaml"


@dataclass
class CuratedFigure:
    """A figure chosen for the dashboards, with its labels and verbatim quote."""

    id: str
    category: str
    doc: str
    value: float
    unit: str
    currency: str
    date: str
    labels: dict
    quote: str
    date_basis: str = ""  # how a relative date ("this year") was resolved

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels["en"]

    @property
    def hkd_value(self) -> float | None:
        """Money in HK$, US$ at the 7.8 peg; None for non-money."""
        if self.currency == "HKD":
            return self.value
        if self.currency == "USD":
            return self.value * USD_HKD_PEG
        return None




def load_curated(seeds_dir=None) -> list[CuratedFigure]:
    import yaml

    from ..core.config import SEEDS_DIR

    raw = yaml.safe_load(((seeds_dir or SEEDS_DIR) / CURATED_FILE).read_text(encoding="utf-8"))
    return [CuratedFigure(id=r["id"], category=r["category"], doc=str(r["doc"]), value=float(r["value"]),
                          unit=str(r.get("unit") or ""), currency=str(r.get("currency") or ""),
                          date=str(r.get("date") or ""),
                          labels={k: r[k] for k in ("en", "zh-Hant", "zh-Hans")}, quote=r["quote"],
                          date_basis=str(r.get("date_basis") or ""))
            for r in raw]
