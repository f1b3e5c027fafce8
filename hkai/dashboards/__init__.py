"""The dashboards, split by job: `data` (figures and tables, curated and the
visitor's), `charts` (Altair), `exports` (PNG, SVG, CSV) and `deck` (PowerPoint)."""

from . import layout
from .charts import CHARTS, ChartSpec, compute_share, counts
from .data import (
           by_category,
           curated,
           date_label,
           figures_frame,
           format_value,
           get,
           infrastructure_frame,
           models_frame,
           short_source,
           source_line,
           tables,
           visitor_figures,
)
from .deck import build_deck
from .exports import to_csv, to_png, to_svg

__all__ = ["layout", "CHARTS", "ChartSpec", "compute_share", "counts", "by_category", "curated", "date_label", "figures_frame",
           "format_value", "get", "infrastructure_frame", "models_frame", "short_source", "source_line", "tables",
           "visitor_figures", "build_deck", "to_csv", "to_png", "to_svg"]
