"""Compute: Hong Kong's total against the Cyberport centre, and planned infrastructure."""

import streamlit as st

from components.dashboard import briefing_button, chart, infrastructure_table, kpi_row
from components.state import t

st.title(t("dash.compute_title"))
briefing_button()
kpi_row(["compute_total", "compute_cyberport"])
chart("compute")
st.subheader(t("dash.infrastructure"))
st.html(infrastructure_table())
