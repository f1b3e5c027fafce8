"""Models & market: the three large models compared, ModelScope, launch-day share moves."""

import streamlit as st

from components.dashboard import briefing_button, chart, kpi_row
from components.state import lang, t
from hkai import dashboards as dash

st.title(t("dash.market_title"))
briefing_button()
st.subheader(t("dash.models_table"))
st.caption(t("dash.models_note"))
models = dash.models_frame(lang())
st.table(models.set_index(models.columns[0]))
st.subheader(t("dash.modelscope"))
kpi_row(["modelscope_users", "modelscope_models", "modelscope_downloads"])
chart("market")
kpi_row(["alibaba_close", "alibaba_turnover"])
