"""Overview: headline figures with their quotes, and the milestones."""

import streamlit as st

from components.dashboard import briefing_button, chart, kpi_row
import pandas as pd

from components.state import lang, t
from hkai import dashboard as dash

st.title(t("dash.overview_title"))
st.caption(t("dash.overview_intro"))
briefing_button()
kpi_row(["compute_total", "compute_cyberport", "rd_institute"])
kpi_row(["innohk_labs", "nm_land", "modelscope_users"])
chart("timeline")

custom = st.session_state.get("dash_custom", [])
if custom:  # figures the visitor picked from documents on the Documents page
    st.altair_chart(dash.custom_chart(custom, lang()), theme=None)
    st.dataframe(pd.DataFrame(custom).drop(columns=["key"]), hide_index=True, width="stretch")
else:
    st.caption(t("dash.custom_hint"))
