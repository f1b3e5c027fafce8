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
from .state import lang, link_params, stop_presenting, t

CSS = """<style>
[data-testid=stSidebar], [data-testid=stSidebarCollapsedControl], [data-testid=stExpandSidebarButton],
[data-testid=stElementToolbar], header[data-testid=stHeader], [data-testid=stToolbar] { display: none !important; }
.stMainBlockContainer { max-width: 1320px; padding: .6rem 2rem 0 2rem !important; }
.stMain { overflow: hidden; }
/* Sized by the screen's height (vh), never below 12 pt (16 px): a slide fills 1366×768 and 1920×1080 alike. */
.stMainBlockContainer { max-width: min(96vw, 2400px); }
.st-key-hkai_slide_chart { display: flex; justify-content: center; }
.st-key-present_prev button p, .st-key-present_next button p, .st-key-present_exit button p { font-size: max(1rem, 2vh); }
.st-key-hkai_slide_chart canvas, .st-key-hkai_slide_chart svg { max-height: calc(100vh - 12.5rem - 9vh) !important;
    max-width: 100% !important; width: auto !important; height: auto !important; }
.hkai-slide-title { font-size: max(2.2rem, 5vh); font-weight: 700; color: #1b1f24; line-height: 1.2;
                    margin: .2rem 0 .1rem 0; }
.hkai-slide-sub { font-size: max(1.2rem, 2.7vh); color: #424a53; margin: 0 0 .4rem 0; }
.hkai-counter { font-size: max(1.1rem, 2.2vh); font-weight: 600; color: #24292f; white-space: nowrap;
                overflow: hidden; text-overflow: ellipsis; text-align: center; }
.hkai-kpi { min-height: var(--kpi-height, auto); display: flex; flex-direction: column; justify-content: center; }
.hkai-kpi-value { font-size: max(2.4rem, min(var(--kpi-value, 8vh), var(--kpi-wide, 4.2vw))); }
.hkai-kpi-label { font-size: max(1.3rem, var(--kpi-label, 3.3vh)); }
.hkai-kpi-quote { font-size: max(1.1rem, var(--kpi-quote, 2.6vh)); color: #24292f; }
.hkai-kpi-source { font-size: max(1rem, var(--kpi-source, 2.1vh)); color: #424a53; }
.hkai-slide-source { font-size: max(1rem, 2vh); color: #424a53; }
/* A table slide's type grows until the table fills the view (FIT below); its parts sized in em of it. */
.hkai-fit { font-size: max(1.4rem, 2.8vh); } .hkai-fit .hkai-rows { font-size: 1em; } .hkai-rows th { width: 22%; }
.hkai-fit .hkai-rows .hkai-quote { font-size: .82em; } .hkai-fit .hkai-slide-source { font-size: .72em; }
[class*=st-key-present_] button, [class*=st-key-present_] a { font-size: 1.05rem !important; white-space: nowrap; }
</style>"""

