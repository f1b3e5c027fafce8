"""Overview: headline figures with their quotes, the milestones, and the
counts found in the visitor's own documents."""

import streamlit as st

from components.dashboard import briefing_button, chart, counts_chart, kpi_row
from components.state import t

st.title(t("dash.overview_title"))
st.caption(t("dash.overview_intro"))
briefing_button()
kpi_row(["compute_total", "compute_cyberport", "rd_institute"])
kpi_row(["innohk_labs", "nm_land", "modelscope_users"])
chart("timeline")
counts_chart()
