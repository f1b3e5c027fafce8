"""Investment: commitments compared in HK$, by programme, with their dates."""

import streamlit as st

from components.dashboard import chart, kpi_row
from components.state import lang, t
from hkai import dashboard as dash

st.title(t("dash.investment_title"))
kpi_row(["rd_institute", "cyberport_web3", "web3hub_fund", "web3hub_phase1"])
chart("investment")
st.subheader(t("dash.table_by_programme"))
frame = dash.figures_frame(dash.by_category("funding"), lang()).drop(columns=["id", "value", "unit", "currency"])
st.dataframe(frame, hide_index=True, width="stretch")
