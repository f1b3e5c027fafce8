"""Models & market: the three large models compared, ModelScope, launch-day share moves."""

import streamlit as st

from components.dashboard import chart, kpi_row
from components.state import lang, t
from hkai import dashboard as dash

st.title(t("dash.market_title"))
st.subheader(t("dash.models_table"))
st.caption(t("dash.models_note"))
st.table(dash.models_frame(lang()).set_index(dash.models_frame(lang()).columns[0]))
st.subheader(t("dash.modelscope"))
kpi_row(["modelscope_users", "modelscope_models", "modelscope_downloads"])
chart("market")
kpi_row(["alibaba_close", "alibaba_turnover"])
