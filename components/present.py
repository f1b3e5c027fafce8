"""Presentation mode (`?present=1`): the dashboards as slides for a projector.

One slide at a time (`hkai.dashboards.slides`), sized to fit a 1366×768 screen
and enlarged on a larger one; a bar with previous / where we are / next / exit;
← → PageUp PageDown Space move between slides across the pages, Esc leaves.
Every figure keeps its quote and source; nothing here is a link out."""

from __future__ import annotations

import streamlit as st

from hkai import dashboards as dash
from hkai.core.script import to_script
from hkai.dashboards.charts import Style
from hkai.dashboards.slides import Slide, current, deck_slides, position

from .dashboard import infrastructure_table, kpi, my_figures
from .safe import html_text
from .state import lang, link_params, t

CSS = """<style>
[data-testid=stSidebar], [data-testid=stSidebarCollapsedControl], [data-testid=stExpandSidebarButton],
[data-testid=stElementToolbar], header[data-testid=stHeader], [data-testid=stToolbar] { display: none !important; }
.stMainBlockContainer { max-width: 1320px; padding: .6rem 2rem 0 2rem !important; }
.stMain { overflow: hidden; }
/* Laid out for 1366×768; a taller screen gets larger type (rem) and the chart its full size. */
@media (min-height: 1000px) { html { font-size: 21px; } .stMainBlockContainer { max-width: 1800px; } }
.st-key-hkai_slide_chart canvas, .st-key-hkai_slide_chart svg { max-height: calc(100vh - 15.5rem) !important;
                                                  width: auto !important; height: auto !important; }
.hkai-slide-title { font-size: 2.3rem; font-weight: 700; color: #1b1f24; line-height: 1.2; margin: .2rem 0 .1rem 0; }
.hkai-slide-sub { font-size: 1.25rem; color: #424a53; margin: 0 0 .4rem 0; }
.hkai-counter { font-size: 1.1rem; font-weight: 600; color: #24292f; white-space: nowrap; overflow: hidden;
                text-overflow: ellipsis; text-align: center; }
.hkai-kpi-value { font-size: 2.6rem; } .hkai-kpi-label { font-size: 1.3rem; }
.hkai-kpi-quote { font-size: 1.1rem; color: #24292f; } .hkai-kpi-source { font-size: 1rem; color: #424a53; }
.hkai-rows { font-size: 1.2rem; } .hkai-rows th { width: 22%; }
.hkai-rows .hkai-quote { font-size: 1rem; }
.hkai-slide-source { font-size: 1rem; color: #424a53; }
[class*=st-key-present_] button, [class*=st-key-present_] a { font-size: 1.05rem !important; white-space: nowrap; }
</style>"""

# Keys move between slides by pressing the bar's own buttons, so the visitor's session (and workspace) stays.
KEYS = """<script>
(() => {
  const win = window.parent, doc = win.document;
  if (win.__hkaiPresentKeys) return;
  win.__hkaiPresentKeys = true;
  doc.addEventListener('keydown', (e) => {
    const t = e.target && e.target.tagName;
    if (t === 'INPUT' || t === 'TEXTAREA' || e.altKey || e.ctrlKey || e.metaKey) return;
    // While the page runs again its bar may be redrawn: a key pressed then waits for it (up to 3 s).
    const press = (selector, tries = 30) => {
      e.preventDefault();
      const el = doc.querySelector(selector);
      if (!el) { if (tries > 0) setTimeout(() => press(selector, tries - 1), 100); return; }
      if (el.disabled) return;
      if (doc.activeElement) doc.activeElement.blur();
      el.click();
    };
    if (['ArrowRight', 'PageDown', ' ', 'Spacebar'].includes(e.key)) press('.st-key-present_next button');
    else if (['ArrowLeft', 'PageUp'].includes(e.key)) press('.st-key-present_prev button');
    else if (e.key === 'Escape') press('.st-key-present_exit button');
  }, true);
})();
</script>"""


