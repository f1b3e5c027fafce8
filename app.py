"""HK AI Observatory: the entry point. Owns navigation and the shared frame."""

import logging

import streamlit as st

from components import present
from components.safe import md_escape
from components.state import (
    answer_mode,
    get_library,
    get_settings,
    lang,
    library_ready,
    link_params,
    owner,
    presenting,
    start_presenting,
    t,
    visible_owners,
    workspace_token,
)
from hkai.core import i18n

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
logger = logging.getLogger("hkai.app")

st.set_page_config(page_title="HK AI Observatory", page_icon="assets/icon.png", layout="wide")
st.html("""<style>
.hkai-passage, .hkai-doc { line-height: 1.7; font-size: 1.02rem; }
.hkai-doc { max-height: 28rem; overflow-y: auto; padding: .5rem .75rem; border-left: 3px solid #d0d7de; }
mark { background: #fff3b0; padding: 0 .1em; }
.hkai-page { display: block; margin: .8rem 0 .3rem 0; padding-top: .3rem; border-top: 1px dashed #d0d7de;
             color: #57606a; font-size: .8rem; font-weight: 600; }
.hkai-page:first-child { margin-top: 0; border-top: none; }
mark.hkai-bad { background: #ffd8d3; }
mark.hkai-span { background: #ffe066; font-weight: 700; padding: 0 .15em; border-bottom: 2px solid #c77c02; }
sup.hkai-fn { color: #8c959f; font-size: .7em; }
.hkai-answer p { margin: 0 0 .6rem 0; line-height: 1.7; font-size: 1.02rem; }
.hkai-text { line-height: 1.6; overflow-wrap: anywhere; }
.hkai-translation { line-height: 1.6; padding: .4rem .6rem; background: #f3f5f8; border-radius: .3rem; }
.hkai-kpi { border: 1px solid #d0d7de; border-radius: .5rem; padding: .8rem 1rem; height: 100%; }
/* cards in a row as tall as the tallest */
.stVerticalBlock:has(> .stElementContainer .hkai-kpi) > .stElementContainer { flex: 1 1 auto; }
.stHtml:has(> .hkai-kpi) { height: 100%; }
.hkai-kpi-label { font-size: .95rem; color: #1b1f24; font-weight: 600; line-height: 1.35; }
.hkai-kpi-value { font-size: 2.1rem; color: #b3261e; font-weight: 700; line-height: 1.25; margin: .2rem 0; }
.hkai-kpi-quote { margin: .3rem 0; padding-left: .6rem; border-left: 3px solid #d0d7de; color: #424a53;
                  font-size: .9rem; line-height: 1.5; }
.hkai-kpi-source { font-size: .8rem; color: #57606a; }
.hkai-kpi-mine { border-color: #c77c02; border-width: 2px; }
.hkai-rows { width: 100%; border-collapse: collapse; color: #1b1f24; }
.hkai-rows th { text-align: left; font-weight: 700; padding: .45rem .6rem; vertical-align: top; width: 30%;
                border-bottom: 1px solid #d0d7de; color: #1b1f24; }
.hkai-rows td { padding: .45rem .6rem; vertical-align: top; border-bottom: 1px solid #d0d7de; line-height: 1.5; }
.hkai-rows .hkai-quote { display: block; font-size: .92rem; color: #424a53; margin-top: .2rem; }
.hkai-slide-source { font-size: .85rem; color: #57606a; margin-top: .5rem; }
.hkai-table-wrap { max-height: 32rem; overflow-y: auto; }
.hkai-table { width: 100%; border-collapse: collapse; font-size: .9rem; color: #1b1f24; }
.hkai-table th { text-align: left; font-weight: 600; padding: .35rem .5rem; border-bottom: 2px solid #d0d7de;
                 background: #f6f8fa; position: sticky; top: 0; }
.hkai-table td { padding: .35rem .5rem; border-bottom: 1px solid #e5e8eb; vertical-align: top; line-height: 1.45;
                 overflow-wrap: anywhere; }
.hkai-table td.hkai-num { text-align: right; white-space: nowrap; }
.hkai-models th:first-child { width: 14%; } .hkai-models tbody th { background: #f6f8fa; font-weight: 600; }
.hkai-models td { width: 28%; }
/* A table's headers and cells wrap by words, never a character a line (a narrow CJK column) */
.hkai-table th, .hkai-table td { word-break: keep-all; min-width: 4.5em; }
[class*=st-key-ask_suggest] button p { white-space: normal !important; text-align: left; }
/* A link under a card wraps in a narrow column instead of being cut ("Open the document at this passag") */
[data-testid=stPageLink] a, [data-testid=stPageLink] p, [data-testid=stPageLink] span { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
.hkai-table td.hkai-short, .hkai-table th { white-space: nowrap; }
/* The sidebar's header keeps its collapse button but not a tall empty band: the library's lines at its foot
   stay in view at 1366x768 without scrolling. */
[data-testid=stSidebarHeader] { height: 2.6rem; min-height: 2.6rem; padding-top: .4rem; padding-bottom: 0; }
[data-testid=stSidebarUserContent] { padding-top: .2rem; padding-bottom: 1rem; }
[data-testid=stSidebarUserContent] [data-testid=stVerticalBlock] { gap: .6rem; }
</style>""")

