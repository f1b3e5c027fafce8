"""HK AI Observatory: the entry point. Owns navigation and the shared frame."""

import logging

import streamlit as st

from components.safe import md_escape
from components.state import answer_mode, get_library, get_settings, lang, t, visible_owners, workspace_token
from hkai import i18n

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
logger = logging.getLogger("hkai.app")

st.set_page_config(page_title="HK AI Observatory", page_icon="assets/icon.png", layout="wide")
st.markdown("""<style>
.hkai-passage, .hkai-doc { line-height: 1.7; font-size: 1.02rem; }
.hkai-doc { max-height: 28rem; overflow-y: auto; padding: .5rem .75rem; border-left: 3px solid #d0d7de; }
mark { background: #fff3b0; padding: 0 .1em; }
mark.hkai-bad { background: #ffd8d3; }
.hkai-answer p { margin: 0 0 .6rem 0; line-height: 1.7; font-size: 1.02rem; }
.hkai-text { line-height: 1.6; white-space: normal; overflow-wrap: anywhere; }
</style>""", unsafe_allow_html=True)

with st.sidebar:
    st.markdown(f"### {t('app.title')}")
    st.caption(t("app.tagline"))
    codes = list(i18n.LANGUAGES)

    def _switch_language() -> None:
        st.session_state["app_lang"] = st.session_state["app_language"]
        st.query_params["lang"] = st.session_state["app_language"]

    st.selectbox(t("sidebar.language"), codes, index=codes.index(lang()), format_func=lambda c: i18n.LANGUAGES[c],
                 key="app_language", on_change=_switch_language)

pages = {
    t("nav.ask"): [st.Page("app_pages/ask.py", title=t("nav.ask"), icon=":material/chat:", default=True)],
    t("nav.dashboards"): [
        st.Page("app_pages/overview.py", title=t("nav.overview"), icon=":material/dashboard:", url_path="overview"),
        st.Page("app_pages/investment.py", title=t("nav.investment"), icon=":material/payments:", url_path="investment"),
        st.Page("app_pages/compute.py", title=t("nav.compute"), icon=":material/memory:", url_path="compute"),
        st.Page("app_pages/market.py", title=t("nav.market"), icon=":material/monitoring:", url_path="market"),
    ],
    t("nav.documents"): [st.Page("app_pages/documents.py", title=t("nav.documents"), icon=":material/library_books:",
                                 url_path="documents")],
}
presenting = st.query_params.get("present") == "1"
page = st.navigation(pages, position="hidden" if presenting else "sidebar")
if presenting:  # presentation mode: no sidebar, larger type for a projector
    st.markdown("""<style>
    [data-testid=stSidebar], [data-testid=stSidebarCollapsedControl] { display: none; }
    .stMainBlockContainer { max-width: 1400px; }
    .stMarkdown p, .stCaption p { font-size: 1.2rem !important; }
    [data-testid=stMetricValue] { font-size: 3rem !important; }
    h1 { font-size: 3rem !important; }
    </style>""", unsafe_allow_html=True)


def sidebar_status(lib) -> None:
    """The library and answer-mode lines at the foot of the sidebar."""
    status = lib.status(owners=visible_owners())
    st.markdown(f"**{t('sidebar.library')}**")
    c1, c2 = st.columns(2)
    c1.metric(t("sidebar.documents"), status.documents)
    c2.metric(t("sidebar.chunks"), status.chunks)
    if status.dense.loaded:
        mode = t("mode.hybrid", model=status.dense.model)
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


try:
    lib = get_library()
    workspace_token()  # the link's ?ws= is read (or refused) before any page asks whose documents to show
    if st.session_state.pop("app_ws_invalid", False):
        st.warning(t("docs.ws_invalid"), icon=":material/link_off:")
    status_box = st.sidebar.container()  # filled after the page, so it counts what the page just added
    page.run()
    if lib is not None and not presenting:
        with status_box:
            sidebar_status(lib)
except Exception:  # never a traceback in front of a visitor; the operator gets it in the log
    logger.exception("page %s failed", page.url_path or "ask")
    st.error(t("error.generic"))