def show(page_key: str, pages: dict) -> None:
    """The current slide of `page_key`'s dashboard; `pages` maps page keys to st.Page objects."""
    st.html(CSS)
    mine = my_figures()
    slides = deck_slides(has_counts=dash.counts(lang(), mine=mine) is not None)
    if st.session_state.pop("present_exit", False):
        for key in ("present", "slide"):
            st.query_params.pop(key, None)
        st.rerun()
    target = st.session_state.pop("present_to", None)
    if target is not None and 0 <= target < len(slides):  # a button or a key asked for another slide
        if slides[target].page != page_key:
            st.switch_page(pages[slides[target].page], query_params=link_params(present="1", slide=str(target)))
        st.query_params["slide"] = str(target)  # set while the script runs: the address shows it at once
    n = current(slides, page_key, st.query_params.get("slide"))
    _bar(slides, n, pages, page_key)
    slide = slides[n]
    st.html(f"<div class='hkai-slide-title'>{html_text(t(slide.title_key))}</div>")
    {"kpis": _kpis, "chart": _chart, "counts": _counts, "infrastructure": _infrastructure,
     "model": _model}[slide.kind](slide, mine)
    st.html(KEYS, unsafe_allow_javascript=True)


def _go(m: int) -> None:
    """A bar button's callback: the script run that follows moves to slide m."""
    st.session_state["present_to"] = m


def _leave() -> None:
    st.session_state["present_exit"] = True


def _bar(slides: list[Slide], n: int, pages: dict, page_key: str) -> None:
    prev, here, nxt, out = st.columns([2, 3, 2, 2], vertical_alignment="center")
    with prev.container(key="present_prev"):
        st.button(t("present.previous"), icon=":material/arrow_back:", disabled=n == 0, width="stretch",
                  on_click=_go, args=(n - 1,))
    k, of = position(slides, n)
    here.html(f"<div class='hkai-counter'>{html_text(t(f'nav.{page_key}'))} · {k} / {of} "
              f"<span style='color:#424a53'>({n + 1} / {len(slides)})</span></div>")
    with nxt.container(key="present_next"):
        st.button(t("present.next"), icon=":material/arrow_forward:", disabled=n + 1 >= len(slides),
                  width="stretch", on_click=_go, args=(n + 1,))
    with out.container(key="present_exit"):
        st.button(t("present.exit"), icon=":material/close:", on_click=_leave, width="stretch")


def _kpis(slide: Slide, mine) -> None:
    ids = list(slide.items)
    per_row = 2 if len(ids) == 4 else len(ids)
    for start in range(0, len(ids), per_row):
        for col, fid in zip(st.columns(per_row), ids[start:start + per_row]):
            kpi(fid, col)


def _chart(slide: Slide, mine) -> None:
    spec = dash.CHARTS[slide.items[0]](lang(), mine=mine, style=Style(present=True, titled=False, fit=True))
    with st.container(key="hkai_slide_chart"):
        st.altair_chart(spec.chart.properties(width=1150), theme=None)
    st.html(f"<div class='hkai-slide-source'>{html_text(' · '.join(spec.sources))}</div>")


def _counts(slide: Slide, mine) -> None:
    spec = dash.counts(lang(), mine=mine, style=Style(present=True, fit=True))
    if spec is not None:
        st.altair_chart(spec.chart, theme=None)


def _infrastructure(slide: Slide, mine) -> None:
    st.html(f"<div class='hkai-slide-sub'>{html_text(t('dash.infrastructure'))}</div>{infrastructure_table()}")


def _model(slide: Slide, mine) -> None:
    """One model of the comparison table: each cell with its column's label, quoted as printed."""
    spec = dash.tables()["models"]
    row = spec["rows"][slide.items[0]]
    reader = lang()
    labels = spec["column_labels"]["en" if reader == "en" else "zh-Hant"]
    name = row["name_en"] if reader == "en" else to_script(row["name"], reader)
    cells = "".join(f"<tr><th>{html_text(to_script(label, reader))}</th><td>{html_text(_cell(row[col], reader))}</td></tr>"
                    for col, label in zip(spec["columns"], labels) if row[col].strip() not in ("", "—"))
    st.html(f"<div class='hkai-slide-sub'>{html_text(t('dash.models_table'))} · <b>{html_text(name)}</b></div>"
            f"<table class='hkai-rows'>{cells}</table>"
            f"<div class='hkai-slide-source'>{html_text(dash.source_line(spec['doc'], reader))}</div>")


def _cell(text: str, reader: str) -> str:
    """A cell as printed (in the reader's Chinese script; quoted for an English reader)."""
    return f"「{text}」" if reader == "en" else to_script(text, reader)

