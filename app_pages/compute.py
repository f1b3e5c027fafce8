"""Compute: Hong Kong's total against the Cyberport centre, and planned infrastructure."""

import streamlit as st

from components.dashboard import chart, kpi_row
from components.state import lang, t
from hkai import dashboard as dash

st.title(t("dash.compute_title"))
kpi_row(["compute_total", "compute_cyberport"])
chart("compute")
st.subheader(t("dash.infrastructure"))
st.dataframe(dash.infrastructure_frame(lang()), hide_index=True, width="stretch")