# Keys move between slides by pressing the bar's own buttons, so the visitor's session (and workspace) stays.
# A press waits until the bar is settled, then presses; the next waits until that press has moved the slide.
# Settled: the counter and the button to press are the current run's (Streamlit marks an element stale,
# data-stale, until the run redraws it; a run draws the bar's buttons one after another) and the counter shows
# the slide the address names. The two can disagree between runs: a move to another page sets the address
# (st.switch_page) before the new page runs, and meanwhile the old page's bar is not stale. Its buttons still
# carry the slides of that page: a press on one would ask for the slide already shown, and be lost.
# A press that leaves the bar settled where it was for 2.5 s (no run began) is pressed again: a bar's buttons
# name their slide (n + 1, n - 1), not a step, so a second press of the same bar can only ask for the same slide.
KEYS = """<script>
(() => {
  const win = window.parent, doc = win.document;
  if (win.__hkaiPresentKeys) return;
  win.__hkaiPresentKeys = true;
  const queue = [];
  let sent = null;  // the last press: the slide shown when it was sent, its button, when, since when still
  let since = 0;  // when the press at the head of the queue began to wait
  const log = win.__hkaiPresentLog = [];  // what the keys did, last 40 (the browser tests print it on a failure)
  const note = (...what) => { log.push([Date.now() % 100000, ...what].join(' ')); if (log.length > 40) log.shift(); };
  const live = (el) => el !== null && el.closest('[data-stale=true]') === null;
  const settled = () => {  // the slide the bar shows, once it is settled; else null
    const c = doc.querySelector('.hkai-counter');
    if (!live(c) || doc.querySelector('[data-testid=stStatusWidget]') !== null) return null;
    const asked = new URLSearchParams(win.location.search).get('slide');
    return asked === null || asked === c.dataset.slide ? c.dataset.slide : null;
  };
  const button = (selector) => [...doc.querySelectorAll(selector)].find(live) || null;
  const press = (selector) => {
    const el = button(selector);
    note('press', selector, el ? (el.disabled ? 'disabled' : 'live') : 'none', settled(), win.location.search);
    if (!el || el.disabled) return false;
    if (doc.activeElement) doc.activeElement.blur();
    el.click();
    return true;
  };
  const pump = () => {
    if (!queue.length && !sent) return;
    const now = settled();
    if (sent && now !== null && now !== sent.slide) { note('moved', now); sent = null; since = Date.now(); }
    if (sent && Date.now() - sent.at < 30000) {
      if (now === null) sent.still = null;  // a run is under way
      else if (sent.still === null) sent.still = Date.now();
      else if (Date.now() - sent.still > 2500) { press(sent.selector); sent.still = null; }  // it was lost
      setTimeout(pump, 80);
      return;
    }
    sent = null;
    if (!queue.length) return;
    if (Date.now() - since < 30000 && (now === null || button(queue[0]) === null)) {  // the bar drawn to its end
      setTimeout(pump, 80);
      return;
    }
    const selector = queue.shift();
    if (press(selector)) sent = {slide: now, selector: selector, at: Date.now(), still: null};
    since = Date.now();
    setTimeout(pump, 80);
  };
  doc.addEventListener('keydown', (e) => {
    const t = e.target && e.target.tagName;
    if (t === 'INPUT' || t === 'TEXTAREA' || e.altKey || e.ctrlKey || e.metaKey) return;
    let selector = null;
    if (['ArrowRight', 'PageDown', ' ', 'Spacebar'].includes(e.key)) selector = '.st-key-present_next button';
    else if (['ArrowLeft', 'PageUp'].includes(e.key)) selector = '.st-key-present_prev button';
    else if (e.key === 'Escape') selector = '.st-key-present_exit button';
    if (!selector || !doc.querySelector('.hkai-counter')) return;  // not presenting (any more)
    e.preventDefault();
    note('key', e.key, settled(), queue.length, sent ? sent.slide : '-');
    queue.push(selector);
    if (queue.length === 1 && !sent) { since = Date.now(); pump(); }
  }, true);
})();
</script>"""


# A table slide (a model's row, the planned infrastructure) fills the view: its type grows in steps while the
# table ends above the view's bottom and shrinks while it runs past it, never below 12 pt (its smallest part, the
# source line, at .72 em of 22.3 px is 16 px). Fitted whenever the page changes (a slide drawn by a rerun may
# reuse the elements of the one before, so the script is not run again) and when the window is resized.
FIT = """<script>
(() => {
  const win = window.parent, doc = win.document;
  const fit = () => {
    const box = doc.querySelector('.hkai-fit');
    if (!box) return;
    const main = doc.querySelector('[data-testid=stMain]') || doc.documentElement;
    let size = parseFloat(win.getComputedStyle(box).fontSize);
    // how far the page runs past the view's bottom (what follows the table included), and where the table ends
    const over = () => Math.max(doc.documentElement.scrollHeight, main.scrollHeight) - win.innerHeight;
    const bottom = () => box.getBoundingClientRect().bottom;
    const grow = (k) => { size *= k; box.style.fontSize = size + 'px'; };
    for (let i = 0; i < 60 && over() <= 0 && bottom() < win.innerHeight * 0.92 && size < 80; i++) grow(1.04);
    for (let i = 0; i < 60 && over() > 0 && size > 22.3; i++) grow(1 / 1.04);
  };
  if (!win.__hkaiFit) {
    let timer = null;
    const later = () => { clearTimeout(timer); timer = setTimeout(fit, 60); };
    win.__hkaiFit = new MutationObserver(later);
    win.__hkaiFit.observe(doc.body, {childList: true, subtree: true, characterData: true});
    win.addEventListener('resize', later);
  }
  [0, 150, 600].forEach((ms) => setTimeout(fit, ms));
})();
</script>"""


