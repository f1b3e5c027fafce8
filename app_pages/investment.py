"""Investment: commitments compared in HK$, the visitor's amounts among them."""

import streamlit as st

from components.dashboard import briefing_button, chart, kpi_row
from components.state import t

st.title(t("dash.investment_title"))
briefing_button()
kpi_row(["rd_institute", "cyberport_web3", "web3hub_fund", "web3hub_phase1"])
chart("investment")