# The page's language, so the browser picks the reader's glyphs (内 in Simplified, 內 in Traditional) and
# screen readers the reader's voice; the value is one of three fixed codes, never the visitor's text.
st.html(f"<script>window.parent.document.documentElement.lang = '{lang()}';</script>", unsafe_allow_javascript=True)

with st.sidebar:
    st.markdown(f"### {t('app.title')}")
    st.caption(t("app.tagline"))
    codes = list(i18n.LANGUAGES)

    def _switch_language() -> None:
        st.session_state["app_lang"] = st.session_state["app_language"]
        st.query_params["lang"] = st.session_state["app_language"]

    st.selectbox(t("sidebar.language"), codes, index=codes.index(lang()), format_func=lambda c: i18n.LANGUAGES[c],
                 key="app_language", on_change=_switch_language)

ask = st.Page("app_pages/ask.py", title=t("nav.ask"), icon=":material/chat:", default=True)
dashboards = [
    st.Page("app_pages/overview.py", title=t("nav.overview"), icon=":material/dashboard:", url_path="overview"),
    st.Page("app_pages/investment.py", title=t("nav.investment"), icon=":material/payments:", url_path="investment"),
    st.Page("app_pages/compute.py", title=t("nav.compute"), icon=":material/memory:", url_path="compute"),
    st.Page("app_pages/market.py", title=t("nav.market"), icon=":material/monitoring:", url_path="market"),
]
documents = st.Page("app_pages/documents.py", title=t("nav.documents"), icon=":material/library_books:",
                    url_path="documents")
sections = {t("nav.ask"): [ask], t("nav.dashboards"): dashboards, t("nav.documents"): [documents]}
# The menu is drawn here, not by st.navigation, so every link keeps the language and the workspace.
page = st.navigation(sections, position="hidden")


def ask_link() -> dict:
    """The Ask link's question (and, for a follow-up, what it followed)."""
    history = st.session_state.get("ask_history") or []
    return {"q": history[-1].question, "after": history[-1].after or None} if history else {}


def navigation() -> None:
    with st.sidebar:
        for section, items in sections.items():
            st.caption(section)
            for p in items:
                extra = ask_link() if p is ask else {}
                st.page_link(p, label=p.title, icon=p.icon, query_params=link_params(**extra))


@st.fragment(run_every=0.5)
def loading() -> None:
    """While the library loads: say so, and draw the whole page again once it is there."""
    if library_ready():  # loaded (or failed, which get_library then says): the whole page again, once
        st.rerun(scope="app")
    st.caption(t("ask.loading"))


def sidebar_status(lib) -> None:
    """The library and answer-mode lines at the foot of the sidebar."""
    status = lib.status(owners=visible_owners())
    reader = lang()
    st.caption(f"**{t('sidebar.library')}:** {i18n.plural('sidebar.count_documents', status.documents, reader)} · "
               f"{i18n.plural('docs.passages', status.chunks, reader, n=f'{status.chunks:,}')}")
    if status.dense.loaded:
        mode = t("mode.hybrid", model=status.dense.model)
    elif status.dense.model == "none":
        mode = t("mode.lexical")
    else:
        mode = t("mode.lexical_reason", reason=md_escape(status.dense.reason))
    st.caption(f"**{t('sidebar.retrieval')}:** {mode}")
    llm = get_settings().llm
    if llm is not None:
        def _switch_mode() -> None:
            st.session_state["app_answer_mode"] = st.session_state["app_answer_choice"] or "llm"

        st.segmented_control(t("mode.choose"), ["llm", "extractive"], key="app_answer_choice",
                             default=answer_mode(), format_func=lambda m: t(f"mode.choice.{m}"),
                             on_change=_switch_mode)
    mode = t("mode.llm", model=llm.label) if answer_mode() == "llm" else t("mode.extractive")
    st.caption(f"**{t('sidebar.answer_mode')}:** {mode}")


slides = presenting() and page in dashboards  # presentation mode: the dashboards as slides

try:
    workspace_token()  # the link's ?ws= is read (or refused) before any page asks whose documents to show
    if st.session_state.pop("app_ws_invalid", False):
        st.warning(t("docs.ws_invalid"), icon=":material/link_off:")
    if not slides:
        st.query_params.pop("slide", None)  # a slide means nothing outside the slides
        navigation()
        if page in dashboards:
            st.button(t("present.start"), icon=":material/present_to_all:", key="app_present_start",
                      on_click=start_presenting)
    status_box = st.sidebar.container()  # filled after the page, so it counts what the page just added
    if slides:  # one screen at a time (components/present.py)
        present.show(page.url_path, {p.url_path: p for p in dashboards})
    else:
        page.run()
    lib = get_library(wait=False)
    if lib is not None:
        if owner():
            lib.touch(owner())  # an open workspace is not idle
        lib.purge_if_due()  # idle ones go, hourly at most, in the background
    if not slides:
        with status_box:
            if lib is not None:
                sidebar_status(lib)
            elif not library_ready():
                loading()
except Exception:  # never a traceback in front of a visitor; the operator gets it in the log
    logger.exception("page %s failed", page.url_path or "ask")
    st.error(t("error.generic"))