def show(page_key: str, pages: dict) -> None:
    """The current slide of `page_key`'s dashboard; `pages` maps page keys to st.Page objects."""
    st.html(CSS)
    mine = my_figures()
    slides = deck_slides(has_counts=dash.counts(lang(), mine=mine) is not None)
    if st.session_state.pop("present_exit", False):
        stop_presenting()
        st.rerun()
    target = st.session_state.pop("present_to", None)
    if target is not None and 0 <= target < len(slides):  # a button or a key asked for another slide
        if slides[target].page != page_key:
            st.switch_page(pages[slides[target].page], query_params=link_params(present="1", slide=str(target)))
        st.query_params["slide"] = str(target)  # set while the script runs: the address shows it at once
    asked = _slide_number(st.query_params.get("slide"), len(slides))
    if asked is not None and slides[asked].page != page_key:  # a shared ?slide= link of another page: go there
        st.switch_page(pages[slides[asked].page], query_params=link_params(present="1", slide=str(asked)))
    n = current(slides, page_key, st.query_params.get("slide"))
    if st.query_params.get("slide") not in (None, str(n)):  # a slide out of range: the address names the one shown
        st.query_params["slide"] = str(n)
    _bar(slides, n, pages, page_key)
    slide = slides[n]
    st.html(f"<div class='hkai-slide-title'>{html_text(t(slide.title_key))}</div>")
    {"kpis": _kpis, "chart": _chart, "counts": _counts, "infrastructure": _infrastructure,
     "model": _model}[slide.kind](slide, mine)
    # One element (each costs the slide a gap), last: its mark says the slide is drawn to its end.
    st.html(f"<div class='hkai-slide-end' data-slide='{n}'></div>{KEYS}{FIT}", unsafe_allow_javascript=True)


def _slide_number(asked: str | None, total: int) -> int | None:
    try:
        n = int(asked or "")
    except ValueError:
        return None
    return n if 0 <= n < total else None


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
    here.html(f"<div class='hkai-counter' data-slide='{n}'>{html_text(t(f'nav.{page_key}'))} · {k} / {of} "
              f"<span style='color:#424a53'>({n + 1} / {len(slides)})</span></div>")
    with nxt.container(key="present_next"):
        st.button(t("present.next"), icon=":material/arrow_forward:", disabled=n + 1 >= len(slides),
                  width="stretch", on_click=_go, args=(n + 1,))
    with out.container(key="present_exit"):
        st.button(t("present.exit"), icon=":material/close:", on_click=_leave, width="stretch")


def _kpis(slide: Slide, mine) -> None:
    """The figure cards, as tall as the screen leaves for their rows, their type sized to it."""
    ids = list(slide.items)
    per_row = 2 if len(ids) == 4 else len(ids)
    rows = -(-len(ids) // per_row)
    scale = 1.0 if rows == 1 else 0.72
    st.html(f"<style>:root {{ --kpi-height: calc((100vh - 11rem - 7vh) / {rows} - {1.2 * (rows - 1)}rem); "
            f"--kpi-value: {9 * scale:.1f}vh; --kpi-label: {3.4 * scale:.1f}vh; --kpi-quote: {2.7 * scale:.1f}vh; "
            f"--kpi-source: {2.2 * scale:.1f}vh; --kpi-wide: {10.8 / per_row:.2f}vw; }}</style>")
    for start in range(0, len(ids), per_row):
        for col, fid in zip(st.columns(per_row), ids[start:start + per_row]):
            kpi(fid, col)


def _chart(slide: Slide, mine) -> None:
    """The chart under its own title, as tall as the view leaves room for, its sources under it."""
    spec = dash.CHARTS[slide.items[0]](lang(), mine=mine, style=Style(present=True, titled=False, fit=True))
    st.html(f"<div class='hkai-slide-sub hkai-chart-title'>{html_text(spec.title)}</div>")
    with st.container(key="hkai_slide_chart"):
        st.altair_chart(spec.chart.properties(width=1700), theme=None)  # scaled down to the screen by CSS
    st.html(f"<div class='hkai-slide-source'>{html_text(' · '.join(spec.short_sources(lang())))}</div>")


def _counts(slide: Slide, mine) -> None:
    spec = dash.counts(lang(), mine=mine, style=Style(present=True, fit=True))
    if spec is not None:
        st.altair_chart(spec.chart, theme=None)


def _infrastructure(slide: Slide, mine) -> None:
    st.html(f"<div class='hkai-slide-sub'>{html_text(t('dash.infrastructure'))}</div>"
            f"<div class='hkai-fit'>{infrastructure_table()}</div>")


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
            f"<div class='hkai-fit'><table class='hkai-rows'>{cells}</table>"
            f"<div class='hkai-slide-source'>{html_text(dash.source_line(spec['doc'], reader))}</div></div>")


def _cell(text: str, reader: str) -> str:
    """A cell as printed (in the reader's Chinese script; quoted for an English reader)."""
    return f"「{text}」" if reader == "en" else to_script(text, reader)

