"""Compute: Hong Kong's total against the Cyberport centre, and planned infrastructure."""

import streamlit as st

from components.dashboard import briefing_button, chart, kpi_row
from components.state import lang, presenting, t
from hkai import dashboards as dash

st.title(t("dash.compute_title"))
briefing_button()
kpi_row(["compute_total", "compute_cyberport"])
chart("compute")
st.subheader(t("dash.infrastructure"))
frame = dash.infrastructure_frame(lang())
if presenting():
    st.table(frame.set_index(frame.columns[0]))
else:
    st.dataframe(frame, hide_index=True, width="stretch")
