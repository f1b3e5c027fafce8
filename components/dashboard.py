"""Dashboard building blocks: KPI cards with provenance, charts that take in
the visitor's own figures, exports and the briefing deck (none of them while
presenting)."""

from __future__ import annotations

from functools import lru_cache, partial
from urllib.parse import urlsplit

import streamlit as st

from hkai import dashboards as dash
from hkai.dashboards.charts import Style

from .safe import html_text, table_html
from .state import get_library, lang, link_params, presenting, t, visible_owners


def my_figures() -> list[dash.data.VisitorFigure]:
    """Figures in the documents this visitor added (or shared ones beyond the
    seeds), normalised to the dashboards' units; recomputed only when those
    documents change."""
    lib = get_library(wait=False)  # the shipped figures paint while the library loads
    if lib is None:
        return []
    seeds = set(dash.data.seed_sources())
    records = [r for r in lib.documents(visible_owners()) if r.doc_id not in seeds]
    key = tuple((r.doc_id, r.content_hash) for r in records)
    cached = st.session_state.get("dash_mine")
    if cached is None or cached[0] != key:
        docs = [d for r in records if (d := lib.document(r.doc_id, visible_owners())) is not None]
        cached = (key, dash.visitor_figures(docs))
        st.session_state["dash_mine"] = cached
    return cached[1]


# Exports are made when the button is clicked (Streamlit calls these on its own
# thread, outside the script), so they are built from plain arguments and cached, bounded.
@lru_cache(maxsize=16)
def _png(key: str, language: str, mine: tuple) -> bytes:
    return dash.to_png(dash.CHARTS[key](language, mine=list(mine)), language, scale=3)


@lru_cache(maxsize=16)
def _svg(key: str, language: str, mine: tuple) -> str:
    return dash.to_svg(dash.CHARTS[key](language, mine=list(mine)), language)


@lru_cache(maxsize=6)
def _deck(language: str, mine: tuple, documents: int, base_url: str) -> bytes:
    return dash.build_deck(language, mine=list(mine), documents=documents, base_url=base_url)


def app_base() -> str:
    """This app's address (the deck's notes link back to it)."""
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "http://localhost:8501"


def kpi(fid: str, container=None) -> None:
    """A headline figure: value, label (wrapping, never cut), its quote and source."""
    f = dash.get(fid)
    where = container or st
    source = dash.source_line(f.doc, lang())
    where.html(f"<div class='hkai-kpi'><div class='hkai-kpi-label'>{html_text(f.label(lang()))}</div>"
               f"<div class='hkai-kpi-value'>{html_text(dash.format_value(f, lang()))}</div>"
               f"<blockquote class='hkai-kpi-quote'>{html_text(f.quote)}</blockquote>"
               f"<div class='hkai-kpi-source'>{html_text(source)}</div></div>")


def kpi_link(fid: str, container=None) -> None:
    """The link from a headline figure to its passage in the viewer."""
    f = dash.get(fid)
    (container or st).page_link("app_pages/documents.py", label=t("ask.open_document"),
                                icon=":material/format_quote:", query_params=link_params(doc=f.doc, quote=f.quote))


# The chart each measure of a visitor's figures joins.
MEASURES = {"investment": "money", "compute": "compute"}


def my_cards(measure: str) -> None:
    """The visitor's own figures of one measure ("money", "compute", "count:"),
    as cards like the curated ones: value as written, what it measures, its
    quote and document, and a link that opens the document at the passage."""
    figures = [f for f in my_figures() if f.metric == measure or (measure.endswith(":") and f.metric.startswith(measure))]
    if not figures or presenting():
        return
    st.markdown(f"**{t('dash.yours_title')}**")
    for start in range(0, len(figures), 3):
        for col, f in zip(st.columns(3), figures[start:start + 3]):
            col.html(f"<div class='hkai-kpi hkai-kpi-mine'><div class='hkai-kpi-label'>{html_text(f.label)}</div>"
                     f"<div class='hkai-kpi-value'>{html_text(f.raw)}</div>"
                     f"<blockquote class='hkai-kpi-quote'>{html_text(f.quote)}</blockquote>"
                     f"<div class='hkai-kpi-source'>{html_text(f.source)}</div></div>")
            col.page_link("app_pages/documents.py", label=t("ask.open_document"), icon=":material/format_quote:",
                          query_params=link_params(doc=f.doc_id, quote=f.quote))


def kpi_row(ids: list[str]) -> None:
    """KPI cards, at most three abreast so values are never cut."""
    per_row = 2 if len(ids) == 4 else min(3, len(ids))
    for start in range(0, len(ids), per_row):
        row = ids[start:start + per_row]
        for col, fid in zip(st.columns(per_row), row):
            kpi(fid, col)
        if not presenting():  # the links in a row of their own, aligned whatever the cards' heights
            for col, fid in zip(st.columns(per_row), row):
                kpi_link(fid, col)


