"""Dashboard building blocks: KPI cards with provenance, charts with exports
and a sources list, the briefing download."""

from __future__ import annotations

from functools import lru_cache, partial

import streamlit as st

from hkai import dashboard as dash

from .state import lang, t


# Exports are made when the button is clicked (Streamlit calls these on its own
# thread, outside the script), so they are cached with lru_cache, bounded.
@lru_cache(maxsize=16)
def _png(key: str, language: str) -> bytes:
    return dash.to_png(dash.CHARTS[key](language), scale=3)


@lru_cache(maxsize=16)
def _svg(key: str, language: str) -> str:
    return dash.to_svg(dash.CHARTS[key](language))


@lru_cache(maxsize=3)
def _deck(language: str) -> bytes:
    return dash.build_deck(language)


def kpi(fid: str, container=None) -> None:
    f = dash.get(fid)
    where = container or st
    with where.container(border=True):
        st.metric(f.label(lang()), dash.format_value(f, lang()))
        st.caption(f"“{f.quote}”")
        st.page_link("app_pages/documents.py", label=dash.source_line(f.doc, lang())[:60] + "…",
                     icon=":material/format_quote:", query_params={"doc": f.doc, "lang": lang(), "quote": f.quote})


def kpi_row(ids: list[str]) -> None:
    """KPI cards, at most three abreast so values are never cut."""
    per_row = 2 if len(ids) == 4 else min(3, len(ids))
    for start in range(0, len(ids), per_row):
        cols = st.columns(per_row)
        for col, fid in zip(cols, ids[start:start + per_row]):
            kpi(fid, col)


def chart(key: str) -> None:
    language = lang()
    # The export keeps its fixed size; on screen the chart takes the page width.
    spec = dash.CHARTS[key](language)
    st.altair_chart(spec.properties(width="container"), width="stretch", height=int(spec.height) + 110, theme=None)
    figs = dash.CHART_FIGURES[key]()
    c1, c2, c3 = st.columns(3)
    c1.download_button(t("dash.png"), partial(_png, key, language), file_name=f"hkai-{key}-{language}.png",
                       mime="image/png", key=f"dash_png_{key}", icon=":material/image:")
    c2.download_button(t("dash.svg"), partial(_svg, key, language), file_name=f"hkai-{key}-{language}.svg",
                       mime="image/svg+xml", key=f"dash_svg_{key}", icon=":material/draw:")
    c3.download_button(t("dash.csv"), dash.to_csv(figs, language), file_name=f"hkai-{key}-{language}.csv",
                       mime="text/csv", key=f"dash_csv_{key}", icon=":material/table:")
    with st.expander(t("dash.sources"), expanded=False):
        frame = dash.figures_frame(figs, language).drop(columns=["id", "value", "unit", "currency"])
        st.dataframe(frame, hide_index=True, width="stretch")


def briefing_button() -> None:
    st.download_button(t("dash.briefing"), partial(_deck, lang()), file_name=f"hkai-briefing-{lang()}.pptx",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       key="dash_briefing", icon=":material/slideshow:", type="primary")