def chart(key: str) -> None:
    language, present = lang(), presenting()
    mine = my_figures()
    spec = dash.CHARTS[key](language, mine=mine, style=Style(present=present))
    # The export keeps its fixed size; on screen the chart takes the page width.
    st.altair_chart(spec.chart.properties(width="container"), width="stretch",
                    height=int(spec.chart.height) + (170 if present else 120), theme=None)
    if present:
        return
    frozen = tuple(mine)
    c1, c2, c3 = st.columns(3)
    c1.download_button(t("dash.png"), partial(_png, key, language, frozen), file_name=f"hkai-{key}-{language}.png",
                       mime="image/png", key=f"dash_png_{key}", icon=":material/image:")
    c2.download_button(t("dash.svg"), partial(_svg, key, language, frozen), file_name=f"hkai-{key}-{language}.svg",
                       mime="image/svg+xml", key=f"dash_svg_{key}", icon=":material/draw:")
    c3.download_button(t("dash.csv"), dash.to_csv(spec, language), file_name=f"hkai-{key}-{language}.csv",
                       mime="text/csv", key=f"dash_csv_{key}", icon=":material/table:")
    with st.expander(t("dash.sources"), expanded=False):
        st.html(table_html(dash.figures_frame(spec.rows, language).to_dict("records"),
                           numeric=(t("col.value"),)))
    if key in MEASURES:
        my_cards(MEASURES[key])


def counts_chart() -> None:
    """The visitor's counts beside the shipped counts of the same unit."""
    spec = dash.counts(lang(), mine=my_figures(), style=Style(present=presenting()))
    if spec is None:
        if not presenting():  # a hint for the visitor, not for the room
            st.caption(t("dash.custom_hint"))
        return
    st.altair_chart(spec.chart, theme=None)
    if not presenting():
        with st.expander(t("dash.sources"), expanded=False):
            st.html(table_html(dash.figures_frame(spec.rows, lang()).to_dict("records"), numeric=(t("col.value"),)))
        my_cards("count:")


def briefing_button() -> None:
    if presenting():
        return
    lib = get_library(wait=False)
    documents = len(lib.documents(visible_owners())) if lib else 2
    st.download_button(t("dash.briefing"), partial(_deck, lang(), tuple(my_figures()), documents, app_base()),
                       file_name=f"hkai-briefing-{lang()}.pptx",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       key="dash_briefing", icon=":material/slideshow:", type="primary")


def infrastructure_table() -> str:
    """The planned infrastructure as an HTML table that wraps (no column is cut off): each project, its
    status and the quote it rests on, then the source."""
    frame = dash.infrastructure_frame(lang())
    name, status, quote, source = frame.columns
    rows = "".join(f"<tr><th>{html_text(r[name])}</th><td>{html_text(r[status])}"
                   f"<span class='hkai-quote'>「{html_text(r[quote])}」</span></td></tr>" for _, r in frame.iterrows())
    return (f"<table class='hkai-rows'>{rows}</table>"
            f"<div class='hkai-slide-source'>{html_text(frame[source].iloc[0])}</div>")


def page(key: str) -> None:
    """A dashboard page as the layout declares it (`hkai.dashboards.layout`): the same blocks the slides and
    the deck are cut from."""
    spec = dash.layout.page(key)
    st.title(t(spec.title))
    if spec.intro:
        st.caption(t(spec.intro))
    briefing_button()
    for block in spec.blocks:
        if block.heading:
            st.subheader(t(block.heading))
        if block.note:
            st.caption(t(block.note))
        if block.kind == "cards":
            kpi_row(list(block.items))
        elif block.kind == "chart":
            chart(block.items[0])
        elif block.kind == "counts":
            counts_chart()
        elif block.kind == "infrastructure":
            st.html(infrastructure_table())
        elif block.kind == "models":
            st.html(models_table())


def models_table() -> str:
    """The large models side by side, one column each, one row per attribute (wide cells: a long list of uses
    wraps in a few lines, not a narrow column of fifteen), every cell quoted as printed, then the source."""
    frame = dash.models_frame(lang())
    names = list(frame[frame.columns[0]])
    head = "<th></th>" + "".join(f"<th>{html_text(n)}</th>" for n in names)
    body = "".join(f"<tr><th>{html_text(col)}</th>" + "".join(f"<td>{html_text(v)}</td>" for v in frame[col]) + "</tr>"
                   for col in frame.columns[1:])
    spec = dash.tables()["models"]
    return (f"<div class='hkai-table-wrap'><table class='hkai-table hkai-models'><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>"
            f"<div class='hkai-slide-source'>{html_text(dash.source_line(spec['doc'], lang()))}</div>")
